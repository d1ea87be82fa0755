package e2e

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
)

// providerDir holds the Node program around npm oidc-provider (server.mjs,
// its package.json and package-lock.json); npm ci installs its modules.
const providerDir = "testdata/oidc-provider"

// nodeForProvider finds Node and the installed oidc-provider module. It
// skips the test when either is missing, and fails it under CI=true, where
// scripts/test installs them.
func nodeForProvider(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case err != nil:
		missing = "node not found"
	default:
		if _, err := os.Stat(filepath.Join(providerDir, "node_modules", "oidc-provider", "package.json")); err != nil {
			missing = "the npm module oidc-provider is not installed (npm ci --prefix internal/e2e/" + providerDir + ")"
		}
	}
	if missing == "" {
		return node
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: the e-ID test needs it under CI (scripts/test installs it)", missing)
	}
	t.Skipf("%s: skipping the e-ID test against oidc-provider (run ./scripts/test)", missing)
	return ""
}

// opSettings are one oidc-provider instance's settings (server.mjs's
// flags).
type opSettings struct {
	// Issuer is the provider's issuer; "" is its own address.
	Issuer string
	// Clients are "id:secret"; each gets every redirect URI.
	Clients     []string
	RedirectURI []string
	PostLogout  []string
	// JWKS is the file of the signing key set.
	JWKS string
}

// opProcess is a running oidc-provider.
type opProcess struct {
	Issuer string
	Stderr *apptest.SafeBuffer
}

// startProvider runs server.mjs with node on the listener ln (handed to
// the process as its file descriptor 3, so that no other process can take
// the address between choosing it and listening on it) and waits for its
// READY line. The process is killed when the test ends.
func startProvider(t *testing.T, node string, ln net.Listener, s opSettings) *opProcess {
	t.Helper()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // the process keeps the socket through f's descriptor
	args := []string{"server.mjs", "--fd", "3"}
	if s.Issuer != "" {
		args = append(args, "--issuer", s.Issuer)
	}
	for _, c := range s.Clients {
		args = append(args, "--client", c)
	}
	for _, u := range s.RedirectURI {
		args = append(args, "--redirect-uri", u)
	}
	for _, u := range s.PostLogout {
		args = append(args, "--post-logout-redirect-uri", u)
	}
	if s.JWKS != "" {
		args = append(args, "--jwks", s.JWKS)
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = providerDir
	cmd.ExtraFiles = []*os.File{f}
	p := &opProcess{Stderr: &apptest.SafeBuffer{}}
	cmd.Stderr = p.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting oidc-provider: %v", err)
	}
	f.Close()
	exited := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if iss, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- iss
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case p.Issuer = <-ready:
	case <-exited:
		t.Fatalf("oidc-provider stopped before it was ready:\n%s", p.Stderr)
	}
	return p
}

// signingKeys writes a JSON Web Key Set with one fresh RSA signing key to
// a file, for provider instances that must sign alike: a token one of them
// issues then fails motcua's checks on its issuer or audience, not on its
// signature.
func signingKeys(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(i *big.Int) string { return base64.RawURLEncoding.EncodeToString(i.Bytes()) }
	jwk := map[string]string{
		"kty": "RSA", "kid": "e2e", "use": "sig", "alg": "RS256",
		"n": b64(k.N), "e": b64(big.NewInt(int64(k.E))), "d": b64(k.D),
		"p": b64(k.Primes[0]), "q": b64(k.Primes[1]),
		"dp": b64(k.Precomputed.Dp), "dq": b64(k.Precomputed.Dq), "qi": b64(k.Precomputed.Qinv),
	}
	raw, err := json.Marshal(map[string]any{"keys": []any{jwk}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
