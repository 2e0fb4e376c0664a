package proxy

import "testing"

// Masking credentials in proxy URLs. The hosts are reserved for documentation and tests
// (RFC 2606, RFC 6761): nothing there takes a login.
func TestMaskCredentials(t *testing.T) {
	tests := []struct{ rawURL, maskedURL string }{
		{rawURL: "http://USER%40corp:pa%3Fsword@proxy.example.com:3128/", maskedURL: "http://xxxxx:xxxxx@proxy.example.com:3128/"},
		{rawURL: "http://svc:Zr4x9Qm2Lk7w@mq.staging.test:5672/vhost", maskedURL: "http://xxxxx:xxxxx@mq.staging.test:5672/vhost"},
	}
	for _, tc := range tests {
		if got := MaskCredentials(tc.rawURL); got != tc.maskedURL {
			t.Errorf("got %q, want %q", got, tc.maskedURL)
		}
	}
}
