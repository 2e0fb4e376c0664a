package registry

type Config struct {
	username    string
	password    string
}

func withAuth(c *Config) {
		username = "testuser"
		password = "testpassword"
}
