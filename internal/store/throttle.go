package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Login throttling: after every LoginMaxFailures failed attempts on one
// username the username is locked for LoginLockout. Kept in the database so
// that every server process sees the same count.
const (
	LoginMaxFailures = 5
	LoginLockout     = 15 * time.Minute
)

// LoginLockedUntil reports until when a username is locked, if it is.
func (db *DB) LoginLockedUntil(ctx context.Context, key string, now time.Time) (time.Time, bool, error) {
	var until sql.NullTime
	err := db.queryRow(ctx, `SELECT locked_until FROM login_throttle WHERE key = $1`, key).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("reading login throttle: %w", err)
	}
	if until.Valid && until.Time.After(now) {
		return local(until.Time), true, nil
	}
	return time.Time{}, false, nil
}

// RecordLoginFailure counts a failed login and locks the username at every
// LoginMaxFailures-th failure.
func (db *DB) RecordLoginFailure(ctx context.Context, key string, now time.Time) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `
			INSERT INTO login_throttle (key, failures) VALUES ($1, 1)
			ON CONFLICT (key) DO UPDATE SET failures = login_throttle.failures + 1
			RETURNING failures`, key).Scan(&n)
		if err != nil {
			return fmt.Errorf("counting login failure: %w", err)
		}
		if n%LoginMaxFailures == 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET locked_until = $1 WHERE key = $2`, utc(now.Add(LoginLockout)), key); err != nil {
				return fmt.Errorf("locking login: %w", err)
			}
		}
		return nil
	})
}

// ClearLoginFailures forgets the failures of a username after a success.
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, key)
		return err
	})
}
