package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/dossier"
)

const consultationCols = `c.id, c.from_unit_id, fu.code, fu.name, c.to_unit_id, tu.code, tu.name, c.question, c.asked_by, c.asked_at,
	c.answer, c.answered_by, c.answered_at, c.reply_days, c.reply_by, c.verdict`

const consultationFrom = ` FROM consultations c JOIN units fu ON fu.id = c.from_unit_id JOIN units tu ON tu.id = c.to_unit_id`

// scanConsultation reads consultationCols, then whatever more the query
// selects into extra.
func scanConsultation(sc interface{ Scan(...any) error }, extra ...any) (dossier.Consultation, error) {
	var c dossier.Consultation
	var answered, replyBy sql.NullTime
	dest := append([]any{&c.ID, &c.FromUnitID, &c.FromUnit, &c.FromName, &c.ToUnitID, &c.ToUnit, &c.ToUnitName, &c.Question, &c.AskedBy,
		&c.AskedAt, &c.Answer, &c.AnsweredBy, &answered, &c.ReplyDays, &replyBy, &c.Verdict}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return c, err
	}
	c.AskedAt = local(c.AskedAt)
	c.AnsweredAt = ntime(answered)
	c.ReplyBy = ntime(replyBy)
	return c, nil
}

// Consultations returns a dossier's consultations, oldest first.
func (db *DB) Consultations(ctx context.Context, dossierID int64) ([]dossier.Consultation, error) {
	rows, err := db.query(ctx, `SELECT `+consultationCols+consultationFrom+` WHERE c.dossier_id = $1 ORDER BY c.id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("reading consultations: %w", err)
	}
	defer rows.Close()
	var out []dossier.Consultation
	for rows.Next() {
		c, err := scanConsultation(rows)
		if err != nil {
			return nil, fmt.Errorf("reading consultations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// writeConsultations stores the consultations the last action opened or
// answered, inside the dossier's update transaction. An answer lands only
// on a still open consultation: the dossier's version check already keeps
// two answers from racing, this keeps an answer from being overwritten.
func writeConsultations(ctx context.Context, tx *Tx, d *dossier.Dossier) error {
	for i := range d.Consultations {
		c := &d.Consultations[i]
		if !c.Changed {
			continue
		}
		if c.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO consultations (dossier_id, from_unit_id, to_unit_id, question, asked_by, asked_at,
				reply_days, reply_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
				d.ID, c.FromUnitID, c.ToUnitID, c.Question, c.AskedBy, utc(c.AskedAt), c.ReplyDays, nutc(c.ReplyBy)).Scan(&c.ID)
			if err != nil {
				return fmt.Errorf("storing consultation: %w", err)
			}
		} else {
			r, err := tx.ExecContext(ctx, `UPDATE consultations SET answer = $1, answered_by = $2, answered_at = $3, verdict = $4
				WHERE id = $5 AND dossier_id = $6 AND answered_at IS NULL`, c.Answer, c.AnsweredBy, nutc(c.AnsweredAt), c.Verdict, c.ID, d.ID)
			if err != nil {
				return fmt.Errorf("storing consultation answer: %w", err)
			}
			if n, _ := r.RowsAffected(); n != 1 {
				return fmt.Errorf("consultation %d of %s is not open", c.ID, d.Code)
			}
		}
		c.Changed = false
	}
	return nil
}

// ConsultationRow is one open consultation addressed to a unit, with what
// its worklist shows of the dossier.
type ConsultationRow struct {
	dossier.Consultation
	Code          string
	ProcedureName string
	Applicant     string
	Status        dossier.Status
	DueAt         *time.Time
}

// OpenConsultations lists the unanswered consultations addressed to the
// unit, oldest first; after continues past that consultation id. It
// returns the cursor of the next page, 0 at the end.
func (db *DB) OpenConsultations(ctx context.Context, unitID, after int64, limit int) ([]ConsultationRow, int64, error) {
	rows, err := db.query(ctx, `SELECT `+consultationCols+`, d.code, p.name, d.applicant_name, d.status, d.legal_due_at`+consultationFrom+`
		JOIN dossiers d ON d.id = c.dossier_id JOIN procedures p ON p.id = d.procedure_id
		WHERE c.to_unit_id = $1 AND c.answered_at IS NULL AND c.id > $2 ORDER BY c.id LIMIT $3`, unitID, after, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("listing consultations: %w", err)
	}
	defer rows.Close()
	var out []ConsultationRow
	for rows.Next() {
		var r ConsultationRow
		var due sql.NullTime
		var status int
		c, err := scanConsultation(rows, &r.Code, &r.ProcedureName, &r.Applicant, &status, &due)
		if err != nil {
			return nil, 0, fmt.Errorf("listing consultations: %w", err)
		}
		r.Consultation, r.Status, r.DueAt = c, dossier.Status(status), ntime(due)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}
