package sms

import (
	"strings"
	"testing"
)

// FuzzNormalize checks that Normalize never panics, that what it accepts is
// an 84… mobile number that normalises to itself, and that its error never
// repeats the input.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"0912345678", "+84912345678", "84912345678", "0084 912 345 678",
		"02438253536", "", "+", "84", "0", "８４", "0912345678\x00", "(091) 234-5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		n, err := Normalize(p)
		if err != nil {
			if n != "" {
				t.Fatalf("Normalize(%q) = %q with error %v", p, n, err)
			}
			if !IsPermanent(err) {
				t.Fatalf("Normalize(%q): error %v is not permanent", p, err)
			}
			if len(p) >= 4 && strings.Contains(err.Error(), p) {
				t.Fatalf("Normalize(%q): error %q repeats the input", p, err)
			}
			return
		}
		if len(n) != 11 || !strings.HasPrefix(n, "84") || strings.Trim(n, "0123456789") != "" ||
			!strings.ContainsRune("35789", rune(n[2])) {
			t.Fatalf("Normalize(%q) = %q: not an 84 mobile number", p, n)
		}
		if again, err := Normalize(n); err != nil || again != n {
			t.Fatalf("Normalize(%q) = %q, %v; not idempotent", n, again, err)
		}
	})
}
