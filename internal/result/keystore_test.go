package result

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/motcua/motcua/internal/apperr"
)

// writeP12 writes k as dir/unit.p12 under password (the modern AES
// encoding, or the legacy RC2/3DES one many CA tools still produce).
func writeP12(t *testing.T, dir, unit, password string, k *Key, legacy bool) {
	t.Helper()
	enc := pkcs12.Modern
	if legacy {
		enc = pkcs12.LegacyRC2
	}
	data, err := enc.Encode(k.Signer, k.Cert, k.Chain, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, unit+".p12"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestKeyStoreLoads(t *testing.T) {
	ca := newTestCA(t, "Test CA")
	cases := []struct {
		name  string
		write func(t *testing.T, dir string, k *Key)
		kind  string
	}{
		{"PEM ECDSA", func(t *testing.T, dir string, k *Key) { writePEM(t, dir, "000.00.01.H29", k) }, "ec"},
		{"PEM RSA", func(t *testing.T, dir string, k *Key) { writePEM(t, dir, "000.00.01.H29", k) }, "rsa"},
		{"PEM SEC 1 key, chain before leaf", func(t *testing.T, dir string, k *Key) {
			der, err := x509.MarshalECPrivateKey(k.Signer.(*ecdsa.PrivateKey))
			if err != nil {
				t.Fatal(err)
			}
			key := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
			crt := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}),
				pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.Cert.Raw})...)
			writeFiles(t, dir, map[string][]byte{"000.00.01.H29.key": key, "000.00.01.H29.crt": crt})
		}, "ec"},
		{"PEM PKCS#1 RSA key", func(t *testing.T, dir string, k *Key) {
			key := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.Signer.(*rsa.PrivateKey))})
			writePEM(t, dir, "000.00.01.H29", k)
			writeFiles(t, dir, map[string][]byte{"000.00.01.H29.key": key})
		}, "rsa"},
		{"PKCS#12 modern", func(t *testing.T, dir string, k *Key) { writeP12(t, dir, "000.00.01.H29", "mật khẩu", k, false) }, "ec"},
		{"PKCS#12 legacy RSA", func(t *testing.T, dir string, k *Key) { writeP12(t, dir, "000.00.01.H29", "mật khẩu", k, true) }, "rsa"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			k := ca.issueNow(t, c.kind, "Ủy ban nhân dân phường Ba Đình")
			c.write(t, dir, k)
			ks, err := OpenKeyStore(dir, "mật khẩu")
			if err != nil {
				t.Fatal(err)
			}
			if units, err := ks.Units(); err != nil || len(units) != 1 || units[0] != "000.00.01.H29" {
				t.Errorf("Units = %v, %v", units, err)
			}
			got, err := ks.Key("000.00.01.H29")
			if err != nil {
				t.Fatal(err)
			}
			if !got.Cert.Equal(k.Cert) || len(got.Chain) != 1 || !got.Chain[0].Equal(ca.cert) {
				t.Errorf("loaded %v with chain %v", got.Cert.Subject, got.Chain)
			}
			out, err := ks.Sign(context.Background(), "000.00.01.H29", renderSample(t), signInfo)
			if err != nil {
				t.Fatal(err)
			}
			if v, err := Verify(out, ca.pool()); err != nil || !v.Valid() {
				t.Errorf("Verify: %+v %v", v.Latest(), err)
			}
		})
	}
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKeyStoreRefuses: a key that does not match its certificate, a wrong
// password, a missing certificate, an encrypted PEM key stop OpenKeyStore with
// a message naming the file; an unknown unit is a clear domain error.
func TestKeyStoreRefuses(t *testing.T) {
	ca := newTestCA(t, "Test CA")
	a := ca.issueNow(t, "ec", "Đơn vị A")
	b := ca.issueNow(t, "ec", "Đơn vị B")
	keyPEM := func(k *Key) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k.Signer)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	certPEM := func(k *Key) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.Cert.Raw})
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"key of another certificate", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string][]byte{"U1.key": keyPEM(a), "U1.crt": certPEM(b)})
		}, "does not match the certificate"},
		{"PKCS#12 wrong password", func(t *testing.T, dir string) {
			writeP12(t, dir, "U1", "đúng", a, false)
		}, "decode PKCS#12"},
		{"certificate missing", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string][]byte{"U1.key": keyPEM(a)})
		}, "U1.crt"},
		{"no certificate in the .crt", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string][]byte{"U1.key": keyPEM(a), "U1.crt": []byte("nothing here\n")})
		}, "no certificate"},
		{"encrypted PEM key", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string][]byte{"U1.key": pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), "U1.crt": certPEM(a)})
		}, "ENCRYPTED PRIVATE KEY"},
		{"both .p12 and .key", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string][]byte{"U1.key": keyPEM(a), "U1.crt": certPEM(a)})
			writeP12(t, dir, "U1", "sai", a, false)
		}, "keep one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.setup(t, dir)
			_, err := OpenKeyStore(dir, "sai")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("OpenKeyStore: %v, want it to say %q", err, c.want)
			}
		})
	}

	if _, err := OpenKeyStore(filepath.Join(t.TempDir(), "none"), ""); err == nil {
		t.Error("a missing directory opened")
	}

	// A key broken after the start is refused on use, not signed with.
	dir := t.TempDir()
	ks, err := OpenKeyStore(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string][]byte{"U2.key": keyPEM(a), "U2.crt": certPEM(b)})
	if _, err := ks.Sign(context.Background(), "U2", renderSample(t), signInfo); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("mismatched pair added later: %v", err)
	}

	for _, unit := range []string{"000.00.99.H29", "", "../etc/passwd", ".hidden", "a/b"} {
		_, err := ks.Sign(context.Background(), unit, renderSample(t), signInfo)
		e, ok := apperr.As(err)
		if !ok || e.Code != "result_no_key" || apperr.Status(err) != 422 ||
			!strings.Contains(e.Message("vi"), "chưa có chứng thư số") || !strings.Contains(e.Message("en"), "no certificate") {
			t.Errorf("unit %q: %v", unit, err)
		}
	}
}

// TestKeyStoreConcurrent: approvals in parallel share one store.
func TestKeyStoreConcurrent(t *testing.T) {
	ca, err := OpenDemoCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"U1", "U2"} {
		if _, err := ca.EnsureUnit(u, "Đơn vị "+u); err != nil {
			t.Fatal(err)
		}
	}
	// Opened on the empty cache: keys are read under the race.
	ks := &KeyStore{dir: ca.KeyDir(), keys: map[string]*Key{}}
	pdf := renderSample(t)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func(unit string) {
			out, err := ks.Sign(context.Background(), unit, pdf, signInfo)
			if err == nil {
				var v Verification
				if v, err = Verify(out, ca.Roots()); err == nil && !v.Valid() {
					err = errors.New(v.Latest().Problem)
				}
			}
			errs <- err
		}([]string{"U1", "U2"}[i%2])
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
