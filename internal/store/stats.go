package store

import (
	"context"
	"fmt"
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
	cut := to
	if now.Before(cut) {
		cut = now
	}
	r := stats.Report{Unit: unit.Code, UnitName: unit.Name}
	f, t, c := utc(from), utc(to), utc(cut)
	lo, hi := unit.Path, pathUpper(unit.Path)
	// rin: received in scope; hin: decided or held in scope.
	err := db.queryRow(ctx, `
		SELECT
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND channel = 'online' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND channel <> 'online' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at < $3 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND lvl >= 3 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rin AND received_at >= $3 AND lvl >= 3 AND channel = 'online' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND finished_at < $4 AND verdict = 'early' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND finished_at < $4 AND verdict = 'on_time' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND finished_at < $4 AND verdict = 'late' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND (finished_at IS NULL OR finished_at >= $4) AND NOT overdue THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN hin AND (finished_at IS NULL OR finished_at >= $4) AND overdue THEN 1 ELSE 0 END), 0)
		FROM (
			SELECT x.*,
				(x.rpath >= $1 AND x.rpath < $2 AND (NOT $6 OR x.rpath = $1)) AS rin,
				(x.hpath >= $1 AND x.hpath < $2 AND (NOT $6 OR x.hpath = $1)) AS hin,
				(x.due_at < $5 AND NOT (x.status = `+fmt.Sprint(int(dossier.StatusSupplement))+` AND x.finished_at IS NULL
					AND (x.paused_at IS NULL OR x.paused_at <= $5))) AS overdue
			FROM (
				SELECT d.channel, d.received_at, d.finished_at, d.verdict, d.due_at, d.status, d.paused_at,
					v.level AS lvl, ru.path AS rpath, `+sqlDecidedPath+` AS hpath
				FROM dossiers d
				JOIN units ru ON ru.id = d.received_unit_id
				JOIN procedure_versions v ON v.id = d.procedure_version_id
				WHERE d.status NOT IN (`+sqlUncounted+`)
					AND d.received_at IS NOT NULL AND d.received_at < $4
					AND (d.finished_at IS NULL OR d.finished_at >= $3)
			) x
		) y`,
		lo, hi, f, t, c, own).Scan(
		&r.Received.Online, &r.Received.Counter, &r.Received.CarriedOver,
		&r.Received.Offered, &r.Received.OfferedOnline,
		&r.Finished.Early, &r.Finished.OnTime, &r.Finished.Late,
		&r.InProgress.Within, &r.InProgress.Overdue)
	if err != nil {
		return r, fmt.Errorf("counting dossiers of %s: %w", unit.Code, err)
	}
	r.Finish()
	return r, nil
}
