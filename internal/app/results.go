package app

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/result"
)

// resultSigning builds the signing of electronic results: the units' keys
// from --sign-keys; with --demo and none, a demo certification authority
// kept under the files directory that issues each unit's certificate on
// its first signature (the same key store code reads them). It returns a
// nil issuer when results are not signed, and the roots the verification
// page trusts.
func resultSigning(cfg config.Config, fs files.Store) (*result.Issuer, *x509.CertPool, error) {
	roots := x509.NewCertPool()
	if cfg.Signing.Roots != "" {
		pem, err := os.ReadFile(cfg.Signing.Roots)
		if err != nil {
			return nil, nil, fmt.Errorf("--sign-roots: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("--sign-roots: no certificate in %s", cfg.Signing.Roots)
		}
	}
	is := &result.Issuer{Files: fs, BaseURL: cfg.BaseURL, Place: cfg.Signing.Place}
	switch {
	case cfg.Signing.Keys != "":
		ks, err := result.OpenKeyStore(cfg.Signing.Keys, cfg.Signing.P12Password)
		if err != nil {
			return nil, nil, fmt.Errorf("--sign-keys: %w", err)
		}
		is.Signer = ks
	case cfg.Demo:
		ca, err := result.OpenDemoCA(filepath.Join(cfg.FilesDir, "demo-ca"))
		if err != nil {
			return nil, nil, fmt.Errorf("the demo certification authority: %w", err)
		}
		ks, err := result.OpenKeyStore(ca.KeyDir(), "")
		if err != nil {
			return nil, nil, err
		}
		is.Signer = ks
		is.Prepare = func(code, name string) error {
			issued, err := ca.EnsureUnit(code, name)
			if issued {
				ks.Forget(code)
			}
			return err
		}
		roots.AddCert(ca.Cert())
	default:
		return nil, roots, nil
	}
	return is, roots, nil
}
