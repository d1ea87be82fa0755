package result

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/digitorus/pkcs7"
)

// Verification is what Verify found in a PDF.
type Verification struct {
	// SHA256 is the hex SHA-256 of the whole file as given.
	SHA256 string
	// Signatures in file order (the last one is the latest).
	Signatures []Signature
}

// Signature is one signature of a PDF.
type Signature struct {
	// ByteRange is the signature's /ByteRange: two (offset, length) pairs
	// around its /Contents.
	ByteRange [4]int64
	// Intact: the digest of the signed ranges matches the one signed, and
	// the CMS signature verifies with the signer's certificate.
	Intact bool
	// WholeFile: the signed ranges run from the first byte to the last, so
	// nothing was appended or inserted after signing.
	WholeFile bool
	// Trusted: the signer's certificate chains to one of the given roots at
	// the signing time.
	Trusted bool
	// Signer is the signer's certificate (nil if the CMS could not be read).
	Signer *x509.Certificate
	// SigningTime is the signed signing-time attribute (the signer's own
	// clock: without a time-stamp it is a claim, not a proof).
	SigningTime time.Time
	// Problem says, in English, why the signature is not intact or not
	// trusted; empty when it is both.
	Problem string
}

// Subject is the signer's distinguished name.
func (s Signature) Subject() string {
	if s.Signer == nil {
		return ""
	}
	return s.Signer.Subject.String()
}

// Signed reports whether the PDF holds at least one signature.
func (v Verification) Signed() bool { return len(v.Signatures) > 0 }

// Valid reports whether the document is signed, every signature is intact
// and trusted, and the latest covers the whole file: the document is exactly
// as its last signer signed it.
func (v Verification) Valid() bool {
	if !v.Signed() {
		return false
	}
	for _, s := range v.Signatures {
		if !s.Intact || !s.Trusted {
			return false
		}
	}
	return v.Signatures[len(v.Signatures)-1].WholeFile
}

// Latest is the latest signature (zero if unsigned).
func (v Verification) Latest() Signature {
	if !v.Signed() {
		return Signature{}
	}
	return v.Signatures[len(v.Signatures)-1]
}

var oidSigningTime = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}

// Verify checks the signatures of a PDF against roots (nil trusts none).
// It reads the file's bytes rather than its object structure, since a
// signature's /ByteRange and /Contents are by definition in the file as
// written: a damaged or altered file is then reported as such instead of
// failing to parse. Input that is not a PDF is ErrNotPDF.
func Verify(pdf []byte, roots *x509.CertPool) (Verification, error) {
	sum := sha256.Sum256(pdf)
	v := Verification{SHA256: hex.EncodeToString(sum[:])}
	if !bytes.HasPrefix(bytes.TrimLeft(pdf, "\x00\t\n\f\r "), []byte("%PDF-")) {
		return v, ErrNotPDF
	}
	for rest, off := pdf, 0; ; {
		i := bytes.Index(rest, []byte("/ByteRange"))
		if i < 0 {
			break
		}
		pos := off + i + len("/ByteRange")
		br, ok := parseByteRange(pdf, pos)
		rest, off = pdf[pos:], pos
		if !ok {
			// pdfsign's placeholder before it is filled, or text that
			// merely mentions the key.
			continue
		}
		v.Signatures = append(v.Signatures, checkSignature(pdf, br, roots))
	}
	return v, nil
}

// parseByteRange reads "[a b c d]" after pos.
func parseByteRange(pdf []byte, pos int) ([4]int64, bool) {
	var br [4]int64
	i := skipSpace(pdf, pos)
	if i >= len(pdf) || pdf[i] != '[' {
		return br, false
	}
	i++
	for n := 0; n < 4; n++ {
		i = skipSpace(pdf, i)
		j := i
		for j < len(pdf) && pdf[j] >= '0' && pdf[j] <= '9' {
			j++
		}
		x, err := strconv.ParseInt(string(pdf[i:j]), 10, 64)
		if err != nil {
			return br, false
		}
		br[n], i = x, j
	}
	i = skipSpace(pdf, i)
	return br, i < len(pdf) && pdf[i] == ']'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && bytes.IndexByte([]byte("\x00\t\n\f\r "), b[i]) >= 0 {
		i++
	}
	return i
}

// checkSignature verifies one signature given its byte range.
func checkSignature(pdf []byte, br [4]int64, roots *x509.CertPool) (s Signature) {
	s.ByteRange = br
	// The CMS parser is fed bytes anyone can write; a panic there is a
	// broken signature, not a crash.
	defer func() {
		if r := recover(); r != nil {
			s.Intact, s.Trusted = false, false
			s.Problem = fmt.Sprintf("the signature cannot be read: %v", r)
		}
	}()
	size := int64(len(pdf))
	a, b, c, d := br[0], br[1], br[2], br[3]
	if a < 0 || b <= 0 || c < a+b || d < 0 || c+d > size || a+b >= size {
		s.Problem = "byte range outside the file"
		return s
	}
	s.WholeFile = a == 0 && c+d == size
	// The gap between the two ranges must be exactly the hex string that
	// holds the signature: anything else there would be unsigned content.
	gap := pdf[a+b : c]
	if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' {
		s.Problem = "the unsigned gap is not the signature's hex string"
		return s
	}
	der := make([]byte, hex.DecodedLen(len(gap)-2))
	if _, err := hex.Decode(der, gap[1:len(gap)-1]); err != nil {
		s.Problem = "the signature is not hex: " + err.Error()
		return s
	}
	// The space reserved is padded with zeros after the DER; a BER
	// (indefinite length) signature is left whole for the CMS parser.
	var rv asn1.RawValue
	if _, err := asn1.Unmarshal(der, &rv); err == nil {
		der = rv.FullBytes
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		s.Problem = "the signature is not CMS: " + err.Error()
		return s
	}
	s.Signer = p7.GetOnlySigner()
	if s.Signer == nil {
		s.Problem = "the signature does not have exactly one signer with a certificate"
		return s
	}
	var t time.Time
	if err := p7.UnmarshalSignedAttribute(oidSigningTime, &t); err == nil {
		s.SigningTime = t
	}
	content := make([]byte, 0, b+d)
	content = append(content, pdf[a:a+b]...)
	content = append(content, pdf[c:c+d]...)
	p7.Content = content
	if err := p7.Verify(); err != nil {
		s.Problem = "the signature does not match the document: " + err.Error()
		return s
	}
	s.Intact = true
	if roots == nil {
		s.Problem = "no trusted roots given"
		return s
	}
	inter := x509.NewCertPool()
	for _, c := range p7.Certificates {
		inter.AddCert(c)
	}
	at := s.SigningTime
	if at.IsZero() {
		at = time.Now()
	}
	if _, err := s.Signer.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		s.Problem = fmt.Sprintf("the signer's certificate is not trusted: %v", err)
		return s
	}
	s.Trusted = true
	return s
}

// Verdict is the one answer a verification page gives about a file, with
// its message in Vietnamese and English. Whether the result was revoked is
// the store's to say, not the file's.
type Verdict struct {
	// Code is "valid", "untrusted", "modified" or "unsigned".
	Code   string
	VI, EN string
}

// Message returns the message in lang ("en" or Vietnamese by default).
func (d Verdict) Message(lang string) string {
	if lang == "en" {
		return d.EN
	}
	return d.VI
}

// Verdict sums the verification up: unsigned; modified (a signature that
// does not verify, or bytes outside the latest one); signed intact by a
// certificate that does not chain to the roots; or valid.
func (v Verification) Verdict() Verdict {
	if !v.Signed() {
		return Verdict{"unsigned", "Tệp không có chữ ký số.", "The file has no digital signature."}
	}
	for _, s := range v.Signatures {
		if !s.Intact {
			return Verdict{"modified", "Chữ ký số không hợp lệ: tệp đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng.",
				"The digital signature is not valid: the file was changed after signing or the signature is damaged."}
		}
	}
	if !v.Latest().WholeFile {
		return Verdict{"modified", "Tệp đã bị thêm nội dung sau khi ký: không còn đúng như bản đã ký.",
			"Content was added to the file after signing: it is no longer the document as signed."}
	}
	if !v.Valid() {
		return Verdict{"untrusted", "Chữ ký số nguyên vẹn nhưng chứng thư số không do tổ chức cung cấp dịch vụ chứng thực được tin cậy cấp.",
			"The signature is intact but the certificate was not issued by a trusted certification authority."}
	}
	return Verdict{"valid", "Chữ ký số hợp lệ: tệp đúng như khi được ký.", "The digital signature is valid: the file is exactly as signed."}
}
