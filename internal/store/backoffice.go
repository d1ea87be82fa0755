package store

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

// ReceptionQueue lists the online dossiers of one unit waiting for
// reception (status 1), oldest first, with keyset pagination on the id:
// after is the last id of the previous page (0 for the first). It returns
// the cursor of the next page, 0 at the end. The caller checks that the
// reader may act for the unit.
func (db *DB) ReceptionQueue(ctx context.Context, unitID, after int64, limit int) ([]dossier.Dossier, int64, error) {
	limit = clampLimit(limit)
	out, err := db.scanDossiers(ctx, `SELECT `+dossierCols+dossierFrom+`
		WHERE d.unit_id = $1 AND d.status = $2 AND d.channel = $3 AND d.id > $4
		ORDER BY d.id LIMIT $5`, unitID, int(dossier.StatusSubmitted), string(dossier.ChannelOnline), after, limit+1)
	if err != nil {
		return nil, 0, err
	}
	return page(out, limit)
}

// UnitCounts are the figures of a unit's back-office dashboard.
type UnitCounts struct {
	Waiting    int // online, awaiting reception (status 1)
	InProgress int // statuses 2, 4, 5 and 6
	Overdue    int // in progress past the due time
	ToApprove  int // drafts awaiting the leader's approval
	Consults   int // consultations addressed to the unit, unanswered
	// ConsultsLate are those of Consults past their reply-by date: the
	// consulted unit's delay, counted on its dashboard, not the holder's.
	ConsultsLate int
}

// UnitScope is what a dashboard counts: one unit's dossiers, or (Subtree)
// those of the unit and every unit below it, by materialised path.
type UnitScope struct {
	ID      int64
	Path    string
	Subtree bool
}

// where is the scope's condition on dossiers d (no alias when d is "");
// arg binds a value and returns its placeholder.
func (sc UnitScope) where(arg func(any) string) string {
	if sc.Subtree && sc.Path != "" {
		return "(unit_path >= " + arg(sc.Path) + " AND unit_path < " + arg(pathUpper(sc.Path)) + ")"
	}
	return "unit_id = " + arg(sc.ID)
}

// BackofficeCounts counts the dossiers of a dashboard. Waiting, drafts to
// approve and consultations are the unit's own work; in progress and
// overdue cover the scope (the subtree for a district or city dashboard).
func (db *DB) BackofficeCounts(ctx context.Context, sc UnitScope, now time.Time) (UnitCounts, error) {
	unitID := sc.ID
	var c UnitCounts
	err := db.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN status = $4 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status IN (`+sqlOpen+`) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+sqlOverdue("", "$2")+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = $5 AND substate = $3 THEN 1 ELSE 0 END), 0)
		FROM dossiers WHERE unit_id = $1 AND status IN (`+sqlPending+`)`, unitID, utc(now), dossier.SubResultDrafted,
		int(dossier.StatusSubmitted), int(dossier.StatusProcessing)).
		Scan(&c.Waiting, &c.InProgress, &c.Overdue, &c.ToApprove)
	if err != nil {
		return c, fmt.Errorf("counting dossiers: %w", err)
	}
	err = db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN reply_by < $2 THEN 1 ELSE 0 END), 0)
		FROM consultations WHERE to_unit_id = $1 AND answered_at IS NULL`, unitID, utc(now)).Scan(&c.Consults, &c.ConsultsLate)
	if err != nil {
		return c, fmt.Errorf("counting consultations: %w", err)
	}
	if sc.Subtree {
		args := []any{utc(now)}
		arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
		err = db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+sqlOverdue("", "$1")+` THEN 1 ELSE 0 END), 0)
			FROM dossiers WHERE `+sc.where(arg)+` AND status IN (`+sqlOpen+`)`, args...).Scan(&c.InProgress, &c.Overdue)
		if err != nil {
			return c, fmt.Errorf("counting the subtree's dossiers: %w", err)
		}
	}
	return c, nil
}

// StaffMember is one enabled staff account holding a role in a unit.
type StaffMember struct {
	ID       int64
	Username string
	FullName string
}

// UnitStaff lists the enabled staff holding role in the unit, by name: the
// choices of the leader's assignment form (at most 500).
func (db *DB) UnitStaff(ctx context.Context, unitID int64, role org.Role) ([]StaffMember, error) {
	rows, err := db.query(ctx, `SELECT a.id, a.username, a.full_name
		FROM staff_roles r JOIN accounts a ON a.id = r.account_id
		WHERE r.unit_id = $1 AND r.role = $2 AND NOT a.disabled
		ORDER BY a.full_name, a.id LIMIT 500`, unitID, string(role))
	if err != nil {
		return nil, fmt.Errorf("listing unit staff: %w", err)
	}
	defer rows.Close()
	var out []StaffMember
	for rows.Next() {
		var m StaffMember
		if err := rows.Scan(&m.ID, &m.Username, &m.FullName); err != nil {
			return nil, fmt.Errorf("listing unit staff: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing unit staff: %w", err)
	}
	return out, nil
}

// StatusCounts counts the scope's dossiers by status.
func (db *DB) StatusCounts(ctx context.Context, sc UnitScope) (map[dossier.Status]int, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	rows, err := db.query(ctx, `SELECT status, COUNT(*) FROM dossiers WHERE `+sc.where(arg)+` GROUP BY status`, args...)
	if err != nil {
		return nil, fmt.Errorf("counting dossiers by status: %w", err)
	}
	defer rows.Close()
	out := map[dossier.Status]int{}
	for rows.Next() {
		var s, n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("counting dossiers by status: %w", err)
		}
		out[dossier.Status(s)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting dossiers by status: %w", err)
	}
	return out, nil
}

// DueCounts are a unit's open dossiers by due window.
type DueCounts struct {
	Today     int // due from now to the end of today
	WithinOne int // due from now to the end of the next working day
	// ToWarn are due from now to the end of the second working day and
	// not rescheduled yet: the leader may still send an apology in time.
	ToWarn  int
	Overdue int // past the statutory due time
}

// DueWindows are the ends of the due windows, computed by the caller with
// the unit's calendar.
type DueWindows struct {
	Today, OneDay, TwoDays time.Time
}

// UnitDueCounts counts the scope's open dossiers whose clock runs (statuses
// 2, 4 and 6, not paused) by due window, judged on the statutory due date,
// and those overdue at now.
func (db *DB) UnitDueCounts(ctx context.Context, sc UnitScope, now time.Time, w DueWindows) (DueCounts, error) {
	var c DueCounts
	args := []any{utc(now), utc(w.Today), utc(w.OneDay), utc(w.TwoDays)}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	err := db.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN legal_due_at >= $1 AND legal_due_at < $2 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN legal_due_at >= $1 AND legal_due_at < $3 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN legal_due_at >= $1 AND legal_due_at < $4 AND NOT rescheduled THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN legal_due_at < $1 THEN 1 ELSE 0 END), 0)
		FROM dossiers WHERE `+sc.where(arg)+` AND status IN (`+sqlOpen+`) AND NOT `+sqlPaused("")+` AND legal_due_at IS NOT NULL`,
		args...).Scan(&c.Today, &c.WithinOne, &c.ToWarn, &c.Overdue)
	if err != nil {
		return c, fmt.Errorf("counting due dossiers: %w", err)
	}
	return c, nil
}

// ProcedureChoice is one procedure a unit's desk may receive, for a select.
type ProcedureChoice struct {
	Code string
	Name string
	// Offered is false for a procedure the unit does not offer but any
	// desk may receive (catalog.Version.ReceiveAnywhere).
	Offered bool
}

// UnitProcedures lists the procedures the unit offers, and those whose
// version in force at `at` any desk may receive (catalog.Version.
// ReceiveAnywhere), by name: the choices of the back office's counter
// intake (at most 1000).
func (db *DB) UnitProcedures(ctx context.Context, unitID int64, at time.Time) ([]ProcedureChoice, error) {
	const offered = `EXISTS (SELECT 1 FROM procedure_units pu WHERE pu.procedure_id = p.id AND pu.unit_id = $1)`
	rows, err := db.query(ctx, `SELECT p.code, p.name, `+offered+` FROM procedures p
		WHERE `+offered+`
		   OR EXISTS (SELECT 1 FROM procedure_versions v WHERE v.receive_anywhere AND v.id = `+versionInForce("$2")+`)
		ORDER BY p.name, p.code LIMIT 1000`, unitID, utc(at))
	if err != nil {
		return nil, fmt.Errorf("listing unit procedures: %w", err)
	}
	defer rows.Close()
	var out []ProcedureChoice
	for rows.Next() {
		var c ProcedureChoice
		if err := rows.Scan(&c.Code, &c.Name, &c.Offered); err != nil {
			return nil, fmt.Errorf("listing unit procedures: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing unit procedures: %w", err)
	}
	return out, nil
}
