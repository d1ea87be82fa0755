package store

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// Level4 counts the level-4 indicators of Decision 766 over the dossiers
// the subtree of unit (with own, the unit alone) holds: fees paid in
// [from, to) and how, online transactions and their amount, and of the
// dossiers finished in the period those with an electronic result and
// those solved fully online (submitted online, any fee paid online, the
// result delivered online).
func (db *DB) Level4(ctx context.Context, unit *org.Unit, from, to time.Time, own bool) (stats.Level4, error) {
	var l stats.Level4
	lo, hi, f, t := unit.Path, pathUpper(unit.Path), utc(from), utc(to)
	scope := `d.unit_path >= $1 AND d.unit_path < $2 AND (NOT $3 OR d.unit_path = $1)`
	err := db.reportQueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.method = 'online' THEN 1 ELSE 0 END), 0)
		FROM payment_requests r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.state = 'paid' AND r.paid_at >= $4 AND r.paid_at < $5 AND `+scope, lo, hi, own, f, t).Scan(&l.FeesPaid, &l.FeesPaidOnline)
	if err != nil {
		return l, fmt.Errorf("counting fees paid in %s: %w", unit.Code, err)
	}
	err = db.reportQueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(a.amount), 0)
		FROM payment_attempts a JOIN payment_requests r ON r.id = a.request_id JOIN dossiers d ON d.id = r.dossier_id
		WHERE a.state = 'paid' AND a.gateway <> 'cash' AND a.settled_at >= $4 AND a.settled_at < $5 AND `+scope, lo, hi, own, f, t).
		Scan(&l.OnlineTransactions, &l.OnlineAmount)
	if err != nil {
		return l, fmt.Errorf("counting online payments in %s: %w", unit.Code, err)
	}
	err = db.reportQueryRow(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM documents c WHERE c.dossier_id = d.id AND c.kind = 'result') THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN d.channel = 'online' AND d.delivered_at IS NOT NULL
				AND EXISTS (SELECT 1 FROM events e WHERE e.dossier_id = d.id AND e.action = 'deliver' AND e.data = '{"method":"online"}')
				AND NOT EXISTS (SELECT 1 FROM payment_requests r WHERE r.dossier_id = d.id AND r.state = 'paid' AND r.method <> 'online')
				AND NOT (d.fee > 0 AND NOT EXISTS (SELECT 1 FROM payment_requests r WHERE r.dossier_id = d.id AND r.state = 'paid'))
				THEN 1 ELSE 0 END), 0)
		FROM dossiers d WHERE d.finished_at >= $4 AND d.finished_at < $5 AND `+scope, lo, hi, own, f, t).
		Scan(&l.Finished, &l.ResultsElectronic, &l.SolvedFullyOnline)
	if err != nil {
		return l, fmt.Errorf("counting electronic results in %s: %w", unit.Code, err)
	}
	l.Finish()
	return l, nil
}
