package portal

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestIndexMemo(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	var calls atomic.Int64
	count := func(context.Context) (any, error) { return calls.Add(1), nil }
	var m indexMemo
	get := func(key string, at time.Time) int64 {
		v, err := m.get(ctx, key, at, t0.Add(time.Minute), count)
		if err != nil {
			t.Fatal(err)
		}
		return v.(int64)
	}
	for _, tc := range []struct {
		name string
		key  string
		at   time.Time
		want int64
	}{
		{"first computes", "a", t0, 1},
		{"before it expires is kept", "a", t0.Add(59 * time.Second), 1},
		{"another key computes", "b", t0, 2},
		{"when it expires computes again", "a", t0.Add(time.Minute), 3},
		{"a clock set back computes again", "a", t0.Add(-time.Second), 4},
	} {
		if got := get(tc.key, tc.at); got != tc.want {
			t.Errorf("%s: got answer %d, want %d", tc.name, got, tc.want)
		}
	}

	// An error is answered, not kept.
	boom := errors.New("boom")
	if _, err := m.get(ctx, "c", t0, t0.Add(time.Minute), func(context.Context) (any, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("error: %v", err)
	}
	if v, err := m.get(ctx, "c", t0, t0.Add(time.Minute), count); err != nil || v.(int64) != 5 {
		t.Fatalf("after an error: %v, %v; want a new computation", v, err)
	}

	// Concurrent requests for one key share one computation.
	var n atomic.Int64
	release := make(chan struct{})
	slow := func(context.Context) (any, error) { n.Add(1); <-release; return "figures", nil }
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := m.get(ctx, "d", t0, t0.Add(time.Minute), slow); err != nil || v != "figures" {
				t.Errorf("shared computation: %v, %v", v, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n.Load() != 1 {
		t.Errorf("%d computations for 8 concurrent requests, want 1", n.Load())
	}

	// The first requester leaving ends its wait, not the computation:
	// the next requester gets its figures, computed once.
	var runs atomic.Int64
	started, finish := make(chan struct{}), make(chan struct{})
	long := func(ctx context.Context) (any, error) {
		runs.Add(1)
		close(started)
		select {
		case <-finish:
			return "year", nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	first, leave := context.WithCancel(ctx)
	gone := make(chan error, 1)
	go func() { _, err := m.get(first, "e", t0, t0.Add(time.Minute), long); gone <- err }()
	<-started
	leave()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("the first requester left: %v, want its context's end", err)
	}
	close(finish)
	if v, err := m.get(ctx, "e", t0, t0.Add(time.Minute), long); err != nil || v != "year" {
		t.Fatalf("after the first requester left: %v, %v; want the computation's figures", v, err)
	}
	if runs.Load() != 1 {
		t.Errorf("%d computations, want 1", runs.Load())
	}

	// A computation that panics answers an error, and is not kept.
	if _, err := m.get(ctx, "f", t0, t0.Add(time.Minute), func(context.Context) (any, error) { panic("bad row") }); err == nil {
		t.Fatal("a panicking computation answered no error")
	}
	if v, err := m.get(ctx, "f", t0, t0.Add(time.Minute), count); err != nil || v.(int64) <= 5 {
		t.Fatalf("after a panic: %v, %v; want a new computation", v, err)
	}
}
