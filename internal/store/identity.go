package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

// CitizenByIDNumber finds the active citizen account holding an ID number
// (the desk's look-up); NotFound when there is none.
func (db *DB) CitizenByIDNumber(ctx context.Context, idNumber string) (*account.Account, error) {
	a, err := scanAccount(db.queryRow(ctx, `SELECT `+accountCols+` FROM accounts a
		WHERE a.kind = 'citizen' AND a.id_number = $1 AND a.suspended_at IS NULL ORDER BY a.id DESC LIMIT 1`, idNumber))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading citizen account: %w", err)
	}
	return a, nil
}

// attachCounterDossiers hands the dossiers taken at the counter or by post
// under the ID number, and not yet followed online, to a verified account.
func attachCounterDossiers(ctx context.Context, tx *Tx, accountID int64, idNumber string) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE dossiers SET owner_id = $1
		WHERE applicant_id_number = $2 AND owner_id IS NULL AND channel <> 'online'`, accountID, idNumber)
	if err != nil {
		return 0, fmt.Errorf("attaching counter dossiers: %w", err)
	}
	return res.RowsAffected()
}

// VerifyAccount raises an active self-declared citizen account to verified
// and attaches the counter and post dossiers of its ID number, atomically.
// It answers how many dossiers were attached; Conflict when the account is
// already verified, NotFound when it is not an active citizen account.
func (db *DB) VerifyAccount(ctx context.Context, accountID int64, v account.Verification) (attached int64, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		var idNumber, assurance string
		err := tx.QueryRowContext(ctx, `SELECT id_number, assurance FROM accounts
			WHERE id = $1 AND kind = 'citizen' AND suspended_at IS NULL AND NOT disabled`, accountID).Scan(&idNumber, &assurance)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("reading account: %w", err)
		}
		if account.Assurance(assurance) == account.Verified {
			return errAlreadyVerified
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET assurance = 'verified', verified_at = $2, verified_by = $3,
			verified_how = $4 WHERE id = $1`, accountID, utc(v.At), nint64(v.By), v.How); err != nil {
			return fmt.Errorf("verifying account: %w", err)
		}
		if attached, err = attachCounterDossiers(ctx, tx, accountID, idNumber); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, AuditEntry{At: v.At, ActorID: v.By, ActorName: v.ByName, Action: "account.verify",
			Subject: accountSubject(accountID), Detail: map[string]any{"how": v.How, "dossiers_attached": attached}})
	})
	// Empty this process's token cache now; other processes hear the trigger.
	db.tokens.clear()
	return attached, err
}

// accountSubject names an account in the audit log by its id, never by
// its ID number.
func accountSubject(id int64) string { return "account:" + strconv.FormatInt(id, 10) }

var errAlreadyVerified = apperr.New(apperr.Conflict, "already_verified",
	"Tài khoản này đã được xác minh.", "This account is already verified.")

// ErrIDNumberVerified is the answer when an ID number already belongs to a
// verified account.
var ErrIDNumberVerified = apperr.New(apperr.Conflict, "id_number_verified",
	"Số định danh này đã thuộc về một tài khoản đã xác minh. Nếu đó là bạn, hãy đăng nhập; nếu không, hãy liên hệ Bộ phận một cửa.",
	"This ID number already belongs to a verified account. If it is yours, log in; if not, contact the one-stop desk.")

// ClaimIDNumber opens a verified account for the person holding an ID
// number, atomically: any active self-declared account with that ID number
// is suspended (its username freed, its own online dossiers left with it:
// nothing is merged), the new account is stored and the counter and post
// dossiers of the ID number attached to it. Conflict when a verified
// account already holds the ID number. It returns the suspended accounts.
func (db *DB) ClaimIDNumber(ctx context.Context, a *account.Account, verifier, reason string) (suspended []int64, err error) {
	if a.Kind != account.KindCitizen || a.Assurance != account.Verified || a.IDNumber == "" {
		return nil, fmt.Errorf("claiming an ID number needs a verified citizen account")
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		suspended = suspended[:0]
		rows, err := tx.QueryContext(ctx, `SELECT id, assurance FROM accounts
			WHERE kind = 'citizen' AND id_number = $1 AND suspended_at IS NULL`, a.IDNumber)
		if err != nil {
			return fmt.Errorf("reading accounts of the ID number: %w", err)
		}
		var squatters []int64
		verified := false
		for rows.Next() {
			var id int64
			var as string
			if err := rows.Scan(&id, &as); err != nil {
				rows.Close()
				return err
			}
			if account.Assurance(as) == account.Verified {
				verified = true
			} else {
				squatters = append(squatters, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if verified {
			return ErrIDNumberVerified
		}
		now := utc(a.CreatedAt)
		for _, id := range squatters {
			// The username is freed for the verified holder; the ID number
			// stays on the suspended row, which keeps its history.
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET suspended_at = $2, suspended_reason = $3,
				username = username || '#suspended-' || $4, credentials_changed_at = $2 WHERE id = $1`,
				id, now, reason, strconv.FormatInt(id, 10)); err != nil {
				return fmt.Errorf("suspending account: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE account_id = $1`, id); err != nil {
				return fmt.Errorf("revoking tokens: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_devices WHERE account_id = $1`, id); err != nil {
				return fmt.Errorf("forgetting devices: %w", err)
			}
			suspended = append(suspended, id)
		}
		if err := createAccount(ctx, tx, a); err != nil {
			return err
		}
		attached, err := attachCounterDossiers(ctx, tx, a.ID, a.IDNumber)
		if err != nil {
			return err
		}
		for _, id := range suspended {
			if err := tx.AppendAudit(ctx, AuditEntry{At: a.CreatedAt, ActorID: a.VerifiedBy, ActorName: verifier, Action: "account.suspend",
				Subject: accountSubject(id), Detail: map[string]any{"reason": reason, "claimed_by": a.ID}}); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, AuditEntry{At: a.CreatedAt, ActorID: a.VerifiedBy, ActorName: verifier, Action: "account.claim",
			Subject: accountSubject(a.ID), Detail: map[string]any{"how": a.VerifiedHow, "suspended": suspended, "dossiers_attached": attached}})
	})
	// Empty this process's token cache now; other processes hear the trigger.
	db.tokens.clear()
	return suspended, err
}

// SetPassword replaces an account's password: its credentials stamp
// (credentials_changed_at) moves, which ends the sessions opened with the
// old one, and its API tokens are revoked.
func (db *DB) SetPassword(ctx context.Context, accountID int64, hash string, mustChange bool, now time.Time, by dossier.Actor) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var prev sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT credentials_changed_at FROM accounts WHERE id = $1`, accountID).Scan(&prev)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("reading account: %w", err)
		}
		stamp := utc(now)
		if prev.Valid && !stamp.After(prev.Time) {
			stamp = prev.Time.UTC().Add(time.Microsecond) // the stamp must move, even on a stopped clock
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $2, must_change_password = $3,
			credentials_changed_at = $4 WHERE id = $1`, accountID, hash, mustChange, stamp); err != nil {
			return fmt.Errorf("setting password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE account_id = $1`, accountID); err != nil {
			return fmt.Errorf("revoking tokens: %w", err)
		}
		return tx.AppendAudit(ctx, AuditEntry{At: now, ActorID: by.AccountID, ActorName: by.Name, Action: "account.password",
			Subject: accountSubject(accountID), Detail: map[string]any{"must_change": mustChange}})
	})
	// Empty this process's token cache now; other processes hear the trigger.
	db.tokens.clear()
	return err
}

// DeleteToken revokes one API token; NotFound when it is unknown.
func (db *DB) DeleteToken(ctx context.Context, hash string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE hash = $1`, hash)
		if err != nil {
			return fmt.Errorf("revoking token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ErrNotFound
		}
		return nil
	})
	// Empty this process's token cache now; other processes hear the trigger.
	db.tokens.clear()
	return err
}
