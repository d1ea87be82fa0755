package store

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// Stats counts the II.06a figures for the subtree of unit over [from, to)
// (or, with own, for the unit's own dossiers only: "the district level").
// In-progress dossiers are judged at the earlier of `to` and now.
func (db *DB) Stats(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool) (stats.Report, error) {
	cut := to
	if now.Before(cut) {
		cut = now
	}
	r := stats.Report{Unit: unit.Code, UnitName: unit.Name}
	f, t, c := utc(from), utc(to), utc(cut)
	lo, hi := unit.Path, pathUpper(unit.Path)
	err := db.queryRow(ctx, `
		SELECT
			COALESCE(SUM(CASE WHEN received_at >= $3 AND channel = 'online' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN received_at >= $3 AND channel <> 'online' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN received_at < $3 AND (finished_at IS NULL OR finished_at >= $3) THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN finished_at >= $3 AND finished_at < $4 AND verdict = 'early' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN finished_at >= $3 AND finished_at < $4 AND verdict = 'on_time' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN finished_at >= $3 AND finished_at < $4 AND verdict = 'late' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN (finished_at IS NULL OR finished_at >= $4) AND due_at >= $5 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN (finished_at IS NULL OR finished_at >= $4) AND due_at < $5 THEN 1 ELSE 0 END), 0)
		FROM dossiers
		WHERE unit_path >= $1 AND unit_path < $2 AND (NOT $6 OR unit_path = $1) AND status NOT IN (`+sqlUncounted+`)
			AND received_at IS NOT NULL AND received_at < $4
			AND (finished_at IS NULL OR finished_at >= $3)`,
		lo, hi, f, t, c, own).Scan(
		&r.Received.Online, &r.Received.Counter, &r.Received.CarriedOver,
		&r.Finished.Early, &r.Finished.OnTime, &r.Finished.Late,
		&r.InProgress.Within, &r.InProgress.Overdue)
	if err != nil {
		return r, fmt.Errorf("counting dossiers of %s: %w", unit.Code, err)
	}
	r.Finish()
	return r, nil
}
