package store

import (
	"net/url"
	"testing"
)

func TestPgDSN(t *testing.T) {
	for _, tc := range []struct{ in, jit, searchPath string }{
		{"postgres://u@h:5432/db", "off", ""},
		{"postgres://u@h:5432/db?sslmode=disable&search_path=s1", "off", "s1"},
		{"postgres://u@h:5432/db?jit=on", "on", ""},
	} {
		u, err := url.Parse(pgDSN(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Query().Get("jit"); got != tc.jit {
			t.Errorf("%s: jit=%q, want %q", tc.in, got, tc.jit)
		}
		if got := u.Query().Get("search_path"); got != tc.searchPath {
			t.Errorf("%s: search_path=%q, want %q", tc.in, got, tc.searchPath)
		}
	}
}
