package result

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

var signInfo = SignInfo{
	Name:     "Nguyễn Thị Hồng Nhung",
	Reason:   "Kết quả giải quyết thủ tục hành chính, hồ sơ 000.00.01.H29-260205-0001",
	Location: "Hà Nội",
	Contact:  "motcua@example.vn",
}

// pdfsig runs poppler's pdfsig on data and returns its report.
func pdfsig(t *testing.T, data []byte) string {
	t.Helper()
	bin := tool(t, "pdfsig")
	f := filepath.Join(t.TempDir(), "result.pdf")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// pdfsig exits non-zero for some findings; the report is what counts.
	out, _ := exec.Command(bin, f).CombinedOutput()
	return string(out)
}

// signedByDemo renders the sample result and signs it with a unit
// certificate of a fresh demo CA, through the KeyStore.
func signedByDemo(t *testing.T) ([]byte, *DemoCA) {
	t.Helper()
	ca, err := OpenDemoCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.EnsureUnit("000.00.01.H29", "Ủy ban nhân dân phường Ba Đình"); err != nil {
		t.Fatal(err)
	}
	ks, err := OpenKeyStore(ca.KeyDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := ks.Sign(context.Background(), "000.00.01.H29", renderSample(t), signInfo)
	if err != nil {
		t.Fatal(err)
	}
	return out, ca
}

// changed returns a copy of signed whose page is a hundredth of a point
// taller: one byte of the first signed range, the file still well formed.
func changed(t *testing.T, signed []byte) []byte {
	t.Helper()
	i := bytes.Index(signed, []byte("842.00 ]"))
	if i < 0 {
		t.Fatal("no A4 MediaBox in the PDF")
	}
	out := bytes.Clone(signed)
	out[i+5] = '1'
	return out
}

// TestSignedByDemoCA: poppler's pdfsig and Verify both accept a result
// signed with a demo unit certificate, and both see the whole file signed.
func TestSignedByDemoCA(t *testing.T) {
	signed, ca := signedByDemo(t)

	v, err := Verify(signed, ca.Roots())
	if err != nil {
		t.Fatal(err)
	}
	if !v.Valid() || len(v.Signatures) != 1 {
		t.Fatalf("Verify: %+v", v)
	}
	s := v.Latest()
	if !s.Intact || !s.WholeFile || !s.Trusted || s.Problem != "" {
		t.Errorf("signature: %+v", s)
	}
	if !strings.Contains(s.Subject(), "CN=Ủy ban nhân dân phường Ba Đình") {
		t.Errorf("subject %q", s.Subject())
	}
	if d := time.Since(s.SigningTime); d < 0 || d > time.Hour {
		t.Errorf("signing time %v", s.SigningTime)
	}
	if len(v.SHA256) != 64 {
		t.Errorf("SHA256 %q", v.SHA256)
	}

	rep := pdfsig(t, signed)
	for _, want := range []string{
		"Signature is Valid.",
		"Total document signed",
		"Signing Hash Algorithm: SHA-256",
		"Signer Certificate Common Name: Ủy ban nhân dân phường Ba Đình",
	} {
		if !strings.Contains(rep, want) {
			t.Errorf("pdfsig does not say %q:\n%s", want, rep)
		}
	}
	if strings.Contains(rep, "Not total document signed") {
		t.Errorf("pdfsig:\n%s", rep)
	}
}

// TestModifiedCopies: a byte changed inside the signed range, or bytes
// appended, are caught by pdfsig and by Verify.
func TestModifiedCopies(t *testing.T) {
	signed, ca := signedByDemo(t)
	cases := []struct {
		name       string
		data       []byte
		pdfsigSays string
		intact     bool // the signature itself still verifies
		wholeFile  bool
	}{
		{"byte changed", changed(t, signed), "Digest Mismatch.", false, true},
		{"bytes appended", append(bytes.Clone(signed), "\n% added after signing\n"...), "Not total document signed", true, false},
		{"byte changed in the second range", func() []byte {
			out := bytes.Clone(signed)
			out[len(out)-3] ^= 0x01 // in the trailer after the signature
			return out
		}(), "Digest Mismatch.", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := Verify(c.data, ca.Roots())
			if err != nil {
				t.Fatal(err)
			}
			if v.Valid() {
				t.Errorf("Verify says a modified copy is valid: %+v", v)
			}
			if !v.Signed() {
				t.Fatalf("Verify lost the signature: %+v", v)
			}
			s := v.Latest()
			if s.Intact != c.intact || s.WholeFile != c.wholeFile {
				t.Errorf("intact %v whole %v, want %v %v (%s)", s.Intact, s.WholeFile, c.intact, c.wholeFile, s.Problem)
			}
			if !c.intact && s.Problem == "" {
				t.Error("no problem stated")
			}
			if rep := pdfsig(t, c.data); !strings.Contains(rep, c.pdfsigSays) {
				t.Errorf("pdfsig does not say %q:\n%s", c.pdfsigSays, rep)
			}
		})
	}
}

func TestVerifyUnsignedAndUntrusted(t *testing.T) {
	unsigned := renderSample(t)
	v, err := Verify(unsigned, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Signed() || v.Valid() || v.Latest().Signer != nil {
		t.Errorf("unsigned PDF: %+v", v)
	}
	if rep := pdfsig(t, unsigned); !strings.Contains(rep, "does not contain any signatures") {
		t.Errorf("pdfsig on the unsigned PDF:\n%s", rep)
	}

	signed, _ := signedByDemo(t)
	for _, c := range []struct {
		name  string
		roots func() *Verification
	}{
		{"another CA", func() *Verification {
			v, err := Verify(signed, newTestCA(t, "Other CA").pool())
			if err != nil {
				t.Fatal(err)
			}
			return &v
		}},
		{"no roots", func() *Verification {
			v, err := Verify(signed, nil)
			if err != nil {
				t.Fatal(err)
			}
			return &v
		}},
	} {
		v := c.roots()
		s := v.Latest()
		if v.Valid() || !s.Intact || s.Trusted || !s.WholeFile || s.Problem == "" {
			t.Errorf("%s: %+v", c.name, s)
		}
	}

	for _, bad := range [][]byte{nil, []byte("hello"), []byte("<html>%PDF-1.7</html>")} {
		if _, err := Verify(bad, nil); !errors.Is(err, ErrNotPDF) || apperr.Status(err) != 400 {
			t.Errorf("Verify(%q): %v", bad, err)
		}
	}
}

// TestVerifyForgedGap: a signature whose unsigned gap holds more than its
// hex string, or whose range lies outside the file, is not intact.
func TestVerifyForgedGap(t *testing.T) {
	signed, ca := signedByDemo(t)
	v, err := Verify(signed, ca.Roots())
	if err != nil {
		t.Fatal(err)
	}
	br := v.Latest().ByteRange
	gap := bytes.Clone(signed)
	gap[br[1]] = ' ' // the '<' opening the hex string
	outside := bytes.Replace(bytes.Clone(signed),
		[]byte(" "+strconv.FormatInt(br[3], 10)+"]"), []byte(" "+strconv.FormatInt(br[3]+9, 10)+"]"), 1)
	if bytes.Equal(outside, signed) {
		t.Fatalf("ByteRange %v not found as written", br)
	}
	for name, data := range map[string][]byte{"gap": gap, "outside": outside} {
		v, err := Verify(data, ca.Roots())
		if err != nil {
			t.Fatal(err)
		}
		if !v.Signed() || v.Valid() || v.Latest().Intact || v.Latest().Problem == "" {
			t.Errorf("%s: %+v", name, v.Latest())
		}
	}
}

// TestSignKeys: ECDSA and RSA keys both sign results pdfsig accepts; an
// expired certificate and input that is not a PDF are refused clearly.
func TestSignKeys(t *testing.T) {
	ca := newTestCA(t, "Test CA")
	ctx := context.Background()
	for _, kind := range []string{"ec", "rsa"} {
		t.Run(kind, func(t *testing.T) {
			k := ca.issueNow(t, kind, "Sở Tư pháp")
			out, err := SignPDF(ctx, k, renderSample(t), signInfo)
			if err != nil {
				t.Fatal(err)
			}
			v, err := Verify(out, ca.pool())
			if err != nil || !v.Valid() {
				t.Fatalf("Verify: %+v %v", v.Latest(), err)
			}
			if rep := pdfsig(t, out); !strings.Contains(rep, "Signature is Valid.") || !strings.Contains(rep, "Total document signed") {
				t.Errorf("pdfsig:\n%s", rep)
			}
		})
	}

	expired := ca.issue(t, "ec", "Sở Tư pháp", time.Now().AddDate(-3, 0, 0), time.Now().AddDate(-1, 0, 0))
	if _, err := SignPDF(ctx, expired, renderSample(t), signInfo); apperr.Status(err) != 422 {
		t.Errorf("expired certificate: %v", err)
	}
	good := ca.issueNow(t, "ec", "Sở Tư pháp")
	for _, bad := range [][]byte{nil, []byte("not a pdf"), []byte("%PDF-1.7\n garbage without objects")} {
		if _, err := SignPDF(ctx, good, bad, signInfo); !errors.Is(err, ErrNotPDF) {
			t.Errorf("SignPDF(%q): %v", bad, err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := SignPDF(cancelled, good, renderSample(t), signInfo); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestCountersigned: a signed result signed again (a second approver) keeps
// both signatures intact; only the latest covers the whole file, and the
// document is valid as its last signer left it.
func TestCountersigned(t *testing.T) {
	signed, ca := signedByDemo(t)
	if _, err := ca.EnsureUnit("000.00.02.H29", "Sở Xây dựng"); err != nil {
		t.Fatal(err)
	}
	ks, err := OpenKeyStore(ca.KeyDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	twice, err := ks.Sign(context.Background(), "000.00.02.H29", signed, signInfo)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(twice, ca.Roots())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Signatures) != 2 || !v.Valid() {
		t.Fatalf("%+v", v)
	}
	first, second := v.Signatures[0], v.Signatures[1]
	if !first.Intact || first.WholeFile || !second.Intact || !second.WholeFile {
		t.Errorf("first %+v\nsecond %+v", first, second)
	}
	if !strings.Contains(second.Subject(), "Sở Xây dựng") {
		t.Errorf("latest signer %q", second.Subject())
	}
	rep := pdfsig(t, twice)
	if strings.Count(rep, "Signature is Valid.") != 2 || !strings.Contains(rep, "Signature #2") {
		t.Errorf("pdfsig:\n%s", rep)
	}
}

func TestDictText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Nguyen Van A (ASCII)", "Nguyen Van A (ASCII)"},
		{"Nguyễn Thị Hồng Nhung", "Nguyễn Thị Hồng Nhung"},
		{"Lê Văn Lĩnh", "Lê Văn Li\u0303nh"},
		{"ĨNH", "I\u0303NH"},
		{"Kết quả (bản chính", "Kết quả [bản chính"},
		{"Hà Nội\\Ba Đình\r\n", "Hà Nội/Ba Đình  "},
		{"Le\u0302", "Lê"}, // NFC first
	} {
		got := dictText(c.in)
		if got != c.want {
			t.Errorf("dictText(%q) = %q, want %q", c.in, got, c.want)
		}
		for _, r := range got {
			if !utf16Safe(r) && got != c.in {
				t.Errorf("dictText(%q) keeps %q", c.in, r)
			}
		}
	}
}

// TestSignInfoWithAwkwardLetters: a signer named Lĩnh, a reason with an
// unbalanced parenthesis: the signature dictionary stays well formed.
func TestSignInfoWithAwkwardLetters(t *testing.T) {
	ca := newTestCA(t, "Test CA")
	k := ca.issueNow(t, "ec", "Sở Tư pháp")
	out, err := SignPDF(context.Background(), k, renderSample(t), SignInfo{
		Name: "Lê Văn Lĩnh", Reason: "Kết quả (bản chính", Location: "Ĩ\\", Contact: "a)b",
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := pdfsig(t, out)
	if strings.Contains(rep, "Error") || !strings.Contains(rep, "Signature is Valid.") {
		t.Errorf("pdfsig:\n%s", rep)
	}
}

// TestVerdicts: each kind of file gets its own answer in both languages.
func TestVerdicts(t *testing.T) {
	signed, ca := signedByDemo(t)
	for _, c := range []struct {
		name  string
		data  []byte
		roots *x509.CertPool
		want  string
	}{
		{"valid", signed, ca.Roots(), "valid"},
		{"other roots", signed, newTestCA(t, "Other").pool(), "untrusted"},
		{"byte changed", changed(t, signed), ca.Roots(), "modified"},
		{"bytes appended", append(bytes.Clone(signed), "%x\n"...), ca.Roots(), "modified"},
		{"unsigned", renderSample(t), ca.Roots(), "unsigned"},
	} {
		v, err := Verify(c.data, c.roots)
		if err != nil {
			t.Fatal(err)
		}
		d := v.Verdict()
		if d.Code != c.want || d.Message("vi") == "" || d.Message("en") == "" || d.Message("vi") == d.Message("en") {
			t.Errorf("%s: %+v", c.name, d)
		}
	}
}
