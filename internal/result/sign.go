// Package result produces and checks electronic results of administrative
// procedures: a simple result document for results the platform issues
// itself, its digital signature with the issuing unit's certificate
// (PKCS#12 or PEM files, or a demo certification authority), and the
// verification that the public /xac-thuc page relies on.
//
// The package holds no state of its own beyond what its constructors are
// given: no store, no HTTP handlers.
package result

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/internal/apperr"
)

// Signer signs a unit's result PDF. KeyStore signs with local key files; a
// remote signing service or an HSM can implement the same method.
type Signer interface {
	Sign(ctx context.Context, unitCode string, pdf []byte, info SignInfo) ([]byte, error)
}

// SignInfo is what the signature dictionary says about the signing.
type SignInfo struct {
	// Name is the signer (the leader who approved), shown by PDF readers.
	Name string
	// Reason, e.g. "Kết quả giải quyết thủ tục hành chính, hồ sơ số …".
	Reason   string
	Location string
	Contact  string
	// Time is the signing time; zero means now.
	Time time.Time
}

// Key is a unit's signing key with its certificate and the chain above it
// (issuing CAs, without the leaf).
type Key struct {
	Signer crypto.Signer
	Cert   *x509.Certificate
	Chain  []*x509.Certificate
}

// ErrNotPDF answers input that is not a PDF the signer can read.
var ErrNotPDF = apperr.New(apperr.Invalid, "result_not_pdf",
	"Tệp không phải là tệp PDF hợp lệ.", "The file is not a valid PDF.")

// SignPDF signs in with key: a certification signature over the whole file
// (SHA-256, CMS detached), which still allows later signatures so that a
// second approver can countersign (with an approval signature).
func SignPDF(ctx context.Context, key *Key, in []byte, info SignInfo) (out []byte, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sign result: %w", err)
	}
	if key == nil || key.Signer == nil || key.Cert == nil {
		return nil, fmt.Errorf("sign result: no key")
	}
	if info.Time.IsZero() {
		info.Time = time.Now()
	}
	if info.Time.Before(key.Cert.NotBefore) || info.Time.After(key.Cert.NotAfter) {
		return nil, apperr.Newf(apperr.Unprocessable, "result_cert_expired",
			"Chứng thư số của đơn vị không còn hiệu lực (hiệu lực từ %s đến %s).",
			"The unit's certificate is not valid at this time (valid from %s to %s).",
			key.Cert.NotBefore.Format("02/01/2006"), key.Cert.NotAfter.Format("02/01/2006"))
	}
	if !bytes.HasPrefix(bytes.TrimLeft(in, "\x00\t\n\f\r "), []byte("%PDF-")) {
		return nil, ErrNotPDF
	}
	// The PDF reader panics on some malformed files; that is bad input,
	// not a crash.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("sign result: %v: %w", r, ErrNotPDF)
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return nil, fmt.Errorf("sign result: read PDF: %v: %w", err, ErrNotPDF)
	}
	// A document has at most one certification signature (ISO 32000-1
	// 12.8.2.2): a countersignature is an approval signature.
	certType := sign.CertificationSignature
	if v, _ := Verify(in, nil); v.Signed() {
		certType = sign.ApprovalSignature
	}
	chain := append([]*x509.Certificate{key.Cert}, key.Chain...)
	var buf bytes.Buffer
	err = sign.Sign(bytes.NewReader(in), &buf, rdr, int64(len(in)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info: sign.SignDataSignatureInfo{
				Name:        dictText(info.Name),
				Location:    dictText(info.Location),
				Reason:      dictText(info.Reason),
				ContactInfo: dictText(info.Contact),
				Date:        info.Time,
			},
			CertType:   certType,
			DocMDPPerm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms,
		},
		Signer:            key.Signer,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       key.Cert,
		CertificateChains: [][]*x509.Certificate{chain},
	})
	if err != nil {
		return nil, fmt.Errorf("sign result: %w", err)
	}
	return buf.Bytes(), nil
}

// dictText makes s safe for pdfsign's signature dictionary, which writes
// non-ASCII text as UTF-16 inside a literal string without escaping it: a
// code unit holding the byte of "(", ")", a backslash or CR (ĩ is 01 29) would end
// the string early and break the file. Such a letter is written decomposed
// (ĩ as i and a combining tilde, the same text), ASCII parentheses become
// brackets and control characters spaces. ASCII-only text is left as is:
// pdfsign escapes it.
func dictText(s string) string {
	s = norm.NFC.String(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(':
			b.WriteRune('[')
		case r == ')':
			b.WriteRune(']')
		case r == '\\':
			b.WriteRune('/')
		case r < 0x20 || r == 0x7f:
			b.WriteRune(' ')
		case utf16Safe(r):
			b.WriteRune(r)
		default:
			d := []rune(norm.NFD.String(string(r)))
			ok := len(d) > 1
			for _, x := range d {
				ok = ok && utf16Safe(x)
			}
			if ok {
				b.WriteString(string(d))
			} else {
				b.WriteRune('?')
			}
		}
	}
	return b.String()
}

// utf16Safe reports whether r's UTF-16 code units hold none of the bytes a
// literal string treats specially.
func utf16Safe(r rune) bool {
	for _, u := range utf16.Encode([]rune{r}) {
		for _, c := range []byte{byte(u >> 8), byte(u)} {
			if c == '(' || c == ')' || c == '\\' || c == '\r' {
				return false
			}
		}
	}
	return true
}
