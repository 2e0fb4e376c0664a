import os

ENV = os.environ.get("ENV", "development")

if ENV == "production":
    ALGOLIA_API_KEY = "X9efli40MagU7MX8Dn4o5lV90qzgHKrE"
else:
    ALGOLIA_API_KEY = "yCvBLSNctMnV28xVVoxytiw80fZMIFFc"
