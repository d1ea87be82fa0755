package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/receipt"
)

var _ receipt.Store = (*DB)(nil)

const receiptCols = `id, unit_id, unit_code, unit_name, form, series, number, kind, issued_at, payer, items, total,
	method, payment_ref, dossier_code`

// errReceiptsExist ends an issuing transaction that found the payment's
// receipts already stored.
var errReceiptsExist = errors.New("the payment's receipts are already issued")

// CreateReceipts numbers and stores the receipts of one payment in one
// transaction. The counter row of the unit and series is taken with the
// upsert, which holds its lock (PostgreSQL) or the writer (SQLite) until
// commit, so concurrent issues queue and a rolled-back one gives its
// number back: no gap, no duplicate. Receipts already stored for the
// payment reference are returned instead of new ones.
func (db *DB) CreateReceipts(ctx context.Context, rs []*receipt.Receipt) ([]*receipt.Receipt, error) {
	if len(rs) == 0 {
		return nil, errors.New("storing receipts: none given")
	}
	ref := rs[0].PaymentRef
	for _, r := range rs[1:] {
		if r.PaymentRef != ref {
			return nil, errors.New("storing receipts: they belong to different payments")
		}
	}
	type encoded struct{ payer, items string }
	enc := make([]encoded, len(rs))
	for i, r := range rs {
		p, err := json.Marshal(r.Payer)
		if err != nil {
			return nil, fmt.Errorf("encoding the payer: %w", err)
		}
		it, err := json.Marshal(r.Items)
		if err != nil {
			return nil, fmt.Errorf("encoding the items: %w", err)
		}
		enc[i] = encoded{string(p), string(it)}
	}
	// Numbers are set only once the transaction commits: a failed one
	// leaves the caller's receipts unnumbered.
	ids, numbers := make([]int64, len(rs)), make([]int64, len(rs))
	err := db.inTx(ctx, func(tx *Tx) error {
		if ref != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM receipts WHERE payment_ref = $1 AND payment_ref <> ''`, ref).Scan(&n); err != nil {
				return fmt.Errorf("looking for the payment's receipts: %w", err)
			}
			if n > 0 {
				return errReceiptsExist
			}
		}
		for i, r := range rs {
			err := tx.QueryRowContext(ctx, `INSERT INTO receipt_counters (unit_id, series, last) VALUES ($1, $2, 1)
				ON CONFLICT (unit_id, series) DO UPDATE SET last = receipt_counters.last + 1 RETURNING last`,
				r.UnitID, r.Series).Scan(&numbers[i])
			if err != nil {
				return fmt.Errorf("numbering a receipt of series %s: %w", r.Series, err)
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO receipts (unit_id, unit_code, unit_name, form, series, number, kind,
				issued_at, payer, items, total, method, payment_ref, dossier_code)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
				r.UnitID, r.UnitCode, r.UnitName, r.Form, r.Series, numbers[i], string(r.Kind), utc(r.IssuedAt),
				enc[i].payer, enc[i].items, r.Total, string(r.Method), r.PaymentRef, r.DossierCode).Scan(&ids[i])
			if isUnique(err) && ref != "" {
				// The same payment issued at the same moment elsewhere.
				return errReceiptsExist
			}
			if err != nil {
				return fmt.Errorf("storing receipt %s/%d: %w", r.Series, numbers[i], err)
			}
		}
		return nil
	})
	if errors.Is(err, errReceiptsExist) {
		out, err := db.receipts(ctx, ` WHERE payment_ref = $1 AND payment_ref <> '' ORDER BY id`, ref)
		if err == nil && len(out) == 0 {
			// The unique violation was not the payment's: a number taken
			// twice, which the counter should make impossible.
			err = fmt.Errorf("storing the receipts of payment %s: a number of the series was already used", ref)
		}
		return out, err
	}
	if err != nil {
		return nil, err
	}
	for i, r := range rs {
		// As stored: microseconds, Vietnam's zone.
		r.ID, r.Number, r.IssuedAt = ids[i], numbers[i], local(utc(r.IssuedAt))
	}
	return rs, nil
}

func scanReceipt(sc interface{ Scan(...any) error }) (*receipt.Receipt, error) {
	var r receipt.Receipt
	var kind, method string
	var payer, items []byte
	if err := sc.Scan(&r.ID, &r.UnitID, &r.UnitCode, &r.UnitName, &r.Form, &r.Series, &r.Number, &kind, &r.IssuedAt,
		&payer, &items, &r.Total, &method, &r.PaymentRef, &r.DossierCode); err != nil {
		return nil, err
	}
	r.Kind, r.Method, r.IssuedAt = receipt.Kind(kind), receipt.Method(method), local(r.IssuedAt)
	if err := json.Unmarshal(payer, &r.Payer); err != nil {
		return nil, fmt.Errorf("decoding the payer of receipt %d: %w", r.ID, err)
	}
	if err := json.Unmarshal(items, &r.Items); err != nil {
		return nil, fmt.Errorf("decoding the items of receipt %d: %w", r.ID, err)
	}
	return &r, nil
}

func (db *DB) receipts(ctx context.Context, where string, args ...any) ([]*receipt.Receipt, error) {
	rows, err := db.query(ctx, `SELECT `+receiptCols+` FROM receipts`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading receipts: %w", err)
	}
	defer rows.Close()
	var out []*receipt.Receipt
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, fmt.Errorf("reading receipts: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading receipts: %w", err)
	}
	return out, nil
}

// Receipt reads one receipt; apperr.ErrNotFound if there is none. Whether
// the caller may see it is the caller's check (the dossier's reader).
func (db *DB) Receipt(ctx context.Context, id int64) (*receipt.Receipt, error) {
	r, err := scanReceipt(db.queryRow(ctx, `SELECT `+receiptCols+` FROM receipts WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading receipt %d: %w", id, err)
	}
	return r, nil
}

// DossierReceipts lists a dossier's receipts, oldest first.
func (db *DB) DossierReceipts(ctx context.Context, dossierCode string) ([]*receipt.Receipt, error) {
	return db.receipts(ctx, ` WHERE dossier_code = $1 ORDER BY id`, dossierCode)
}
