package cli_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestTwoServersRefuseRevokedToken: two serve processes on one database,
// each caching bearer tokens for store.DefaultTokenTTL. A token revoked
// through one is refused by the other long before its cached answer would
// have lapsed: the revocation reached the other process's cache.
func TestTwoServersRefuseRevokedToken(t *testing.T) {
	if testing.Short() {
		t.Skip("starts serve processes")
	}
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := untilDeadline(t)
			_, dsn := storetest.OpenDSN(t, e)
			flags := []string{"--addr", "127.0.0.1:0", "--db", dsn, "--files", t.TempDir(), "--demo", "--log-level", "warn"}
			a := startServe(t, ctx, flags...)
			b := startServe(t, ctx, flags...)
			status := func(base, token string) int {
				req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/dossiers?limit=1", nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			// b's first token lookup starts its PostgreSQL listener, and
			// nothing is cached until it listens: warm it up first.
			warm := login(t, ctx, a.base, binhID)
			if code := status(b.base, warm.token); code != http.StatusOK {
				t.Fatalf("b refused a fresh token: %d", code)
			}
			time.Sleep(time.Second)
			// A round is conclusive when the revocation is done within half
			// the TTL of b's first answer: a cache that was not told would
			// then accept the token for at least another half TTL.
			ttl := store.DefaultTokenTTL
			for round := 0; ; round++ {
				if round == 5 {
					t.Fatal("no conclusive round: the machine is too slow for the TTL")
				}
				onA := login(t, ctx, a.base, binhID)
				first := time.Now()
				for range 3 { // b's first answer is cached
					if code := status(b.base, onA.token); code != http.StatusOK {
						t.Fatalf("b refused a fresh token: %d", code)
					}
				}
				if code := onA.do("DELETE", "/api/v1/auth/token", nil, nil); code != http.StatusNoContent {
					t.Fatalf("revoking on a: %d", code)
				}
				if time.Since(first) > ttl/2 {
					continue
				}
				for status(b.base, onA.token) != http.StatusUnauthorized {
					if time.Since(first) > ttl-ttl/10 {
						t.Fatalf("b accepted the revoked token for %v, as if it had not been told", time.Since(first))
					}
					time.Sleep(time.Millisecond)
				}
				t.Logf("round %d: b refused %v after its first answer", round, time.Since(first))
				return
			}
		})
	}
}
