package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SaveDraft keeps a citizen's unfinished submission of a procedure.
func (db *DB) SaveDraft(ctx context.Context, accountID int64, procedure string, data []byte, now time.Time) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO drafts (account_id, procedure_code, data, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (account_id, procedure_code) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
			accountID, procedure, string(data), utc(now))
		if err != nil {
			return fmt.Errorf("saving draft: %w", err)
		}
		return nil
	})
}

// Draft returns the saved draft, if any, and when it was saved.
func (db *DB) Draft(ctx context.Context, accountID int64, procedure string) ([]byte, time.Time, bool, error) {
	var data string
	var at time.Time
	err := db.queryRow(ctx, `SELECT data, updated_at FROM drafts WHERE account_id = $1 AND procedure_code = $2`, accountID, procedure).Scan(&data, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("reading draft: %w", err)
	}
	return []byte(data), local(at), true, nil
}

// DeleteDraft forgets the draft once the dossier is submitted.
func (db *DB) DeleteDraft(ctx context.Context, accountID int64, procedure string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE account_id = $1 AND procedure_code = $2`, accountID, procedure)
		if err != nil {
			return fmt.Errorf("deleting draft: %w", err)
		}
		return nil
	})
}

// ReferencedFiles reports which of the storage keys a dossier's document
// or a citizen's draft refers to (the file sweeper keeps those).
func (db *DB) ReferencedFiles(ctx context.Context, keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		var one int
		err := db.queryRow(ctx, `SELECT 1 FROM documents WHERE storage_key = $1 LIMIT 1`, k).Scan(&one)
		if err == nil {
			out[k] = true
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("looking up stored file: %w", err)
		}
	}
	// Drafts keep their files' keys in their JSON data; there are few
	// drafts, so read them once.
	rows, err := db.query(ctx, `SELECT data FROM drafts`)
	if err != nil {
		return nil, fmt.Errorf("reading drafts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("reading drafts: %w", err)
		}
		for _, k := range keys {
			if !out[k] && strings.Contains(data, k) {
				out[k] = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading drafts: %w", err)
	}
	return out, nil
}
