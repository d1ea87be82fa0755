package store

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// The rules of the level-4 indicators, in SQL over a dossier d: written
// once, for the scan (ScanLevel4) and for the counters' upkeep and rebuild
// (level4summary.go), so that the two cannot count differently.
const (
	// l4ResultSQL: the dossier has an electronic result document.
	l4ResultSQL = `EXISTS (SELECT 1 FROM documents c WHERE c.dossier_id = d.id AND c.kind = 'result')`
	// l4SolvedSQL: solved fully online (submitted online, any fee paid
	// online, the result delivered online).
	l4SolvedSQL = `d.channel = 'online' AND d.delivered_at IS NOT NULL
				AND EXISTS (SELECT 1 FROM events e WHERE e.dossier_id = d.id AND e.action = 'deliver' AND e.data = '{"method":"online"}')
				AND NOT EXISTS (SELECT 1 FROM payment_requests r WHERE r.dossier_id = d.id AND r.state = 'paid' AND r.method <> 'online')
				AND NOT (d.fee > 0 AND NOT EXISTS (SELECT 1 FROM payment_requests r WHERE r.dossier_id = d.id AND r.state = 'paid'))`
	// l4OnlineTxSQL: a payment attempt a that counts as an online
	// transaction (paid, not at the desk).
	l4OnlineTxSQL = `a.state = 'paid' AND a.gateway <> 'cash'`
)

// Level4 counts the level-4 indicators of Decision 766 over the dossiers
// the subtree of unit (with own, the unit alone) holds now: fees paid in
// [from, to) and how, online transactions and their amount, and of the
// dossiers finished in the period those with an electronic result and
// those solved fully online (submitted online, any fee paid online, the
// result delivered online). Periods of whole local days (a period running
// to now ends at the next midnight, as for the other statistics) read the
// counters kept with each change (level4summary.go); others scan.
func (db *DB) Level4(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool) (stats.Level4, error) {
	if l, ok, err := db.level4Counters(ctx, unit, from, summaryEnd(to, now), own); ok || err != nil {
		return l, err
	}
	return db.ScanLevel4(ctx, unit, from, to, own)
}

// ScanLevel4 is Level4 counted from the payments, documents and dossiers
// themselves, for any period (and to check the counters).
func (db *DB) ScanLevel4(ctx context.Context, unit *org.Unit, from, to time.Time, own bool) (stats.Level4, error) {
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
		WHERE `+l4OnlineTxSQL+` AND a.settled_at >= $4 AND a.settled_at < $5 AND `+scope, lo, hi, own, f, t).
		Scan(&l.OnlineTransactions, &l.OnlineAmount)
	if err != nil {
		return l, fmt.Errorf("counting online payments in %s: %w", unit.Code, err)
	}
	err = db.reportQueryRow(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN `+l4ResultSQL+` THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN `+l4SolvedSQL+` THEN 1 ELSE 0 END), 0)
		FROM dossiers d WHERE d.finished_at >= $4 AND d.finished_at < $5 AND `+scope, lo, hi, own, f, t).
		Scan(&l.Finished, &l.ResultsElectronic, &l.SolvedFullyOnline)
	if err != nil {
		return l, fmt.Errorf("counting electronic results in %s: %w", unit.Code, err)
	}
	l.Finish()
	return l, nil
}
