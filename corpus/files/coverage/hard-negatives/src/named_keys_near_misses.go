package sctp

// Near misses for the named long-tail key rules: provider names beside values that are no keys.

func caps() bool {
	return ipStackCaps.ipv4MappedIPv6Enabled
}

const (
	helpscoutClient   = "helpscout-python-client-v2"
	weatherbitBaseURL = "https://api.weatherbit.io/v2.0/current"
	zerobounceEnvName = "ZEROBOUNCE_API_KEY"
)

var apolloCache = "7f3c9e1a5b2d48f06c1e9a3b7d5f2e80" // apollo cache digest, no key word
