package store

import (
	"context"
	"database/sql"
	"fmt"
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

// DrillDown lists the dossiers Stats counts in figure kind for the subtree
// of unit (with own, the unit alone) over [from, to), narrowed by flt, in
// the order of their ids after the cursor `after` (0 for the first page).
// It returns the cursor of the next page, 0 at the end. The caller checks
// that the reader may read the unit's figures.
func (db *DB) DrillDown(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, kind DrillKind, after int64, limit int) ([]DrillRow, int64, error) {
	if !knownDrill(kind) {
		return nil, 0, fmt.Errorf("drill-down of %q", kind)
	}
	limit = clampLimit(limit)
	cut := to
	if now.Before(cut) {
		cut = now
	}
	q := drillSQL(kind, `dd.id, dd.code, y.pcode, y.pname, dd.status, dd.channel, dd.received_at, dd.legal_due_at, dd.finished_at,
			su.code, su.name, dd.procedure_version_id, dd.step_index`, " AND d.id > $10") + " ORDER BY dd.id LIMIT $11"
	args := []any{unit.Path, pathUpper(unit.Path), utc(from), utc(to), utc(cut), own, flt.Field, flt.Level, flt.Procedure, after, limit + 1}
	if ch, ok := receivedChannel[kind]; ok {
		q = drillReceivedSQL(ch, `d.id, d.code, p.code, p.name, d.status, d.channel, d.received_at, d.legal_due_at, d.finished_at,
			ru.code, ru.name, d.procedure_version_id, d.step_index`) + " AND d.id > $9 ORDER BY d.id LIMIT $10"
		args = []any{unit.Path, pathUpper(unit.Path), utc(from), utc(to), own, flt.Field, flt.Level, flt.Procedure, after, limit + 1}
	}
	rows, err := db.reportQuery(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("listing the dossiers behind %s of %s: %w", kind, unit.Code, err)
	}
	defer rows.Close()
	var out []DrillRow
	for rows.Next() {
		var r DrillRow
		var status int
		var channel string
		var due, fin sql.NullTime
		if err := rows.Scan(&r.ID, &r.Code, &r.ProcedureCode, &r.ProcedureName, &status, &channel, &r.ReceivedAt, &due, &fin,
			&r.UnitCode, &r.UnitName, &r.VersionID, &r.StepIndex); err != nil {
			return nil, 0, fmt.Errorf("listing the dossiers behind %s of %s: %w", kind, unit.Code, err)
		}
		r.Status, r.Channel = dossier.Status(status), dossier.Channel(channel)
		r.ReceivedAt, r.LegalDueAt, r.FinishedAt = local(r.ReceivedAt), ntime(due), ntime(fin)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("listing the dossiers behind %s of %s: %w", kind, unit.Code, err)
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
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
// report, or the received-by-post part of the counter figure.
func (db *DB) DrillCount(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, kind DrillKind) (int, error) {
	if !knownDrill(kind) {
		return 0, fmt.Errorf("drill-down of %q", kind)
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
