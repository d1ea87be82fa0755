package result

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// tool finds a poppler-utils program: without it the test skips locally
// and fails in CI.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not found (install poppler-utils)", name)
	}
	return p
}

// testCA is a throw-away CA for fixtures made in the test.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// issue makes a key of the given kind ("ec" or "rsa") and a certificate
// for it valid from notBefore to notAfter.
func (ca *testCA) issue(t *testing.T, kind, name string, notBefore, notAfter time.Time) *Key {
	t.Helper()
	var priv crypto.Signer
	var err error
	switch kind {
	case "ec":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("key kind %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: name, Organization: []string{name}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, priv.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Key{Signer: priv, Cert: cert, Chain: []*x509.Certificate{ca.cert}}
}

func (ca *testCA) issueNow(t *testing.T, kind, name string) *Key {
	return ca.issue(t, kind, name, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
}

// writePEM writes k as dir/unit.key (PKCS#8) and dir/unit.crt (leaf, chain).
func writePEM(t *testing.T, dir, unit string, k *Key) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, unit+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	var certs []byte
	for _, c := range append([]*x509.Certificate{k.Cert}, k.Chain...) {
		certs = append(certs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	if err := os.WriteFile(filepath.Join(dir, unit+".crt"), certs, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sampleMeta is a result as the demo would issue it.
func sampleMeta() Metadata {
	return Metadata{
		Number:      "125",
		Symbol:      "GP-UBND",
		Title:       "Giấy phép xây dựng",
		IssueDate:   time.Date(2026, 2, 5, 9, 30, 0, 0, vnZone),
		Place:       "Hà Nội",
		Signer:      "Nguyễn Thị Hồng Nhung",
		SignerTitle: "Chủ tịch",
		Agency:      "Ủy ban nhân dân phường Ba Đình",
		ResultCode:  "KQ-000.00.01.H29-260205-0001",
		ValidUntil:  time.Date(2028, 2, 5, 0, 0, 0, 0, vnZone),
	}
}

var sampleBody = []string{
	"Cấp cho: Ông Trần Văn Đức, địa chỉ số 12 phố Điện Biên Phủ, phường Ba Đình, thành phố Hà Nội.",
	"Được phép xây dựng công trình nhà ở riêng lẻ 4 tầng, tổng diện tích sàn 240 m², theo hồ sơ thiết kế đã được thẩm định.",
	"Chủ đầu tư phải thực hiện đúng nội dung giấy phép và các quy định của pháp luật về xây dựng.",
}

func renderSample(t *testing.T) []byte {
	t.Helper()
	pdf, err := RenderResult(sampleMeta(), sampleBody, VerifyURL("https://motcua.example.vn/", sampleMeta().ResultCode))
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}
