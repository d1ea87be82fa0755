package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// The public index's figures that the II.06a report does not hold: the
// dossiers decided in a period, those of them submitted online, and the
// median time from reception to decision. The median is computed in SQL
// the same way on both engines (ROW_NUMBER over each group, the middle row
// or the mean of the two middle rows), since SQLite has no
// percentile_cont, so that a page asks for every unit in one query
// instead of reading the durations into Go.

// sqlDecidedStatuses are the statuses of a decision: stopped, finished,
// delivered. A withdrawn dossier was not decided, and its time says
// nothing about the unit's speed.
var sqlDecidedStatuses = fmt.Sprintf("%d, %d, %d", dossier.StatusStopped, dossier.StatusFinished, dossier.StatusDelivered)

// sqlDays is the time from reception to decision in calendar days, as a
// fraction, in the engine's own date arithmetic.
func (db *DB) sqlDays() string {
	if db.dialect == Postgres {
		return `CAST(EXTRACT(EPOCH FROM (d.finished_at - d.received_at)) AS DOUBLE PRECISION) / 86400`
	}
	return `(julianday(d.finished_at) - julianday(d.received_at))`
}

// sqlMedianOver wraps rows (grp, dur, online) into one row per group:
// the group, its count, its online count and the median of dur.
const sqlMedianOver = `
	SELECT grp, COUNT(*), COALESCE(SUM(online), 0),
		AVG(CASE WHEN rn = (n + 1) / 2 OR rn = n / 2 + 1 THEN dur END)
	FROM (
		SELECT grp, dur, online,
			ROW_NUMBER() OVER (PARTITION BY grp ORDER BY dur) AS rn,
			COUNT(*) OVER (PARTITION BY grp) AS n
		FROM (%s) g
	) m
	GROUP BY grp`

// sqlDecided selects the dossiers decided in [$1, $2) with the path of
// the unit that decided them, their time and channel. The deciding unit is
// the summary's holding unit of the dossier (stats_dossiers.held_unit_id,
// kept with each event by sqlDecidedPath's rule), so that a year of
// dossiers does not each look through its events for it.
func (db *DB) sqlDecided() string {
	return `SELECT hu.path AS hpath, p.code AS pcode, ` + db.sqlDays() + ` AS dur,
			CASE WHEN d.channel = 'online' THEN 1 ELSE 0 END AS online
		FROM dossiers d
		JOIN procedures p ON p.id = d.procedure_id
		JOIN stats_dossiers sd ON sd.dossier_id = d.id
		JOIN units hu ON hu.id = sd.held_unit_id
		WHERE d.status IN (` + sqlDecidedStatuses + `) AND d.received_at IS NOT NULL
			AND d.finished_at >= $1 AND d.finished_at < $2`
}

// IndexTimesByUnit counts, for the subtree of each of units, the dossiers
// decided in [from, to) at a unit of that subtree, those of them submitted
// online and the median time from reception to decision (calendar days),
// keyed by unit code; a unit without a decided dossier has no entry. One
// query for every unit.
func (db *DB) IndexTimesByUnit(ctx context.Context, units []org.Unit, from, to time.Time) (map[string]stats.IndexTimes, error) {
	out := map[string]stats.IndexTimes{}
	if len(units) == 0 {
		return out, nil
	}
	args := []any{utc(from), utc(to)}
	marks := make([]string, len(units))
	for i, u := range units {
		args = append(args, u.ID)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	rows := `SELECT u.code AS grp, x.dur, x.online FROM (` + db.sqlDecided() + `) x
		JOIN units u ON x.hpath >= u.path AND x.hpath < substr(u.path, 1, length(u.path) - 1) || '0'
		WHERE u.id IN (` + strings.Join(marks, ", ") + `)`
	if err := db.scanIndexTimes(ctx, fmt.Sprintf(sqlMedianOver, rows), args, out); err != nil {
		return nil, fmt.Errorf("measuring processing times of %d units: %w", len(units), err)
	}
	return out, nil
}

// IndexTimesByProcedure is IndexTimesByUnit for the subtree of unit, per
// procedure, keyed by procedure code.
func (db *DB) IndexTimesByProcedure(ctx context.Context, unit *org.Unit, from, to time.Time) (map[string]stats.IndexTimes, error) {
	out := map[string]stats.IndexTimes{}
	rows := `SELECT x.pcode AS grp, x.dur, x.online FROM (` + db.sqlDecided() + `) x
		WHERE x.hpath >= $3 AND x.hpath < $4`
	args := []any{utc(from), utc(to), unit.Path, pathUpper(unit.Path)}
	if err := db.scanIndexTimes(ctx, fmt.Sprintf(sqlMedianOver, rows), args, out); err != nil {
		return nil, fmt.Errorf("measuring processing times of the procedures of %s: %w", unit.Code, err)
	}
	return out, nil
}

func (db *DB) scanIndexTimes(ctx context.Context, q string, args []any, out map[string]stats.IndexTimes) error {
	rows, err := db.reportQuery(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g string
		var t stats.IndexTimes
		var median *float64
		if err := rows.Scan(&g, &t.Decided, &t.SolvedOnline, &median); err != nil {
			return err
		}
		if median != nil {
			// Tenths of a day: the seconds of a stored time are no
			// finer a measure of service than that.
			t.MedianDays = math.Round(*median*10) / 10
		}
		out[g] = t
	}
	return rows.Err()
}
