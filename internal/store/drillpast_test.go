package store_test

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestDrillPastInProgressLists checks, on both engines, that the lists of
// dossiers in progress at the end of a past period (within and overdue),
// read from the summary's states, hold exactly the dossiers a brute force
// over the inserted rows finds, as the scan of the dossiers lists them and
// as many as the report's figures, in the order of their due days, whatever
// the page size and plan. Some 500 dossiers are written directly with
// random reception times, due spans (none, the same day, up to 300 days)
// and processing spans (the same day up to 400 days), so that the dossiers
// finished on the period's last day or after, which the summary lists from
// their own streams, span every power of two of days.
func TestDrillPastInProgressLists(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, ict)
		// The periods end at midnights over the window; now is long
		// after it (every period is past, every finishing time before now).
		var ends []time.Time
		for _, d := range []int{20, 45, 75, 100, 130, 165, 200, 240} {
			ends = append(ends, start.AddDate(0, 0, d))
		}
		now := start.AddDate(0, 0, 700)
		ds := pastDossiers(t, f, rand.New(rand.NewPCG(7, 2025)), start, ends)
		if err := f.db.InsertRawDossiers(ctx, ds); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.RebuildSummary(ctx); err != nil {
			t.Fatal(err)
		}
		byCode := map[string]*store.RawDossier{}
		for i := range ds {
			byCode[ds[i].Code] = &ds[i]
		}
		// dayNum is a local day's number, for spans in days.
		dayNum := func(t time.Time) int { return int((t.Unix() + 7*3600) / 86400) }
		// dueKey is the order key of a listed row: its due day, 0 without.
		dueKey := func(r store.DrillRow) int {
			if r.LegalDueAt == nil {
				return 0
			}
			y, m, d := r.LegalDueAt.In(ict).Date()
			return y*10000 + int(m)*100 + d
		}
		type lister func(after store.DrillCursor, limit int) ([]store.DrillRow, store.DrillCursor, error)
		// list pages through a list to its end: no dossier twice, the
		// summary's lists (byDay) in (due day, id) order with the page's
		// last key in its cursor, the scan's by id.
		list := func(t *testing.T, name string, byDay bool, limit int, next lister) []store.DrillRow {
			t.Helper()
			var all []store.DrillRow
			var after store.DrillCursor
			seen := map[int64]bool{}
			for page := 0; ; page++ {
				rows, cur, err := next(after, limit)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if len(rows) > limit || !cur.IsZero() && len(rows) < limit {
					t.Fatalf("%s: page of %d rows, limit %d, next %v", name, len(rows), limit, cur)
				}
				for _, r := range rows {
					if seen[r.ID] {
						t.Fatalf("%s: %s listed twice", name, r.Code)
					}
					seen[r.ID] = true
					if n := len(all); n > 0 {
						p := all[n-1]
						if byDay && (dueKey(r) < dueKey(p) || dueKey(r) == dueKey(p) && r.ID <= p.ID) ||
							!byDay && r.ID <= p.ID {
							t.Fatalf("%s: %s (due %v, id %d) listed after %s (due %v, id %d)", name, r.Code, r.LegalDueAt, r.ID, p.Code, p.LegalDueAt, p.ID)
						}
					}
					all = append(all, r)
				}
				if cur.IsZero() {
					return all
				}
				last := rows[len(rows)-1]
				if want := (store.DrillCursor{Key: dueKey(last), ID: last.ID}); byDay && cur != want || !byDay && cur.ID != last.ID {
					t.Fatalf("%s: cursor %v after %s (due %v, id %d)", name, cur, last.Code, last.LegalDueAt, last.ID)
				}
				if cur.Key < after.Key {
					t.Fatalf("%s: cursor %v after %v", name, cur, after)
				}
				if page > len(ds) {
					t.Fatalf("%s: pages never end", name)
				}
				after = cur
			}
		}
		codes := func(rows []store.DrillRow) []string {
			var s []string
			for _, r := range rows {
				s = append(s, r.Code)
			}
			return s
		}
		scopes := []struct {
			name string
			u    *org.Unit
			in   []*org.Unit // the units holding dossiers in the scope
			// plans: the scope is also listed with the plans forced.
			plans bool
		}{
			{"city", f.city, []*org.Unit{f.cx, f.cy, f.dep}, true},
			{"district", f.district, []*org.Unit{f.cx, f.cy}, true},
			{"commune X", f.cx, []*org.Unit{f.cx}, false},
			{"department", f.dep, []*org.Unit{f.dep}, false},
		}
		// What the city's lists held, summed over the periods: the
		// dossiers finished at the period's end or later (some at its
		// very midnight), by kind and power of two of their processing
		// span in days; those without a due date; the overdue ones
		// finished late, by power of two of their lateness in days; the
		// paused ones, within and overdue.
		var finLater, atEnd, noDue, pausedWithin, pausedOverdue int
		spans, lateness := map[store.DrillKind]map[int]int{store.DrillWithin: {}, store.DrillOverdue: {}}, map[int]int{}
		for p, td := range ends {
			from := td.AddDate(0, 0, -30)
			limit := 3 + p%3
			for _, sc := range scopes {
				rep, err := f.db.StatsFiltered(ctx, sc.u, from, td, now, false, stats.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range []store.DrillKind{store.DrillWithin, store.DrillOverdue} {
					name := fmt.Sprintf("%s, %s, %s", td.Format("2006-01-02"), sc.name, k)
					drill := func(from time.Time) lister {
						return func(after store.DrillCursor, limit int) ([]store.DrillRow, store.DrillCursor, error) {
							return f.db.DrillDown(ctx, sc.u, from, td, now, false, stats.Filter{}, k, after, limit)
						}
					}
					rows := list(t, name, true, limit, drill(from))
					got := codes(rows)
					// The brute force: received before td, not finished
					// before it, held in the scope; overdue if due before
					// td, its clock running at td.
					var want []string
					for _, d := range ds {
						if !d.ReceivedAt.Before(td) || d.FinishedAt != nil && d.FinishedAt.Before(td) || !slices.Contains(sc.in, d.Unit) {
							continue
						}
						stopped := d.FinishedAt == nil && d.Status == dossier.StatusSupplement && (d.PausedAt == nil || !d.PausedAt.After(td))
						if overdue := d.LegalDueAt != nil && d.LegalDueAt.Before(td) && !stopped; overdue == (k == store.DrillOverdue) {
							want = append(want, d.Code)
						}
					}
					if g, w := sorted(got), sorted(want); !slices.Equal(g, w) {
						t.Errorf("%s: listed %d, want %d\n only listed: %v\n missing: %v", name, len(g), len(w), minus(g, w), minus(w, g))
					}
					for _, r := range rows {
						if d := byCode[r.Code]; d == nil || r.UnitCode != d.Unit.Code {
							t.Errorf("%s: %s listed at %s", name, r.Code, r.UnitCode)
						}
					}
					// The scan lists the same: a period not starting at
					// midnight is not read from the summary (nor does
					// its start matter to what is in progress at its end).
					scan := list(t, name+" (scan)", false, limit, drill(from.Add(time.Second)))
					if g, w := sorted(codes(scan)), sorted(got); !slices.Equal(g, w) {
						t.Errorf("%s: the scan listed %d, the summary %d\n only the scan: %v\n only the summary: %v", name, len(g), len(w), minus(g, w), minus(w, g))
					}
					fig := k.Figure(rep)
					n, err := f.db.DrillCount(ctx, sc.u, from, td, now, false, stats.Filter{}, k)
					if err != nil || n != len(rows) || fig != len(rows) {
						t.Errorf("%s: counted %d (%v), the figure is %d, listed %d", name, n, err, fig, len(rows))
					}
					if sc.plans {
						for _, plan := range []string{"walk", "seek"} {
							as := list(t, name+", "+plan, true, limit, func(after store.DrillCursor, limit int) ([]store.DrillRow, store.DrillCursor, error) {
								return f.db.DrillDownAs(ctx, plan, sc.u, from, td, now, false, stats.Filter{}, k, after, limit)
							})
							if g, w := strings.Join(codes(as), " "), strings.Join(got, " "); g != w {
								t.Errorf("%s, plan %s: listed\n %s\nwant\n %s", name, plan, g, w)
							}
						}
					}
					if sc.u != f.city {
						continue
					}
					for _, r := range rows {
						d := byCode[r.Code]
						if d.FinishedAt == nil {
							if d.Status == dossier.StatusSupplement && k == store.DrillWithin {
								pausedWithin++
							} else if d.Status == dossier.StatusSupplement {
								pausedOverdue++
							}
							continue
						}
						finLater++
						if d.FinishedAt.Equal(td) {
							atEnd++
						}
						spans[k][bits.Len(uint(dayNum(*d.FinishedAt)-dayNum(d.ReceivedAt)))]++
						if d.LegalDueAt == nil {
							noDue++
						} else if k == store.DrillOverdue && d.FinishedAt.After(*d.LegalDueAt) {
							lateness[bits.Len(uint(dayNum(*d.FinishedAt)-dayNum(*d.LegalDueAt)))]++
						}
					}
				}
			}
		}
		// The set exercises the lists: else a bucket of the streams could
		// lose its dossiers unseen.
		t.Logf("finished on td or later: %d (%d at td), by span's bit length %v; without a due date %d; overdue finished late, by lateness's bit length %v; paused within %d, overdue %d",
			finLater, atEnd, spans, noDue, lateness, pausedWithin, pausedOverdue)
		few := finLater < 300 || noDue < 10 || atEnd == 0 || pausedWithin < 10 || pausedOverdue < 10
		for b := 1; b <= 9; b++ {
			// Spans of 1 day, 2–3, 4–7... 256–400.
			few = few || spans[store.DrillWithin][b] < 3 || spans[store.DrillOverdue][b] < 3 || lateness[b] == 0
		}
		if few {
			t.Errorf("the set does not exercise the lists: %d finished on td or later (%d at td), spans %v, %d without a due date, lateness %v, paused %d within %d overdue",
				finLater, atEnd, spans, noDue, lateness, pausedWithin, pausedOverdue)
		}
	})
}

// pastDossiers draws the dossiers of TestDrillPastInProgressLists, received
// over the 240 days from start (a fifth straddling a period's end) at the
// fixture's communes and department, each held where received: a fifth
// open (half of these waiting for a supplement, their clock stopped before
// or after the periods' ends), the rest finished after spans of every
// power of two of days up to 400, a few exactly at a period's end (ends),
// with verdicts by their due dates.
func pastDossiers(t *testing.T, f *fixture, r *rand.Rand, start time.Time, ends []time.Time) []store.RawDossier {
	t.Helper()
	ctx := context.Background()
	const day = 24 * time.Hour
	proc := map[*org.Unit][2]int64{}
	for _, u := range []struct {
		u    *org.Unit
		code string
	}{{f.cx, "1.000894"}, {f.cy, "1.000894"}, {f.dep, "2.000908"}} {
		p, err := f.db.Procedure(ctx, u.code, start)
		if err != nil {
			t.Fatal(err)
		}
		proc[u.u] = [2]int64{p.ID, p.Current.ID}
	}
	// span is a duration of up to 2^k days, k drawn uniformly: as many
	// spans of under a day as of months.
	span := func(maxK int) time.Duration {
		return time.Duration(r.Int64N(int64(day) << r.IntN(maxK+1)))
	}
	dueDays := []int{0, 1, 2, 3, 7, 15, 40, 100, 300}
	channels := []dossier.Channel{dossier.ChannelOnline, dossier.ChannelOnline, dossier.ChannelCounter, dossier.ChannelPost}
	var ds []store.RawDossier
	for i := range 520 {
		u := []*org.Unit{f.cx, f.cx, f.cy, f.cy, f.dep}[r.IntN(5)]
		recv := start.Add(time.Duration(r.Int64N(int64(240 * day))))
		// A fifth straddle a period's end by up to 2^k days on either
		// side: short spans in progress at an end are rare otherwise.
		var straddle time.Duration
		end := ends[r.IntN(len(ends))]
		if r.IntN(5) == 0 {
			straddle = day << r.IntN(10)
			recv = end.Add(-time.Duration(r.Int64N(int64(straddle))))
		}
		d := store.RawDossier{Code: fmt.Sprintf("%s-%s-%04d", u.Code, recv.In(ict).Format("060102"), i),
			ProcedureID: proc[u][0], VersionID: proc[u][1], Unit: u, Channel: channels[r.IntN(len(channels))], ReceivedAt: recv}
		switch n := r.IntN(20); {
		case n == 0:
			// No due date.
		case n == 1:
			// Due at a period's end, midnight.
			if due := ends[r.IntN(len(ends))]; due.After(recv) {
				d.LegalDueAt = &due
			}
		case straddle != 0 && n < 10:
			// Due before the end it straddles: overdue at it.
			due := recv.Add(time.Duration(r.Int64N(int64(end.Sub(recv)))))
			d.LegalDueAt = &due
		default:
			due := recv.AddDate(0, 0, dueDays[r.IntN(len(dueDays))])
			d.LegalDueAt = &due
		}
		if r.IntN(10) < 2 {
			d.Status = []dossier.Status{dossier.StatusReceived, dossier.StatusProcessing, dossier.StatusSupplement, dossier.StatusSupplement}[r.IntN(4)]
			if d.Status == dossier.StatusSupplement && r.IntN(8) > 0 {
				// Stopped some time after reception (else since it).
				p := recv.Add(span(8))
				d.PausedAt = &p
			}
			ds = append(ds, d)
			continue
		}
		d.Status = []dossier.Status{dossier.StatusFinished, dossier.StatusDelivered}[r.IntN(2)]
		fin := recv.Add(min(span(9), 400*day))
		if straddle != 0 {
			fin = recv.Add(min(end.Sub(recv)+time.Duration(r.Int64N(int64(straddle))), 400*day))
		}
		if r.IntN(25) == 0 {
			// Finished at a period's end, midnight.
			if e := ends[r.IntN(len(ends))]; e.After(recv) && e.Before(recv.Add(400*day)) {
				fin = e
			}
		}
		d.FinishedAt = &fin
		d.Verdict = dossier.Verdict(d.LegalDueAt, fin, ict)
		ds = append(ds, d)
	}
	return ds
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// minus is a without b, both sorted.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			out = append(out, x)
		}
	}
	return out
}
