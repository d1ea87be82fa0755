package store_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestLoginAttempts: parallel reservations of one key each get a distinct
// count (no two requests can both be "the 5th"); the window restarts once
// it has passed; a release gives one back; the purge empties old windows.
func TestLoginAttempts(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db, dsn := storetest.OpenDSN(t, e)
		now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
		const n = 60
		var mu sync.Mutex
		var got []int
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, _, err := db.CountLoginAttempt(ctx, "u:k", now, 15*time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, c)
				mu.Unlock()
			}()
		}
		wg.Wait()
		sort.Ints(got)
		for i, c := range got {
			if c != i+1 {
				t.Fatalf("counts %v: not 1..%d", got, n)
			}
		}
		if err := db.ReleaseLoginAttempt(ctx, "u:k"); err != nil {
			t.Fatal(err)
		}
		c, start, err := db.CountLoginAttempt(ctx, "u:k", now.Add(time.Minute), 15*time.Minute)
		if err != nil || c != n || !start.Equal(now) {
			t.Fatalf("after a release: %d from %v (%v), want %d from %v", c, start, err, n, now)
		}
		later := now.Add(16 * time.Minute)
		c, start, err = db.CountLoginAttempt(ctx, "u:k", later, 15*time.Minute)
		if err != nil || c != 1 || !start.Equal(later) {
			t.Fatalf("a new window: %d from %v (%v)", c, start, err)
		}
		if _, _, err := db.CountLoginAttempt(ctx, "a:old", now, 15*time.Minute); err != nil {
			t.Fatal(err)
		}
		purged, err := db.PurgeLogins(ctx, later.Add(-15*time.Minute), later)
		if err != nil || purged != 1 {
			t.Fatalf("purge: %d %v, want the one old window", purged, err)
		}
		var left int
		if err := rawDB(t, e, dsn).QueryRow(`SELECT COUNT(*) FROM login_attempts`).Scan(&left); err != nil || left != 1 {
			t.Fatalf("windows left: %d %v", left, err)
		}
	})
}
