package store

import (
	"context"
	"fmt"
	"time"
)

// Retention of what housekeeping removes.
const (
	// IdempotencyKeep is how long an API client may retry a submission
	// with its Idempotency-Key and get the same dossier back.
	IdempotencyKeep = 7 * 24 * time.Hour
	// DraftKeep is how long an untouched draft submission is kept.
	DraftKeep = 90 * 24 * time.Hour
)

// Housekept counts what one housekeeping pass removed.
type Housekept struct {
	Sessions, IdempotencyKeys, Drafts int64
}

// Housekeep removes, once, the expired sessions, the idempotency keys
// older than IdempotencyKeep and the drafts untouched for DraftKeep (the
// files a removed draft referred to become orphans that the file sweep
// takes). Login throttles are PurgeLogins'. It runs as a periodic job,
// not on the requests that write those tables.
func (db *DB) Housekeep(ctx context.Context, now time.Time) (Housekept, error) {
	var h Housekept
	err := db.inTx(ctx, func(tx *Tx) error {
		for _, step := range []struct {
			what string
			q    string
			arg  time.Time
			n    *int64
		}{
			{"sessions", `DELETE FROM sessions WHERE expiry <= $1`, now, &h.Sessions},
			{"idempotency keys", `DELETE FROM idempotency_keys WHERE created_at < $1`, now.Add(-IdempotencyKeep), &h.IdempotencyKeys},
			{"drafts", `DELETE FROM drafts WHERE updated_at < $1`, now.Add(-DraftKeep), &h.Drafts},
		} {
			res, err := tx.ExecContext(ctx, step.q, utc(step.arg))
			if err != nil {
				return fmt.Errorf("removing expired %s: %w", step.what, err)
			}
			if *step.n, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		return nil
	})
	return h, err
}
