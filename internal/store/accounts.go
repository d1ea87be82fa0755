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
	"github.com/motcua/motcua/internal/org"
)

// CreateAccount stores a new account; a taken username is a Conflict.
// A citizen's own registration is audited with the citizen as the actor.
func (db *DB) CreateAccount(ctx context.Context, a *account.Account) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if err := createAccount(ctx, tx, a); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, AuditEntry{At: a.CreatedAt, ActorID: a.ID, ActorName: a.FullName, Action: "account.register",
			Subject: accountSubject(a.ID), Detail: map[string]any{"kind": a.Kind, "assurance": a.Assurance}})
	})
}

func createAccount(ctx context.Context, tx *Tx, a *account.Account) error {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now()
	}
	if a.Assurance == "" {
		a.Assurance = account.SelfDeclared
		if a.Kind == account.KindStaff {
			a.Assurance, a.VerifiedHow = account.Verified, account.VerifiedStaff
		}
	}
	if a.Kind == account.KindCitizen && a.IDNumber == "" {
		a.IDNumber = a.Username
	}
	err := tx.QueryRowContext(ctx, `
		INSERT INTO accounts (kind, username, full_name, phone, email, password_hash, disabled, created_at,
			id_number, assurance, verified_at, verified_by, verified_how, must_change_password, birth_date, assurance_level)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		string(a.Kind), a.Username, a.FullName, a.Phone, a.Email, a.PasswordHash, a.Disabled, utc(a.CreatedAt),
		a.IDNumber, string(a.Assurance), nutc(a.VerifiedAt), nint64(a.VerifiedBy), a.VerifiedHow, a.MustChangePassword,
		a.BirthDate, a.AssuranceLevel).Scan(&a.ID)
	if isUnique(err) {
		return apperr.New(apperr.Conflict, "account_exists", "Tài khoản này đã được đăng ký.", "This account is already registered.")
	}
	if err != nil {
		return fmt.Errorf("inserting account: %w", err)
	}
	return nil
}

// CreateStaff stores a staff account with its role in a unit, atomically.
func (db *DB) CreateStaff(ctx context.Context, a *account.Account, unitCode string, role org.Role) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var unitID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, unitCode).Scan(&unitID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Newf(apperr.NotFound, "unit_not_found", "Không tìm thấy đơn vị «%s».", "Unit %q not found.", unitCode)
		}
		if err != nil {
			return fmt.Errorf("reading unit: %w", err)
		}
		if err := createAccount(ctx, tx, a); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO staff_roles (account_id, unit_id, role) VALUES ($1, $2, $3)`, a.ID, unitID, string(role))
		return err
	})
}

// GrantRole gives an existing staff account a role in a unit (idempotent).
func (db *DB) GrantRole(ctx context.Context, accountID int64, unitCode string, role org.Role) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO staff_roles (account_id, unit_id, role)
			SELECT $1, id, $3 FROM units WHERE code = $2
			ON CONFLICT DO NOTHING`, accountID, unitCode, string(role))
		return err
	})
}

const accountCols = `a.id, a.kind, a.username, a.full_name, a.phone, a.email, a.password_hash, a.disabled, a.created_at,
	a.id_number, a.assurance, a.verified_at, COALESCE(a.verified_by, 0), a.verified_how, a.suspended_at, a.suspended_reason,
	a.credentials_changed_at, a.must_change_password, a.birth_date, a.assurance_level`

func scanAccount(sc interface{ Scan(...any) error }) (*account.Account, error) {
	var a account.Account
	var kind, assurance string
	var verified, suspended, changed sql.NullTime
	if err := sc.Scan(&a.ID, &kind, &a.Username, &a.FullName, &a.Phone, &a.Email, &a.PasswordHash, &a.Disabled, &a.CreatedAt,
		&a.IDNumber, &assurance, &verified, &a.VerifiedBy, &a.VerifiedHow, &suspended, &a.SuspendedReason,
		&changed, &a.MustChangePassword, &a.BirthDate, &a.AssuranceLevel); err != nil {
		return nil, err
	}
	a.Kind, a.Assurance = account.Kind(kind), account.Assurance(assurance)
	a.VerifiedAt, a.SuspendedAt, a.CredentialsChangedAt = ntime(verified), ntime(suspended), ntime(changed)
	return &a, nil
}

// AccountByUsername finds an account by username (ID number for citizens).
func (db *DB) AccountByUsername(ctx context.Context, username string) (*account.Account, error) {
	a, err := scanAccount(db.queryRow(ctx, `SELECT `+accountCols+` FROM accounts a WHERE a.username = $1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading account: %w", err)
	}
	return a, nil
}

// Grants lists the roles a staff account holds, with their units.
func (db *DB) Grants(ctx context.Context, accountID int64) ([]dossier.Grant, error) {
	rows, err := db.query(ctx, `
		SELECT u.id, u.code, u.name, u.path, r.role FROM staff_roles r JOIN units u ON u.id = r.unit_id
		WHERE r.account_id = $1 ORDER BY u.path, r.role`, accountID)
	if err != nil {
		return nil, fmt.Errorf("reading roles: %w", err)
	}
	defer rows.Close()
	var out []dossier.Grant
	for rows.Next() {
		var g dossier.Grant
		var role string
		if err := rows.Scan(&g.UnitID, &g.UnitCode, &g.UnitName, &g.UnitPath, &role); err != nil {
			return nil, err
		}
		g.Role = org.Role(role)
		out = append(out, g)
	}
	return out, rows.Err()
}

// StaffWithRole finds a staff member holding role in the unit, by username.
func (db *DB) StaffWithRole(ctx context.Context, username string, unitID int64, role org.Role) (id int64, name string, err error) {
	err = db.queryRow(ctx, `
		SELECT a.id, a.full_name FROM accounts a JOIN staff_roles r ON r.account_id = a.id
		WHERE a.username = $1 AND r.unit_id = $2 AND r.role = $3 AND NOT a.disabled`, username, unitID, string(role)).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", apperr.Newf(apperr.Invalid, "assignee_invalid",
			"«%s» không phải là chuyên viên của đơn vị này.", "%q is not a specialist of this unit.", username)
	}
	if err != nil {
		return 0, "", fmt.Errorf("reading staff: %w", err)
	}
	return id, name, nil
}

// SaveToken stores the hash of a bearer token.
func (db *DB) SaveToken(ctx context.Context, hash string, accountID int64, now, expires time.Time) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hash, accountID, utc(now), utc(expires))
		if err != nil {
			return fmt.Errorf("saving token: %w", err)
		}
		// Sweep expired tokens as we go, so the table never grows unbounded.
		_, err = tx.ExecContext(ctx, `DELETE FROM tokens WHERE expires_at < $1`, utc(now))
		return err
	})
}

// OwnerByIDNumber finds the verified, active citizen account of an ID
// number: only such an account follows the dossiers taken at the counter or
// by post (a self-declared one could be anybody's).
func (db *DB) OwnerByIDNumber(ctx context.Context, idNumber string) (int64, error) {
	var id int64
	err := db.queryRow(ctx, `
		SELECT id FROM accounts WHERE kind = 'citizen' AND id_number = $1 AND assurance = 'verified'
		AND suspended_at IS NULL AND NOT disabled`, idNumber).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("reading citizen account: %w", err)
	}
	return id, nil
}

// AccountByID finds an account by its id (the portal's session holds it).
func (db *DB) AccountByID(ctx context.Context, id int64) (*account.Account, error) {
	a, err := scanAccount(db.queryRow(ctx, `SELECT `+accountCols+` FROM accounts a WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading account: %w", err)
	}
	return a, nil
}
