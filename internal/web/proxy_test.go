package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProxies(t *testing.T) {
	ps, err := ParseProxies(" 10.0.0.0/8, 127.0.0.1 ,::1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("a bad CIDR is accepted")
	}
	if _, err := ParseProxies("proxy.example"); err == nil {
		t.Error("a host name is accepted")
	}
	tests := []struct {
		name, remote, xff, proto string
		wantAddr                 string
		wantHTTPS                bool
	}{
		{"untrusted peer: headers ignored", "203.0.113.9:5000", "1.2.3.4", "https", "203.0.113.9:5000", false},
		{"trusted peer", "10.1.2.3:5000", "198.51.100.7", "https", "198.51.100.7:0", true},
		{"client spoofs a hop before the proxy", "10.1.2.3:5000", "6.6.6.6, 198.51.100.7", "http", "198.51.100.7:0", false},
		{"chain of trusted proxies", "127.0.0.1:5000", "198.51.100.7, 10.9.9.9", "https", "198.51.100.7:0", true},
		{"garbled hop", "10.1.2.3:5000", "not-an-ip", "", "10.1.2.3:0", false},
		{"no header", "[::1]:5000", "", "", "[::1]:0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotAddr string
			var gotHTTPS bool
			h := ps.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotAddr, gotHTTPS = r.RemoteAddr, IsHTTPS(r)
			}))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if gotAddr != tt.wantAddr || gotHTTPS != tt.wantHTTPS {
				t.Errorf("got %q https=%v, want %q https=%v", gotAddr, gotHTTPS, tt.wantAddr, tt.wantHTTPS)
			}
		})
	}
}
