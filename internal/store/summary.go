package store

// The statistics summary: the II.06a figures kept as counters, written in
// the same transaction as each dossier event, so that a report over a
// city's year reads a few thousand counter rows instead of every dossier,
// and the counters cannot miss an event.
//
// Design.
//
// A counted dossier (received, status not 1 or 3) contributes +1 to a set
// of counters that depends only on a small part of its state: a summary
// state (sumState, the row of stats_dossiers). The counters are rows of
// stats_daily keyed by (unit_id, procedure_id, day), day being the local
// date (Asia/Ho_Chi_Minh) as yyyymmdd:
//
//	at the receiving unit (received_unit_id):
//	  recv_online, recv_counter  the reception day, by channel
//	  recv_l3, recv_l3_online    the same for versions of level >= 3
//	  recv_fin                   the finishing day (for "carried over")
//	  recv_post                  the reception day, of recv_counter those
//	                             received by post
//	at the holding unit (the unit that decided a finished dossier, the
//	one holding an open one: sqlDecidedPath's rule):
//	  held_recv                  the reception day  } in progress at T =
//	  held_fin                   the finishing day  } Σheld_recv(<T) − Σheld_fin(<T)
//	  fin_early/on_time/late     the finishing day, by verdict
//	  due_all                    day max(received, due), dossiers with a due date
//	  due_fin                    day max(received, due, finished), finished ones
//	  due_paused                 day max(received, due, paused), open ones whose
//	                             clock is stopped (status 5, or 6 with paused_at)
//	  supp_recv, supp_fin        as held_recv/held_fin, for dossiers asked to
//	                             supplement more than once
//	  rate_*                     the day of the rating event, by value and rater
//
// so that, for a period [from, to) of whole local days (T = to):
//
//	received       = Σ recv_* over [from, to)
//	carried over   = Σ (recv_online+recv_counter)(<from) − Σ recv_fin(<from)
//	finished       = Σ fin_* over [from, to)
//	in progress    = Σ held_recv(<T) − Σ held_fin(<T)
//	overdue at T   = Σ due_all(<T) − Σ due_fin(<T) − Σ due_paused(<T)
//	                 (received and due before T, not finished before T, and
//	                 not an open dossier whose clock stopped before T: the
//	                 "max of days" keys turn each conjunction of "before T"
//	                 into one comparison)
//	further supplementation requests = Σ supp_recv(<T) − Σ supp_fin(<from)
//
// Upkeep (upkeepSummary, called by createDossierTx and UpdateDossier next to
// the event hook): the new summary state is derived from the dossier's new
// state and the event; the old one is read from stats_dossiers; the counters
// of the old state are decremented and those of the new incremented (only
// when the summary state changed: most events, an assignment, a note, leave
// it as it is), and the new state stored. The change depends only on the
// stored state, so an upkeep is right whatever happened before, and
// RebuildSummary (which recomputes every summary state from the dossiers and
// their events, and the counters from them) gives the same rows: the
// equality test checks it after thousands of random actions.
//
// Counter rows that fall to zero are deleted, so that the maintained tables
// and a rebuild are equal row for row.
//
// Subtrees by month. The figures "before T" sum every day since the
// beginning, and a city's subtree holds every unit: summed from the daily
// rows, the city's year read all the rows there are. So the same counters
// are also kept in stats_subtree_monthly, keyed by (unit_id, procedure_id,
// month yyyymm), where unit_id is every ancestor-or-self of the daily row's
// unit (its materialised path), and once more with procedure_id 0 for all
// procedures together (a report without a filter reads a row a month,
// not one per procedure; joins on procedures leave these rows out): the
// upkeep adds each daily key's change to (ancestor, procedure, day/100)
// and (ancestor, 0, day/100) for each ancestor, merged per key, the
// daily rows then the monthly ones written in key order (concurrent upkeeps
// lock rows in one order and cannot deadlock). For a subtree, every figure
// is a difference of prefix sums
//
//	P_X = Σ the unit's monthly rows of the months before X's
//	    + Σ the daily rows of its subtree from the first of X's month to X
//	    (early in a month), or
//	P_X = Σ the unit's monthly rows of the months up to X's
//	    − Σ the daily rows of its subtree from X to the next month's first
//	    (late in a month)
//
// (a figure over [from, to) is P_to − P_from), so the city's year reads
// its own rows, procedures × months, and at most half a month of days at
// each edge (none for a calendar year: the edges are months' firsts). The
// edges' days come from stats_subtree_daily, stats_subtree_monthly by day
// (keyed by unit_id, day, procedure_id, its procedure 0 the rows of every
// procedure, kept by the same upkeep): a row a day and procedure, or a day
// for the figures not by procedure, where the daily rows of the subtree's
// units grow with the dossiers (10,075 rows for the city's first five days
// of a month at a million). A unit alone (own) sums its own daily rows.
// stats_monthly sums each unit's own daily rows by month: the real-use
// measure's probes (realuse.go) read it over a period's whole months.
//
// The monthly rows and the subtrees' days depend on the tree: UpsertUnits
// recomputes them from the daily rows when it moves a unit to another
// parent (refreshSubtrees); a unit moved by any other way (SQL by hand)
// needs motcua stats rebuild.
//
// Reading (summaryRows): StatsFiltered and StatsRows sum the counters for
// periods of whole local days that start before now; other periods scan
// the dossiers (scanStatsRows). When now falls inside the period, overdue
// is judged at now, a time of day: the sums give the count at the end of
// today, less the open dossiers falling due between now and midnight (one
// small query on dossiers, on the index of the open ones' due dates).
// TestSummaryAnswersAsTheScan checks the two paths agree.
//
// The drill-down lists (drilldown.go) read the same states: a figure's
// dossiers over whole days are the rows of stats_dossiers meeting
// contribute's rules on their days, read along the indexes of migrations
// 00036 and 00041 (the span buckets, spanbucket.go);
// TestDrillDownEqualsFigures checks they are as many as the figure.
//
// Limits: dossiers written by Batch (the demo's bulk loader) do not go
// through the upkeep; run RebuildSummary (motcua stats rebuild) after a
// bulk load. A rating is counted once per dossier (the service lets a
// dossier be rated once), at its last rating event, and only on counted
// dossiers (the scan counts the rating events of any dossier; the service
// rates delivered dossiers only). The figures are those of the dossiers'
// present state, as the scan's are: an in-progress dossier counts at the
// unit holding it now, and its due date is the present one.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// sumState is what of a counted dossier the summary counts (a row of
// stats_dossiers). Days are yyyymmdd, 0 for none.
type sumState struct {
	ProcedureID, RecvUnit, HeldUnit int64
	Online, L3                      bool
	Post                            bool // received by post (a part of the counter's)
	RecvDay, FinDay                 int
	Verdict                         string
	DueDay                          int
	Paused                          bool // an open dossier whose clock is stopped
	PausedDay                       int  // when it stopped; 0: since reception (status 5 without paused_at)
	SuppMulti                       bool
	RatedDay                        int
	Rating                          string
	RateDesk                        bool
}

// sumCols are the counters of stats_daily, in the order of sumCounters.
var sumCols = []string{"recv_online", "recv_counter", "recv_l3", "recv_l3_online", "recv_fin",
	"held_recv", "held_fin", "fin_early", "fin_on_time", "fin_late",
	"due_all", "due_fin", "due_paused", "supp_recv", "supp_fin",
	"rate_very", "rate_sat", "rate_dis", "rate_desk", "recv_post"}

const (
	cRecvOnline = iota
	cRecvCounter
	cRecvL3
	cRecvL3Online
	cRecvFin
	cHeldRecv
	cHeldFin
	cFinEarly
	cFinOnTime
	cFinLate
	cDueAll
	cDueFin
	cDuePaused
	cSuppRecv
	cSuppFin
	cRateVery
	cRateSat
	cRateDis
	cRateDesk
	cRecvPost
	nCounters
)

// sumKey is a row of stats_daily.
type sumKey struct {
	Unit, Procedure int64
	Day             int
}

type sumCounters [nCounters]int64

// sumDelta accumulates counter changes by row.
type sumDelta map[sumKey]*sumCounters

func (m sumDelta) add(unit, proc int64, day, col int, n int64) {
	m.row(sumKey{unit, proc, day})[col] += n
}

// row is k's counters in m, created at zero.
func (m sumDelta) row(k sumKey) *sumCounters {
	c := m[k]
	if c == nil {
		c = new(sumCounters)
		m[k] = c
	}
	return c
}

// addRow adds the counters c to k's row.
func (m sumDelta) addRow(k sumKey, c *sumCounters) {
	r := m.row(k)
	for i, v := range c {
		r[i] += v
	}
}

// contribute adds n times the counters of state s to m.
func (s *sumState) contribute(m sumDelta, n int64) {
	p := s.ProcedureID
	r, h := s.RecvUnit, s.HeldUnit
	if s.Online {
		m.add(r, p, s.RecvDay, cRecvOnline, n)
	} else {
		m.add(r, p, s.RecvDay, cRecvCounter, n)
		if s.Post {
			m.add(r, p, s.RecvDay, cRecvPost, n)
		}
	}
	if s.L3 {
		m.add(r, p, s.RecvDay, cRecvL3, n)
		if s.Online {
			m.add(r, p, s.RecvDay, cRecvL3Online, n)
		}
	}
	m.add(h, p, s.RecvDay, cHeldRecv, n)
	if s.SuppMulti {
		m.add(h, p, s.RecvDay, cSuppRecv, n)
	}
	if s.FinDay != 0 {
		m.add(r, p, s.FinDay, cRecvFin, n)
		m.add(h, p, s.FinDay, cHeldFin, n)
		switch s.Verdict {
		case "early":
			m.add(h, p, s.FinDay, cFinEarly, n)
		case "on_time":
			m.add(h, p, s.FinDay, cFinOnTime, n)
		case "late":
			m.add(h, p, s.FinDay, cFinLate, n)
		}
		if s.SuppMulti {
			m.add(h, p, s.FinDay, cSuppFin, n)
		}
	}
	if s.DueDay != 0 {
		d := max(s.RecvDay, s.DueDay)
		m.add(h, p, d, cDueAll, n)
		if s.FinDay != 0 {
			m.add(h, p, max(d, s.FinDay), cDueFin, n)
		} else if s.Paused {
			m.add(h, p, max(d, s.PausedDay), cDuePaused, n)
		}
	}
	if s.RatedDay != 0 {
		switch s.Rating {
		case dossier.RatingVerySatisfied:
			m.add(h, p, s.RatedDay, cRateVery, n)
		case dossier.RatingSatisfied:
			m.add(h, p, s.RatedDay, cRateSat, n)
		case dossier.RatingDissatisfied:
			m.add(h, p, s.RatedDay, cRateDis, n)
		}
		if s.RateDesk {
			m.add(h, p, s.RatedDay, cRateDesk, n)
		}
	}
}

// dayOf is the local date of t as yyyymmdd.
func dayOf(t time.Time) int {
	y, m, d := t.In(Zone).Date()
	return y*10000 + int(m)*100 + d
}

func dayOfPtr(t *time.Time) int {
	if t == nil {
		return 0
	}
	return dayOf(*t)
}

// finishedSet are the statuses entering which decides a dossier, and
// closedSet those after which a dossier is no longer decided anew
// (sqlDecidedPath).
func finishedSet(s dossier.Status) bool {
	return s == dossier.StatusWithdrawn || s == dossier.StatusStopped || s == dossier.StatusFinished
}

func closedSet(s dossier.Status) bool { return finishedSet(s) || s == dossier.StatusDelivered }

// stateFields fills the parts of s that the dossier's columns give.
func (s *sumState) stateFields(channel dossier.Channel, status dossier.Status, recv, fin, due, paused *time.Time, verdict string, suppRequests int, rating string) {
	s.Online = channel == dossier.ChannelOnline
	s.Post = channel == dossier.ChannelPost
	s.RecvDay, s.FinDay, s.DueDay = dayOfPtr(recv), dayOfPtr(fin), dayOfPtr(due)
	s.Verdict = verdict
	s.Paused = fin == nil && (status == dossier.StatusSupplement || (status == dossier.StatusFee && paused != nil))
	s.PausedDay = 0
	if s.Paused {
		s.PausedDay = dayOfPtr(paused)
	}
	s.SuppMulti = suppRequests > 1
	s.Rating = rating
}

const qSumState = `SELECT procedure_id, recv_unit_id, held_unit_id, online, l3, recv_day, fin_day, verdict, due_day,
	paused, paused_day, supp_multi, rated_day, rating, rate_desk, post FROM stats_dossiers WHERE dossier_id = $1`

// decidedUnitSQL is sqlDecidedPath answering the unit's id.
var decidedUnitSQL = fmt.Sprintf(`CASE WHEN d.finished_at IS NOT NULL AND d.unit_id = d.received_unit_id THEN COALESCE((
			SELECT e.unit_id FROM events e JOIN units eu ON eu.id = e.unit_id
			WHERE e.dossier_id = d.id AND e.to_status IN (%[1]d, %[2]d, %[3]d)
				AND e.from_status NOT IN (%[1]d, %[2]d, %[3]d, %[4]d)
			ORDER BY e.id DESC LIMIT 1), d.unit_id) ELSE d.unit_id END`,
	dossier.StatusWithdrawn, dossier.StatusStopped, dossier.StatusFinished, dossier.StatusDelivered)

// upkeepSummary moves the summary counters from the dossier's previous
// summary state to the one of d after ev, inside the event's transaction.
func (db *DB) upkeepSummary(ctx context.Context, tx *Tx, d *dossier.Dossier, ev *dossier.Event) error {
	var old *sumState
	var o sumState
	q := qSumState
	if db.dialect == Postgres {
		// The row lock's table lock waits for a running RebuildSummary
		// (which holds the table exclusively), so that the state read is
		// the rebuilt one.
		q += " FOR UPDATE"
	}
	err := tx.QueryRowContext(ctx, q, d.ID).Scan(&o.ProcedureID, &o.RecvUnit, &o.HeldUnit, &o.Online, &o.L3,
		&o.RecvDay, &o.FinDay, &o.Verdict, &o.DueDay, &o.Paused, &o.PausedDay, &o.SuppMulti, &o.RatedDay, &o.Rating, &o.RateDesk, &o.Post)
	switch {
	case err == nil:
		old = &o
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("reading the summary state of %s: %w", d.Code, err)
	}
	nw, err := newSumState(ctx, tx, d, ev, old)
	if err != nil {
		return fmt.Errorf("summarising %s: %w", d.Code, err)
	}
	if old == nil && nw == nil || old != nil && nw != nil && *old == *nw {
		return nil
	}
	delta := sumDelta{}
	if old != nil {
		old.contribute(delta, -1)
	}
	if nw != nil {
		nw.contribute(delta, 1)
	}
	// The counters are written once, before the commit (runTx): every
	// transaction then locks its counter rows last and in one order,
	// however many dossiers it changed (a group of walk-in submissions, a
	// batch of receptions), so that two cannot deadlock on them.
	if tx.sum == nil {
		tx.sum = sumDelta{}
	}
	for k, c := range delta {
		tx.sum.addRow(k, c)
	}
	if err := writeSumState(ctx, tx, d.ID, old != nil, nw); err != nil {
		return fmt.Errorf("saving the summary state of %s: %w", d.Code, err)
	}
	return nil
}

// newSumState derives the summary state of d after ev; nil if d is not
// counted. old (nil if none) gives what does not change and what the
// dossier's columns do not hold (the holding unit once decided, the rating
// event).
func newSumState(ctx context.Context, tx *Tx, d *dossier.Dossier, ev *dossier.Event, old *sumState) (*sumState, error) {
	if !d.Status.Counted() || d.ReceivedAt == nil {
		return nil, nil
	}
	s := &sumState{}
	if old != nil {
		s.ProcedureID, s.L3 = old.ProcedureID, old.L3
		s.RatedDay, s.RateDesk = old.RatedDay, old.RateDesk
	} else {
		var level int
		err := tx.QueryRowContext(ctx, qVersionLevel, d.ProcedureVersionID).Scan(&s.ProcedureID, &level)
		if err != nil {
			return nil, fmt.Errorf("reading the procedure version: %w", err)
		}
		s.L3 = level >= 3
	}
	s.RecvUnit = d.ReceivedUnitID
	s.stateFields(d.Channel, d.Status, d.ReceivedAt, d.FinishedAt, d.LegalDueAt, d.PausedAt, d.Verdict, d.SupplementRequests, d.Rating)
	switch {
	case ev.Action == dossier.ActRate:
		s.RatedDay, s.RateDesk = dayOf(ev.At), ev.Role != dossier.RoleApplicant
	case old == nil && d.Rating != "":
		// Rated while not counted (refused, then reopened): the rating
		// event is in the history.
		var at time.Time
		var role string
		err := tx.QueryRowContext(ctx, `SELECT at, role FROM events WHERE dossier_id = $1 AND action = $2 ORDER BY id DESC LIMIT 1`,
			d.ID, string(dossier.ActRate)).Scan(&at, &role)
		switch {
		case err == nil:
			s.RatedDay, s.RateDesk = dayOf(at), role != dossier.RoleApplicant
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("reading the rating: %w", err)
		}
	}
	s.HeldUnit = d.UnitID
	if d.FinishedAt != nil && d.UnitID == d.ReceivedUnitID {
		switch {
		case finishedSet(ev.To) && !closedSet(ev.From) && ev.UnitID != 0:
			s.HeldUnit = ev.UnitID
		default:
			// Decided by an earlier event (a result returned to the desk,
			// delivered): the history says which unit. The old state does
			// not: it may have been a transferred dossier's holder.
			err := tx.QueryRowContext(ctx, `SELECT `+decidedUnitSQL+` FROM dossiers d WHERE d.id = $1`, d.ID).Scan(&s.HeldUnit)
			if err != nil {
				return nil, fmt.Errorf("reading the deciding unit: %w", err)
			}
		}
	}
	return s, nil
}

// applyDelta adds the changes to stats_daily and its unit's own month in
// stats_monthly, and to stats_subtree_monthly and stats_subtree_daily for
// every ancestor-or-self of each daily row's unit, and deletes the rows
// they leave at zero.
// With batch (PostgreSQL, where each statement is a round trip), each
// table's rows are written by one statement.
func applyDelta(ctx context.Context, tx *Tx, delta sumDelta, batch bool) error {
	own, monthly, subDaily := sumDelta{}, sumDelta{}, sumDelta{}
	anc := map[int64][]int64{}
	for k, c := range delta {
		if *c == (sumCounters{}) {
			continue
		}
		own.addRow(sumKey{k.Unit, k.Procedure, k.Day / 100}, c)
		ids, ok := anc[k.Unit]
		if !ok {
			var err error
			if ids, err = unitAncestors(ctx, tx, k.Unit); err != nil {
				return err
			}
			anc[k.Unit] = ids
		}
		// Deltas merged per monthly key: one statement a row, whatever
		// the number of daily rows moving into it. Each change also goes
		// to the row of every procedure (procedure_id 0).
		for _, a := range ids {
			for _, proc := range []int64{k.Procedure, 0} {
				monthly.addRow(sumKey{a, proc, k.Day / 100}, c)
				subDaily.addRow(sumKey{a, proc, k.Day}, c)
			}
		}
	}
	// Daily rows first, then the own months, the subtrees' months, the
	// subtrees' days, each in key order: every transaction locks rows in
	// one order, so concurrent upkeeps cannot deadlock.
	if err := writeDelta(ctx, tx, delta, tDaily, batch); err != nil {
		return err
	}
	if err := writeDelta(ctx, tx, own, tOwnMonthly, batch); err != nil {
		return err
	}
	if err := writeDelta(ctx, tx, monthly, tMonthly, batch); err != nil {
		return err
	}
	return writeDelta(ctx, tx, subDaily, tSubDaily, batch)
}

// unitAncestors answers the ids of the unit and the units above it, read
// from its materialised path ("/1/5/17/") in the transaction, so that a
// unit created in it is known.
func unitAncestors(ctx context.Context, tx *Tx, unit int64) ([]int64, error) {
	var path string
	if err := tx.QueryRowContext(ctx, qUnitPath, unit).Scan(&path); err != nil {
		return nil, fmt.Errorf("reading the path of unit %d: %w", unit, err)
	}
	return pathIDs(path)
}

// pathIDs parses a materialised path into its units' ids, top first.
func pathIDs(path string) ([]int64, error) {
	var ids []int64
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("unit path %q: %w", path, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

const qUnitPath = `SELECT path FROM units WHERE id = $1`

// counterTable is a summary table keyed by (unit, procedure, day or
// month), with its one-row upsert and delete (counterQueries).
type counterTable struct {
	name        string
	keys        []string
	upsert, del string
}

func newCounterTable(name string, keys []string) counterTable {
	t := counterTable{name: name, keys: keys}
	t.upsert, t.del = counterQueries(name, keys, sumCols)
	return t
}

var tDaily, tOwnMonthly, tMonthly, tSubDaily counterTable

// rowsSQL is t's upsert and delete of n rows at once (counterRowsSQL).
func (t counterTable) rowsSQL(n int) (upsert, del string) {
	return counterRowsSQL(t.name, t.keys, sumCols, n)
}

// writeDelta applies the non-zero changes of delta to t, in key order,
// deleting the rows a decrement may have left at zero: a statement a row,
// or with batch one upsert (and one delete) for them all.
func writeDelta(ctx context.Context, tx *Tx, delta sumDelta, t counterTable, batch bool) error {
	keys := make([]sumKey, 0, len(delta))
	for k, c := range delta {
		if *c != (sumCounters{}) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Unit != b.Unit {
			return a.Unit < b.Unit
		}
		if a.Procedure != b.Procedure {
			return a.Procedure < b.Procedure
		}
		return a.Day < b.Day
	})
	if !batch || len(keys) < 2 {
		for _, k := range keys {
			if err := writeCounterRow(ctx, tx, t.upsert, t.del, []any{k.Unit, k.Procedure, k.Day}, delta[k][:]); err != nil {
				return err
			}
		}
		return nil
	}
	args := make([]any, 0, len(keys)*(3+len(sumCols)))
	var negs []any
	for _, k := range keys {
		args = append(args, k.Unit, k.Procedure, k.Day)
		neg := false
		for _, v := range delta[k] {
			args = append(args, v)
			neg = neg || v < 0
		}
		if neg {
			negs = append(negs, k.Unit, k.Procedure, k.Day)
		}
	}
	upsert, _ := t.rowsSQL(len(keys))
	if _, err := tx.ExecContext(ctx, upsert, args...); err != nil {
		return err
	}
	if len(negs) > 0 {
		_, del := t.rowsSQL(len(negs) / len(t.keys))
		if _, err := tx.ExecContext(ctx, del, negs...); err != nil {
			return err
		}
	}
	return nil
}

// writeCounterRow adds the changes c to the row of a counter table keyed
// by key (counterQueries' upsert and del), and deletes the row if a
// decrement may have left it at zero: the one way the summary's and the
// level-4 counters are written.
func writeCounterRow(ctx context.Context, tx *Tx, upsert, del string, key []any, c []int64) error {
	args := append(make([]any, 0, len(key)+len(c)), key...)
	neg := false
	for _, v := range c {
		args = append(args, v)
		neg = neg || v < 0
	}
	if _, err := tx.ExecContext(ctx, upsert, args...); err != nil {
		return err
	}
	if neg {
		if _, err := tx.ExecContext(ctx, del, key...); err != nil {
			return err
		}
	}
	return nil
}

// sqlUnitAncestry pairs each unit (uid) with each of its ancestors-or-self
// (aid): the units whose path prefixes its own (the range of pathUpper),
// as the upkeep reads them from the unit's path (pathIDs). The rebuilds
// sum the daily rows into the subtrees' months by it.
const sqlUnitAncestry = `(SELECT u.id AS uid, a.id AS aid FROM units u JOIN units a
	ON a.path <> '' AND u.path >= a.path AND u.path < substr(a.path, 1, length(a.path) - 1) || '0')`

var qUpsertDaily, qDeleteZeroDaily, qUpsertOwnMonthly, qDeleteZeroOwnMonthly, qRebuildOwnMonthly, qUpsertMonthly, qDeleteZeroMonthly, qUpsertSubDaily, qDeleteZeroSubDaily, qRebuildSubDaily, qRebuildSubDailyAll, qInsertSumState, qUpdateSumState, qRebuildDaily, qRebuildMonthly, qRebuildMonthlyAll string

// rebuildDailySQL counts stats_daily from stats_dossiers: contribute's
// rules as one SELECT a kind of key (unit, day), its counters given as
// column: expression, the others 0, summed by key.
func rebuildDailySQL() string {
	b := func(c string) string { return "CASE WHEN " + c + " THEN 1 ELSE 0 END" }
	greatest := func(a, c string) string { return "CASE WHEN " + a + " > " + c + " THEN " + a + " ELSE " + c + " END" }
	due := greatest("recv_day", "due_day")
	type part struct {
		unit, day, where string
		cols             map[string]string
	}
	parts := []part{
		{"recv_unit_id", "recv_day", "", map[string]string{
			"recv_online": b("online"), "recv_counter": b("NOT online"),
			"recv_l3": b("l3"), "recv_l3_online": b("l3 AND online"), "recv_post": b("post")}},
		{"recv_unit_id", "fin_day", "fin_day <> 0", map[string]string{"recv_fin": "1"}},
		{"held_unit_id", "recv_day", "", map[string]string{"held_recv": "1", "supp_recv": b("supp_multi")}},
		{"held_unit_id", "fin_day", "fin_day <> 0", map[string]string{
			"held_fin": "1", "fin_early": b("verdict = 'early'"), "fin_on_time": b("verdict = 'on_time'"),
			"fin_late": b("verdict = 'late'"), "supp_fin": b("supp_multi")}},
		{"held_unit_id", due, "due_day <> 0", map[string]string{"due_all": "1"}},
		{"held_unit_id", greatest(due, "fin_day"), "due_day <> 0 AND fin_day <> 0", map[string]string{"due_fin": "1"}},
		{"held_unit_id", greatest(due, "paused_day"), "due_day <> 0 AND fin_day = 0 AND paused", map[string]string{"due_paused": "1"}},
		{"held_unit_id", "rated_day", "rated_day <> 0", map[string]string{
			"rate_very": b("rating = '" + dossier.RatingVerySatisfied + "'"), "rate_sat": b("rating = '" + dossier.RatingSatisfied + "'"),
			"rate_dis": b("rating = '" + dossier.RatingDissatisfied + "'"), "rate_desk": b("rate_desk")}},
	}
	var sel []string
	for _, p := range parts {
		cols := make([]string, len(sumCols))
		for i, c := range sumCols {
			cols[i] = "0"
			if e, ok := p.cols[c]; ok {
				cols[i] = e
			}
			cols[i] += " AS " + c
		}
		q := "SELECT " + p.unit + " AS unit_id, procedure_id, " + p.day + " AS day, " + strings.Join(cols, ", ") + " FROM stats_dossiers"
		if p.where != "" {
			q += " WHERE " + p.where
		}
		sel = append(sel, q)
	}
	sums := make([]string, len(sumCols))
	for i, c := range sumCols {
		sums[i] = "SUM(" + c + ")"
	}
	// A rating of another value at the applicant's hand counts nothing:
	// no row for it, as contribute adds none.
	return `INSERT INTO stats_daily (unit_id, procedure_id, day, ` + strings.Join(sumCols, ", ") + `)
		SELECT unit_id, procedure_id, day, ` + strings.Join(sums, ", ") + `
		FROM (` + strings.Join(sel, "\n\t\tUNION ALL ") + `) c
		GROUP BY unit_id, procedure_id, day
		HAVING ` + strings.Join(sums, " + ") + ` > 0`
}

// counterQueries answers the upsert adding to a counter table's row and
// the delete of the row if every counter is zero, the table keyed by the
// columns keys (a row's key arguments, in this order) with the counters
// cols: the summary's tables and the level-4 counters'.
func counterQueries(table string, keys, cols []string) (upsert, del string) {
	return counterRowsSQL(table, keys, cols, 1)
}

// counterRowsSQL is counterQueries for n rows at once: the upsert takes
// each row's key then counters, in the order given (the rows are locked
// in that order); the delete takes the n keys and deletes those whose
// counters are all zero.
func counterRowsSQL(table string, keys, cols []string, n int) (upsert, del string) {
	width := len(keys) + len(cols)
	rows := make([]string, n)
	keyEqs := make([]string, n)
	for r := range n {
		ph := make([]string, width)
		for j := range ph {
			ph[j] = fmt.Sprintf("$%d", r*width+j+1)
		}
		rows[r] = "(" + strings.Join(ph, ", ") + ")"
		eq := make([]string, len(keys))
		for j, k := range keys {
			eq[j] = fmt.Sprintf("%s = $%d", k, r*len(keys)+j+1)
		}
		keyEqs[r] = strings.Join(eq, " AND ")
	}
	set := make([]string, len(cols))
	zero := make([]string, len(cols))
	for i, c := range cols {
		set[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
		zero[i] = c + " = 0"
	}
	upsert = `INSERT INTO ` + table + ` (` + strings.Join(keys, ", ") + `, ` + strings.Join(cols, ", ") + `)
		VALUES ` + strings.Join(rows, ", ") + `
		ON CONFLICT (` + strings.Join(keys, ", ") + `) DO UPDATE SET ` + strings.Join(set, ", ")
	// Row values with a list are PostgreSQL's, not SQLite's: the keys as
	// a disjunction (one key: as counterQueries always wrote it).
	match := keyEqs[0]
	if n > 1 {
		match = "((" + strings.Join(keyEqs, ") OR (") + "))"
	}
	del = `DELETE FROM ` + table + ` WHERE ` + match + ` AND ` + strings.Join(zero, " AND ")
	return upsert, del
}

func init() {
	tDaily = newCounterTable("stats_daily", []string{"unit_id", "procedure_id", "day"})
	tOwnMonthly = newCounterTable("stats_monthly", []string{"unit_id", "procedure_id", "month"})
	tMonthly = newCounterTable("stats_subtree_monthly", []string{"unit_id", "procedure_id", "month"})
	tSubDaily = newCounterTable("stats_subtree_daily", []string{"unit_id", "procedure_id", "day"})
	qUpsertDaily, qDeleteZeroDaily = tDaily.upsert, tDaily.del
	qUpsertOwnMonthly, qDeleteZeroOwnMonthly = tOwnMonthly.upsert, tOwnMonthly.del
	qUpsertMonthly, qDeleteZeroMonthly = tMonthly.upsert, tMonthly.del
	qUpsertSubDaily, qDeleteZeroSubDaily = tSubDaily.upsert, tSubDaily.del
	qRebuildDaily = rebuildDailySQL()
	sums := make([]string, len(sumCols))
	for i, c := range sumCols {
		sums[i] = "SUM(s." + c + ")"
	}
	qRebuildOwnMonthly = `INSERT INTO stats_monthly (unit_id, procedure_id, month, ` + strings.Join(sumCols, ", ") + `)
		SELECT s.unit_id, s.procedure_id, s.day / 100, ` + strings.Join(sums, ", ") + `
		FROM stats_daily s
		GROUP BY s.unit_id, s.procedure_id, s.day / 100`
	qRebuildMonthly = `INSERT INTO stats_subtree_monthly (unit_id, procedure_id, month, ` + strings.Join(sumCols, ", ") + `)
		SELECT anc.aid, s.procedure_id, s.day / 100, ` + strings.Join(sums, ", ") + `
		FROM stats_daily s
		JOIN ` + sqlUnitAncestry + ` anc ON anc.uid = s.unit_id
		GROUP BY anc.aid, s.procedure_id, s.day / 100`
	qRebuildSubDaily = `INSERT INTO stats_subtree_daily (unit_id, procedure_id, day, ` + strings.Join(sumCols, ", ") + `)
		SELECT anc.aid, s.procedure_id, s.day, ` + strings.Join(sums, ", ") + `
		FROM stats_daily s
		JOIN ` + sqlUnitAncestry + ` anc ON anc.uid = s.unit_id
		GROUP BY anc.aid, s.procedure_id, s.day`
	qRebuildSubDailyAll = `INSERT INTO stats_subtree_daily (unit_id, procedure_id, day, ` + strings.Join(sumCols, ", ") + `)
		SELECT s.unit_id, 0, s.day, ` + strings.Join(sums, ", ") + `
		FROM stats_subtree_daily s WHERE s.procedure_id <> 0
		GROUP BY s.unit_id, s.day`
	// The rows of every procedure, summed from the procedures' rows (run
	// after qRebuildMonthly).
	qRebuildMonthlyAll = `INSERT INTO stats_subtree_monthly (unit_id, procedure_id, month, ` + strings.Join(sumCols, ", ") + `)
		SELECT s.unit_id, 0, s.month, ` + strings.Join(sums, ", ") + `
		FROM stats_subtree_monthly s WHERE s.procedure_id <> 0
		GROUP BY s.unit_id, s.month`
	qInsertSumState = `INSERT INTO stats_dossiers (dossier_id, procedure_id, recv_unit_id, held_unit_id, online, l3, recv_day, fin_day,
		verdict, due_day, paused, paused_day, supp_multi, rated_day, rating, rate_desk, post, due_bucket, late_bucket)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`
	qUpdateSumState = `UPDATE stats_dossiers SET procedure_id = $2, recv_unit_id = $3, held_unit_id = $4, online = $5, l3 = $6,
		recv_day = $7, fin_day = $8, verdict = $9, due_day = $10, paused = $11, paused_day = $12, supp_multi = $13,
		rated_day = $14, rating = $15, rate_desk = $16, post = $17, due_bucket = $18, late_bucket = $19 WHERE dossier_id = $1`
	// Prepared once at start with the other statements of the write path
	// (SQLite re-parses unprepared ones at every call).
	writeStatements = append(writeStatements, qSumState, qVersionLevel, qUpsertDaily, qDeleteZeroDaily,
		qUnitPath, qUpsertOwnMonthly, qDeleteZeroOwnMonthly, qUpsertMonthly, qDeleteZeroMonthly, qUpsertSubDaily, qDeleteZeroSubDaily, qInsertSumState, qUpdateSumState)
}

const qVersionLevel = `SELECT procedure_id, level FROM procedure_versions WHERE id = $1`

// args are the values of a row of stats_dossiers, the span buckets
// (derived from the days) included.
func (s *sumState) args(id int64) []any {
	dueB, lateB := spanBuckets(s.RecvDay, s.FinDay, s.DueDay)
	return []any{id, s.ProcedureID, s.RecvUnit, s.HeldUnit, s.Online, s.L3, s.RecvDay, s.FinDay,
		s.Verdict, s.DueDay, s.Paused, s.PausedDay, s.SuppMulti, s.RatedDay, s.Rating, s.RateDesk, s.Post, dueB, lateB}
}

func writeSumState(ctx context.Context, tx *Tx, id int64, existed bool, s *sumState) error {
	var err error
	switch {
	case s == nil:
		_, err = tx.ExecContext(ctx, `DELETE FROM stats_dossiers WHERE dossier_id = $1`, id)
	case existed:
		_, err = tx.ExecContext(ctx, qUpdateSumState, s.args(id)...)
	default:
		_, err = tx.ExecContext(ctx, qInsertSumState, s.args(id)...)
	}
	return err
}

// RebuildSummary recomputes the summary tables from the dossiers and their
// events, in one transaction: after a bulk load that bypassed the upkeep,
// or to check the counters. It answers the number of dossiers summarised.
func (db *DB) RebuildSummary(ctx context.Context) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *Tx) error {
		if db.dialect == Postgres {
			// Concurrent events wait for the rebuild; their upkeep then
			// applies on top of the rebuilt states.
			if _, err := tx.ExecContext(ctx, `LOCK TABLE stats_dossiers, stats_daily, stats_monthly, stats_subtree_monthly, stats_subtree_daily IN EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("locking the summary: %w", err)
			}
		}
		for _, q := range []string{`DELETE FROM stats_subtree_daily`, `DELETE FROM stats_subtree_monthly`, `DELETE FROM stats_monthly`, `DELETE FROM stats_daily`, `DELETE FROM stats_dossiers`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("emptying the summary: %w", err)
			}
		}
		ins, err := newInserter(ctx, tx, db.dialect, `INSERT INTO stats_dossiers (dossier_id, procedure_id, recv_unit_id, held_unit_id, online, l3,
			recv_day, fin_day, verdict, due_day, paused, paused_day, supp_multi, rated_day, rating, rate_desk, post, due_bucket, late_bucket)`, 19)
		if err != nil {
			return err
		}
		defer ins.close()
		// Page by id: neither memory nor the connection (pgx cannot write
		// while rows are open) holds the whole table.
		var last int64
		for {
			states, err := rebuildPage(ctx, tx, last)
			if err != nil {
				return err
			}
			if len(states) == 0 {
				break
			}
			last = states[len(states)-1][0].(int64)
			n += int64(len(states))
			if err := ins.insert(ctx, states); err != nil {
				return err
			}
		}
		// The counters, from the states (contribute's rules in SQL: the
		// equality test holds the two to each other).
		if _, err := tx.ExecContext(ctx, qRebuildDaily); err != nil {
			return fmt.Errorf("counting the days: %w", err)
		}
		if _, err := tx.ExecContext(ctx, qRebuildOwnMonthly); err != nil {
			return fmt.Errorf("summing the units' months: %w", err)
		}
		for _, q := range []string{qRebuildMonthly, qRebuildMonthlyAll, qRebuildSubDaily, qRebuildSubDailyAll} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("summing the months and days of the subtrees: %w", err)
			}
		}
		return db.rebuildLevel4(ctx, tx)
	})
	if err != nil {
		return 0, fmt.Errorf("rebuilding the statistics summary: %w", err)
	}
	if db.dialect == Postgres {
		// Every row is new: without statistics the planner guessed a
		// year's receptions at 2 % of their number, and without the
		// visibility map no index-only scan (autovacuum would come, later).
		if _, err := db.rw.ExecContext(ctx, `VACUUM (ANALYZE) stats_dossiers, stats_daily, stats_monthly, stats_subtree_monthly, stats_subtree_daily,
			stats_level4_dossiers, stats_level4_daily, stats_level4_subtree_monthly`); err != nil {
			return n, fmt.Errorf("analysing the rebuilt statistics summary: %w", err)
		}
	}
	return n, nil
}

// rebuildPage summarises the next rebuildPageSize counted dossiers after
// id last and answers their states' rows.
func rebuildPage(ctx context.Context, tx *Tx, last int64) ([][]any, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT d.id, d.procedure_id, v.level, d.received_unit_id, `+decidedUnitSQL+`, d.channel, d.status,
			d.received_at, d.finished_at, d.legal_due_at, d.paused_at, d.verdict, d.supplement_requests, d.rating,
			re.at, COALESCE(re.role, '')
		FROM dossiers d
		JOIN procedure_versions v ON v.id = d.procedure_version_id
		LEFT JOIN events re ON re.dossier_id = d.id AND re.action = '`+string(dossier.ActRate)+`'
			AND re.id = (SELECT MAX(r2.id) FROM events r2 WHERE r2.dossier_id = d.id AND r2.action = '`+string(dossier.ActRate)+`')
		WHERE d.id > $1 AND d.status NOT IN (`+sqlUncounted+`) AND d.received_at IS NOT NULL
		ORDER BY d.id LIMIT $2`, last, rebuildPageSize)
	if err != nil {
		return nil, fmt.Errorf("reading the dossiers: %w", err)
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		var id int64
		var level, status, supp int
		var channel, verdict, rating, role string
		var recv, fin, due, paused, rated sql.NullTime
		var s sumState
		if err := rows.Scan(&id, &s.ProcedureID, &level, &s.RecvUnit, &s.HeldUnit, &channel, &status,
			&recv, &fin, &due, &paused, &verdict, &supp, &rating, &rated, &role); err != nil {
			return nil, fmt.Errorf("reading the dossiers: %w", err)
		}
		s.L3 = level >= 3
		s.stateFields(dossier.Channel(channel), dossier.Status(status), ntime(recv), ntime(fin), ntime(due), ntime(paused), verdict, supp, rating)
		if rated.Valid {
			s.RatedDay, s.RateDesk = dayOf(rated.Time), role != dossier.RoleApplicant
		}
		out = append(out, s.args(id))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the dossiers: %w", err)
	}
	return out, nil
}

const rebuildPageSize = 5000

// inserter inserts rows of a fixed width with a multi-row VALUES
// statement prepared once for the transaction.
type inserter struct {
	tx    *Tx
	head  string
	width int
	per   int       // rows a statement
	stmt  *sql.Stmt // for per rows
}

// newInserter prepares head's insert of width columns. On SQLite, one row
// a statement: SQLite looks "$n" parameters up by name, so binding costs
// the square of a statement's parameters; PostgreSQL takes ~1000
// parameters a statement, fewer round trips.
func newInserter(ctx context.Context, tx *Tx, dialect Dialect, head string, width int) (*inserter, error) {
	in := &inserter{tx: tx, head: head, width: width, per: 1}
	if dialect == Postgres {
		in.per = max(1, 1000/width)
	}
	var err error
	if in.stmt, err = tx.tx.PrepareContext(ctx, in.sql(in.per)); err != nil {
		return nil, fmt.Errorf("preparing the summary's insert: %w", err)
	}
	return in, nil
}

func (in *inserter) sql(rows int) string {
	var b strings.Builder
	b.WriteString(in.head)
	b.WriteString(" VALUES ")
	n := 0
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for j := range in.width {
			if j > 0 {
				b.WriteString(", ")
			}
			n++
			fmt.Fprintf(&b, "$%d", n)
		}
		b.WriteString(")")
	}
	return b.String()
}

// insert writes rows, each of the inserter's width.
func (in *inserter) insert(ctx context.Context, rows [][]any) error {
	for len(rows) > 0 {
		chunk := rows[:min(in.per, len(rows))]
		rows = rows[len(chunk):]
		args := make([]any, 0, len(chunk)*in.width)
		for _, r := range chunk {
			args = append(args, r...)
		}
		var err error
		if len(chunk) == in.per {
			_, err = in.stmt.ExecContext(ctx, args...)
		} else {
			_, err = in.tx.tx.ExecContext(ctx, in.sql(len(chunk)), args...)
		}
		if err != nil {
			return fmt.Errorf("inserting the summary: %w", err)
		}
	}
	return nil
}

func (in *inserter) close() { in.stmt.Close() }

// SummaryRow is a row of stats_daily: a unit's counters for a procedure
// on a local day (yyyymmdd), in the order of the table's columns.
type SummaryRow struct {
	Unit, Procedure int64
	Day             int
	Counters        [nCounters]int64
}

// SummaryRows reads stats_daily in key order (for checks and tests).
func (db *DB) SummaryRows(ctx context.Context) ([]SummaryRow, error) {
	return db.counterRows(ctx, `SELECT unit_id, procedure_id, day, `+strings.Join(sumCols, ", ")+` FROM stats_daily ORDER BY unit_id, procedure_id, day`)
}

func (db *DB) counterRows(ctx context.Context, q string) ([]SummaryRow, error) {
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("reading the summary: %w", err)
	}
	defer rows.Close()
	var out []SummaryRow
	for rows.Next() {
		var r SummaryRow
		dst := []any{&r.Unit, &r.Procedure, &r.Day}
		for i := range r.Counters {
			dst = append(dst, &r.Counters[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("reading the summary: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OwnMonthRows reads stats_monthly in key order (for checks and tests); a
// row's Day is its month, yyyymm.
func (db *DB) OwnMonthRows(ctx context.Context) ([]SummaryRow, error) {
	return db.counterRows(ctx, `SELECT unit_id, procedure_id, month, `+strings.Join(sumCols, ", ")+` FROM stats_monthly ORDER BY unit_id, procedure_id, month`)
}

// SubtreeRows reads stats_subtree_monthly in key order (for checks and
// tests); a row's Day is its month, yyyymm.
func (db *DB) SubtreeRows(ctx context.Context) ([]SummaryRow, error) {
	return db.counterRows(ctx, `SELECT unit_id, procedure_id, month, `+strings.Join(sumCols, ", ")+` FROM stats_subtree_monthly ORDER BY unit_id, procedure_id, month`)
}

// SubtreeDayRows reads stats_subtree_daily in key order (for checks and
// tests).
func (db *DB) SubtreeDayRows(ctx context.Context) ([]SummaryRow, error) {
	return db.counterRows(ctx, `SELECT unit_id, procedure_id, day, `+strings.Join(sumCols, ", ")+` FROM stats_subtree_daily ORDER BY unit_id, procedure_id, day`)
}

// refreshSubtrees recomputes stats_subtree_monthly and stats_subtree_daily
// from stats_daily and the units' present paths: after units moved to
// another parent, since the rows of the subtrees they left and joined are
// stale.
func (db *DB) refreshSubtrees(ctx context.Context, tx *Tx) error {
	if db.dialect == Postgres {
		// In the upkeep's order (stats_dossiers is locked first there), so
		// that a running upkeep finishes before and the next waits.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE stats_dossiers, stats_daily, stats_subtree_monthly, stats_subtree_daily IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("locking the summary: %w", err)
		}
	}
	for _, q := range []string{`DELETE FROM stats_subtree_monthly`, `DELETE FROM stats_subtree_daily`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("emptying the subtrees' summary: %w", err)
		}
	}
	for _, q := range []string{qRebuildMonthly, qRebuildMonthlyAll, qRebuildSubDaily, qRebuildSubDailyAll} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("summing the months and days of the subtrees: %w", err)
		}
	}
	return nil
}

// dayPrefix is how a subtree's prefix sum P_X (the counters of the days
// before X, yyyymmdd) is read, from the nearer end of X's month: the
// unit's monthly rows of the months before months, plus (or, with sub,
// less) its subtree's daily rows of the days in [lo, hi), if window.
type dayPrefix struct {
	months, lo, hi int
	sub, window    bool
}

// prefixOf is P_X's reading (the design at the top of this file): the
// months before X's plus its days before X early in a month, or the
// months up to X's less its days from X on late in one. The summary's
// reports and the level-4 counters read their prefixes so.
func prefixOf(x int) dayPrefix {
	d := x % 100
	next := nextMonthFirst(x)
	if days := time.Date(x/10000, time.Month(x/100%100)+1, 0, 0, 0, 0, 0, time.UTC).Day(); days-d+1 < d-1 {
		return dayPrefix{months: x/100 + 1, lo: x, hi: next, sub: true, window: true}
	}
	return dayPrefix{months: x / 100, lo: x / 100 * 100, hi: x, window: d > 1}
}

// nextMonthFirst is the first of the month after day's (yyyymmdd).
func nextMonthFirst(day int) int {
	y, m := day/10000, day/100%100+1
	if m > 12 {
		y, m = y+1, 1
	}
	return y*10000 + m*100 + 1
}

// summaryQuery builds the sums of summaryRows for the period of days
// [fd, to) with overdue judged before od. Every figure is a difference of
// prefix sums P_X = the counters of the days before X (the design at the
// top of this file). For a subtree, P_X is the unit's monthly subtree rows
// of the months before X's plus (or less) its subtree's days between X and
// the nearer end of X's month; for a unit alone (own), its daily rows
// before X. With byChild, the rows are grouped by the units right below
// unit (group is then the child's id as text), each counting its subtree:
// the children's monthly and daily subtree rows.
func summaryQuery(unit *org.Unit, own bool, fd, td, od int, flt stats.Filter, group string, byChild bool) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	uid := arg(unit.ID)
	// Without a filter, no parameter for it (PostgreSQL wants a type for
	// every parameter, and a part may not read procedures).
	filters := "1 = 1"
	if flt != (stats.Filter{}) {
		fField, fLevel, fProc := arg(flt.Field), arg(flt.Level), arg(flt.Procedure)
		filters = "(" + fField + " = '' OR p.field = " + fField + ") AND (" + fLevel + " = '' OR p.unit_level = " + fLevel +
			") AND (" + fProc + " = '' OR p.code = " + fProc + ")"
	}
	// Each P_X from the nearer edge of X's month (prefixOf). A unit alone
	// has no monthly rows: its days before X.
	mk := func(x int) dayPrefix {
		if own {
			return dayPrefix{lo: 0, hi: x, window: true}
		}
		return prefixOf(x)
	}
	pf, pt, po := mk(fd), mk(td), mk(od)
	// The rows are first summed by group, source (m) and whether they
	// fall in each prefix (the flags b0–b2 of pf, pt, po), with plain
	// sums; the prefixes are then taken over those few rows, so that the
	// conditions are not evaluated for every counter of every row.
	pfx := []dayPrefix{pf, pt, po}
	flags := make([]string, len(pfx))
	for i, p := range pfx {
		c := "CASE"
		if !own {
			c += " WHEN s.m = 1 THEN CASE WHEN s.k < " + arg(p.months) + " THEN 1 ELSE 0 END"
		}
		flags[i] = c + " WHEN s.k >= " + arg(p.lo) + " AND s.k < " + arg(p.hi) + " THEN 1 ELSE 0 END AS b" + strconv.Itoa(i)
	}
	sum := func(col string, p dayPrefix) string {
		b := "s.b" + strconv.Itoa(slices.Index(pfx, p))
		if p.sub {
			// The months up to X's, less the days from X on.
			col = "CASE WHEN s.m = 0 THEN -(" + col + ") ELSE " + col + " END"
		}
		return "COALESCE(SUM(CASE WHEN " + b + " = 1 THEN " + col + " ELSE 0 END), 0)"
	}
	// Figures over [from, to): P_to − P_from.
	period := func(col string) string { return sum(col, pt) + " - " + sum(col, pf) }
	cols := "s." + strings.Join(sumCols, ", s.")
	colSums := make([]string, len(sumCols))
	for i, c := range sumCols {
		colSums[i] = "SUM(s." + c + ") AS " + c
	}
	var src []string
	if own {
		src = append(src, `SELECT 0 AS m, s.day AS k, `+cols+`, `+group+` AS grp
			FROM stats_daily s JOIN procedures p ON p.id = s.procedure_id
			WHERE s.unit_id = `+uid+` AND s.day < `+arg(max(td, od))+` AND `+filters)
	} else {
		units := `s.unit_id = ` + uid
		if byChild {
			// The children's rows, each counting its subtree.
			units = `s.unit_id IN (SELECT c.id FROM units c WHERE c.parent_id = ` + uid + `)`
			group = "CAST(s.unit_id AS TEXT)"
		}
		// Without a filter or a group by procedure, the rows of every
		// procedure (0): a row a month (a day) instead of one per
		// procedure.
		procs, where := ` JOIN procedures p ON p.id = s.procedure_id`, filters
		if flt == (stats.Filter{}) && (group == "''" || byChild) {
			procs, where = "", "s.procedure_id = 0"
		}
		src = append(src, `SELECT 1 AS m, s.month AS k, `+cols+`, `+group+` AS grp
			FROM stats_subtree_monthly s`+procs+`
			WHERE `+units+` AND s.month < `+arg(max(pf.months, pt.months, po.months))+` AND `+where)
		// The subtrees' days of the edges' months between the edges and
		// the nearer end of their month: none for edges on the first of a
		// month (a calendar year).
		var windows []string
		seen := map[dayPrefix]bool{}
		for _, p := range []dayPrefix{pf, pt, po} {
			if seen[p] || !p.window {
				continue
			}
			seen[p] = true
			windows = append(windows, "(s.day >= "+arg(p.lo)+" AND s.day < "+arg(p.hi)+")")
		}
		if len(windows) > 0 {
			src = append(src, `SELECT 0 AS m, s.day AS k, `+cols+`, `+group+` AS grp
				FROM stats_subtree_daily s`+procs+`
				WHERE `+units+` AND (`+strings.Join(windows, " OR ")+`) AND `+where)
		}
	}
	return `
		SELECT grp,
			` + period("s.recv_online") + `, ` + period("s.recv_counter") + `, ` + period("s.recv_post") + `,
			` + sum("s.recv_online + s.recv_counter - s.recv_fin", pf) + `,
			` + period("s.recv_l3") + `, ` + period("s.recv_l3_online") + `,
			` + period("s.fin_early") + `, ` + period("s.fin_on_time") + `, ` + period("s.fin_late") + `,
			` + sum("s.held_recv - s.held_fin", pt) + `,
			` + sum("s.due_all - s.due_fin - s.due_paused", po) + `,
			` + sum("s.supp_recv", pt) + ` - ` + sum("s.supp_fin", pf) + `,
			` + period("s.rate_very") + `, ` + period("s.rate_sat") + `, ` + period("s.rate_dis") + `, ` + period("s.rate_desk") + `
		FROM (
			SELECT s.grp, s.m, ` + strings.Join(flags, ", ") + `, ` + strings.Join(colSums, ", ") + `
			FROM (` + strings.Join(src, "\n\t\tUNION ALL\n\t\t") + `) s
			GROUP BY 1, 2, 3, 4, 5
		) s
		GROUP BY grp`, args
}

// midnight reports whether t is the start of a local day.
func midnight(t time.Time) bool {
	l := t.In(Zone)
	return l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 && l.Nanosecond() == 0
}

// summaryRows is statsRows answered from the summary, for periods of whole
// local days starting before now (the reports' and dashboards' periods);
// ok is false for the others, which statsRows answers by scanning the
// dossiers. The figures are the scan's (the design at the top of this
// file); the one figure the days cannot give, overdue at a time of day
// (`now` inside the period), is the summary's count at the end of today
// less the open dossiers falling due between now and then.
//
// With byChild (and not own), the rows are the subtrees of the units right
// below unit, each row's Unit the child's id (StatsChildren names them).
func (db *DB) summaryRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, group string, byChild bool) (out []stats.Report, ok bool, err error) {
	if !midnight(from) || !midnight(to) || !from.Before(to) || !from.Before(now) {
		return nil, false, nil
	}
	fd, td := dayOf(from), dayOf(to)
	// T: the day before which a dossier's due date counts as overdue.
	od := td
	var corrFrom, corrTo time.Time
	if now.Before(to) {
		y, m, d := now.In(Zone).Date()
		end := time.Date(y, m, d+1, 0, 0, 0, 0, Zone)
		od, corrFrom, corrTo = dayOf(end), now, end
	}
	if group == "" {
		group = "''"
	}
	childOf := func(path string) string { return db.childIDSQL(path, len(unit.Path)) }
	q, args := summaryQuery(unit, own, fd, td, od, flt, group, byChild)
	rows, err := db.reportQuery(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("summing the summary of %s: %w", unit.Code, err)
	}
	defer rows.Close()
	byGroup := map[string]int{}
	for rows.Next() {
		var g string
		var inProgress int
		r := stats.Report{Unit: unit.Code, UnitName: unit.Name}
		if err := rows.Scan(&g,
			&r.Received.Online, &r.Received.Counter, &r.Received.Post, &r.Received.CarriedOver,
			&r.Received.Offered, &r.Received.OfferedOnline,
			&r.Finished.Early, &r.Finished.OnTime, &r.Finished.Late,
			&inProgress, &r.InProgress.Overdue, &r.FurtherSupplementRequests,
			&r.Satisfaction.VerySatisfied, &r.Satisfaction.Satisfied, &r.Satisfaction.Dissatisfied, &r.Satisfaction.AtDesk); err != nil {
			return nil, false, fmt.Errorf("summing the summary of %s: %w", unit.Code, err)
		}
		r.InProgress.Within = inProgress - r.InProgress.Overdue
		if byChild {
			r.Unit = g
		} else {
			nameGroup(&r, group, g)
		}
		byGroup[g] = len(out)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("summing the summary of %s: %w", unit.Code, err)
	}
	rows.Close()
	if !corrFrom.IsZero() {
		// Open dossiers, their clock running, due later today: in the
		// day's count, not yet overdue.
		grp := group
		args := []any{unit.Path, pathUpper(unit.Path), utc(corrFrom), utc(corrTo), own, flt.Field, flt.Level, flt.Procedure}
		if byChild {
			grp = childOf("d.unit_path")
		}
		rows, err := db.reportQuery(ctx, `
			SELECT `+grp+`, COUNT(*) FROM dossiers d JOIN procedures p ON p.id = d.procedure_id
			WHERE d.status IN (`+sqlOpen+`) AND NOT `+sqlPaused("d.")+` AND d.legal_due_at >= $3 AND d.legal_due_at < $4
				AND d.received_at IS NOT NULL
				AND d.unit_path >= $1 AND d.unit_path < $2 AND (NOT $5 OR d.unit_path = $1)
				AND ($6 = '' OR p.field = $6) AND ($7 = '' OR p.unit_level = $7) AND ($8 = '' OR p.code = $8)
			GROUP BY 1`, args...)
		if err != nil {
			return nil, false, fmt.Errorf("counting the dossiers due today in %s: %w", unit.Code, err)
		}
		defer rows.Close()
		for rows.Next() {
			var g string
			var n int
			if err := rows.Scan(&g, &n); err != nil {
				return nil, false, fmt.Errorf("counting the dossiers due today in %s: %w", unit.Code, err)
			}
			if i, found := byGroup[g]; found {
				out[i].InProgress.Overdue -= n
				out[i].InProgress.Within += n
			}
		}
		if err := rows.Err(); err != nil {
			return nil, false, fmt.Errorf("counting the dossiers due today in %s: %w", unit.Code, err)
		}
	}
	// Groups whose figures are all zero (days of other periods) have no
	// row, as in the scan.
	kept := out[:0]
	for _, r := range out {
		if r.Received != (stats.Received{}) || r.Finished != (stats.Finished{}) || r.InProgress != (stats.InProgress{}) ||
			r.FurtherSupplementRequests != 0 || r.Satisfaction != (stats.Satisfaction{}) {
			r.Finish()
			kept = append(kept, r)
		}
	}
	sortReports(kept)
	return kept, true, nil
}

// StatsMonths answers, for each of n local months from the one starting at
// first (the first of a month, local time), the figures of the month that
// do not look back before it: received (Online, Counter, Post, Offered,
// OfferedOnline), finished and the ratings, with the rates — those of
// StatsFiltered over the month — read from the summary in one query (the
// subtree's monthly rows, or the unit's own daily rows grouped by month),
// for the dashboards' trends. CarriedOver, InProgress and
// FurtherSupplementRequests are left at zero.
func (db *DB) StatsMonths(ctx context.Context, unit *org.Unit, first time.Time, n int, own bool, flt stats.Filter) ([]stats.Report, error) {
	if !midnight(first) || first.In(Zone).Day() != 1 || n <= 0 || n > 1200 {
		return nil, fmt.Errorf("monthly figures of %s: %d months from %s", unit.Code, n, first)
	}
	first = first.In(Zone)
	fm := dayOf(first) / 100
	last := first.AddDate(0, n, 0)
	lm := dayOf(last) / 100
	cols := []string{"recv_online", "recv_counter", "recv_post", "recv_l3", "recv_l3_online",
		"fin_early", "fin_on_time", "fin_late", "rate_very", "rate_sat", "rate_dis", "rate_desk"}
	sums := make([]string, len(cols))
	for i, c := range cols {
		sums[i] = "COALESCE(SUM(s." + c + "), 0)"
	}
	args := []any{unit.ID, 0, 0}
	filters := "1 = 1"
	if flt != (stats.Filter{}) {
		args = append(args, flt.Field, flt.Level, flt.Procedure)
		filters = `($4 = '' OR p.field = $4) AND ($5 = '' OR p.unit_level = $5) AND ($6 = '' OR p.code = $6)`
	}
	q := `SELECT s.month, ` + strings.Join(sums, ", ") + `
		FROM stats_subtree_monthly s JOIN procedures p ON p.id = s.procedure_id
		WHERE s.unit_id = $1 AND s.month >= $2 AND s.month < $3 AND ` + filters + `
		GROUP BY s.month`
	if flt == (stats.Filter{}) && !own {
		// The rows of every procedure (applyDelta).
		q = `SELECT s.month, ` + strings.Join(sums, ", ") + `
		FROM stats_subtree_monthly s
		WHERE s.unit_id = $1 AND s.month >= $2 AND s.month < $3 AND s.procedure_id = 0
		GROUP BY s.month`
	}
	lo, hi := fm, lm
	if own {
		q = `SELECT s.day / 100, ` + strings.Join(sums, ", ") + `
		FROM stats_daily s JOIN procedures p ON p.id = s.procedure_id
		WHERE s.unit_id = $1 AND s.day >= $2 AND s.day < $3 AND ` + filters + `
		GROUP BY s.day / 100`
		lo, hi = fm*100, lm*100
	}
	args[1], args[2] = lo, hi
	rows, err := db.reportQuery(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("summing the months of %s: %w", unit.Code, err)
	}
	defer rows.Close()
	byMonth := map[int]stats.Report{}
	for rows.Next() {
		var m int
		var r stats.Report
		if err := rows.Scan(&m, &r.Received.Online, &r.Received.Counter, &r.Received.Post, &r.Received.Offered, &r.Received.OfferedOnline,
			&r.Finished.Early, &r.Finished.OnTime, &r.Finished.Late,
			&r.Satisfaction.VerySatisfied, &r.Satisfaction.Satisfied, &r.Satisfaction.Dissatisfied, &r.Satisfaction.AtDesk); err != nil {
			return nil, fmt.Errorf("summing the months of %s: %w", unit.Code, err)
		}
		byMonth[m] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summing the months of %s: %w", unit.Code, err)
	}
	out := make([]stats.Report, n)
	for i := range out {
		r := byMonth[dayOf(first.AddDate(0, i, 0))/100]
		r.Unit, r.UnitName = unit.Code, unit.Name
		r.Finish()
		out[i] = r
	}
	return out, nil
}

// childIDSQL is the SQL text of the id (as text) of the unit right below
// a unit whose path is parentLen long, on the way to the unit whose path
// is the column path (the materialised path's next part): a string
// operation on the row, where a join on units would compare the row's
// path with each child's.
func (db *DB) childIDSQL(path string, parentLen int) string {
	rest := fmt.Sprintf("substr(%s, %d)", path, parentLen+1)
	if db.dialect == Postgres {
		return "split_part(" + rest + ", '/', 1)"
	}
	return fmt.Sprintf("substr(%s, 1, instr(%s, '/') - 1)", rest, rest)
}
