package portal

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// indexMemo keeps the public index's figures in this process until the
// day changes (they are the day's snapshot: index.go): the page is public,
// the same for everyone and costly to compute (a year of dossiers for the
// medians) or at least to read (the stored snapshot), so that a crowd of
// visitors, or one visitor reloading, costs one reading per key and day,
// not one per request. Concurrent requests for a key being computed wait
// for it instead of computing it again. The computation does not belong to
// the request that started it: that visitor leaving (closing the tab, a
// proxy's timeout) would otherwise cancel a minute of work the others wait
// for. The figures are aggregates over twelve months; no dossier's status
// is ever read from here.
type indexMemo struct {
	mu sync.Mutex
	m  map[string]*memoEntry
}

type memoEntry struct {
	at    time.Time // when computed, by the portal's clock
	until time.Time // when it expires
	done  chan struct{}
	v     any
	err   error
}

// memoComputeMax bounds a computation once its first requester is gone.
const memoComputeMax = 10 * time.Minute

// memoMax bounds the keys kept (tables × days); past it, expired keys
// are dropped, and if none is, the new answer is not kept.
const memoMax = 2048

// get answers key's value computed at or before now and kept until
// until's instant (by the portal's clock), computing it with fn
// otherwise, on a context of its own that keeps ctx's values but not its
// cancellation (memoComputeMax at most); ctx's end ends only the wait.
// Errors are not kept.
func (c *indexMemo) get(ctx context.Context, key string, now, until time.Time, fn func(context.Context) (any, error)) (any, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*memoEntry{}
	}
	e := c.m[key]
	if e != nil {
		select {
		case <-e.done:
			if e.err == nil && now.Before(e.until) && !now.Before(e.at) {
				c.mu.Unlock()
				return e.v, nil
			}
			e = nil
		default:
		}
	}
	if e != nil { // being computed by another request
		c.mu.Unlock()
		select {
		case <-e.done:
			return e.v, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if len(c.m) >= memoMax {
		for k, old := range c.m {
			select {
			case <-old.done:
				if !now.Before(old.until) || now.Before(old.at) || old.err != nil {
					delete(c.m, k)
				}
			default:
			}
		}
	}
	e = &memoEntry{at: now, until: until, done: make(chan struct{})}
	keep := len(c.m) < memoMax
	if keep {
		c.m[key] = e
	}
	c.mu.Unlock()
	go func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), memoComputeMax)
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				e.v, e.err = nil, fmt.Errorf("computing %s: panic: %v", key, r)
			}
			close(e.done)
			if e.err != nil && keep {
				c.mu.Lock()
				if c.m[key] == e {
					delete(c.m, key)
				}
				c.mu.Unlock()
			}
		}()
		e.v, e.err = fn(cctx)
	}()
	select {
	case <-e.done:
		return e.v, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
