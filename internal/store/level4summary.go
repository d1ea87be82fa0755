package store

// The level-4 indicators (Level4) kept as counters, written in the same
// transaction as each change that moves them, so that the city's year
// reads a few hundred counter rows instead of every payment, document and
// finished dossier (issue 13: the city's dashboard under 200 ms).
//
// Design, as the statistics summary's (summary.go), with one difference:
// a dossier's part of these figures depends on rows of other tables
// (payment requests and attempts, result documents, the deliver event),
// so its state is not a few columns but what it adds to the counters,
// kept as rows of stats_level4_dossiers keyed by (dossier, unit, day).
//
//	fees_paid, fees_paid_online  a paid request (state 'paid'), on the local
//	                             day of paid_at; online: method 'online'
//	online_tx, online_amount     a paid attempt not at the desk (gateway
//	                             <> 'cash'), on the day of settled_at
//	finished                     the dossier, on the day of finished_at
//	results_electronic           the same, when it has a result document
//	solved_fully_online          the same, when solved fully online
//	                             (l4SolvedSQL)
//
// Every figure counts at the dossier's present unit (dossiers.unit_id,
// whose path is dossiers.unit_path), as the scan (ScanLevel4) counts
// d.unit_path: a transferred dossier takes its payments along. The rules
// are the SQL the scan runs (l4ResultSQL, l4SolvedSQL, l4OnlineTxSQL),
// evaluated for one dossier.
//
// Upkeep (upkeepLevel4): the dossier's contributions are computed anew
// from its rows (three small queries on the dossier's indexes), the stored
// ones read, and the difference applied to stats_level4_daily (unit, day)
// and stats_level4_subtree_monthly (every ancestor-or-self of the unit,
// month), then the stored ones replaced. It is called by every write that
// can move a figure: the dossier's writes (afterDossierTx, updateDossierTx:
// status, unit, finished_at, delivered_at, fee, documents, the deliver
// event) and the payments' (SettleAttempt, MarkRefunded; the others only
// move requests between unpaid, pending and cancelled, and attempts to
// pending or failed, which count nothing). A dossier's write that leaves it
// unfinished, and had counted no finish, at the unit its contributions
// already count at, changes nothing: it returns after reading the stored
// rows (one query on most events, submissions included).
//
// Reading (level4Counters): periods of whole local days read the unit's
// daily rows (own), or for a subtree the prefix sums of summary.go taken
// as a difference: the unit's monthly rows between the edges' months, and
// at each edge the daily rows of its subtree between the edge and the
// nearer end of its month, added or subtracted; a calendar year reads the
// unit's twelve monthly rows. (A figure of these is always over the period,
// never "before T", so no month before the period is read.)
//
// RebuildSummary recomputes these tables too (rebuildLevel4), and a move
// of units recomputes the monthly rows (refreshLevel4Subtrees, from
// UpsertUnits). Limits: as for the summary, Batch's bulk writes bypass the
// upkeep (Batch runs RebuildSummary after), and so does SQL by hand.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// l4Cols are the counters of the level-4 tables, in the order of
// l4Counters.
var l4Cols = []string{"fees_paid", "fees_paid_online", "online_tx", "online_amount", "finished", "results_electronic", "solved_fully_online"}

const (
	l4Fees = iota
	l4FeesOnline
	l4Tx
	l4Amount
	l4Fin
	l4Result
	l4Solved
	nL4
)

type l4Counters [nL4]int64

// l4Key is a row of a level-4 counter table: a unit and a day (yyyymmdd)
// or a month (yyyymm).
type l4Key struct {
	Unit   int64
	Period int
}

// l4Delta accumulates counter changes by row.
type l4Delta map[l4Key]*l4Counters

func (m l4Delta) add(unit int64, period, col int, n int64) {
	k := l4Key{unit, period}
	c := m[k]
	if c == nil {
		c = new(l4Counters)
		m[k] = c
	}
	c[col] += n
}

// merge adds n times o's counters to m.
func (m l4Delta) merge(o l4Delta, n int64) {
	for k, c := range o {
		for i, v := range c {
			if v != 0 {
				m.add(k.Unit, k.Period, i, n*v)
			}
		}
	}
}

// The contributions of the dossiers with ids in [$1, $2]: one id for the
// upkeep, a page of them for the rebuild, by the same statements.
var (
	qL4Fees = `SELECT r.dossier_id, d.unit_id, r.paid_at, r.method
		FROM payment_requests r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.dossier_id >= $1 AND r.dossier_id <= $2 AND r.state = 'paid' AND r.paid_at IS NOT NULL`
	qL4Tx = `SELECT r.dossier_id, d.unit_id, a.settled_at, a.amount
		FROM payment_attempts a JOIN payment_requests r ON r.id = a.request_id JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.dossier_id >= $1 AND r.dossier_id <= $2 AND ` + l4OnlineTxSQL + ` AND a.settled_at IS NOT NULL`
	qL4Fin = `SELECT d.id, d.unit_id, d.finished_at,
			CASE WHEN ` + l4ResultSQL + ` THEN 1 ELSE 0 END,
			CASE WHEN ` + l4SolvedSQL + ` THEN 1 ELSE 0 END
		FROM dossiers d WHERE d.id >= $1 AND d.id <= $2 AND d.finished_at IS NOT NULL`
	qL4Stored       = `SELECT unit_id, day, ` + strings.Join(l4Cols, ", ") + ` FROM stats_level4_dossiers WHERE dossier_id = $1`
	qL4DeleteStored = `DELETE FROM stats_level4_dossiers WHERE dossier_id = $1`
	qL4InsertStored = `INSERT INTO stats_level4_dossiers (dossier_id, unit_id, day, ` + strings.Join(l4Cols, ", ") + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	qL4DossierOfRequest = `SELECT dossier_id FROM payment_requests WHERE id = $1`
	qL4LockDossier      = `SELECT id FROM dossiers WHERE id = $1 FOR UPDATE`

	qL4UpsertDaily, qL4DeleteZeroDaily, qL4UpsertMonthly, qL4DeleteZeroMonthly string
	qL4RebuildDaily, qL4RebuildMonthly                                         string
)

func init() {
	qL4UpsertDaily, qL4DeleteZeroDaily = counterQueries("stats_level4_daily", []string{"unit_id", "day"}, l4Cols)
	qL4UpsertMonthly, qL4DeleteZeroMonthly = counterQueries("stats_level4_subtree_monthly", []string{"unit_id", "month"}, l4Cols)
	sums := make([]string, len(l4Cols))
	for i, c := range l4Cols {
		sums[i] = "SUM(s." + c + ")"
	}
	qL4RebuildDaily = `INSERT INTO stats_level4_daily (unit_id, day, ` + strings.Join(l4Cols, ", ") + `)
		SELECT s.unit_id, s.day, ` + strings.Join(sums, ", ") + ` FROM stats_level4_dossiers s GROUP BY s.unit_id, s.day`
	qL4RebuildMonthly = `INSERT INTO stats_level4_subtree_monthly (unit_id, month, ` + strings.Join(l4Cols, ", ") + `)
		SELECT anc.aid, s.day / 100, ` + strings.Join(sums, ", ") + `
		FROM stats_level4_daily s JOIN ` + sqlUnitAncestry + ` anc ON anc.uid = s.unit_id
		GROUP BY anc.aid, s.day / 100`
	// Prepared once with the write path's statements (SQLite re-parses
	// unprepared ones at every call).
	writeStatements = append(writeStatements, qL4Fees, qL4Tx, qL4Fin, qL4Stored, qL4DeleteStored, qL4InsertStored,
		qL4DossierOfRequest, qL4UpsertDaily, qL4DeleteZeroDaily, qL4UpsertMonthly, qL4DeleteZeroMonthly)
}

// l4Contributions answers what the dossiers with ids in [lo, hi] add to
// the daily counters, by dossier (only dossiers adding something).
func l4Contributions(ctx context.Context, tx *Tx, lo, hi int64) (map[int64]l4Delta, error) {
	out := map[int64]l4Delta{}
	at := func(id int64) l4Delta {
		m := out[id]
		if m == nil {
			m = l4Delta{}
			out[id] = m
		}
		return m
	}
	read := func(what, q string, row func(rows *sql.Rows) error) error {
		rows, err := tx.QueryContext(ctx, q, lo, hi)
		if err != nil {
			return fmt.Errorf("reading the %s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := row(rows); err != nil {
				return fmt.Errorf("reading the %s: %w", what, err)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("reading the %s: %w", what, err)
		}
		return nil
	}
	var id, unit int64
	var t time.Time
	err := read("paid fees", qL4Fees, func(rows *sql.Rows) error {
		var method string
		if err := rows.Scan(&id, &unit, &t, &method); err != nil {
			return err
		}
		m, day := at(id), dayOf(t)
		m.add(unit, day, l4Fees, 1)
		if method == "online" {
			m.add(unit, day, l4FeesOnline, 1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = read("online payments", qL4Tx, func(rows *sql.Rows) error {
		var amount int64
		if err := rows.Scan(&id, &unit, &t, &amount); err != nil {
			return err
		}
		m, day := at(id), dayOf(t)
		m.add(unit, day, l4Tx, 1)
		m.add(unit, day, l4Amount, amount)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = read("finished dossiers", qL4Fin, func(rows *sql.Rows) error {
		var result, solved int64
		if err := rows.Scan(&id, &unit, &t, &result, &solved); err != nil {
			return err
		}
		m, day := at(id), dayOf(t)
		m.add(unit, day, l4Fin, 1)
		m.add(unit, day, l4Result, result)
		m.add(unit, day, l4Solved, solved)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// upkeepLevel4Dossier is upkeepLevel4 after a write of dossier d (its new
// state), in the write's transaction.
func (db *DB) upkeepLevel4Dossier(ctx context.Context, tx *Tx, d *dossier.Dossier) error {
	return db.upkeepLevel4(ctx, tx, d.ID, d)
}

// upkeepLevel4Request is upkeepLevel4 after a write of payment request
// req, in the write's transaction.
func (db *DB) upkeepLevel4Request(ctx context.Context, tx *Tx, req int64) error {
	var id int64
	if err := tx.QueryRowContext(ctx, qL4DossierOfRequest, req).Scan(&id); err != nil {
		return fmt.Errorf("reading the dossier of payment request %d: %w", req, err)
	}
	return db.upkeepLevel4(ctx, tx, id, nil)
}

// upkeepLevel4 moves the level-4 counters from the dossier's stored
// contributions to those of its present rows. d is the dossier's new
// state when a write of the dossier calls (nil for a payment's).
func (db *DB) upkeepLevel4(ctx context.Context, tx *Tx, id int64, d *dossier.Dossier) error {
	qStored := qL4Stored
	if db.dialect == Postgres {
		if d == nil {
			// A payment's write: the dossier's row lock orders it with
			// the dossier's own writes (which hold it), so that each
			// reads the contributions the other stored.
			var x int64
			if err := tx.QueryRowContext(ctx, qL4LockDossier, id).Scan(&x); err != nil {
				return fmt.Errorf("locking dossier %d: %w", id, err)
			}
		}
		// The table lock of FOR UPDATE waits for a running rebuild (which
		// holds the tables exclusively), so that the rows read are the
		// rebuilt ones.
		qStored += " FOR UPDATE"
	}
	old := l4Delta{}
	rows, err := tx.QueryContext(ctx, qStored, id)
	if err != nil {
		return fmt.Errorf("reading the level-4 counts of dossier %d: %w", id, err)
	}
	for rows.Next() {
		var k l4Key
		c := new(l4Counters)
		dst := []any{&k.Unit, &k.Period}
		for i := range c {
			dst = append(dst, &c[i])
		}
		if err := rows.Scan(dst...); err != nil {
			rows.Close()
			return fmt.Errorf("reading the level-4 counts of dossier %d: %w", id, err)
		}
		old[k] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading the level-4 counts of dossier %d: %w", id, err)
	}
	if d != nil && d.FinishedAt == nil {
		// Unfinished, no finish counted, and its payments counted at its
		// unit: the write cannot have moved a figure (payments change
		// only through the payments' own writes).
		moved := false
		for k, c := range old {
			moved = moved || k.Unit != d.UnitID || c[l4Fin] != 0
		}
		if !moved {
			return nil
		}
	}
	contrib, err := l4Contributions(ctx, tx, id, id)
	if err != nil {
		return fmt.Errorf("counting the level-4 figures of dossier %d: %w", id, err)
	}
	nw := contrib[id]
	delta := l4Delta{}
	delta.merge(nw, 1)
	delta.merge(old, -1)
	changed := false
	for _, c := range delta {
		changed = changed || *c != (l4Counters{})
	}
	if !changed {
		return nil
	}
	if err := applyL4Delta(ctx, tx, delta); err != nil {
		return fmt.Errorf("updating the level-4 counters for dossier %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, qL4DeleteStored, id); err != nil {
		return fmt.Errorf("saving the level-4 counts of dossier %d: %w", id, err)
	}
	for _, k := range sortedL4Keys(nw) {
		c := nw[k]
		args := []any{id, k.Unit, k.Period}
		for _, v := range c {
			args = append(args, v)
		}
		if _, err := tx.ExecContext(ctx, qL4InsertStored, args...); err != nil {
			return fmt.Errorf("saving the level-4 counts of dossier %d: %w", id, err)
		}
	}
	return nil
}

// applyL4Delta adds the daily changes to stats_level4_daily, and to
// stats_level4_subtree_monthly for every ancestor-or-self of each row's
// unit, deleting the rows they leave at zero: daily rows, then monthly,
// each in key order, so that concurrent upkeeps cannot deadlock.
func applyL4Delta(ctx context.Context, tx *Tx, delta l4Delta) error {
	monthly := l4Delta{}
	anc := map[int64][]int64{}
	for k, c := range delta {
		if *c == (l4Counters{}) {
			continue
		}
		ids, ok := anc[k.Unit]
		if !ok {
			var err error
			if ids, err = unitAncestors(ctx, tx, k.Unit); err != nil {
				return err
			}
			anc[k.Unit] = ids
		}
		for _, a := range ids {
			for i, v := range c {
				if v != 0 {
					monthly.add(a, k.Period/100, i, v)
				}
			}
		}
	}
	if err := writeL4Delta(ctx, tx, delta, qL4UpsertDaily, qL4DeleteZeroDaily); err != nil {
		return err
	}
	return writeL4Delta(ctx, tx, monthly, qL4UpsertMonthly, qL4DeleteZeroMonthly)
}

func sortedL4Keys(m l4Delta) []l4Key {
	keys := make([]l4Key, 0, len(m))
	for k, c := range m {
		if *c != (l4Counters{}) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Unit != keys[j].Unit {
			return keys[i].Unit < keys[j].Unit
		}
		return keys[i].Period < keys[j].Period
	})
	return keys
}

// writeL4Delta applies the non-zero changes of delta with upsert, in key
// order, deleting with del the rows a decrement may have left at zero.
func writeL4Delta(ctx context.Context, tx *Tx, delta l4Delta, upsert, del string) error {
	for _, k := range sortedL4Keys(delta) {
		if err := writeCounterRow(ctx, tx, upsert, del, []any{k.Unit, k.Period}, delta[k][:]); err != nil {
			return err
		}
	}
	return nil
}

// rebuildLevel4 recomputes the level-4 tables from the payments,
// documents and dossiers, inside RebuildSummary's transaction.
func (db *DB) rebuildLevel4(ctx context.Context, tx *Tx) error {
	if db.dialect == Postgres {
		// In the upkeep's order (the summary's tables, locked by
		// RebuildSummary, before these).
		if _, err := tx.ExecContext(ctx, `LOCK TABLE stats_level4_dossiers, stats_level4_daily, stats_level4_subtree_monthly IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("locking the level-4 counters: %w", err)
		}
	}
	for _, q := range []string{`DELETE FROM stats_level4_subtree_monthly`, `DELETE FROM stats_level4_daily`, `DELETE FROM stats_level4_dossiers`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("emptying the level-4 counters: %w", err)
		}
	}
	ins, err := newInserter(ctx, tx, db.dialect, `INSERT INTO stats_level4_dossiers (dossier_id, unit_id, day, `+strings.Join(l4Cols, ", ")+`)`, 3+nL4)
	if err != nil {
		return err
	}
	defer ins.close()
	// Pages of dossiers by id, each counted by the upkeep's statements.
	var last int64
	for {
		var hi sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM (SELECT id FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2) p`,
			last, rebuildPageSize).Scan(&hi)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("paging the dossiers: %w", err)
		}
		if !hi.Valid {
			break
		}
		contrib, err := l4Contributions(ctx, tx, last+1, hi.Int64)
		if err != nil {
			return fmt.Errorf("counting the level-4 figures: %w", err)
		}
		ids := make([]int64, 0, len(contrib))
		for id := range contrib {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		var page [][]any
		for _, id := range ids {
			m := contrib[id]
			for _, k := range sortedL4Keys(m) {
				row := []any{id, k.Unit, k.Period}
				for _, v := range m[k] {
					row = append(row, v)
				}
				page = append(page, row)
			}
		}
		if err := ins.insert(ctx, page); err != nil {
			return err
		}
		last = hi.Int64
	}
	if _, err := tx.ExecContext(ctx, qL4RebuildDaily); err != nil {
		return fmt.Errorf("counting the level-4 days: %w", err)
	}
	if _, err := tx.ExecContext(ctx, qL4RebuildMonthly); err != nil {
		return fmt.Errorf("summing the level-4 months of the subtrees: %w", err)
	}
	return nil
}

// refreshLevel4Subtrees recomputes stats_level4_subtree_monthly from the
// daily rows and the units' present paths, after units moved (UpsertUnits).
func (db *DB) refreshLevel4Subtrees(ctx context.Context, tx *Tx) error {
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE stats_level4_dossiers, stats_level4_daily, stats_level4_subtree_monthly IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("locking the level-4 counters: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM stats_level4_subtree_monthly`); err != nil {
		return fmt.Errorf("emptying the level-4 subtrees: %w", err)
	}
	if _, err := tx.ExecContext(ctx, qL4RebuildMonthly); err != nil {
		return fmt.Errorf("summing the level-4 months of the subtrees: %w", err)
	}
	return nil
}

// level4Counters is Level4 read from the counters, for periods of whole
// local days; ok is false for the others.
func (db *DB) level4Counters(ctx context.Context, unit *org.Unit, from, to time.Time, own bool) (l stats.Level4, ok bool, err error) {
	if !midnight(from) || !midnight(to) || !from.Before(to) {
		return l, false, nil
	}
	fd, td := dayOf(from), dayOf(to)
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	// The bounds are integers computed here, written into the statement:
	// PostgreSQL's generic plan of a prepared statement does not know the
	// days' ranges and read every daily row (18 ms instead of 1).
	sel := make([]string, nL4)
	var src []string
	cols := "s." + strings.Join(l4Cols, ", s.")
	if own {
		src = append(src, fmt.Sprintf(`SELECT 1 AS sg, %s FROM stats_level4_daily s WHERE s.unit_id = %s AND s.day >= %d AND s.day < %d`,
			cols, arg(unit.ID), fd, td))
	} else {
		// P_to − P_from (prefixOf): the unit's months in [pf.months,
		// pt.months), and each edge's days, with their signs.
		pf, pt := prefixOf(fd), prefixOf(td)
		if pf.months < pt.months {
			src = append(src, fmt.Sprintf(`SELECT 1 AS sg, %s FROM stats_level4_subtree_monthly s WHERE s.unit_id = %s AND s.month >= %d AND s.month < %d`,
				cols, arg(unit.ID), pf.months, pt.months))
		}
		var lo, hi string // the subtree's paths, arguments once a window needs them
		for i, x := range []dayPrefix{pf, pt} {
			sign := 1
			if x.sub {
				sign = -1
			}
			if i == 0 {
				sign = -sign // P_from is subtracted
			}
			if x.window {
				if lo == "" {
					lo, hi = arg(unit.Path), arg(pathUpper(unit.Path))
				}
				src = append(src, fmt.Sprintf(`SELECT %d AS sg, %s FROM stats_level4_daily s JOIN units u ON u.id = s.unit_id
					WHERE u.path >= %s AND u.path < %s AND s.day >= %d AND s.day < %d`, sign, cols, lo, hi, x.lo, x.hi))
			}
		}
	}
	for i, c := range l4Cols {
		sel[i] = "COALESCE(SUM(s.sg * s." + c + "), 0)"
	}
	// (At least one part: from < to, so if the months are the same an edge
	// has days.)
	q := `SELECT ` + strings.Join(sel, ", ") + ` FROM (` + strings.Join(src, " UNION ALL ") + `) s`
	var c l4Counters
	dst := make([]any, nL4)
	for i := range c {
		dst[i] = &c[i]
	}
	if err := db.reportQueryRow(ctx, q, args...).Scan(dst...); err != nil {
		return l, false, fmt.Errorf("summing the level-4 counters of %s: %w", unit.Code, err)
	}
	l = stats.Level4{FeesPaid: int(c[l4Fees]), FeesPaidOnline: int(c[l4FeesOnline]), OnlineTransactions: int(c[l4Tx]),
		OnlineAmount: c[l4Amount], Finished: int(c[l4Fin]), ResultsElectronic: int(c[l4Result]), SolvedFullyOnline: int(c[l4Solved])}
	l.Finish()
	return l, true, nil
}

// Level4Row is a row of a level-4 counter table (for checks and tests):
// a unit's counters for a day (yyyymmdd) or a month (yyyymm), in the
// order fees_paid, fees_paid_online, online_tx, online_amount, finished,
// results_electronic, solved_fully_online.
type Level4Row struct {
	Unit     int64
	Period   int
	Counters [nL4]int64
}

// Level4Rows reads stats_level4_daily (monthly false) or
// stats_level4_subtree_monthly (true) in key order.
func (db *DB) Level4Rows(ctx context.Context, monthly bool) ([]Level4Row, error) {
	q := `SELECT unit_id, day, ` + strings.Join(l4Cols, ", ") + ` FROM stats_level4_daily ORDER BY unit_id, day`
	if monthly {
		q = `SELECT unit_id, month, ` + strings.Join(l4Cols, ", ") + ` FROM stats_level4_subtree_monthly ORDER BY unit_id, month`
	}
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("reading the level-4 counters: %w", err)
	}
	defer rows.Close()
	var out []Level4Row
	for rows.Next() {
		var r Level4Row
		dst := []any{&r.Unit, &r.Period}
		for i := range r.Counters {
			dst = append(dst, &r.Counters[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("reading the level-4 counters: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
