package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// sqlDecidedPath is the path of the unit that decided a dossier: the unit
// holding it when it entered a finished status (withdrawn, stopped,
// finished); a result returned to the receiving desk afterwards does not
// move the decision there. Open dossiers are at the unit that holds them.
var sqlDecidedPath = fmt.Sprintf(`CASE WHEN d.finished_at IS NOT NULL AND d.unit_id = d.received_unit_id THEN COALESCE((
			SELECT eu.path FROM events e JOIN units eu ON eu.id = e.unit_id
			WHERE e.dossier_id = d.id AND e.to_status IN (%[1]d, %[2]d, %[3]d)
				AND e.from_status NOT IN (%[1]d, %[2]d, %[3]d, %[4]d)
			ORDER BY e.id DESC LIMIT 1), d.unit_path) ELSE d.unit_path END`,
	dossier.StatusWithdrawn, dossier.StatusStopped, dossier.StatusFinished, dossier.StatusDelivered)

// Stats counts the II.06a figures for the subtree of unit over [from, to)
// (or, with own, for the unit's own dossiers only: "the district level").
//
// The received columns (online, counter, carried over) count the dossiers
// the unit's desks received (received_unit_id); the finished columns count
// the dossiers the unit decided, and the in-progress columns those it holds
// (unit_id): a dossier received at a ward and transferred to a department is
// received at the ward and finished or in progress at the department.
// In-progress dossiers are judged at the earlier of `to` and now; one
// waiting for the applicant's supplementation (status 5) is within the
// deadline.
func (db *DB) Stats(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool) (stats.Report, error) {
	return db.StatsFiltered(ctx, unit, from, to, now, own, stats.Filter{})
}

// StatsFiltered is Stats over the dossiers of the procedures flt selects.
func (db *DB) StatsFiltered(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter) (stats.Report, error) {
	rows, err := db.statsRows(ctx, unit, from, to, now, own, flt, "")
	return firstReport(unit, rows), err
}

// ScanStats is StatsFiltered counted from the dossiers themselves,
// without the summary: for checking the summary and measuring it.
func (db *DB) ScanStats(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter) (stats.Report, error) {
	rows, err := db.scanStatsRows(ctx, unit, from, to, now, own, flt, "")
	return firstReport(unit, rows), err
}

// StatsRows is StatsFiltered split into one row per field of the
// procedures (by "field"), per level of government offering them (by
// "level") or per procedure (by "procedure"), in the order of their names
// (codes for procedures); groups without a counted dossier or a rating
// have no row.
func (db *DB) StatsRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, by string) ([]stats.Report, error) {
	switch by {
	case "field":
		return db.statsRows(ctx, unit, from, to, now, own, flt, "p.field")
	case "level":
		return db.statsRows(ctx, unit, from, to, now, own, flt, "p.unit_level")
	case "procedure":
		return db.statsRows(ctx, unit, from, to, now, own, flt, sqlProcedureGroup)
	}
	return nil, fmt.Errorf("stats rows by %q", by)
}

// sqlProcedureGroup groups by procedure, carrying its name: "code|name"
// (catalogue codes hold no "|"), so that the row is named without another
// query.
const sqlProcedureGroup = "p.code || '|' || p.name"

// Satisfaction is the satisfaction part of Stats alone: the ratings given
// in [from, to) on the dossiers the subtree of unit (with own, the unit
// alone) decided, with the shares. It reads only the period's rate events,
// so a dashboard may ask it for each unit below.
func (db *DB) Satisfaction(ctx context.Context, unit *org.Unit, from, to time.Time, own bool) (stats.Satisfaction, error) {
	m, err := db.satisfaction(ctx, unit, from, to, own, stats.Filter{}, "''")
	s := m[""]
	s.Finish()
	return s, err
}

// satisfaction counts the ratings given in [from, to) on the dossiers the
// subtree of unit (with own, the unit alone) decided, as Finished counts
// them, grouped by group (see statsRows). The rating's time is its event's:
// a dossier is rated once, after delivery, often in a later period than
// the one it finished in.
func (db *DB) satisfaction(ctx context.Context, unit *org.Unit, from, to time.Time, own bool, flt stats.Filter, group string) (map[string]stats.Satisfaction, error) {
	rows, err := db.reportQuery(ctx, `
		SELECT grp,
			COALESCE(SUM(CASE WHEN rating = '`+dossier.RatingVerySatisfied+`' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rating = '`+dossier.RatingSatisfied+`' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rating = '`+dossier.RatingDissatisfied+`' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rater <> '`+dossier.RoleApplicant+`' THEN 1 ELSE 0 END), 0)
		FROM (
			SELECT d.rating, re.role AS rater, `+sqlDecidedPath+` AS hpath, `+group+` AS grp
			FROM events re
			JOIN dossiers d ON d.id = re.dossier_id
			JOIN procedures p ON p.id = d.procedure_id
			WHERE re.action = '`+string(dossier.ActRate)+`' AND re.at >= $3 AND re.at < $4
				AND ($6 = '' OR p.field = $6) AND ($7 = '' OR p.unit_level = $7) AND ($8 = '' OR p.code = $8)
		) x
		WHERE hpath >= $1 AND hpath < $2 AND (NOT $5 OR hpath = $1)
		GROUP BY grp`,
		unit.Path, pathUpper(unit.Path), utc(from), utc(to), own, flt.Field, flt.Level, flt.Procedure)
	if err != nil {
		return nil, fmt.Errorf("counting ratings of %s: %w", unit.Code, err)
	}
	defer rows.Close()
	out := map[string]stats.Satisfaction{}
	for rows.Next() {
		var g string
		var s stats.Satisfaction
		if err := rows.Scan(&g, &s.VerySatisfied, &s.Satisfied, &s.Dissatisfied, &s.AtDesk); err != nil {
			return nil, fmt.Errorf("counting ratings of %s: %w", unit.Code, err)
		}
		out[g] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting ratings of %s: %w", unit.Code, err)
	}
	return out, nil
}

// summaryEnd is the end of a period as the summary's whole days count it:
// a period running to now or later (the dashboards' default, the public
// index) ends at the next midnight, since nothing is received, finished or
// rated after now, so the rest of today adds nothing (overdue is still
// judged at now); any other end is kept.
func summaryEnd(to, now time.Time) time.Time {
	if midnight(to) || to.Before(now) {
		return to
	}
	y, m, d := to.In(Zone).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, Zone)
}

// firstReport is the report of a query without grouping: its one row, or
// the unit's empty report when nothing counted.
func firstReport(unit *org.Unit, rows []stats.Report) stats.Report {
	r := stats.Report{Unit: unit.Code, UnitName: unit.Name}
	if len(rows) > 0 {
		r = rows[0]
	}
	r.Finish()
	return r
}

func (db *DB) statsRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, group string) ([]stats.Report, error) {
	// Periods of whole days read the summary kept with each event (see
	// summary.go); the others scan the dossiers.
	if out, ok, err := db.summaryRows(ctx, unit, from, summaryEnd(to, now), now, own, flt, group, false); ok || err != nil {
		return out, err
	}
	return db.scanStatsRows(ctx, unit, from, to, now, own, flt, group)
}

// scanStatsRows is statsRows counted from the dossiers themselves.
func (db *DB) scanStatsRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, group string) ([]stats.Report, error) {
	cut := to
	if now.Before(cut) {
		cut = now
	}
	if group == "" {
		group = "''"
	}
	f, t, c := utc(from), utc(to), utc(cut)
	lo, hi := unit.Path, pathUpper(unit.Path)
	// rin: received in scope; hin: decided or held in scope.
	rows, err := db.reportQuery(ctx, `
		SELECT grp,
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND channel = 'online' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND channel <> 'online' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND channel = 'post' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at < $3 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND lvl >= 3 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND lvl >= 3 AND channel = 'online' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND finished_at < $4 AND verdict = 'early' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND finished_at < $4 AND verdict = 'on_time' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND finished_at < $4 AND verdict = 'late' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND (finished_at IS NULL OR finished_at >= $4) AND NOT overdue THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND (finished_at IS NULL OR finished_at >= $4) AND overdue THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND supplement_requests > 1 THEN 1 ELSE 0 END), 0)
		FROM (
			SELECT x.*,
				(x.rpath >= $1 AND x.rpath < $2 AND (NOT $6 OR x.rpath = $1)) AS rin,
				(x.hpath >= $1 AND x.hpath < $2 AND (NOT $6 OR x.hpath = $1)) AS hin,
				(x.legal_due_at IS NOT NULL AND x.legal_due_at < $5 AND NOT (x.finished_at IS NULL AND (
					(x.status = `+fmt.Sprint(int(dossier.StatusSupplement))+` AND (x.paused_at IS NULL OR x.paused_at <= $5))
					OR (x.status = `+fmt.Sprint(int(dossier.StatusFee))+` AND x.paused_at IS NOT NULL AND x.paused_at <= $5)))) AS overdue
			FROM (
				SELECT d.channel, d.received_at, d.finished_at, d.verdict, d.legal_due_at, d.status, d.paused_at, d.supplement_requests,
					v.level AS lvl, ru.path AS rpath, `+sqlDecidedPath+` AS hpath, `+group+` AS grp
				FROM dossiers d
				JOIN units ru ON ru.id = d.received_unit_id
				JOIN procedure_versions v ON v.id = d.procedure_version_id
				JOIN procedures p ON p.id = d.procedure_id
				WHERE d.status NOT IN (`+sqlUncounted+`)
					AND d.received_at IS NOT NULL AND d.received_at < $4
					AND (d.finished_at IS NULL OR d.finished_at >= $3)
					AND ($7 = '' OR p.field = $7) AND ($8 = '' OR p.unit_level = $8) AND ($9 = '' OR p.code = $9)
			) x
		) y
		WHERE rin OR hin
		GROUP BY grp`,
		lo, hi, f, t, c, own, flt.Field, flt.Level, flt.Procedure)
	if err != nil {
		return nil, fmt.Errorf("counting dossiers of %s: %w", unit.Code, err)
	}
	defer rows.Close()
	var out []stats.Report
	var groups []string // the group of each row of out
	for rows.Next() {
		var g string
		r := stats.Report{Unit: unit.Code, UnitName: unit.Name}
		if err := rows.Scan(&g,
			&r.Received.Online, &r.Received.Counter, &r.Received.Post, &r.Received.CarriedOver,
			&r.Received.Offered, &r.Received.OfferedOnline,
			&r.Finished.Early, &r.Finished.OnTime, &r.Finished.Late,
			&r.InProgress.Within, &r.InProgress.Overdue, &r.FurtherSupplementRequests); err != nil {
			return nil, fmt.Errorf("counting dossiers of %s: %w", unit.Code, err)
		}
		out = append(out, r)
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting dossiers of %s: %w", unit.Code, err)
	}
	rows.Close()
	// Ratings are counted on their own: a dossier rated in the period may
	// have finished before it, so a group may have ratings and no row yet.
	sat, err := db.satisfaction(ctx, unit, from, to, own, flt, group)
	if err != nil {
		return nil, err
	}
	for i, g := range groups {
		out[i].Satisfaction = sat[g]
		delete(sat, g)
	}
	for g, s := range sat {
		out = append(out, stats.Report{Unit: unit.Code, UnitName: unit.Name, Satisfaction: s})
		groups = append(groups, g)
	}
	for i, g := range groups {
		nameGroup(&out[i], group, g)
		out[i].Finish()
	}
	sortReports(out)
	return out, nil
}

// nameGroup names a row of a grouped report by its group's value.
func nameGroup(r *stats.Report, group, g string) {
	switch group {
	case "p.field":
		r.Field = g
	case "p.unit_level":
		r.Level = g
	case sqlProcedureGroup:
		r.Procedure, r.ProcedureName, _ = strings.Cut(g, "|")
	}
}

// sortReports orders a grouped report's rows the same way on every
// engine, whatever the database's collation.
func sortReports(out []stats.Report) {
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Field+out[i].Level+out[i].Procedure < out[j].Field+out[j].Level+out[j].Procedure
	})
}

// ChildUnits lists the units right below the one with parentCode
// (stats.Store).
func (db *DB) ChildUnits(ctx context.Context, parentCode string) ([]org.Unit, error) {
	return db.Units(ctx, UnitFilter{Parent: parentCode})
}

// StatsChildren answers StatsFiltered for the subtree of each of kids, the
// units right below unit, in their order (stats.Store): from the summary in
// one query when the period allows it (summaryRows), else one scan a child.
func (db *DB) StatsChildren(ctx context.Context, unit *org.Unit, kids []org.Unit, from, to, now time.Time, flt stats.Filter) ([]stats.Report, error) {
	out := make([]stats.Report, len(kids))
	rows, ok, err := db.summaryRows(ctx, unit, from, summaryEnd(to, now), now, false, flt, "", true)
	if err != nil {
		return nil, err
	}
	if !ok {
		for i := range kids {
			if out[i], err = db.StatsFiltered(ctx, &kids[i], from, to, now, false, flt); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	byID := map[string]stats.Report{}
	for _, r := range rows {
		byID[r.Unit] = r
	}
	for i, k := range kids {
		// A child without a row has only zeros, as StatsFiltered answers.
		r := byID[strconv.FormatInt(k.ID, 10)]
		r.Unit, r.UnitName = k.Code, k.Name
		r.Finish()
		out[i] = r
	}
	return out, nil
}
