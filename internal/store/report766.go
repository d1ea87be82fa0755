package store

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/org"
)

// Figures766 are the figures of Decision 766/QĐ-TTg's indicators that
// stats.Report does not carry (docs/indicators-766.md).
type Figures766 struct {
	// Received counts the dossiers the scope's desks received in the
	// period (as II.06a's received columns, carried over left out);
	// Digitised those of them holding at least one component stored as a
	// file (an online submission's documents, the desk's scans, a
	// supplement), the dossiers "có thành phần số hóa".
	Received  int `json:"received"`
	Digitised int `json:"digitised"`
	// ProceduresOnline counts the procedures offered online (their version
	// in force at the end of the period is level 3 or 4) by a unit of the
	// scope; ProceduresUsedOnline those of them for which the scope's desks
	// received at least one online dossier in the period.
	ProceduresOnline     int `json:"procedures_online"`
	ProceduresUsedOnline int `json:"procedures_used_online"`
}

// Figures766 counts the Decision 766 figures of the subtree of unit (with
// own, the unit alone) over [from, to).
func (db *DB) Figures766(ctx context.Context, unit *org.Unit, from, to time.Time, own bool) (Figures766, error) {
	var f Figures766
	lo, hi, fr, t := unit.Path, pathUpper(unit.Path), utc(from), utc(to)
	err := db.reportQueryRow(ctx, `
		SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM documents c
				WHERE c.dossier_id = d.id AND c.kind IN ('application', 'supplement')) THEN 1 ELSE 0 END), 0)
		FROM dossiers d JOIN units ru ON ru.id = d.received_unit_id
		WHERE d.status NOT IN (`+sqlUncounted+`) AND d.received_at >= $4 AND d.received_at < $5
			AND ru.path >= $1 AND ru.path < $2 AND (NOT $3 OR ru.path = $1)`,
		lo, hi, own, fr, t).Scan(&f.Received, &f.Digitised)
	if err != nil {
		return f, fmt.Errorf("counting digitised dossiers of %s: %w", unit.Code, err)
	}
	// A procedure counts once however many units of the scope offer it.
	err = db.reportQueryRow(ctx, `
		SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM dossiers d JOIN units ru ON ru.id = d.received_unit_id
				WHERE d.procedure_id = p.id AND d.channel = 'online' AND d.status NOT IN (`+sqlUncounted+`)
					AND d.received_at >= $4 AND d.received_at < $5
					AND ru.path >= $1 AND ru.path < $2 AND (NOT $3 OR ru.path = $1)) THEN 1 ELSE 0 END), 0)
		FROM procedures p
		WHERE EXISTS (SELECT 1 FROM procedure_units pu JOIN units u ON u.id = pu.unit_id
				WHERE pu.procedure_id = p.id AND u.path >= $1 AND u.path < $2 AND (NOT $3 OR u.path = $1))
			AND EXISTS (SELECT 1 FROM procedure_versions v WHERE v.procedure_id = p.id AND v.level >= 3
				AND v.effective_from < $5 AND (v.effective_to IS NULL OR v.effective_to >= $5))`,
		lo, hi, own, fr, t).Scan(&f.ProceduresOnline, &f.ProceduresUsedOnline)
	if err != nil {
		return f, fmt.Errorf("counting procedures used online in %s: %w", unit.Code, err)
	}
	return f, nil
}
