package store

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
)

// TestTokenCachePut: an answer read before an eviction, or while the
// listener is down, is not stored; one read after is.
func TestTokenCachePut(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		name string
		// between runs after the generation is taken, before the put.
		between func(c *tokenCache)
		want    bool
	}{
		{"nothing happened", func(*tokenCache) {}, true},
		{"its account evicted", func(c *tokenCache) { c.evictAccount(7) }, false},
		{"another account evicted", func(c *tokenCache) { c.evictAccount(8) }, false},
		{"cache emptied", func(c *tokenCache) { c.clear() }, false},
		{"listener lost", func(c *tokenCache) { c.setLive(false) }, false},
		{"listener lost and back", func(c *tokenCache) { c.setLive(false); c.setLive(true) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tc := newTokenCache(Postgres, "")
			tc.setLive(true)
			tc.ttl = time.Minute
			tc.mu.Lock()
			gen := tc.gen
			tc.mu.Unlock()
			c.between(tc)
			tc.put("h", &account.Account{ID: 7}, now.Add(time.Hour), time.Now(), gen)
			if _, got := tc.get("h", now); got != c.want {
				t.Fatalf("stored %v, want %v", got, c.want)
			}
		})
	}
}

// TestTokenCacheEvictsOneAccount: a notification drops the answers of its
// account only.
func TestTokenCacheEvictsOneAccount(t *testing.T) {
	now := time.Now()
	tc := newTokenCache(Postgres, "")
	tc.setLive(true)
	put := func(hash string, id int64) {
		tc.mu.Lock()
		gen := tc.gen
		tc.mu.Unlock()
		tc.put(hash, &account.Account{ID: id}, now.Add(time.Hour), time.Now(), gen)
	}
	put("a1", 1)
	put("a2", 1)
	put("b1", 2)
	tc.evictAccount(1)
	for hash, want := range map[string]bool{"a1": false, "a2": false, "b1": true} {
		if _, got := tc.get(hash, now); got != want {
			t.Errorf("%s cached %v, want %v", hash, got, want)
		}
	}
}
