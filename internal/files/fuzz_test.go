package files

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/apperr"
)

// FuzzReadMultipart reads arbitrary bodies under the boundary XX: never a
// panic nor an internal error, always a domain error or a reading whose
// text is clean; afterwards (discarded or refused) nothing is left on disk.
func FuzzReadMultipart(f *testing.F) {
	pdf := string(testPDF)
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	for _, s := range []string{
		"--XX\nContent-Disposition: form-data; name=\"a\"\n\nb\n--XX--\n",
		"--XX\nContent-Disposition: form-data; name=\"doc.x\"; filename=\"a.pdf\"\n\n" + pdf + "\n--XX--\n",
		"--XX\nContent-Disposition: form-data; name=\"doc.x\"; filename=\"" + strings.Repeat("ễ", 80) + ".pdf\"\n\n" + pdf + "\n--XX--\n",
		"--XX\nContent-Disposition: form-data; name=\"doc.x\"; filename=\"a.pdf\"\n\n" + pdf,
		"--XX\nContent-Disposition: form-data; name=\"a\"\n\nb",
		"--XX\nContent-Disposition: form-data; name=\"a\xff\"\n\nb\n--XX--\n",
		"--XX\nContent-Disposition: form-data; name=\"a\"\n\nb\x00\n--XX--\n",
		"--XX\nno colon\n\nx\n--XX--\n",
		"--XX\nContent-Disposition: form-data; name=\"doc.x\"; filename=\"a.txt\"\n\nplain\n--XX--\n",
		"--XX\nContent-Disposition: form-data; name=\"doc.x\"; filename=\"\"\n\n\n--XX--\n",
		"--XX--\n",
		"",
	} {
		f.Add([]byte(crlf(s)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		l, err := NewLocal(dir)
		if err != nil {
			t.Fatal(err)
		}
		m, err := read(t, l, "multipart/form-data; boundary=XX", b, len(b)%2 == 0)
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Kind == apperr.Internal {
				t.Fatalf("not a domain error: %v", err)
			}
		} else {
			for k, v := range m.Fields {
				if !apperr.TextOK(k) || !apperr.TextOK(v) {
					t.Fatalf("unclean field %q=%q", k, v)
				}
			}
			for _, u := range m.Uploads {
				if !utf8.ValidString(u.Filename) || len(u.Filename) > MaxFilename || !apperr.TextOK(u.Field) {
					t.Fatalf("unclean upload %q %q", u.Field, u.Filename)
				}
			}
			m.Discard()
		}
		if left := filesIn(t, dir); len(left) > 0 {
			t.Fatalf("left %v", left)
		}
	})
}
