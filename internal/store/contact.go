package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

// NotificationPrefs reads the channels an account chose per kind of
// notice; chosen is false when it never saved a choice (the defaults of
// account.Preferences apply then).
func (db *DB) NotificationPrefs(ctx context.Context, accountID int64) (on []account.Choice, chosen bool, err error) {
	return notificationPrefs(ctx, db.ro, accountID)
}

// notificationPrefs reads them through q (the read pool, or a transaction
// deciding which notices to send).
func notificationPrefs(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, accountID int64) (on []account.Choice, chosen bool, err error) {
	rows, err := q.QueryContext(ctx, `SELECT event_kind, channel, enabled FROM notification_prefs
		WHERE account_id = $1 ORDER BY event_kind, channel`, accountID)
	if err != nil {
		return nil, false, fmt.Errorf("reading notification preferences: %w", err)
	}
	defer rows.Close()
	on = []account.Choice{}
	for rows.Next() {
		var kind, channel string
		var enabled bool
		if err := rows.Scan(&kind, &channel, &enabled); err != nil {
			return nil, false, fmt.Errorf("reading notification preferences: %w", err)
		}
		chosen = true
		if enabled {
			on = append(on, account.Choice{Kind: account.NoticeKind(kind), Channel: account.Channel(channel)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("reading notification preferences: %w", err)
	}
	return on, chosen, nil
}

// UpdateContact stores an account's phone number and e-mail address and,
// when c.Choices is set, its choice of channels (every kind and channel,
// enabled or not), atomically with an audit record naming what changed
// (not the values: the audit log is read by administrators who need not
// see them). NotFound when the account does not exist.
func (db *DB) UpdateContact(ctx context.Context, accountID int64, c account.Contact, at time.Time, by dossier.Actor) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var phone, email string
		err := tx.QueryRowContext(ctx, `SELECT phone, email FROM accounts WHERE id = $1`, accountID).Scan(&phone, &email)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("reading account: %w", err)
		}
		changed := []string{}
		if phone != c.Phone {
			changed = append(changed, "phone")
		}
		if email != c.Email {
			changed = append(changed, "email")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET phone = $2, email = $3 WHERE id = $1`, accountID, c.Phone, c.Email); err != nil {
			return fmt.Errorf("updating contact details: %w", err)
		}
		if c.Language != "" {
			res, err := tx.ExecContext(ctx, `UPDATE accounts SET notice_lang = $2 WHERE id = $1 AND notice_lang <> $2`, accountID, c.Language)
			if err != nil {
				return fmt.Errorf("updating the notices' language: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				changed = append(changed, "notice_lang")
			}
		}
		detail := map[string]any{"changed": changed}
		if c.Choices != nil {
			on := map[account.Choice]bool{}
			names := []string{}
			for _, ch := range *c.Choices {
				on[ch] = true
				names = append(names, ch.Field())
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM notification_prefs WHERE account_id = $1`, accountID); err != nil {
				return fmt.Errorf("replacing notification preferences: %w", err)
			}
			for _, k := range account.NoticeKinds {
				for _, ch := range account.Channels {
					if _, err := tx.ExecContext(ctx, `INSERT INTO notification_prefs (account_id, event_kind, channel, enabled)
						VALUES ($1, $2, $3, $4)`, accountID, string(k), string(ch), on[account.Choice{Kind: k, Channel: ch}]); err != nil {
						return fmt.Errorf("saving notification preferences: %w", err)
					}
				}
			}
			detail["notifications"] = names
		}
		return tx.AppendAudit(ctx, AuditEntry{At: at, ActorID: by.AccountID, ActorName: by.Name, Action: "account.contact",
			Subject: accountSubject(accountID), Detail: detail})
	})
	// The cached bearer-token answers carry the contact details (tokencache.go).
	db.tokens.clear()
	return err
}

// RefreshIdentity replaces a citizen account's name, date of birth and
// level of assurance with what the e-ID vouched for, when any differs,
// with an audit record naming the changed fields; verifier and reason go
// to the audit log, as for ClaimIDNumber. It reports whether anything
// changed.
func (db *DB) RefreshIdentity(ctx context.Context, accountID int64, u account.Identity, at time.Time, verifier, reason string) (changed bool, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		var name, birth, level string
		err := tx.QueryRowContext(ctx, `SELECT full_name, birth_date, assurance_level FROM accounts WHERE id = $1 AND kind = 'citizen'`,
			accountID).Scan(&name, &birth, &level)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("reading account: %w", err)
		}
		fields := []string{}
		if name != u.FullName {
			fields = append(fields, "full_name")
		}
		if birth != u.BirthDate {
			fields = append(fields, "birth_date")
		}
		if level != u.AssuranceLevel {
			fields = append(fields, "assurance_level")
		}
		if len(fields) == 0 {
			return nil
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET full_name = $2, birth_date = $3, assurance_level = $4 WHERE id = $1`,
			accountID, u.FullName, u.BirthDate, u.AssuranceLevel); err != nil {
			return fmt.Errorf("refreshing identity: %w", err)
		}
		return tx.AppendAudit(ctx, AuditEntry{At: at, ActorName: verifier, Action: "account.identity",
			Subject: accountSubject(accountID), Detail: map[string]any{"changed": fields, "reason": reason}})
	})
	if changed {
		// The cached bearer-token answers carry the identity (tokencache.go).
		db.tokens.clear()
	}
	return changed, err
}
