package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// DrillKind names a figure of the II.06a report whose dossiers can be
// listed.
type DrillKind string

// The figures a drill-down lists; each is exactly the count of the same
// name in Stats (ReceivedPost is the part of Counter received by post).
const (
	DrillReceivedOnline  DrillKind = "received_online"
	DrillReceivedCounter DrillKind = "received_counter"
	DrillReceivedPost    DrillKind = "received_post"
	DrillCarriedOver     DrillKind = "carried_over"
	DrillFinishedEarly   DrillKind = "finished_early"
	DrillFinishedOnTime  DrillKind = "finished_on_time"
	DrillFinishedLate    DrillKind = "finished_late"
	DrillWithin          DrillKind = "within"
	DrillOverdue         DrillKind = "overdue"
)

// DrillKinds lists every kind, in the report's order.
var DrillKinds = []DrillKind{DrillReceivedOnline, DrillReceivedCounter, DrillReceivedPost, DrillCarriedOver,
	DrillFinishedEarly, DrillFinishedOnTime, DrillFinishedLate, DrillWithin, DrillOverdue}

// Valid reports whether k is a known kind.
func (k DrillKind) Valid() bool {
	for _, x := range DrillKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Figure is the count of r that kind lists: the number of dossiers
// DrillDown lists over r's unit, period and filter (TestDrillDownEqualsFigures
// holds the two to each other), read from the report instead of counted.
func (k DrillKind) Figure(r stats.Report) int {
	switch k {
	case DrillReceivedOnline:
		return r.Received.Online
	case DrillReceivedCounter:
		return r.Received.Counter
	case DrillReceivedPost:
		return r.Received.Post
	case DrillCarriedOver:
		return r.Received.CarriedOver
	case DrillFinishedEarly:
		return r.Finished.Early
	case DrillFinishedOnTime:
		return r.Finished.OnTime
	case DrillFinishedLate:
		return r.Finished.Late
	case DrillWithin:
		return r.InProgress.Within
	case DrillOverdue:
		return r.InProgress.Overdue
	}
	return 0
}

// DrillRow is one dossier behind a figure.
type DrillRow struct {
	ID            int64
	Code          string
	ProcedureCode string
	ProcedureName string
	Status        dossier.Status
	Channel       dossier.Channel
	ReceivedAt    time.Time
	LegalDueAt    *time.Time
	FinishedAt    *time.Time
	// UnitCode and UnitName are the unit the figure counts the dossier at:
	// the desk that received it for the received kinds, the unit that
	// decided it for the finished kinds, the unit holding it for the
	// in-progress kinds.
	UnitCode, UnitName string
	// VersionID and StepIndex locate the dossier's current step in its
	// procedure version's process.
	VersionID int64
	StepIndex int
}

// drillPredicate is each kind's condition over the columns of drillBase,
// the same as the sums of statsRows; the kinds of dossiers received in the
// period are receivedChannel's instead.
var drillPredicate = map[DrillKind]string{
	DrillCarriedOver:    "y.rin AND y.received_at < $3",
	DrillFinishedEarly:  "y.hin AND y.finished_at < $4 AND y.verdict = 'early'",
	DrillFinishedOnTime: "y.hin AND y.finished_at < $4 AND y.verdict = 'on_time'",
	DrillFinishedLate:   "y.hin AND y.finished_at < $4 AND y.verdict = 'late'",
	DrillWithin:         "y.hin AND (y.finished_at IS NULL OR y.finished_at >= $4) AND NOT y.overdue",
	DrillOverdue:        "y.hin AND (y.finished_at IS NULL OR y.finished_at >= $4) AND y.overdue",
}

// DrillCursor is where a page of a drill-down ends: the order key and the
// id of its last dossier. Key is a local day (yyyymmdd) on the lists read
// from the summary (drillDays), 0 on the others, which go by id alone.
type DrillCursor struct {
	Key int
	ID  int64
}

// IsZero reports whether c is the start of the list.
func (c DrillCursor) IsZero() bool { return c == DrillCursor{} }

// String is the cursor as the pages carry it, "" at the start.
func (c DrillCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.Itoa(c.Key) + "." + strconv.FormatInt(c.ID, 10)
}

// ErrDrillCursor is the error of ParseDrillCursor.
var ErrDrillCursor = errors.New("invalid drill-down cursor")

// ParseDrillCursor reads a cursor written by String; "" is the start.
func ParseDrillCursor(s string) (DrillCursor, error) {
	if s == "" {
		return DrillCursor{}, nil
	}
	k, id, ok := strings.Cut(s, ".")
	key, err1 := strconv.Atoi(k)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || key < 0 || key > 99991231 || n <= 0 {
		return DrillCursor{}, ErrDrillCursor
	}
	return DrillCursor{key, n}, nil
}

// DrillDown lists the dossiers Stats counts in figure kind for the subtree
// of unit (with own, the unit alone) over [from, to), narrowed by flt, a
// page of limit after the cursor (zero for the first page), and answers
// the cursor of the next page, zero at the end. The caller checks that the
// reader may read the unit's figures.
//
// For periods of whole local days (the reports' and dashboards' periods,
// which the figures answer from the summary; a period running to now ends
// at the next midnight, as for the figures: summaryEnd), the dossiers are
// read from the summary's states (stats_dossiers, drillStreams) in the
// order a leader reads them: the received by reception day, the finished by
// finishing day, the carried over still open first then by finishing day,
// the in-progress by due day (those without a due date first, then the
// most overdue), each day by id. Other periods are listed by computing every
// dossier's unit as the scan of the figures does (drillSQL), by id.
func (db *DB) DrillDown(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, kind DrillKind, after DrillCursor, limit int) ([]DrillRow, DrillCursor, error) {
	if !knownDrill(kind) {
		return nil, DrillCursor{}, fmt.Errorf("drill-down of %q", kind)
	}
	limit = clampLimit(limit)
	if days, ok := drillDaysOf(from, summaryEnd(to, now), now); ok {
		sc, err := db.drillScopeOf(ctx, unit, own, flt)
		if err != nil {
			return nil, DrillCursor{}, fmt.Errorf("listing the dossiers behind %s of %s: %w", kind, unit.Code, err)
		}
		out, next, err := db.drillSummary(ctx, sc, kind, days, after, limit)
		if err != nil {
			return nil, DrillCursor{}, fmt.Errorf("listing the dossiers behind %s of %s: %w", kind, unit.Code, err)
		}
		return out, next, nil
	}
	cut := to
	if now.Before(cut) {
		cut = now
	}
	q := drillSQL(kind, `dd.id, dd.code, y.pcode, y.pname, dd.status, dd.channel, dd.received_at, dd.legal_due_at, dd.finished_at,
			su.code, su.name, dd.procedure_version_id, dd.step_index, 0`, " AND d.id > $10") + " ORDER BY dd.id LIMIT $11"
	args := []any{unit.Path, pathUpper(unit.Path), utc(from), utc(to), utc(cut), own, flt.Field, flt.Level, flt.Procedure, after.ID, limit + 1}
	if ch, ok := receivedChannel[kind]; ok {
		q = drillReceivedSQL(ch, `d.id, d.code, p.code, p.name, d.status, d.channel, d.received_at, d.legal_due_at, d.finished_at,
			ru.code, ru.name, d.procedure_version_id, d.step_index, 0`) + " AND d.id > $9 ORDER BY d.id LIMIT $10"
		args = []any{unit.Path, pathUpper(unit.Path), utc(from), utc(to), own, flt.Field, flt.Level, flt.Procedure, after.ID, limit + 1}
	}
	out, next, err := db.drillRows(ctx, limit, q, args...)
	if err != nil {
		return nil, DrillCursor{}, fmt.Errorf("listing the dossiers behind %s of %s: %w", kind, unit.Code, err)
	}
	return out, next, nil
}

// drillRows runs a drill-down's query, whose columns are those of DrillRow
// then the order key, for a page of limit (the query asks one more, to
// know whether there is a next page).
func (db *DB) drillRows(ctx context.Context, limit int, q string, args ...any) ([]DrillRow, DrillCursor, error) {
	rows, err := db.reportQuery(ctx, q, args...)
	if err != nil {
		return nil, DrillCursor{}, err
	}
	defer rows.Close()
	var out []DrillRow
	var keys []int
	for rows.Next() {
		var r DrillRow
		var status, key int
		var channel string
		var due, fin sql.NullTime
		if err := rows.Scan(&r.ID, &r.Code, &r.ProcedureCode, &r.ProcedureName, &status, &channel, &r.ReceivedAt, &due, &fin,
			&r.UnitCode, &r.UnitName, &r.VersionID, &r.StepIndex, &key); err != nil {
			return nil, DrillCursor{}, err
		}
		r.Status, r.Channel = dossier.Status(status), dossier.Channel(channel)
		r.ReceivedAt, r.LegalDueAt, r.FinishedAt = local(r.ReceivedAt), ntime(due), ntime(fin)
		out = append(out, r)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, DrillCursor{}, err
	}
	var next DrillCursor
	if len(out) > limit {
		out = out[:limit]
		next = DrillCursor{keys[limit-1], out[limit-1].ID}
	}
	return out, next, nil
}

// knownDrill reports whether kind is a figure the drill-down lists.
func knownDrill(kind DrillKind) bool {
	_, pred := drillPredicate[kind]
	_, recv := receivedChannel[kind]
	return pred || recv
}

// receivedChannel is the channel condition of the figures of dossiers
// received in the period, which drillReceivedSQL answers.
var receivedChannel = map[DrillKind]string{
	DrillReceivedOnline:  "d.channel = 'online'",
	DrillReceivedCounter: "d.channel <> 'online'",
	DrillReceivedPost:    "d.channel = 'post'",
}

// drillReceivedSQL is drillSQL for the dossiers received in the period
// (channel, a condition of receivedChannel): they depend on the receiving
// desk and the reception time only, so the query reads the period's
// receptions along their index instead of computing for every dossier
// the unit that decided it. Arguments: $1 and $2 the scope's paths, $3
// and $4 the period, $5 own, $6–$8 the filter.
func drillReceivedSQL(channel, cols string) string {
	return `
		SELECT ` + cols + `
		FROM dossiers d
		JOIN units ru ON ru.id = d.received_unit_id
		JOIN procedures p ON p.id = d.procedure_id
		WHERE d.status NOT IN (` + sqlUncounted + `) AND d.received_at >= $3 AND d.received_at < $4
			AND ru.path >= $1 AND ru.path < $2 AND (NOT $5 OR ru.path = $1)
			AND ($6 = '' OR p.field = $6) AND ($7 = '' OR p.unit_level = $7) AND ($8 = '' OR p.code = $8)
			AND ` + channel
}

// drillSQL is the query of the dossiers behind figure kind, selecting cols
// (over dd, the dossier, y.pcode and y.pname, its procedure, and su, the
// unit the figure counts it at), its arguments those of DrillDown: $1 and
// $2 the scope's paths, $3 and $4 the period, $5 the time open dossiers
// are judged at, $6 own, $7–$9 the filter. The inner selects are those of
// statsRows, so that a listed dossier is one the figure counts; inner is
// a further condition on them (the page's cursor).
func drillSQL(kind DrillKind, cols, inner string) string {
	// Carried-over dossiers name the receiving desk (as drillReceivedSQL
	// does for the period's receptions), the others the unit that decided
	// or holds the dossier.
	unitPath := "hpath"
	if kind == DrillCarriedOver {
		unitPath = "rpath"
	}
	return `
		SELECT ` + cols + `
		FROM (
			SELECT x.*,
				(x.rpath >= $1 AND x.rpath < $2 AND (NOT $6 OR x.rpath = $1)) AS rin,
				(x.hpath >= $1 AND x.hpath < $2 AND (NOT $6 OR x.hpath = $1)) AS hin,
				(x.legal_due_at IS NOT NULL AND x.legal_due_at < $5 AND NOT (x.finished_at IS NULL AND (
					(x.status = ` + fmt.Sprint(int(dossier.StatusSupplement)) + ` AND (x.paused_at IS NULL OR x.paused_at <= $5))
					OR (x.status = ` + fmt.Sprint(int(dossier.StatusFee)) + ` AND x.paused_at IS NOT NULL AND x.paused_at <= $5)))) AS overdue
			FROM (
				SELECT d.id, d.code, p.code AS pcode, p.name AS pname, d.channel, d.received_at, d.finished_at, d.verdict,
					d.legal_due_at, d.status, d.paused_at, d.procedure_version_id, d.step_index,
					ru.path AS rpath, ` + sqlDecidedPath + ` AS hpath
				FROM dossiers d
				JOIN units ru ON ru.id = d.received_unit_id
				JOIN procedures p ON p.id = d.procedure_id
				WHERE d.status NOT IN (` + sqlUncounted + `)
					AND d.received_at IS NOT NULL AND d.received_at < $4
					AND (d.finished_at IS NULL OR d.finished_at >= $3)
					AND ($7 = '' OR p.field = $7) AND ($8 = '' OR p.unit_level = $8) AND ($9 = '' OR p.code = $9)` + inner + `
			) x
		) y
		JOIN dossiers dd ON dd.id = y.id
		JOIN units su ON su.path = y.` + unitPath + `
		WHERE ` + drillPredicate[kind]
}

// DrillCount counts the dossiers DrillDown lists: the figure kind of the
// report, or the received-by-post part of the counter figure: over whole
// days, the summary's states DrillDown lists, counted; over other periods,
// the dossiers, as the scan counts the figures.
func (db *DB) DrillCount(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, kind DrillKind) (int, error) {
	if !knownDrill(kind) {
		return 0, fmt.Errorf("drill-down of %q", kind)
	}
	if d, ok := drillDaysOf(from, summaryEnd(to, now), now); ok {
		n, err := db.drillSummaryCount(ctx, unit, own, flt, kind, d)
		if err != nil {
			return 0, fmt.Errorf("counting the dossiers behind %s of %s: %w", kind, unit.Code, err)
		}
		return n, nil
	}
	cut := to
	if now.Before(cut) {
		cut = now
	}
	var n int
	q := drillSQL(kind, "COUNT(*)", "")
	args := []any{unit.Path, pathUpper(unit.Path), utc(from), utc(to), utc(cut), own, flt.Field, flt.Level, flt.Procedure}
	if ch, ok := receivedChannel[kind]; ok {
		q = drillReceivedSQL(ch, "COUNT(*)")
		args = []any{unit.Path, pathUpper(unit.Path), utc(from), utc(to), own, flt.Field, flt.Level, flt.Procedure}
	}
	err := db.reportQueryRow(ctx, q, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting the dossiers behind %s of %s: %w", kind, unit.Code, err)
	}
	return n, nil
}

// drillDays is a period of whole local days as the summary answers it
// (summaryRows): [fd, td) as yyyymmdd, overdue judged before day od. When
// now falls inside the period (corr), od is the day after today and the
// open dossiers due between now and the end of today (end) are not yet
// overdue.
type drillDays struct {
	fd, td, od int
	corr       bool
	today      int
	now, end   time.Time
	// The highest span buckets of the finished states (spanbucket.go), -1
	// for none: with and without a due date, and finished late. Read by
	// spanBucketsOf for the in-progress kinds only.
	maxDue, maxNoDue, maxLate int
}

// drillDaysOf is summaryRows's choice: the periods of whole local days
// starting before now are answered from the summary, the others not.
func drillDaysOf(from, to, now time.Time) (drillDays, bool) {
	if !midnight(from) || !midnight(to) || !from.Before(to) || !from.Before(now) {
		return drillDays{}, false
	}
	d := drillDays{fd: dayOf(from), td: dayOf(to), maxDue: -1, maxNoDue: -1, maxLate: -1}
	d.od = d.td
	if now.Before(to) {
		y, m, dd := now.In(Zone).Date()
		d.end = time.Date(y, m, dd+1, 0, 0, 0, 0, Zone)
		d.corr, d.now, d.today, d.od = true, now, dayOf(now), dayOf(d.end)
	}
	return d, true
}

// drillStream is one part of a drill-down read from stats_dossiers s: the
// rows meeting where, in the order of key then dossier_id, which one of
// the indexes of migrations 00036 and 00041 gives for each scope (or, for
// the parts noted, a sort of a small set). The parts of a kind are
// disjoint; the list is their merge.
type drillStream struct {
	unit  string // the unit column the scope applies to
	where string
	key   string // the order key, a day column
	// seek: the stream is read along the index of its own range (a
	// few rows), the scope checked on each row rather than sought, then
	// sorted.
	seek bool
	// inOrder: the stream is read along its own index, which gives its
	// order whatever the scope: the scope is checked on each row (a span
	// bucket's window, spanbucket.go).
	inOrder bool
	// open: a stream of open dossiers (fin_day = 0), read along
	// stats_dossiers_open_due (a scope of sought units) or
	// stats_dossiers_open_due_day (the city, a walked subtree), covering
	// and in order. SQLite is told so (INDEXED BY): on its own it took
	// stats_dossiers_held_fin, a lookup of each of a unit's open
	// dossiers then a sort (a commune's overdue list, 100 ms at 10M),
	// and, with statistics (ANALYZE), a skip-scan of it for the city
	// (6 s).
	open bool
	// lo, when not 0, is a lower bound of the key in where: a page whose
	// cursor's key lies below it (a cursor from another stream of the
	// list, whose keys start lower) reads the stream from its start.
	// PostgreSQL starts an index scan at the cursor's row comparison
	// rather than at the stream's own bound: the within list's next page
	// read 18,777 pages of overdue dossiers to reach those due on od or
	// later (560 ms at 10M dossiers).
	lo int
}

// drillStreams are the parts of figure kind over the days d: contribute's
// rules in summary.go (the figures summaryRows sums) as conditions on a
// state's days, the days named as bind names them. The conditions of the
// partial indexes (fin_day = 0) are written as they are, so that SQLite
// sees them.
func drillStreams(kind DrillKind, d drillDays, sc drillScope) []drillStream {
	// The days are bound (drillDays.bind): one text a kind and plan,
	// which PostgreSQL prepares once per connection.
	fd, td, od := "{fd}", "{td}", "{od}"
	recv := func(cond string) []drillStream {
		return []drillStream{{unit: "s.recv_unit_id", key: "s.recv_day",
			where: "s.recv_day >= " + fd + " AND s.recv_day < " + td + " AND " + cond}}
	}
	held := func(key, where string) drillStream {
		return drillStream{unit: "s.held_unit_id", key: key, where: where}
	}
	openHeld := func(where string) drillStream {
		return drillStream{unit: "s.held_unit_id", key: "s.due_day", where: where, open: true}
	}
	// The open dossiers counted in the day's sums but due later today,
	// which summaryRows takes out of overdue.
	dueToday := `EXISTS (SELECT 1 FROM dossiers d WHERE d.id = s.dossier_id AND d.status IN (` + sqlOpen + `) AND NOT ` + sqlPaused("d.") + `
		AND d.legal_due_at >= {now} AND d.legal_due_at < {end} AND d.received_at IS NOT NULL)`
	// Overdue at od, for a state received and due before od.
	dueBefore := "s.due_day > 0 AND s.due_day < " + od + " AND s.recv_day < " + od
	switch kind {
	case DrillReceivedOnline:
		return recv("s.online = TRUE")
	case DrillReceivedCounter:
		return recv("s.online = FALSE")
	case DrillReceivedPost:
		return recv("s.post = TRUE")
	case DrillCarriedOver:
		// Received before the period, open (key 0) or finished in it or
		// after.
		return []drillStream{
			{unit: "s.recv_unit_id", key: "s.fin_day", where: "s.fin_day = 0 AND s.recv_day < " + fd},
			{unit: "s.recv_unit_id", key: "s.fin_day", lo: d.fd, where: "s.fin_day >= " + fd + " AND s.recv_day < " + fd},
		}
	case DrillFinishedEarly, DrillFinishedOnTime, DrillFinishedLate:
		verdict := map[DrillKind]string{DrillFinishedEarly: "early", DrillFinishedOnTime: "on_time", DrillFinishedLate: "late"}[kind]
		// Walking the city's days, along the verdict's (a late one is
		// one finished dossier in several); seeking units, along theirs.
		col := "s.verdict"
		if !sc.all && !sc.walk {
			col += " || ''"
		}
		// (fin_day <> 0: the condition of the verdicts' partial index.)
		return []drillStream{held("s.fin_day", "s.fin_day <> 0 AND s.fin_day >= "+fd+" AND s.fin_day < "+td+" AND "+col+" = '"+verdict+"'")}
	case DrillOverdue:
		// Received and due before od, not finished before it, not an open
		// dossier whose clock stopped before it.
		open := "s.fin_day = 0 AND s.paused = FALSE AND " + dueBefore
		if d.corr {
			open += " AND (s.due_day <> {today} OR NOT " + dueToday + ")"
		}
		out := []drillStream{
			openHeld(open),
			// Stopped on od or later (none when od is tomorrow): read
			// along the days the clocks stopped, every other index made
			// unusable by writing its columns as expressions.
			{unit: "s.held_unit_id", key: "s.due_day", seek: true,
				where: "s.fin_day + 0 = 0 AND CASE WHEN s.paused THEN 1 ELSE 0 END = 1 AND s.paused_day <> 0 AND s.paused_day >= " + od +
					" AND s.due_day + 0 > 0 AND s.due_day + 0 < " + od + " AND s.recv_day + 0 < " + od},
		}
		// Finished on od or later (none when od is tomorrow), so late:
		// one window of due days per bucket of lateness, read in order.
		for k := 0; k <= d.maxLate; k++ {
			st := drillStream{unit: "s.held_unit_id", key: "s.due_day", inOrder: true,
				where: fmt.Sprintf("s.late_bucket >= 0 AND s.late_bucket = %d AND s.due_day < %s AND s.fin_day + 0 >= %s AND s.recv_day + 0 < %s", k, od, od, od)}
			if k < spanBucketCap {
				st.where += fmt.Sprintf(" AND s.due_day >= {late%d}", k)
				st.lo = d.spanWindow("late", k)
			}
			out = append(out, st)
		}
		return out
	case DrillWithin:
		// In progress at td (received before it, not finished before
		// it) and not overdue.
		out := []drillStream{
			// Open, their clock running: without a due date, or due
			// on od or later (the overdue ones, due before, between
			// the two ranges of the index, are not read).
			openHeld("s.fin_day = 0 AND s.paused = FALSE AND s.due_day = 0 AND s.recv_day < " + td),
			{unit: "s.held_unit_id", key: "s.due_day", lo: d.od, open: true,
				where: "s.fin_day = 0 AND s.paused = FALSE AND s.due_day >= " + od + " AND s.recv_day < " + td},
			// Open, their clock stopped: all but the few stopped on od
			// or later.
			openHeld("s.fin_day = 0 AND s.paused = TRUE AND s.recv_day < " + td +
				" AND NOT (" + dueBefore + " AND s.paused_day >= " + od + ")"),
		}
		// Finished on td or later (none when td is tomorrow), received
		// before td, not overdue at od: due on od or later, one window of
		// due days per bucket of the span from reception to the due day,
		// read in order; without a due date, one window of reception days
		// per bucket, sorted; due before od but received on od or later
		// (none yet: after today), with the open ones below.
		for k := 0; k <= d.maxDue; k++ {
			st := drillStream{unit: "s.held_unit_id", key: "s.due_day", inOrder: true, lo: d.od,
				where: fmt.Sprintf("s.due_bucket >= 0 AND s.due_day <> 0 AND s.due_bucket = %d AND s.due_day >= %s AND s.fin_day + 0 >= %s AND s.recv_day + 0 < %s", k, od, td, td)}
			if k < spanBucketCap {
				st.where += fmt.Sprintf(" AND s.due_day < {due%d}", k)
			}
			out = append(out, st)
		}
		for k := 0; k <= d.maxNoDue; k++ {
			st := drillStream{unit: "s.held_unit_id", key: "s.due_day", seek: true,
				where: fmt.Sprintf("s.due_bucket >= 0 AND s.due_day = 0 AND s.due_bucket = %d AND s.recv_day < %s AND s.fin_day + 0 >= %s", k, td, td)}
			if k < spanBucketCap {
				st.where += fmt.Sprintf(" AND s.recv_day >= {nodue%d}", k)
			}
			out = append(out, st)
		}
		if d.corr {
			// Due later today: not yet overdue.
			out = append(out, openHeld("s.fin_day = 0 AND s.paused = FALSE AND s.due_day = {today}"+
				" AND s.recv_day < "+od+" AND s.recv_day < "+td+" AND "+dueToday))
		}
		if d.od < d.td {
			// Received on od or later (after today), due before od,
			// open with their clock running or finished on td or later:
			// read along the reception days, of which there are none yet.
			out = append(out, drillStream{unit: "s.held_unit_id", key: "s.due_day", seek: true,
				where: "(s.fin_day + 0 = 0 AND s.paused = FALSE OR s.fin_day + 0 >= " + td + ") AND s.due_day > 0 AND s.due_day < " + od +
					" AND s.recv_day >= " + od + " AND s.recv_day < " + td})
		}
		return out
	}
	return nil
}

// drillScope is the units and procedures a drill-down reads: all the units
// there are (all), else the ids, sought in the unit-led indexes or, for a
// big subtree (walk), checked along the day-led ones; procs, when not nil,
// the procedures of the filter.
type drillScope struct {
	pg    bool // PostgreSQL: the lists bound as arrays
	all   bool
	ids   []int64
	walk  bool
	procs []int64
}

// drillWalkShare: a subtree holding at least 1/drillWalkShare of the units
// is listed by walking the day-led indexes of the whole city and checking
// the unit, which reads about a page divided by the subtree's share of the
// city (a district, 1/30 of the city: some 1,500 index entries a part); a
// smaller one by seeking its units in the unit-led indexes and sorting
// their rows, which reads the subtree's rows of the part (a commune alone
// reads its page in order). Measured on the bench's 200,000 dossiers
// (SQLite, 633 units): a district's (21 units) first page of overdue
// dossiers walked read its index in 0.5 ms; seeking its units read and
// sorted some 900 rows, 6 ms.
const drillWalkShare = 64

// drillScopeOf reads the scope's units and the filter's procedures.
func (db *DB) drillScopeOf(ctx context.Context, unit *org.Unit, own bool, flt stats.Filter) (drillScope, error) {
	sc := drillScope{pg: db.dialect == Postgres}
	if own {
		sc.ids = []int64{unit.ID}
	} else {
		var err error
		if sc.ids, err = db.drillIDs(ctx, `SELECT id FROM units WHERE path >= $1 AND path < $2 ORDER BY id`, unit.Path, pathUpper(unit.Path)); err != nil {
			return sc, fmt.Errorf("reading the units of the subtree: %w", err)
		}
		var total int
		if err := db.reportQueryRow(ctx, `SELECT COUNT(*) FROM units`).Scan(&total); err != nil {
			return sc, fmt.Errorf("counting the units: %w", err)
		}
		sc.all = len(sc.ids) == total
		sc.walk = len(sc.ids)*drillWalkShare >= total
	}
	if flt != (stats.Filter{}) {
		var err error
		sc.procs, err = db.drillIDs(ctx, `SELECT id FROM procedures p WHERE ($1 = '' OR p.field = $1) AND ($2 = '' OR p.unit_level = $2) AND ($3 = '' OR p.code = $3) ORDER BY id`,
			flt.Field, flt.Level, flt.Procedure)
		if err != nil {
			return sc, fmt.Errorf("reading the procedures of the filter: %w", err)
		}
		if sc.procs == nil {
			sc.procs = []int64{}
		}
	}
	return sc, nil
}

func (db *DB) drillIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.reportQuery(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// idList writes ids as an SQL list of integer literals.
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// from is the stream's table, with the index of an open dossiers' stream
// named to SQLite (drillStream.open).
func (st drillStream) from(sc drillScope) string {
	switch {
	case !st.open || sc.pg:
		return "stats_dossiers s"
	case !sc.all && !sc.walk:
		return "stats_dossiers s INDEXED BY stats_dossiers_open_due"
	default:
		return "stats_dossiers s INDEXED BY stats_dossiers_open_due_day"
	}
}

// whereIn is the stream's condition with the scope's.
func (st drillStream) whereIn(sc drillScope) string {
	w := st.where
	if !sc.all {
		col := st.unit
		if sc.walk || st.seek || st.inOrder {
			// An expression: no index of the unit is sought.
			col += " + 0"
		}
		switch {
		case len(sc.ids) == 1:
			w += " AND " + col + " = {unit}"
		case sc.pg:
			w += " AND " + col + " = ANY({units})"
		default:
			// SQLite binds no lists.
			w += " AND " + col + " IN (" + idList(sc.ids) + ")"
		}
	}
	switch {
	case sc.procs == nil:
	case sc.pg:
		w += " AND s.procedure_id = ANY({procs})"
	default:
		w += " AND s.procedure_id IN (" + idList(sc.procs) + ")"
	}
	return w
}

// drillToken is a value of bind.
var drillToken = regexp.MustCompile(`\{(fd|td|od|today|now|end|unit|units|procs|akey|aid|(?:late|due|nodue)\d+)\}`)

// spanToken is a span bucket's window bound among drillToken's names.
var spanToken = regexp.MustCompile(`^(late|due|nodue)(\d+)$`)

// spanWindow is the bound of bucket k's window (spanbucket.go) of a kind
// of span stream: "late", the first due day of the dossiers overdue at od
// and finished on od or later; "due", the day after the last due day of
// those received before td and due on td or later; "nodue", the first
// reception day of those without a due date in progress at td.
func (d drillDays) spanWindow(kind string, k int) int {
	w := 2 << k
	switch kind {
	case "late":
		return dayPlus(d.od, -w)
	case "due":
		return dayPlus(d.td, w)
	default:
		return dayPlus(d.td, -w)
	}
}

// bind replaces the named values of q ({fd}: d.fd, {units}: sc.ids, {akey}
// and {aid}: after...) with numbered parameters, in the order they first
// appear, and answers the parameters' values: on PostgreSQL, the text of a
// list depends on its kind and plan only, not on the days, units or page,
// and is prepared once per connection (planning it took longer than
// running it). SQLite gets the numbers written in the text.
func (d drillDays) bind(q string, sc drillScope, after DrillCursor) (string, []any) {
	vals := map[string]any{"fd": d.fd, "td": d.td, "od": d.od, "today": d.today, "now": utc(d.now), "end": utc(d.end),
		"units": sc.ids, "procs": sc.procs, "akey": after.Key, "aid": after.ID}
	if len(sc.ids) > 0 {
		vals["unit"] = sc.ids[0]
	}
	num := map[string]string{}
	var args []any
	q = drillToken.ReplaceAllStringFunc(q, func(tok string) string {
		name := tok[1 : len(tok)-1]
		if p, ok := num[name]; ok {
			return p
		}
		if m := spanToken.FindStringSubmatch(name); m != nil {
			k, _ := strconv.Atoi(m[2])
			vals[name] = d.spanWindow(m[1], k)
		}
		if n, ok := vals[name].(int); ok && !sc.pg {
			// SQLite plans each text anyway; its numbers are written,
			// which the bench measured faster than bound.
			return strconv.Itoa(n)
		}
		if n, ok := vals[name].(int64); ok && !sc.pg {
			return strconv.FormatInt(n, 10)
		}
		args = append(args, vals[name])
		num[name] = "$" + strconv.Itoa(len(args))
		return num[name]
	})
	return q, args
}

// drillSummary is DrillDown over whole days: the first limit+1 rows after
// the cursor of each stream, merged, and only the page's rows joined to
// their dossiers: a list of five streams would otherwise look up five
// pages of dossiers to keep one (random reads of the largest table).
func (db *DB) drillSummary(ctx context.Context, sc drillScope, kind DrillKind, d drillDays, after DrillCursor, limit int) ([]DrillRow, DrillCursor, error) {
	if (sc.procs != nil && len(sc.procs) == 0) || len(sc.ids) == 0 {
		return nil, DrillCursor{}, nil
	}
	if err := db.spanBucketsOf(ctx, kind, &d); err != nil {
		return nil, DrillCursor{}, err
	}
	var parts []string
	for i, st := range drillStreams(kind, d, sc) {
		w, order := st.whereIn(sc), st.key+", s.dossier_id"
		if st.seek || !st.inOrder && !sc.all && !sc.walk && len(sc.ids) > 1 {
			// Sorted, not read in order: several units are sought
			// (each in order, but not all together), or the stream's
			// own range is.
			order = st.key + " + 0, s.dossier_id"
		}
		if !after.IsZero() && (st.lo == 0 || after.Key >= st.lo) {
			w += " AND (" + st.key + ", s.dossier_id) > ({akey}, {aid})"
		}
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT s.dossier_id AS id, %s AS k, %s AS uid FROM %s
			WHERE %s ORDER BY %s LIMIT %d) AS s%d`, st.key, st.unit, st.from(sc), w, order, limit+1, i))
	}
	if len(parts) == 0 {
		return nil, DrillCursor{}, nil
	}
	q := `SELECT d.id, d.code, p.code, p.name, d.status, d.channel, d.received_at, d.legal_due_at, d.finished_at,
			u.code, u.name, d.procedure_version_id, d.step_index, x.k
		FROM (SELECT * FROM (` + strings.Join(parts, "\n\t\tUNION ALL ") + `) AS y
			ORDER BY y.k, y.id LIMIT ` + strconv.Itoa(limit+1) + `) x
		JOIN dossiers d ON d.id = x.id
		JOIN procedures p ON p.id = d.procedure_id
		JOIN units u ON u.id = x.uid
		ORDER BY x.k, x.id LIMIT ` + strconv.Itoa(limit+1)
	q, args := d.bind(q, sc, after)
	return db.drillRows(ctx, limit, q, args...)
}

// drillSummaryCount is DrillCount over whole days: the streams counted.
func (db *DB) drillSummaryCount(ctx context.Context, unit *org.Unit, own bool, flt stats.Filter, kind DrillKind, d drillDays) (int, error) {
	sc, err := db.drillScopeOf(ctx, unit, own, flt)
	if err != nil || (sc.procs != nil && len(sc.procs) == 0) || len(sc.ids) == 0 {
		return 0, err
	}
	if err := db.spanBucketsOf(ctx, kind, &d); err != nil {
		return 0, err
	}
	// One statement, one round trip: a list has up to some twenty
	// streams (one per span bucket).
	var counts []string
	for _, st := range drillStreams(kind, d, sc) {
		counts = append(counts, `(SELECT COUNT(*) FROM `+st.from(sc)+` WHERE `+st.whereIn(sc)+`)`)
	}
	if len(counts) == 0 {
		return 0, nil
	}
	q, args := d.bind(`SELECT `+strings.Join(counts, " + "), sc, DrillCursor{})
	var total int
	if err := db.reportQueryRow(ctx, q, args...).Scan(&total); err != nil {
		return 0, err
	}
	return total, nil
}

// spanBucketsOf reads into d the highest span buckets there are, for the
// kinds whose streams read them (one stream per bucket up to the highest):
// each an index's last entry.
func (db *DB) spanBucketsOf(ctx context.Context, kind DrillKind, d *drillDays) error {
	if kind != DrillWithin && kind != DrillOverdue {
		return nil
	}
	var due, noDue, late sql.NullInt64
	err := db.reportQueryRow(ctx, `SELECT
		(SELECT due_bucket FROM stats_dossiers WHERE due_bucket >= 0 AND due_day <> 0 ORDER BY due_bucket DESC LIMIT 1),
		(SELECT due_bucket FROM stats_dossiers WHERE due_bucket >= 0 AND due_day = 0 ORDER BY due_bucket DESC LIMIT 1),
		(SELECT late_bucket FROM stats_dossiers WHERE late_bucket >= 0 ORDER BY late_bucket DESC LIMIT 1)`).Scan(&due, &noDue, &late)
	if err != nil {
		return fmt.Errorf("reading the span buckets: %w", err)
	}
	// No bucket at all: -1, no stream.
	highest := func(n sql.NullInt64) int {
		if !n.Valid {
			return -1
		}
		return int(n.Int64)
	}
	d.maxDue, d.maxNoDue, d.maxLate = highest(due), highest(noDue), highest(late)
	return nil
}
