package mailbox

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that any bytes a client sends decode without a panic
// into valid UTF-8 the page can show.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "Subject: x\r\n\r\nbody", "\r\n\r\n", "Content-Type: multipart/mixed\r\n\r\n",
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n",
		"Subject: =?utf-8?B?////?=\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!",
		"Content-Type: text/plain; charset=\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n",
		"Subject: \xff\xfe\r\n\r\n\xc3\x28",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		x := parse(raw)
		for _, s := range append([]string{x.From, x.HeaderTo, x.Cc, x.Subject, x.MessageID, x.Ref, x.Date, x.Text, x.HTML}, x.Problems...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		for _, a := range x.Attachments {
			if !utf8.ValidString(a.Name) {
				t.Fatalf("invalid UTF-8 name %q", a.Name)
			}
		}
		if x.Size != len(raw) {
			t.Fatalf("size %d of %d bytes", x.Size, len(raw))
		}
	})
}
