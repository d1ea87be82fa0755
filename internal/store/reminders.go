package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/dossier"
)

// DueDossier is one open dossier falling due in the hands of its assignee,
// as the officers' daily digest (internal/reminder) reads it.
type DueDossier struct {
	// AccountID, AccountName and Email are the assignee's.
	AccountID   int64
	AccountName string
	Email       string

	DossierID     int64
	Code          string
	ProcedureName string
	// UnitPath is the materialised path of the unit holding the dossier,
	// whose calendar counts its working days.
	UnitPath string
	// Due is the effective due date: the appointment given to the
	// applicant when set, else the statutory date.
	Due         time.Time
	Status      dossier.Status
	Rescheduled bool
}

// dueDigestCols and dueDigestWhere are shared by DueDigest and DueDigestOf.
//
// Only dossiers whose clock runs are read: open (statuses 2, 4 and 6) and
// not paused. A dossier waiting for the applicant's supplement (status 5),
// or for a fee where the procedure stops the clock (status 6 with
// paused_at), is not the officer's to hurry: its due date moves when the
// applicant answers (domain.md §5), and report form II.06a counts it within
// its time. The effective due date is written without COALESCE so that
// each side compares a column with the bound time, as elsewhere in the store.
const (
	dueDigestCols = `a.id, a.full_name, a.email, d.id, d.code, p.name, d.unit_path,
	d.legal_due_at, d.appointed_due_at, d.status, d.rescheduled`
	dueDigestFrom = ` FROM dossiers d JOIN accounts a ON a.id = d.assignee_id JOIN procedures p ON p.id = d.procedure_id`
)

var dueDigestWhere = ` WHERE d.status IN (` + sqlOpen + `) AND NOT ` + sqlPaused("d.") + ` AND NOT a.disabled
	AND (d.appointed_due_at < $1 OR (d.appointed_due_at IS NULL AND d.legal_due_at < $1))`

const dueDigestOrder = ` ORDER BY a.id, COALESCE(d.appointed_due_at, d.legal_due_at), d.id`

// DueDigest lists the open dossiers with an assignee whose effective due
// date comes before tomorrowEnd (the end of the next working day, computed
// by the caller with the calendar), overdue ones included, ordered by
// assignee, then due date. now is the time of the digest; tomorrowEnd
// before it is an error.
//
// Dossiers without an assignee are left out: they wait for a leader's
// assignment, which the leader's own worklist shows; the unit's staff with
// the processing role are not told of them. Dossiers assigned to a disabled
// account are left out too (nobody would read the mail).
//
// The partial index dossiers_open_assignee (migration 00030) serves it and
// DueDigestOf: the open dossiers of one assignee.
func (db *DB) DueDigest(ctx context.Context, now, tomorrowEnd time.Time) ([]DueDossier, error) {
	if !tomorrowEnd.After(now) {
		return nil, fmt.Errorf("listing dossiers falling due: the window ends at %s, before the digest's time %s",
			tomorrowEnd.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	rows, err := db.query(ctx, `SELECT `+dueDigestCols+dueDigestFrom+dueDigestWhere+dueDigestOrder, utc(tomorrowEnd))
	if err != nil {
		return nil, fmt.Errorf("listing dossiers falling due: %w", err)
	}
	out, err := scanDueDossiers(rows)
	if err != nil {
		return nil, fmt.Errorf("listing dossiers falling due: %w", err)
	}
	return out, nil
}

// DueDigestOf is DueDigest for the dossiers of one assignee, read again
// when that officer's digest is sent.
func (db *DB) DueDigestOf(ctx context.Context, accountID int64, now, tomorrowEnd time.Time) ([]DueDossier, error) {
	if accountID <= 0 {
		return nil, errors.New("listing an officer's dossiers falling due: no account")
	}
	if !tomorrowEnd.After(now) {
		return nil, fmt.Errorf("listing an officer's dossiers falling due: the window ends at %s, before the digest's time %s",
			tomorrowEnd.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	rows, err := db.query(ctx, `SELECT `+dueDigestCols+dueDigestFrom+dueDigestWhere+` AND d.assignee_id = $2`+dueDigestOrder,
		utc(tomorrowEnd), accountID)
	if err != nil {
		return nil, fmt.Errorf("listing the dossiers falling due of account %d: %w", accountID, err)
	}
	out, err := scanDueDossiers(rows)
	if err != nil {
		return nil, fmt.Errorf("listing the dossiers falling due of account %d: %w", accountID, err)
	}
	return out, nil
}

// scanDueDossiers reads rows of dueDigestCols and closes them.
func scanDueDossiers(rows *sql.Rows) ([]DueDossier, error) {
	defer rows.Close()
	var out []DueDossier
	for rows.Next() {
		var r DueDossier
		var legal, appointed sql.NullTime
		var status int
		if err := rows.Scan(&r.AccountID, &r.AccountName, &r.Email, &r.DossierID, &r.Code, &r.ProcedureName, &r.UnitPath,
			&legal, &appointed, &status, &r.Rescheduled); err != nil {
			return nil, err
		}
		r.Status = dossier.Status(status)
		switch {
		case appointed.Valid:
			r.Due = local(appointed.Time)
		case legal.Valid:
			r.Due = local(legal.Time)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
