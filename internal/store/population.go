package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/population"
)

// RecordLookup stores one line of the population lookup log and sets its
// id (population.LookupLog).
func (db *DB) RecordLookup(ctx context.Context, l *population.Lookup) error {
	if !l.Outcome.Valid() {
		return fmt.Errorf("recording population lookup: unknown outcome %q", l.Outcome)
	}
	kind := l.RequesterKind
	if kind != population.KindCitizen && kind != population.KindOfficer {
		kind = ""
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO population_lookups (at, request_id, account_id, requester_name, requester_kind,
			officer_code, unit_id, unit_path, service_code, dossier_code, id_number, outcome, code)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			utc(l.At), l.RequestID, nint64(l.AccountID), l.RequesterName, kind, l.OfficerCode, nint64(l.UnitID), l.UnitPath,
			l.ServiceCode, l.DossierCode, l.IDNumber, string(l.Outcome), l.Code).Scan(&l.ID)
	})
	if err != nil {
		return fmt.Errorf("recording population lookup: %w", err)
	}
	return nil
}

// LookupFilter selects lines of the lookup log.
type LookupFilter struct {
	// UnitPath, when set, keeps the lookups made for that unit and the
	// units below it; empty keeps every line (the city's administrators),
	// citizens' lookups without a unit included.
	UnitPath string
	// From and To bound the time, [From, To); zero means unbounded.
	From, To time.Time
	// Outcome, when set, keeps that outcome only.
	Outcome population.Outcome
	// Before is the paging cursor: the id of the last line of the
	// previous page (0 for the first page). Lines come newest first.
	Before int64
	Limit  int
}

// Lookups lists the lookup log, newest first, and the cursor of the next
// page (0 at the end). The caller checks that the reader may see the
// unit's subtree.
func (db *DB) Lookups(ctx context.Context, f LookupFilter) ([]population.Lookup, int64, error) {
	limit := clampLimit(f.Limit)
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.UnitPath != "" {
		where = append(where, "l.unit_path >= "+arg(f.UnitPath)+" AND l.unit_path < "+arg(pathUpper(f.UnitPath)))
	}
	if !f.From.IsZero() {
		where = append(where, "l.at >= "+arg(utc(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "l.at < "+arg(utc(f.To)))
	}
	if f.Outcome != "" {
		where = append(where, "l.outcome = "+arg(string(f.Outcome)))
	}
	if f.Before > 0 {
		where = append(where, "l.id < "+arg(f.Before))
	}
	q := `SELECT l.id, l.at, l.request_id, COALESCE(l.account_id, 0), l.requester_name, l.requester_kind, l.officer_code,
		COALESCE(l.unit_id, 0), l.unit_path, COALESCE(u.code, ''), COALESCE(u.name, ''), l.service_code, l.dossier_code,
		l.id_number, l.outcome, l.code
		FROM population_lookups l LEFT JOIN units u ON u.id = l.unit_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY l.id DESC LIMIT " + arg(limit+1)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("reading population lookups: %w", err)
	}
	defer rows.Close()
	var out []population.Lookup
	for rows.Next() {
		var l population.Lookup
		var outcome string
		if err := rows.Scan(&l.ID, &l.At, &l.RequestID, &l.AccountID, &l.RequesterName, &l.RequesterKind, &l.OfficerCode,
			&l.UnitID, &l.UnitPath, &l.UnitCode, &l.UnitName, &l.ServiceCode, &l.DossierCode, &l.IDNumber, &outcome, &l.Code); err != nil {
			return nil, 0, fmt.Errorf("reading population lookups: %w", err)
		}
		l.At, l.Outcome = local(l.At), population.Outcome(outcome)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("reading population lookups: %w", err)
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

var _ population.LookupLog = (*DB)(nil)
