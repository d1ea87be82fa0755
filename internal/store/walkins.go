package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

const walkInCols = `w.id, w.outcome, w.unit_id, u.code, u.name, w.unit_path, w.procedure_code, w.procedure_name,
	w.procedure_version_id, w.applicant, w.documents, w.reason, w.officer_id, w.officer_name, w.at`

const walkInFrom = ` FROM walkins w JOIN units u ON u.id = w.unit_id`

// CreateWalkIn stores a walk-in record (guidance or refusal at the desk)
// and sets its id.
func (db *DB) CreateWalkIn(ctx context.Context, w *dossier.WalkIn) error {
	app, err := json.Marshal(w.Applicant)
	if err != nil {
		return fmt.Errorf("encoding applicant: %w", err)
	}
	docs := w.Documents
	if docs == nil {
		docs = []dossier.WalkInDocument{}
	}
	dj, err := json.Marshal(docs)
	if err != nil {
		return fmt.Errorf("encoding documents: %w", err)
	}
	return db.inTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO walkins (unit_id, unit_path, procedure_version_id, procedure_code, procedure_name,
			outcome, applicant, documents, reason, officer_id, officer_name, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			w.UnitID, w.UnitPath, w.ProcedureVersionID, w.ProcedureCode, w.ProcedureName, string(w.Outcome),
			string(app), string(dj), w.Reason, w.OfficerID, w.Officer, utc(w.At)).Scan(&w.ID)
	})
}

func scanWalkIn(sc interface{ Scan(...any) error }) (dossier.WalkIn, error) {
	var w dossier.WalkIn
	var outcome string
	var app, docs []byte
	if err := sc.Scan(&w.ID, &outcome, &w.UnitID, &w.UnitCode, &w.UnitName, &w.UnitPath, &w.ProcedureCode, &w.ProcedureName,
		&w.ProcedureVersionID, &app, &docs, &w.Reason, &w.OfficerID, &w.Officer, &w.At); err != nil {
		return w, err
	}
	w.Outcome, w.At = dossier.WalkInOutcome(outcome), local(w.At)
	if err := json.Unmarshal(app, &w.Applicant); err != nil {
		return w, fmt.Errorf("decoding applicant of walk-in %d: %w", w.ID, err)
	}
	if err := json.Unmarshal(docs, &w.Documents); err != nil {
		return w, fmt.Errorf("decoding documents of walk-in %d: %w", w.ID, err)
	}
	if len(w.Documents) == 0 {
		w.Documents = nil
	}
	return w, nil
}

func (db *DB) walkIns(ctx context.Context, q string, args ...any) ([]dossier.WalkIn, error) {
	rows, err := db.query(ctx, `SELECT `+walkInCols+walkInFrom+q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading walk-ins: %w", err)
	}
	defer rows.Close()
	var out []dossier.WalkIn
	for rows.Next() {
		w, err := scanWalkIn(rows)
		if err != nil {
			return nil, fmt.Errorf("reading walk-ins: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// WalkIn reads one walk-in record; apperr.ErrNotFound if there is none.
func (db *DB) WalkIn(ctx context.Context, id int64) (*dossier.WalkIn, error) {
	w, err := scanWalkIn(db.queryRow(ctx, `SELECT `+walkInCols+walkInFrom+` WHERE w.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading walk-in: %w", err)
	}
	return &w, nil
}

// UnitWalkIns lists the unit's walk-in records, newest first.
func (db *DB) UnitWalkIns(ctx context.Context, unitID int64, limit int) ([]dossier.WalkIn, error) {
	return db.walkIns(ctx, ` WHERE w.unit_id = $1 ORDER BY w.id DESC LIMIT $2`, unitID, limit)
}

// WalkInsAt lists the walk-in records of the unit's subtree made in
// [from, to), oldest first: the guidance and refusals of register 07. At
// most limit+1 rows are read so the caller can tell a period too long to
// print.
func (db *DB) WalkInsAt(ctx context.Context, unit *org.Unit, from, to time.Time, limit int) ([]dossier.WalkIn, error) {
	return db.walkIns(ctx, ` WHERE w.unit_path >= $1 AND w.unit_path < $2 AND w.at >= $3 AND w.at < $4
		ORDER BY w.at, w.id LIMIT $5`, unit.Path, pathUpper(unit.Path), utc(from), utc(to), limit+1)
}
