package store

import (
	"context"
	"errors"
	"time"
)

// TokenCached reports whether a token hash has an answer in the cache.
func (db *DB) TokenCached(hash string) bool {
	c := db.tokens
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.m[hash]
	return ok
}

// TokenCacheLive reports whether the cache may serve answers (PostgreSQL:
// its listener is connected).
func (db *DB) TokenCacheLive() bool {
	c := db.tokens
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}

// AuthListenerPID is the backend process id of the listener, 0 when down.
func (db *DB) AuthListenerPID() uint32 { return db.tokens.pid.Load() }

// HoldAuthListener makes the listener's connection attempts wait until
// release is called (or fail after a minute), to keep it down in a test.
func (db *DB) HoldAuthListener() (release func()) {
	gate := make(chan struct{})
	f := func(ctx context.Context) error {
		select {
		case <-gate:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Minute):
			return errors.New("held")
		}
	}
	db.tokens.beforeDial.Store(&f)
	return func() {
		db.tokens.beforeDial.Store(nil)
		close(gate)
	}
}
