package auth

import (
	"strings"
	"testing"
)

func TestThrottleKeysAreBounded(t *testing.T) {
	short, long := key("u", "a"), key("u", strings.Repeat("x", 1<<20))
	if len(short) != len(long) || len(long) != 2+64 {
		t.Fatalf("key lengths %d and %d, want 66", len(short), len(long))
	}
	if key("u", NormaliseUsername(" Hang.Trong ")) != key("u", "hang.trong") {
		t.Error("the key depends on case or spaces")
	}
	if key("u", "x") == key("a", "x") {
		t.Error("kinds share keys")
	}
}

func TestOneTimePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := OneTimePassword()
		if len(p) != 12 || strings.ContainsAny(p, "0O1lI") || seen[p] {
			t.Fatalf("one-time password %q", p)
		}
		seen[p] = true
	}
}
