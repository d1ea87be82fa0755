package calendar

import (
	"context"
	"fmt"
	"sync"
)

// OverrideStore is where administrators' overrides live.
type OverrideStore interface {
	CalendarGeneration(ctx context.Context) (int64, error)
	CalendarOverrides(ctx context.Context) ([]Override, error)
}

// Source hands out the calendar in force. It rebuilds it only when the
// store's generation counter moved, so a change made through any server
// process is used by every process at once, for the price of one tiny read.
type Source struct {
	cfg   Config
	store OverrideStore
	mu    sync.Mutex
	gen   int64
	cal   *Calendar
}

// NewSource returns a Source over the store.
func NewSource(cfg Config, store OverrideStore) *Source {
	return &Source{cfg: cfg, store: store, gen: -1}
}

// Calendar returns the calendar with the current overrides.
func (s *Source) Calendar(ctx context.Context) (*Calendar, error) {
	gen, err := s.store.CalendarGeneration(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cal != nil && gen == s.gen {
		return s.cal, nil
	}
	ovs, err := s.store.CalendarOverrides(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := New(s.cfg, ovs)
	if err != nil {
		return nil, fmt.Errorf("building calendar: %w", err)
	}
	s.cal, s.gen = cal, gen
	return cal, nil
}
