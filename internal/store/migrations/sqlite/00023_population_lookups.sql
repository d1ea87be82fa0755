-- +goose Up
-- The population-database lookup log: every attempt (found, not found,
-- unavailable, refused), who asked, for which unit and purpose. Nothing of
-- the answer is kept; the number looked up is, so that administrators can
-- tell whom (lists mask it).
CREATE TABLE population_lookups (
    id             INTEGER PRIMARY KEY,
    at             TIMESTAMP NOT NULL,
    request_id     TEXT NOT NULL,
    account_id     INTEGER REFERENCES accounts(id),
    requester_name TEXT NOT NULL,
    requester_kind TEXT NOT NULL CHECK (requester_kind IN ('citizen', 'officer', '')),
    officer_code   TEXT NOT NULL DEFAULT '',
    unit_id        INTEGER REFERENCES units(id),
    unit_path      TEXT NOT NULL DEFAULT '',
    service_code   TEXT NOT NULL DEFAULT '',
    dossier_code   TEXT NOT NULL DEFAULT '',
    id_number      TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL CHECK (outcome IN ('found', 'not_found', 'unavailable', 'refused')),
    code           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX population_lookups_path ON population_lookups(unit_path, id);
CREATE INDEX population_lookups_at ON population_lookups(at);

-- +goose Down
DROP TABLE population_lookups;
