package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

var _ scs.CtxStore = (*store.SessionStore)(nil)

func TestSessions(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db, dsn := storetest.OpenDSN(t, e)
		s := db.Sessions()
		if _, found, err := s.FindCtx(ctx, "nope"); found || err != nil {
			t.Fatalf("unknown token: %v %v", found, err)
		}
		now := time.Now()
		if err := s.CommitCtx(ctx, "a", []byte("one"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit("a", []byte("two"), now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, found, err := s.Find("a"); !found || err != nil || string(b) != "two" {
			t.Fatalf("find a: %q %v %v", b, found, err)
		}
		// An expired session is not found, and housekeeping removes it.
		if err := s.CommitCtx(ctx, "old", []byte("x"), now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, found, err := s.FindCtx(ctx, "old"); found || err != nil {
			t.Fatalf("expired session found: %v %v", found, err)
		}
		raw := rawDB(t, e, dsn)
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("sessions before housekeeping: %d %v", n, err)
		}
		if h, err := db.Housekeep(ctx, now); err != nil || h.Sessions != 1 {
			t.Fatalf("housekeeping: %+v %v", h, err)
		}
		if err := raw.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("sessions after sweep: %d %v", n, err)
		}
		// Tokens are stored hashed: a copy of the database opens nothing.
		var stored string
		if err := raw.QueryRow(`SELECT token FROM sessions`).Scan(&stored); err != nil || stored != account.HashToken("a") {
			t.Fatalf("stored token %q (%v), want the SHA-256 of the token", stored, err)
		}
		if _, found, _ := s.FindCtx(ctx, stored); found {
			t.Fatal("the stored hash opens the session")
		}
		if err := s.Delete("a"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCtx(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := s.FindCtx(ctx, "a"); found {
			t.Fatal("deleted session found")
		}
	})
}
