package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// drillKinds are the figures a leader follows most: the overdue list, the
// late and the in-progress ones, what was received online.
var drillKinds = []store.DrillKind{store.DrillOverdue, store.DrillFinishedLate, store.DrillWithin, store.DrillReceivedOnline}

// drillDown times the dashboards' drill-down lists (store.DrillDown, the
// query behind /can-bo/thong-ke/ho-so) over the dashboards' kind of
// period, whole local days (the twelve months to the end of today): the
// first page of 50 and, where there is one, the next, for the city, 10
// districts and 30 communes drawn at random, each figure of drillKinds,
// until Queries/4 lists or, past 40 lists, four times Duration.
// It is timed at the store, not through the page: the page needs a staff
// session, and its rendering is not what grows with the dossiers.
func drillDown(ctx context.Context, db *store.DB, fx *fixture, o Options, rep *Report) error {
	r := rand.New(rand.NewPCG(5, 13))
	units := []*org.Unit{fx.city}
	for range 10 {
		units = append(units, &fx.districts[r.IntN(len(fx.districts))])
	}
	for range 30 {
		units = append(units, &fx.communes[r.IntN(len(fx.communes))])
	}
	// The dashboards' kind of period: whole local days, from the first
	// of the month twelve months ago to the end of today (the summary's
	// path, as the page's periods).
	now := time.Now()
	y, m, d := now.In(store.Zone).Date()
	var err error
	from := time.Date(y, m-12, 1, 0, 0, 0, 0, store.Zone)
	to := time.Date(y, m, d+1, 0, 0, 0, 0, store.Zone)
	if db.Dialect() == store.Postgres {
		// The summary's states were written by RebuildSummary after the
		// seed's ANALYZE: without statistics of their own (which
		// autovacuum gives a live store, maybe late in a short run), the
		// planner guesses the lists' ranges hold a few rows.
		if err := db.WriteTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "ANALYZE stats_dossiers")
			return err
		}); err != nil {
			return fmt.Errorf("analysing the summary's states: %w", err)
		}
	}
	cur, err := timeDrills(ctx, db, units, from, to, now, true, o.Queries/4, 4*o.Duration)
	if err != nil {
		return err
	}
	rep.DrillQueries, rep.DrillP50, rep.DrillP95, rep.DrillP99, rep.DrillByKind = cur.n, cur.p50, cur.p95, cur.p99, cur.lines
	// A past period too, last calendar year: its in-progress and overdue
	// lists are those at the year's end, which read the dossiers
	// finished since (drillStreams); first pages only, reported apart.
	y--
	past := []time.Time{time.Date(y, 1, 1, 0, 0, 0, 0, store.Zone), time.Date(y+1, 1, 1, 0, 0, 0, 0, store.Zone)}
	last, err := timeDrills(ctx, db, units, past[0], past[1], now, false, o.Queries/8, 2*o.Duration)
	rep.DrillPastQueries, rep.DrillPastP95, rep.DrillPastByKind = last.n, last.p95, last.lines
	return err
}

// drillTimes is what timeDrills measured: n lists, their percentiles, and
// the lines by figure, level and page.
type drillTimes struct {
	n             int
	p50, p95, p99 time.Duration
	lines         []string
}

// timeDrills times the first page of each figure of drillKinds (and the
// next, with next) for each unit in turn, until queries lists or, past 40,
// budget.
func timeDrills(ctx context.Context, db *store.DB, units []*org.Unit, from, to, now time.Time, next bool, queries int, budget time.Duration) (drillTimes, error) {
	var lat []time.Duration
	// By figure and level (city, district, commune), the first page and
	// the next apart.
	type group struct {
		kind  store.DrillKind
		level string
		next  bool
	}
	byGroup := map[group][]time.Duration{}
	level := func(i int) string {
		switch {
		case i == 0:
			return "city"
		case i <= 10:
			return "district"
		}
		return "commune"
	}
	// Bounded in time too: on a large store, where the lists are slow,
	// the measure would otherwise take many minutes.
	start := time.Now()
	enough := func() bool { return len(lat) >= queries || len(lat) >= 40 && time.Since(start) > budget }
	for !enough() {
		for i, u := range units {
			if enough() {
				break
			}
			for _, k := range drillKinds {
				t0 := time.Now()
				_, cur, err := db.DrillDown(ctx, u, from, to, now, false, stats.Filter{}, k, store.DrillCursor{}, 50)
				if err != nil {
					return drillTimes{}, fmt.Errorf("drill-down: %w", err)
				}
				d := time.Since(t0)
				lat = append(lat, d)
				g := group{k, level(i), false}
				byGroup[g] = append(byGroup[g], d)
				if next && !cur.IsZero() {
					t0 = time.Now()
					if _, _, err := db.DrillDown(ctx, u, from, to, now, false, stats.Filter{}, k, cur, 50); err != nil {
						return drillTimes{}, fmt.Errorf("drill-down: %w", err)
					}
					d := time.Since(t0)
					lat = append(lat, d)
					g.next = true
					byGroup[g] = append(byGroup[g], d)
				}
			}
		}
	}
	slices.Sort(lat)
	var lines []string
	for _, k := range drillKinds {
		for _, lv := range []string{"city", "district", "commune"} {
			for _, nx := range []bool{false, true} {
				d := byGroup[group{k, lv, nx}]
				if len(d) == 0 {
					continue
				}
				slices.Sort(d)
				page := "first page"
				if nx {
					page = "next page"
				}
				lines = append(lines, fmt.Sprintf("%-16s %-8s %-10s n=%4d p50 %8s p95 %8s", k, lv, page, len(d),
					percentile(d, 0.5).Round(10*time.Microsecond), percentile(d, 0.95).Round(10*time.Microsecond)))
			}
		}
	}
	return drillTimes{len(lat), percentile(lat, 0.5), percentile(lat, 0.95), percentile(lat, 0.99), lines}, nil
}
