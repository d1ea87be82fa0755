-- +goose Up
-- Token cache invalidation (see internal/store/tokencache.go): every write
-- that can make a cached bearer-token answer wrong notifies channel
-- motcua_auth with the account's id, in its own transaction, so every
-- process's listener evicts that account after the commit. A trigger rather
-- than a call in each write path: a path added later cannot forget it.
-- +goose StatementBegin
CREATE FUNCTION motcua_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;
    IF TG_TABLE_NAME = 'accounts' THEN
        PERFORM pg_notify('motcua_auth', r.id::text);
    ELSE
        PERFORM pg_notify('motcua_auth', r.account_id::text);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Only the columns AccountByToken returns: marking notices seen or choosing
-- the notice language does not change the answer.
CREATE TRIGGER accounts_auth_update AFTER UPDATE OF kind, username, full_name, phone, email, password_hash, disabled,
    created_at, id_number, assurance, verified_at, verified_by, verified_how, suspended_at, suspended_reason,
    credentials_changed_at, must_change_password, birth_date, assurance_level
    ON accounts FOR EACH ROW EXECUTE FUNCTION motcua_auth_notify();
CREATE TRIGGER accounts_auth_delete AFTER DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION motcua_auth_notify();
CREATE TRIGGER tokens_auth_delete AFTER DELETE ON tokens FOR EACH ROW EXECUTE FUNCTION motcua_auth_notify();
CREATE TRIGGER staff_roles_auth AFTER INSERT OR UPDATE OR DELETE ON staff_roles FOR EACH ROW EXECUTE FUNCTION motcua_auth_notify();

-- +goose Down
DROP TRIGGER staff_roles_auth ON staff_roles;
DROP TRIGGER tokens_auth_delete ON tokens;
DROP TRIGGER accounts_auth_delete ON accounts;
DROP TRIGGER accounts_auth_update ON accounts;
DROP FUNCTION motcua_auth_notify();
