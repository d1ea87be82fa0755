-- +goose Up
-- Token cache invalidation (see internal/store/tokencache.go). Several
-- processes may serve one SQLite file (WAL), and SQLite has no
-- notifications: every write that can make a cached bearer-token answer
-- wrong bumps this one-row counter in its own transaction, and every
-- process reads it before answering from its cache.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

-- Only the columns AccountByToken returns: marking notices seen or choosing
-- the notice language does not change the answer.
-- +goose StatementBegin
CREATE TRIGGER accounts_auth_update AFTER UPDATE OF kind, username, full_name, phone, email, password_hash, disabled,
    created_at, id_number, assurance, verified_at, verified_by, verified_how, suspended_at, suspended_reason,
    credentials_changed_at, must_change_password, birth_date, assurance_level ON accounts
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER accounts_auth_delete AFTER DELETE ON accounts
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tokens_auth_delete AFTER DELETE ON tokens
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER staff_roles_auth_insert AFTER INSERT ON staff_roles
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER staff_roles_auth_update AFTER UPDATE ON staff_roles
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER staff_roles_auth_delete AFTER DELETE ON staff_roles
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER staff_roles_auth_delete;
DROP TRIGGER staff_roles_auth_update;
DROP TRIGGER staff_roles_auth_insert;
DROP TRIGGER tokens_auth_delete;
DROP TRIGGER accounts_auth_delete;
DROP TRIGGER accounts_auth_update;
DROP TABLE auth_epoch;
