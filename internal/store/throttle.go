package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CountLoginAttempt reserves one login attempt under key in a fixed window
// starting at the key's first attempt: it answers the attempts counted in
// the window so far, this one included, and when the window started. The
// increment is one statement, atomic on both engines (PostgreSQL locks the
// row on conflict; SQLite has one writer), so parallel requests each see a
// distinct count and no more than the limit can pass.
func (db *DB) CountLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (n int, start time.Time, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO login_attempts (key, window_start, count) VALUES ($1, $2, 1)
			ON CONFLICT (key) DO UPDATE SET
				count = CASE WHEN login_attempts.window_start <= $3 THEN 1 ELSE login_attempts.count + 1 END,
				window_start = CASE WHEN login_attempts.window_start <= $3 THEN excluded.window_start ELSE login_attempts.window_start END
			RETURNING count, window_start`, key, utc(now), utc(now.Add(-window))).Scan(&n, &start)
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("counting login attempt: %w", err)
	}
	return n, local(start), nil
}

// ReleaseLoginAttempt gives back an attempt reserved by CountLoginAttempt
// (the password was right): successes are not counted.
func (db *DB) ReleaseLoginAttempt(ctx context.Context, key string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE login_attempts SET count = count - 1 WHERE key = $1 AND count > 0`, key); err != nil {
			return fmt.Errorf("releasing login attempt: %w", err)
		}
		return nil
	})
}

// PurgeLogins deletes the attempt windows started before cutoff and the
// expired device cookies, so that neither table grows without bound.
func (db *DB) PurgeLogins(ctx context.Context, cutoff, now time.Time) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE window_start <= $1`, utc(cutoff))
		if err != nil {
			return fmt.Errorf("purging login attempts: %w", err)
		}
		n, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_devices WHERE expires_at <= $1`, utc(now)); err != nil {
			return fmt.Errorf("purging device cookies: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE expires_at <= $1`, utc(now)); err != nil {
			return fmt.Errorf("purging tokens: %w", err)
		}
		return nil
	})
	return n, err
}

// SaveDevice remembers a device cookie (its hash) of a successful login.
func (db *DB) SaveDevice(ctx context.Context, hash string, accountID int64, now, expires time.Time) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO login_devices (hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (hash) DO UPDATE SET account_id = excluded.account_id, expires_at = excluded.expires_at`,
			hash, accountID, utc(now), utc(expires))
		if err != nil {
			return fmt.Errorf("saving device cookie: %w", err)
		}
		return nil
	})
}

// DeviceAccount answers the account a device cookie (its hash) was issued
// to, or 0 when it is unknown or expired.
func (db *DB) DeviceAccount(ctx context.Context, hash string, now time.Time) (int64, error) {
	var id int64
	err := db.queryRow(ctx, `SELECT account_id FROM login_devices WHERE hash = $1 AND expires_at > $2`, hash, utc(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading device cookie: %w", err)
	}
	return id, nil
}
