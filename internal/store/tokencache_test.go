package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// twoProcesses opens the same database twice: two serve processes' worth
// of state (separate caches, separate listeners). The TTL is long so that
// what the tests see is eviction, not expiry.
func twoProcesses(t *testing.T, e store.Dialect) (a, b *store.DB, dsn string) {
	t.Helper()
	a, dsn = storetest.OpenDSN(t, e)
	b, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	a.SetTokenTTL(time.Minute)
	b.SetTokenTTL(time.Minute)
	return a, b, dsn
}

// tokenAccount stores a citizen account and one token of it.
func tokenAccount(t *testing.T, db *store.DB, username string, now time.Time) (*account.Account, string) {
	t.Helper()
	ctx := context.Background()
	acc := &account.Account{Kind: account.KindCitizen, Username: username, FullName: "Lê Văn Cường", PasswordHash: "x", CreatedAt: now}
	if err := db.CreateAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	_, hash, err := account.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveToken(ctx, hash, acc.ID, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return acc, hash
}

// cached resolves the token until the answer comes from the cache (on
// PostgreSQL the listener must first connect).
func cached(t *testing.T, db *store.DB, hash string, now time.Time) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !db.TokenCached(hash) {
		if _, err := db.AccountByToken(context.Background(), hash, now); err != nil {
			t.Fatalf("token refused before the change: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the answer never got cached")
		}
		time.Sleep(time.Millisecond)
	}
}

// refusedWithin polls db until refused reports true for its answer and
// returns how long it took; it fails past bound.
func refusedWithin(t *testing.T, db *store.DB, hash string, now time.Time, bound time.Duration,
	refused func(*account.Account, error) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		a, err := db.AccountByToken(context.Background(), hash, now)
		if refused(a, err) {
			return time.Since(start)
		}
		if time.Since(start) > bound {
			t.Fatalf("still accepted after %v (answer %+v, %v)", bound, a, err)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func isNotFound(_ *account.Account, err error) bool { return apperr.Is(err, apperr.NotFound) }

func isSuspended(a *account.Account, err error) bool { return err == nil && !a.Active() }

// TestTokenRevokedOnEveryProcess: a token cached on two processes is
// refused on both once revoked through one of them (or by any other
// writer), although the cache's TTL is a minute.
func TestTokenRevokedOnEveryProcess(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name string
		// change revokes through process a (or behind both, raw).
		change  func(t *testing.T, a *store.DB, raw func(q string, args ...any), acc *account.Account, hash string)
		refused func(*account.Account, error) bool
		// local: a's own write empties a's cache synchronously.
		local bool
	}{
		{"token deleted", func(t *testing.T, a *store.DB, _ func(string, ...any), _ *account.Account, hash string) {
			if err := a.DeleteToken(context.Background(), hash); err != nil {
				t.Fatal(err)
			}
		}, isNotFound, true},
		{"password changed", func(t *testing.T, a *store.DB, _ func(string, ...any), acc *account.Account, _ string) {
			if err := a.SetPassword(context.Background(), acc.ID, "y", false, now, dossier.Actor{AccountID: acc.ID}); err != nil {
				t.Fatal(err)
			}
		}, isNotFound, true},
		{"contact changed", func(t *testing.T, a *store.DB, _ func(string, ...any), acc *account.Account, _ string) {
			if err := a.UpdateContact(context.Background(), acc.ID, account.Contact{Phone: "0912345678"}, now, dossier.Actor{AccountID: acc.ID}); err != nil {
				t.Fatal(err)
			}
		}, func(a *account.Account, err error) bool { return err == nil && a.Phone == "0912345678" }, true},
		{"account suspended by another writer", func(t *testing.T, _ *store.DB, raw func(string, ...any), acc *account.Account, _ string) {
			raw(`UPDATE accounts SET suspended_at = $2, suspended_reason = 'test' WHERE id = $1`, acc.ID, now.UTC())
		}, isSuspended, false},
		{"account disabled by another writer", func(t *testing.T, _ *store.DB, raw func(string, ...any), acc *account.Account, _ string) {
			raw(`UPDATE accounts SET disabled = $2 WHERE id = $1`, acc.ID, true)
		}, isSuspended, false},
		{"token deleted by another writer", func(t *testing.T, _ *store.DB, raw func(string, ...any), _ *account.Account, hash string) {
			raw(`DELETE FROM tokens WHERE hash = $1`, hash)
		}, isNotFound, false},
	}
	each(t, func(t *testing.T, e store.Dialect) {
		a, b, dsn := twoProcesses(t, e)
		rawdb := rawDB(t, e, dsn)
		raw := func(q string, args ...any) {
			if _, err := rawdb.Exec(q, args...); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				acc, hash := tokenAccount(t, a, "00109000"+string(rune('0'+i))+"111", now)
				cached(t, a, hash, now)
				cached(t, b, hash, now)
				c.change(t, a, raw, acc, hash)
				if c.local || e == store.SQLite {
					// At once: the writer empties its own cache after the
					// commit; on SQLite every lookup reads auth_epoch.
					if got, err := a.AccountByToken(context.Background(), hash, now); !c.refused(got, err) {
						t.Fatalf("process a still accepts the token: %+v %v", got, err)
					}
				}
				if e == store.SQLite {
					if got, err := b.AccountByToken(context.Background(), hash, now); !c.refused(got, err) {
						t.Fatalf("process b still accepts the token: %+v %v", got, err)
					}
					return
				}
				// PostgreSQL delivers the notification after the commit:
				// a bounded wait, far under the minute of the TTL.
				took := refusedWithin(t, b, hash, now, 5*time.Second, c.refused)
				refusedWithin(t, a, hash, now, 5*time.Second, c.refused)
				t.Logf("process b refused after %v", took)
			})
		}
	})
}

// TestTokenCacheBypassedWhileListenerDown: on PostgreSQL nothing is cached
// before the listener connects or while it is down, so a revocation it
// cannot hear is still refused at once; it starts empty on reconnection.
func TestTokenCacheBypassedWhileListenerDown(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		if e != store.Postgres {
			t.Skip("SQLite has no listener: every lookup reads auth_epoch")
		}
		ctx := context.Background()
		now := time.Now()
		a, b, dsn := twoProcesses(t, e)
		rawdb := rawDB(t, e, dsn)
		_, hash := tokenAccount(t, a, "001090009999", now)
		_, hash2 := tokenAccount(t, a, "001090009998", now)

		// Before the first connection.
		release := b.HoldAuthListener()
		for range 3 {
			if _, err := b.AccountByToken(ctx, hash, now); err != nil {
				t.Fatal(err)
			}
		}
		if b.TokenCached(hash) || b.TokenCacheLive() {
			t.Fatal("cached before the listener connected")
		}
		release()
		cached(t, b, hash, now)

		// Down: the listener's backend is killed and kept from reconnecting.
		release = b.HoldAuthListener()
		if _, err := rawdb.Exec(`SELECT pg_terminate_backend($1)`, int64(b.AuthListenerPID())); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for b.TokenCacheLive() {
			if time.Now().After(deadline) {
				t.Fatal("the listener's loss went unnoticed")
			}
			time.Sleep(time.Millisecond)
		}
		if b.TokenCached(hash) {
			t.Fatal("cache kept across the listener's loss")
		}
		if _, err := b.AccountByToken(ctx, hash, now); err != nil {
			t.Fatal(err)
		}
		if b.TokenCached(hash) {
			t.Fatal("cached while the listener is down")
		}
		// A revocation it cannot hear is refused at once.
		if _, err := rawdb.Exec(`DELETE FROM tokens WHERE hash = $1`, hash); err != nil {
			t.Fatal(err)
		}
		if _, err := b.AccountByToken(ctx, hash, now); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("revoked token accepted while the listener is down: %v", err)
		}
		release()
		cached(t, b, hash2, now)
	})
}

// TestTokenCacheNeverPastExpiry: a cached answer ends with its token.
func TestTokenCacheNeverPastExpiry(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		now := time.Now()
		db := openStore(t, e)
		db.SetTokenTTL(time.Minute)
		_, hash := tokenAccount(t, db, "001090007777", now)
		cached(t, db, hash, now)
		for _, c := range []struct {
			at   time.Time
			want bool
		}{
			{now.Add(59 * time.Minute), true},
			{now.Add(time.Hour), false},
			{now.Add(2 * time.Hour), false},
		} {
			_, err := db.AccountByToken(ctx, hash, c.at)
			if got := err == nil; got != c.want {
				t.Errorf("at +%v: accepted %v, want %v (%v)", c.at.Sub(now), got, c.want, err)
			}
		}
	})
}

// BenchmarkAccountByToken: a token lookup from the cache (SQLite: with its
// auth_epoch read) and from the database (TTL 0: cache off).
func BenchmarkAccountByToken(b *testing.B) {
	for _, e := range storetest.Engines {
		for _, c := range []struct {
			name string
			ttl  time.Duration
		}{{"cached", time.Minute}, {"uncached", 0}} {
			b.Run(string(e)+"/"+c.name, func(b *testing.B) {
				ctx := context.Background()
				now := time.Now()
				db := storetest.Open(b, e)
				db.SetTokenTTL(c.ttl)
				acc := &account.Account{Kind: account.KindCitizen, Username: "001090001234", FullName: "Lê Văn Cường", PasswordHash: "x", CreatedAt: now}
				if err := db.CreateAccount(ctx, acc); err != nil {
					b.Fatal(err)
				}
				_, hash, _ := account.NewToken()
				if err := db.SaveToken(ctx, hash, acc.ID, now, now.Add(time.Hour)); err != nil {
					b.Fatal(err)
				}
				for c.ttl > 0 && !db.TokenCached(hash) { // PostgreSQL: the listener connects
					if _, err := db.AccountByToken(ctx, hash, now); err != nil {
						b.Fatal(err)
					}
					time.Sleep(time.Millisecond)
				}
				b.ResetTimer()
				for b.Loop() {
					if _, err := db.AccountByToken(ctx, hash, now); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
