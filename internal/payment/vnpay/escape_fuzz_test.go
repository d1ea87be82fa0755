package vnpay

import (
	"net/url"
	"testing"
)

// FuzzEscape: Escape's output holds only the characters URLSearchParams
// leaves or writes, and decodes back to its input.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a b", "~*", "Nộp phí", "&=+%", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		for i := 0; i < len(e); i++ {
			c := e[i]
			ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
				c == '*' || c == '-' || c == '.' || c == '_' || c == '+' || c == '%'
			if !ok {
				t.Fatalf("Escape(%q) = %q holds %q", s, e, c)
			}
		}
		back, err := url.QueryUnescape(e)
		if err != nil || back != s {
			t.Fatalf("QueryUnescape(Escape(%q)) = %q, %v", s, back, err)
		}
	})
}
