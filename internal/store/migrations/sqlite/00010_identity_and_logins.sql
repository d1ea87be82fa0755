-- +goose Up
-- Identity assurance: a citizen account is self-declared (opened with a
-- password) until an officer checks the ID card at the desk, or the
-- national e-ID vouches for it. A squatting self-declared account is
-- suspended (its username freed), never merged.
ALTER TABLE accounts ADD COLUMN id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN assurance TEXT NOT NULL DEFAULT 'self_declared';
ALTER TABLE accounts ADD COLUMN verified_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN verified_by INTEGER REFERENCES accounts(id);
ALTER TABLE accounts ADD COLUMN verified_how TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN suspended_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN suspended_reason TEXT NOT NULL DEFAULT '';
-- Sessions and tokens opened before this time are no longer valid
-- (password change, suspension).
ALTER TABLE accounts ADD COLUMN credentials_changed_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET id_number = username WHERE kind = 'citizen';
-- Staff accounts are opened by administrators, not by themselves.
UPDATE accounts SET assurance = 'verified', verified_how = 'staff_account' WHERE kind = 'staff';
CREATE INDEX accounts_id_number ON accounts(id_number) WHERE id_number <> '';
-- Counter and post dossiers used to follow whichever account held the ID
-- number; every existing citizen account is self-declared now, so they are
-- detached until the holder is verified.
UPDATE dossiers SET owner_id = NULL WHERE channel <> 'online' AND owner_id IS NOT NULL;

-- Login attempts in a fixed window per key (hashed account, device or
-- client address); the count is reserved before a password is evaluated.
DROP TABLE login_throttle;
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    count        INTEGER NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts(window_start);

-- Device cookies of earlier successful logins (OWASP "device cookies"):
-- a browser carrying one is not locked out by someone else's guesses.
CREATE TABLE login_devices (
    hash       TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX login_devices_expiry ON login_devices(expires_at);

-- Session tokens are stored hashed from now on; plain ones are dropped.
DELETE FROM sessions;

-- +goose Down
DROP TABLE login_devices;
DROP TABLE login_attempts;
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TIMESTAMP
);
DROP INDEX accounts_id_number;
ALTER TABLE accounts DROP COLUMN must_change_password;
ALTER TABLE accounts DROP COLUMN credentials_changed_at;
ALTER TABLE accounts DROP COLUMN suspended_reason;
ALTER TABLE accounts DROP COLUMN suspended_at;
ALTER TABLE accounts DROP COLUMN verified_how;
ALTER TABLE accounts DROP COLUMN verified_by;
ALTER TABLE accounts DROP COLUMN verified_at;
ALTER TABLE accounts DROP COLUMN assurance;
ALTER TABLE accounts DROP COLUMN id_number;
