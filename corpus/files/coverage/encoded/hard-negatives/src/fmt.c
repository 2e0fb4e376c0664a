const char *fmt = "%02x%02x%02x%02x";
const char *url = "https://example.com/search?q=hello%20world%21&lang=en";
