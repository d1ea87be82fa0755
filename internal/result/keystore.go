package result

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/motcua/motcua/internal/apperr"
)

// KeyStore signs with per-unit keys kept as files in one directory:
// <unit>.p12 (PKCS#12, opened with the configured password), or <unit>.key
// (PEM private key) beside <unit>.crt (PEM certificate, then the chain).
// Keys are read on first use and kept; files added later (a new unit, the
// demo CA issuing one) are found on next use.
type KeyStore struct {
	dir      string
	password string

	mu   sync.Mutex
	keys map[string]*Key
}

// unitCodeRE is what a unit code may look like to be used as a file name
// (agency identifiers such as 000.00.01.H29 included).
var unitCodeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// OpenKeyStore opens the key directory and loads every key in it, so that a
// broken file (wrong password, key not matching its certificate) stops the
// start rather than the first approval.
func OpenKeyStore(dir, p12Password string) (*KeyStore, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open signing keys %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open signing keys %s: not a directory", dir)
	}
	ks := &KeyStore{dir: dir, password: p12Password, keys: map[string]*Key{}}
	units, err := ks.Units()
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if _, err := ks.Key(u); err != nil {
			return nil, err
		}
	}
	return ks, nil
}

// Units lists the unit codes that have key files, sorted.
func (ks *KeyStore) Units() ([]string, error) {
	entries, err := os.ReadDir(ks.dir)
	if err != nil {
		return nil, fmt.Errorf("list signing keys in %s: %w", ks.dir, err)
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		if ext != ".p12" && ext != ".key" {
			continue
		}
		unit := strings.TrimSuffix(name, ext)
		if unitCodeRE.MatchString(unit) && !seen[unit] {
			seen[unit] = true
			out = append(out, unit)
		}
	}
	sort.Strings(out)
	return out, nil
}

// errNoKey answers a unit that has no key in the store.
func errNoKey(unit string) error {
	return apperr.Newf(apperr.Unprocessable, "result_no_key",
		"Đơn vị %s chưa có chứng thư số để ký kết quả điện tử.",
		"Unit %s has no certificate to sign electronic results with.", unit)
}

// Key returns the unit's key, reading its files on first use.
func (ks *KeyStore) Key(unitCode string) (*Key, error) {
	if !unitCodeRE.MatchString(unitCode) {
		return nil, errNoKey(unitCode)
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if k, ok := ks.keys[unitCode]; ok {
		return k, nil
	}
	k, err := ks.load(unitCode)
	if err != nil {
		return nil, err
	}
	ks.keys[unitCode] = k
	return k, nil
}

// Forget drops a unit's cached key, so that renewed files are read again.
func (ks *KeyStore) Forget(unitCode string) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	delete(ks.keys, unitCode)
}

// KeyStore is a Signer.
var _ Signer = (*KeyStore)(nil)

// Sign signs pdf with the unit's key.
func (ks *KeyStore) Sign(ctx context.Context, unitCode string, pdf []byte, info SignInfo) ([]byte, error) {
	k, err := ks.Key(unitCode)
	if err != nil {
		return nil, err
	}
	return SignPDF(ctx, k, pdf, info)
}

func (ks *KeyStore) load(unit string) (*Key, error) {
	base := filepath.Join(ks.dir, unit)
	p12, p12Err := os.ReadFile(base + ".p12")
	keyPEM, keyErr := os.ReadFile(base + ".key")
	switch {
	case p12Err == nil && keyErr == nil:
		return nil, fmt.Errorf("load signing key of %s: both %s.p12 and %s.key exist; keep one", unit, unit, unit)
	case p12Err == nil:
		k, err := parsePKCS12(p12, ks.password)
		if err != nil {
			return nil, fmt.Errorf("load signing key %s.p12: %w", base, err)
		}
		return k, nil
	case keyErr == nil:
		certPEM, err := os.ReadFile(base + ".crt")
		if err != nil {
			return nil, fmt.Errorf("load signing certificate of %s: %w", unit, err)
		}
		k, err := parsePEM(keyPEM, certPEM)
		if err != nil {
			return nil, fmt.Errorf("load signing key %s.key/.crt: %w", base, err)
		}
		return k, nil
	case errors.Is(p12Err, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
		return nil, errNoKey(unit)
	case !errors.Is(p12Err, fs.ErrNotExist):
		return nil, fmt.Errorf("load signing key of %s: %w", unit, p12Err)
	default:
		return nil, fmt.Errorf("load signing key of %s: %w", unit, keyErr)
	}
}

// parsePKCS12 reads a PKCS#12 file: the key, its certificate and the CAs.
func parsePKCS12(data []byte, password string) (*Key, error) {
	priv, cert, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("decode PKCS#12: %w", err)
	}
	return newKey(priv, []*x509.Certificate{cert}, cas)
}

// parsePEM reads a PEM private key (PKCS#8, SEC 1 or PKCS#1) and PEM
// certificates: the one matching the key is the leaf, the others the chain.
func parsePEM(keyPEM, certPEM []byte) (*Key, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errors.New("no PEM block in the key file")
	}
	var priv any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		priv, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		priv, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		priv, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("unsupported key PEM block %q (an encrypted key must be decrypted or put in a .p12)", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	var certs []*x509.Certificate
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificate in the .crt file")
	}
	return newKey(priv, certs, nil)
}

// newKey checks the key type and that one of certs carries its public key;
// that one is the leaf, the rest (then extra) the chain.
func newKey(priv any, certs, extra []*x509.Certificate) (*Key, error) {
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("private key of type %T cannot sign", priv)
	}
	switch k := priv.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() && k.Curve != elliptic.P521() {
			return nil, errors.New("unsupported elliptic curve")
		}
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("RSA key of %d bits is too short (2048 at least)", k.N.BitLen())
		}
	default:
		return nil, fmt.Errorf("unsupported key type %T (ECDSA or RSA)", priv)
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return nil, fmt.Errorf("public key of type %T cannot be compared", signer.Public())
	}
	k := &Key{Signer: signer}
	for _, c := range certs {
		if k.Cert == nil && pub.Equal(c.PublicKey) {
			k.Cert = c
			continue
		}
		k.Chain = append(k.Chain, c)
	}
	if k.Cert == nil {
		return nil, errors.New("the private key does not match the certificate")
	}
	k.Chain = append(k.Chain, extra...)
	return k, nil
}
