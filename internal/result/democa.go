package result

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// DemoCAName is the common name of the demo certification authority; it
// says on every certificate it issues that they are not for real use.
const DemoCAName = "motcua DEMO CA — KHÔNG DÙNG THẬT"

// oidDocumentSigning is the document-signing extended key usage (RFC 9336).
var oidDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// DemoCA is a certification authority for demonstrations: its root key and
// certificate live under a directory (dir/ca.key, dir/ca.crt) and are reused
// on restart; it issues each unit a certificate in the PEM layout KeyStore
// reads (dir/keys/<unit>.key and .crt), so that the demo signs through the
// same code as production.
type DemoCA struct {
	dir  string
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// OpenDemoCA loads the demo CA under dir, creating it on first use.
func OpenDemoCA(dir string) (*DemoCA, error) {
	if err := os.MkdirAll(filepath.Join(dir, "keys"), 0o700); err != nil {
		return nil, fmt.Errorf("open demo CA: %w", err)
	}
	ca := &DemoCA{dir: dir}
	keyFile, certFile := filepath.Join(dir, "ca.key"), filepath.Join(dir, "ca.crt")
	keyPEM, kerr := os.ReadFile(keyFile)
	certPEM, cerr := os.ReadFile(certFile)
	if kerr == nil && cerr == nil {
		k, err := parsePEM(keyPEM, certPEM)
		if err != nil {
			return nil, fmt.Errorf("open demo CA %s: %w", dir, err)
		}
		ec, ok := k.Signer.(*ecdsa.PrivateKey)
		if !ok || !k.Cert.IsCA {
			return nil, fmt.Errorf("open demo CA %s: not a CA with an ECDSA key", dir)
		}
		if time.Now().Before(k.Cert.NotAfter.AddDate(0, -1, 0)) {
			ca.cert, ca.key = k.Cert, ec
			return ca, nil
		}
		// Expiring: make a new one (units are reissued as they are asked for).
	} else if !errors.Is(kerr, fs.ErrNotExist) && kerr != nil {
		return nil, fmt.Errorf("open demo CA: %w", kerr)
	} else if !errors.Is(cerr, fs.ErrNotExist) && cerr != nil {
		return nil, fmt.Errorf("open demo CA: %w", cerr)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("create demo CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject: pkix.Name{
			Country:      []string{"VN"},
			Organization: []string{"motcua DEMO"},
			CommonName:   DemoCAName,
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create demo CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("create demo CA certificate: %w", err)
	}
	if err := writeKeyPair(keyFile, certFile, key, cert); err != nil {
		return nil, fmt.Errorf("create demo CA: %w", err)
	}
	ca.cert, ca.key = cert, key
	return ca, nil
}

// Cert is the CA's root certificate.
func (ca *DemoCA) Cert() *x509.Certificate { return ca.cert }

// Roots is a pool holding only the CA's root, for Verify.
func (ca *DemoCA) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// KeyDir is the directory of unit keys, to open a KeyStore on.
func (ca *DemoCA) KeyDir() string { return filepath.Join(ca.dir, "keys") }

// EnsureUnit gives the unit a key and certificate (O and CN the unit's name,
// a random serial, valid two years) unless it already has a current one
// from this CA under the same name. It reports whether it issued one; a
// KeyStore that has read the old files must Forget the unit then.
func (ca *DemoCA) EnsureUnit(unitCode, unitName string) (issued bool, err error) {
	if !unitCodeRE.MatchString(unitCode) {
		return false, fmt.Errorf("demo CA: unit code %q cannot name a key file", unitCode)
	}
	base := filepath.Join(ca.KeyDir(), unitCode)
	if ca.current(base, unitName) {
		return false, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return false, fmt.Errorf("demo CA: key for %s: %w", unitCode, err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject: pkix.Name{
			Country:            []string{"VN"},
			Organization:       []string{unitName},
			OrganizationalUnit: []string{"DEMO — KHÔNG DÙNG THẬT"},
			CommonName:         unitName,
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(2, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidDocumentSigning},
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
	}
	if tmpl.NotAfter.After(ca.cert.NotAfter) {
		tmpl.NotAfter = ca.cert.NotAfter
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return false, fmt.Errorf("demo CA: certificate for %s: %w", unitCode, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return false, fmt.Errorf("demo CA: certificate for %s: %w", unitCode, err)
	}
	if err := writeKeyPair(base+".key", base+".crt", key, cert, ca.cert); err != nil {
		return false, fmt.Errorf("demo CA: unit %s: %w", unitCode, err)
	}
	return true, nil
}

// current reports whether base.key/.crt hold a key for name issued by this
// CA and valid for at least another month.
func (ca *DemoCA) current(base, name string) bool {
	keyPEM, err := os.ReadFile(base + ".key")
	if err != nil {
		return false
	}
	certPEM, err := os.ReadFile(base + ".crt")
	if err != nil {
		return false
	}
	k, err := parsePEM(keyPEM, certPEM)
	if err != nil {
		return false
	}
	return k.Cert.Subject.CommonName == name &&
		k.Cert.CheckSignatureFrom(ca.cert) == nil &&
		time.Now().Before(k.Cert.NotAfter.AddDate(0, -1, 0))
}

// writeKeyPair writes a PKCS#8 key (mode 0600) and the certificates, each
// through a temporary file and a rename so that a crash leaves no half file.
func writeKeyPair(keyFile, certFile string, key *ecdsa.PrivateKey, certs ...*x509.Certificate) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode key: %w", err)
	}
	var certPEM []byte
	for _, c := range certs {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	// The certificate first: a key without its certificate is what a
	// reader would trip on.
	if err := writeFileAtomic(certFile, certPEM, 0o644); err != nil {
		return err
	}
	return writeFileAtomic(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}

func writeFileAtomic(name string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(f.Name()) // after a successful rename there is nothing to remove
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// randomSerial is a positive 128-bit serial number.
func randomSerial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n.Add(n, big.NewInt(1))
}
