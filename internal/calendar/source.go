package calendar

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// OverrideStore is where administrators' overrides and office hours live.
type OverrideStore interface {
	CalendarGeneration(ctx context.Context) (int64, error)
	CalendarOverrides(ctx context.Context) ([]Override, error)
	OfficeHours(ctx context.Context) ([]OfficeHours, error)
}

// OfficeHours are the office windows set for a unit (and the units below
// it that have none of their own), or with UnitID 0 for the whole city.
type OfficeHours struct {
	// UnitID is the unit they are set for; 0 for the city default.
	UnitID int64
	// Unit and UnitPath are that unit's agency identifier and
	// materialised path, filled when read.
	Unit     string
	UnitPath string
	// Morning and Afternoon are "HH:MM" pairs as in Config.
	Morning, Afternoon [2]string
}

// Validate reports whether the windows are well formed and in order.
func (o OfficeHours) Validate() error {
	_, err := New(Config{Morning: o.Morning, Afternoon: o.Afternoon}, nil)
	return err
}

// HoursAt returns the office hours in force at the unit with the
// materialised path ("" for the city): those of the nearest unit on the way
// up that has its own, else the city default (UnitID 0), else ok false.
func HoursAt(all []OfficeHours, path string) (OfficeHours, bool) {
	var best OfficeHours
	found := false
	for _, o := range all {
		if o.UnitID != 0 && (o.UnitPath == "" || !strings.HasPrefix(path, o.UnitPath)) {
			continue
		}
		if !found || len(o.UnitPath) > len(best.UnitPath) {
			best, found = o, true
		}
	}
	return best, found
}

// maxUnitCalendars bounds the per-unit cache; past it the cache starts
// over (a city has a few hundred units).
const maxUnitCalendars = 4096

// Source hands out the calendar in force, deployment-wide or for one unit.
// It rebuilds calendars only when the store's generation counter moved, so
// a change made through any server process is used by every process at
// once, for the price of one tiny read.
type Source struct {
	cfg   Config
	store OverrideStore
	mu    sync.Mutex
	gen   int64
	all   []Override // every override, deployment-wide and per unit
	hours []OfficeHours
	base  *Calendar // deployment-wide overrides only
	units map[string]*Calendar
}

// NewSource returns a Source over the store.
func NewSource(cfg Config, store OverrideStore) *Source {
	return &Source{cfg: cfg, store: store, gen: -1}
}

// Calendar returns the deployment-wide calendar with the current overrides.
func (s *Source) Calendar(ctx context.Context) (*Calendar, error) {
	return s.ForUnit(ctx, "")
}

// ForUnit returns the calendar of the unit at the materialised path: the
// deployment-wide overrides, then those of the unit's ancestors and of the
// unit itself, the nearest winning for a date. "" is the deployment-wide
// calendar.
func (s *Source) ForUnit(ctx context.Context, path string) (*Calendar, error) {
	gen, err := s.store.CalendarGeneration(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.base == nil || gen != s.gen {
		all, err := s.store.CalendarOverrides(ctx)
		if err != nil {
			return nil, err
		}
		hours, err := s.store.OfficeHours(ctx)
		if err != nil {
			return nil, err
		}
		base, err := New(s.configAt(hours, ""), Merge(all, ""))
		if err != nil {
			return nil, fmt.Errorf("building calendar: %w", err)
		}
		s.all, s.hours, s.base, s.units, s.gen = all, hours, base, map[string]*Calendar{}, gen
	}
	if path == "" {
		return s.base, nil
	}
	if c, ok := s.units[path]; ok {
		return c, nil
	}
	// Most units have no override of their own: they share the base.
	c := s.base
	if s.hasUnitOverride(path) {
		if c, err = New(s.configAt(s.hours, path), Merge(s.all, path)); err != nil {
			return nil, fmt.Errorf("building the calendar of unit %s: %w", path, err)
		}
	}
	if len(s.units) >= maxUnitCalendars {
		s.units = map[string]*Calendar{}
	}
	s.units[path] = c
	return c, nil
}

// hasUnitOverride reports whether any unit override or unit office hours
// apply at path.
func (s *Source) hasUnitOverride(path string) bool {
	for _, o := range s.all {
		if o.UnitID != 0 && applies(o, path) {
			return true
		}
	}
	for _, o := range s.hours {
		if o.UnitID != 0 && o.UnitPath != "" && strings.HasPrefix(path, o.UnitPath) {
			return true
		}
	}
	return false
}

// configAt is the Source's configuration with the office hours in force at
// path.
func (s *Source) configAt(hours []OfficeHours, path string) Config {
	cfg := s.cfg
	if h, ok := HoursAt(hours, path); ok {
		cfg.Morning, cfg.Afternoon = h.Morning, h.Afternoon
	}
	return cfg
}

// applies reports whether a unit override reaches the unit at path.
func applies(o Override, path string) bool {
	return o.UnitPath != "" && strings.HasPrefix(path, o.UnitPath)
}

// Merge picks, for each date, the override in force at the unit with the
// materialised path ("" for the deployment-wide calendar): that of the
// nearest unit on the way up, else the deployment-wide one.
func Merge(all []Override, path string) []Override {
	var picked []Override
	for _, o := range all {
		if o.UnitID == 0 || path != "" && applies(o, path) {
			picked = append(picked, o)
		}
	}
	// Deployment-wide first, then from the top unit down: later wins.
	sort.SliceStable(picked, func(i, j int) bool { return len(picked[i].UnitPath) < len(picked[j].UnitPath) })
	byDate := map[string]int{}
	var out []Override
	for _, o := range picked {
		if i, ok := byDate[o.Date]; ok {
			out[i] = o
			continue
		}
		byDate[o.Date] = len(out)
		out = append(out, o)
	}
	return out
}
