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
	"github.com/motcua/motcua/internal/payment"
)

const requestColumns = `r.id, r.dossier_id, d.code, r.unit_id, r.lines, r.amount, r.state, r.method, r.refund_due, r.created_at, r.paid_at`

// scanRequest reads a row of requestColumns.
func scanRequest(row interface{ Scan(...any) error }) (*payment.Request, error) {
	var r payment.Request
	var lines string
	var paid sql.NullTime
	if err := row.Scan(&r.ID, &r.DossierID, &r.DossierCode, &r.UnitID, &lines, &r.Amount, &r.State, &r.Method, &r.RefundDue, &r.CreatedAt, &paid); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(lines), &r.Lines); err != nil {
		return nil, fmt.Errorf("decoding the lines of payment request %d: %w", r.ID, err)
	}
	r.CreatedAt, r.PaidAt = local(r.CreatedAt), ntime(paid)
	return &r, nil
}

// openRequest reads the dossier's open request inside tx.
func openRequest(ctx context.Context, tx *Tx, dossierID int64) (*payment.Request, error) {
	r, err := scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM payment_requests r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.dossier_id = $1 AND r.state IN ('unpaid', 'pending')`, dossierID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

// OpenRequest returns the dossier's open request, inserting r when there
// is none (payment.Store).
func (db *DB) OpenRequest(ctx context.Context, r *payment.Request) (*payment.Request, error) {
	lines, err := json.Marshal(r.Lines)
	if err != nil {
		return nil, err
	}
	var out *payment.Request
	for try := 0; try < 2; try++ {
		err = db.inTx(ctx, func(tx *Tx) error {
			if out, err = openRequest(ctx, tx, r.DossierID); err != nil || out != nil {
				return err
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO payment_requests (dossier_id, unit_id, lines, amount, state, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.DossierID, r.UnitID, string(lines), r.Amount, string(payment.Unpaid), utc(r.CreatedAt)).Scan(&id); err != nil {
				return err
			}
			out, err = openRequest(ctx, tx, r.DossierID)
			return err
		})
		if !isUnique(err) {
			break
		}
		// Another request opened it at the same moment: read theirs.
	}
	if err != nil {
		return nil, fmt.Errorf("opening payment request: %w", err)
	}
	return out, nil
}

// Requests lists a dossier's payment requests, newest first
// (payment.Store).
func (db *DB) Requests(ctx context.Context, dossierID int64) ([]payment.Request, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT `+requestColumns+` FROM payment_requests r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.dossier_id = $1 ORDER BY r.id DESC`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("listing payment requests: %w", err)
	}
	defer rows.Close()
	var out []payment.Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// AddAttempt inserts a pending attempt and marks its request pending
// (payment.Store).
func (db *DB) AddAttempt(ctx context.Context, a *payment.Attempt) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE payment_requests SET state = 'pending' WHERE id = $1 AND state IN ('unpaid', 'pending')`, a.RequestID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errors.New("the request is no longer open")
		}
		return tx.QueryRowContext(ctx, `INSERT INTO payment_attempts (request_id, gateway, ref, amount, state, created_at)
			VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id`, a.RequestID, a.Gateway, a.Ref, a.Amount, utc(a.CreatedAt)).Scan(&a.ID)
	})
	if err != nil {
		return fmt.Errorf("recording payment attempt: %w", err)
	}
	return nil
}

// reopen puts a pending request back to unpaid when none of its attempts
// is still pending.
func reopen(ctx context.Context, tx *Tx, requestID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE payment_requests SET state = 'unpaid' WHERE id = $1 AND state = 'pending'
		AND NOT EXISTS (SELECT 1 FROM payment_attempts WHERE request_id = $1 AND state = 'pending')`, requestID)
	return err
}

// FailAttempt marks a pending attempt failed (payment.Store).
func (db *DB) FailAttempt(ctx context.Context, ref, code string, at time.Time) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var req int64
		err := tx.QueryRowContext(ctx, `UPDATE payment_attempts SET state = 'failed', code = $2, settled_at = $3
			WHERE ref = $1 AND state = 'pending' RETURNING request_id`, ref, code, utc(at)).Scan(&req)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return reopen(ctx, tx, req)
	})
	if err != nil {
		return fmt.Errorf("marking payment attempt failed: %w", err)
	}
	return nil
}

// SettleAttempt records a settlement once (payment.Store): the update
// takes the attempt only while it is pending with the amount, so of two
// callbacks at once one settles and the other finds it settled.
func (db *DB) SettleAttempt(ctx context.Context, s payment.Settlement, at time.Time) (payment.Outcome, *payment.Request, error) {
	state := payment.AttemptFailed
	if s.Paid {
		state = payment.AttemptPaid
	}
	var out payment.Outcome
	var r *payment.Request
	err := db.inTx(ctx, func(tx *Tx) error {
		var req int64
		var gateway string
		err := tx.QueryRowContext(ctx, `UPDATE payment_attempts SET state = $1, settled_at = $2, gateway_ref = $3, bank_code = $4, code = $5, raw = $6
			WHERE ref = $7 AND amount = $8 AND state = 'pending' RETURNING request_id, gateway`,
			string(state), utc(at), s.GatewayRef, s.BankCode, s.Code, s.Raw, s.Ref, s.Amount).Scan(&req, &gateway)
		if errors.Is(err, sql.ErrNoRows) {
			var amount int64
			var st string
			switch err := tx.QueryRowContext(ctx, `SELECT amount, state FROM payment_attempts WHERE ref = $1`, s.Ref).Scan(&amount, &st); {
			case errors.Is(err, sql.ErrNoRows):
				out = payment.UnknownRef
			case err != nil:
				return err
			case amount != s.Amount:
				out = payment.AmountMismatch
			default:
				out = payment.AlreadySettled
			}
			return nil
		}
		if err != nil {
			return err
		}
		out = payment.Settled
		if s.Paid {
			method := payment.MethodOnline
			if gateway == payment.GatewayCash {
				method = payment.MethodCash
			}
			paidAt := at
			if !s.PaidAt.IsZero() {
				paidAt = s.PaidAt
			}
			res, err := tx.ExecContext(ctx, `UPDATE payment_requests SET state = 'paid', paid_at = $2, method = $3
				WHERE id = $1 AND state IN ('unpaid', 'pending')`, req, utc(paidAt), method)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				// A second attempt paid a request already paid (or
				// cancelled): the money goes back.
				if _, err := tx.ExecContext(ctx, `UPDATE payment_requests SET refund_due = $2 WHERE id = $1`, req, true); err != nil {
					return err
				}
			}
		} else if err := reopen(ctx, tx, req); err != nil {
			return err
		}
		if err := db.upkeepLevel4Request(ctx, tx, req); err != nil {
			return err
		}
		r, err = scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM payment_requests r JOIN dossiers d ON d.id = r.dossier_id WHERE r.id = $1`, req))
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("settling payment attempt: %w", err)
	}
	return out, r, nil
}

// PendingAttempts lists gateway attempts pending since before the time
// (payment.Store).
func (db *DB) PendingAttempts(ctx context.Context, before time.Time, limit int) ([]payment.Attempt, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT id, request_id, gateway, ref, amount, state, created_at FROM payment_attempts
		WHERE state = 'pending' AND created_at < $1 AND gateway <> $2 ORDER BY id LIMIT $3`, utc(before), payment.GatewayCash, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("listing pending payment attempts: %w", err)
	}
	defer rows.Close()
	var out []payment.Attempt
	for rows.Next() {
		var a payment.Attempt
		if err := rows.Scan(&a.ID, &a.RequestID, &a.Gateway, &a.Ref, &a.Amount, &a.State, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.CreatedAt = local(a.CreatedAt)
		out = append(out, a)
	}
	return out, rows.Err()
}

// PaidWaiting lists paid requests whose dossier still waits for its fee
// (payment.Store).
func (db *DB) PaidWaiting(ctx context.Context, limit int) ([]payment.Request, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT `+requestColumns+` FROM payment_requests r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.state = 'paid' AND r.refund_due = $1 AND d.status = $2 ORDER BY r.id LIMIT $3`, false, int(dossier.StatusFee), clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("listing paid dossiers still waiting: %w", err)
	}
	defer rows.Close()
	var out []payment.Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// FlagRefund marks a paid request for refund (payment.Store).
func (db *DB) FlagRefund(ctx context.Context, requestID int64) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE payment_requests SET refund_due = $2 WHERE id = $1`, requestID, true)
		return err
	})
	if err != nil {
		return fmt.Errorf("flagging payment request for refund: %w", err)
	}
	return nil
}

// PaidWithoutReceipt lists paid attempts with no receipt yet
// (payment.Store).
func (db *DB) PaidWithoutReceipt(ctx context.Context, limit int) ([]payment.PaidAttempt, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT a.ref, a.gateway, `+requestColumns+` FROM payment_attempts a
		JOIN payment_requests r ON r.id = a.request_id JOIN dossiers d ON d.id = r.dossier_id
		WHERE a.state = 'paid' AND NOT EXISTS (SELECT 1 FROM receipts c WHERE c.payment_ref = a.ref) ORDER BY a.id LIMIT $1`, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("listing payments without receipts: %w", err)
	}
	defer rows.Close()
	var out []payment.PaidAttempt
	for rows.Next() {
		var p payment.PaidAttempt
		r, err := scanRequest(prefixed{rows, []any{&p.Attempt.Ref, &p.Attempt.Gateway}})
		if err != nil {
			return nil, err
		}
		p.Request = *r
		out = append(out, p)
	}
	return out, rows.Err()
}

// prefixed scans leading columns into its own destinations, then the
// rest into the caller's.
type prefixed struct {
	row  interface{ Scan(...any) error }
	head []any
}

func (p prefixed) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.head...), dest...)...)
}

// MarkRefunded marks a request flagged for refund as refunded
// (payment.Store).
func (db *DB) MarkRefunded(ctx context.Context, dossierID, requestID int64) (bool, error) {
	var n int64
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE payment_requests SET state = 'refunded'
			WHERE id = $1 AND dossier_id = $2 AND refund_due = $3 AND state IN ('paid', 'cancelled')`, requestID, dossierID, true)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		if err == nil && n > 0 {
			err = db.upkeepLevel4(ctx, tx, dossierID, nil)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("marking payment request refunded: %w", err)
	}
	return n == 1, nil
}

// CancelAbandoned cancels the open requests of dossiers that left status 6
// (payment.Store).
func (db *DB) CancelAbandoned(ctx context.Context) (int, error) {
	var n int64
	// A deadlock with another writer of the same requests (40P01, seen in
	// TestLevel4CountersEqualRebuild/postgres) rolls the sweep back whole;
	// it may run any number of times, so it runs again.
	err := retryConflicts(5, func() error {
		return db.inTx(ctx, func(tx *Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE payment_requests SET state = 'cancelled'
				WHERE state IN ('unpaid', 'pending') AND dossier_id IN (SELECT id FROM dossiers WHERE status <> $1)`, int(dossier.StatusFee))
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
	})
	if err != nil {
		return 0, fmt.Errorf("cancelling abandoned payment requests: %w", err)
	}
	return int(n), nil
}

// DossierOfRef names the dossier of an attempt (payment.Store).
func (db *DB) DossierOfRef(ctx context.Context, ref string) (string, error) {
	var code string
	err := db.ro.QueryRowContext(ctx, `SELECT d.code FROM payment_attempts a JOIN payment_requests r ON r.id = a.request_id
		JOIN dossiers d ON d.id = r.dossier_id WHERE a.ref = $1`, ref).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("reading the dossier of payment %s: %w", ref, err)
	}
	return code, nil
}

var _ payment.Store = (*DB)(nil)

// ResultBySHA256 names the dossier whose result document has the hash
// (result.Records).
func (db *DB) ResultBySHA256(ctx context.Context, sum string) (string, error) {
	var code string
	err := db.ro.QueryRowContext(ctx, `SELECT d.code FROM documents c JOIN dossiers d ON d.id = c.dossier_id
		WHERE c.sha256 = $1 AND c.kind = 'result' ORDER BY c.id DESC LIMIT 1`, sum).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("finding a result by its hash: %w", err)
	}
	return code, nil
}
