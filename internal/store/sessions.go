package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/account"
)

// SessionStore keeps the portal's sessions (github.com/alexedwards/scs/v2)
// in the database, so that every server process sees the same sessions. It
// implements scs.Store and scs.CtxStore. Tokens are stored as their SHA-256
// (like API tokens): a copy of the database opens no session.
type SessionStore struct {
	db *DB
	// now is the clock expiries are compared with; scs computes them from
	// time.Now.
	now func() time.Time
}

// Sessions returns the session store of the database.
func (db *DB) Sessions() *SessionStore { return &SessionStore{db: db, now: time.Now} }

// FindCtx returns the data of an unexpired session; found is false for an
// unknown or expired token.
func (s *SessionStore) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	err = s.db.queryRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, account.HashToken(token), utc(s.now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading session: %w", err)
	}
	return b, true, nil
}

// CommitCtx stores (or replaces) a session. Expired sessions are removed
// by housekeeping (DB.Housekeep), not by the requests that log in.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			account.HashToken(token), b, utc(expiry))
		if err != nil {
			return fmt.Errorf("saving session: %w", err)
		}
		return nil
	})
}

// DeleteCtx removes a session; an unknown token is not an error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, account.HashToken(token)); err != nil {
			return fmt.Errorf("deleting session: %w", err)
		}
		return nil
	})
}

// Find is FindCtx without a context.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}
