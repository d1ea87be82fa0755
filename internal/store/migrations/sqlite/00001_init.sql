-- +goose Up
CREATE TABLE units (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    gso_code       TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL,
    name_folded    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    parent_id      INTEGER REFERENCES units(id),
    path           TEXT NOT NULL DEFAULT '',
    valid_from     TIMESTAMP,
    valid_to       TIMESTAMP,
    predecessor_gso TEXT NOT NULL DEFAULT ''
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_path ON units(path);
CREATE INDEX units_gso ON units(gso_code);

CREATE TABLE procedures (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    field       TEXT NOT NULL,
    unit_level  TEXT NOT NULL,
    life_events TEXT NOT NULL DEFAULT ''
);

CREATE TABLE procedure_versions (
    id             INTEGER PRIMARY KEY,
    procedure_id   INTEGER NOT NULL REFERENCES procedures(id),
    number         INTEGER NOT NULL,
    effective_from TIMESTAMP NOT NULL,
    effective_to   TIMESTAMP,
    level          INTEGER NOT NULL,
    class          TEXT NOT NULL,
    body           TEXT NOT NULL,
    UNIQUE (procedure_id, number)
);

CREATE TABLE procedure_units (
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (procedure_id, unit_id)
);
CREATE INDEX procedure_units_unit ON procedure_units(unit_id);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE staff_roles (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    role       TEXT NOT NULL,
    PRIMARY KEY (account_id, unit_id, role)
);
CREATE INDEX staff_roles_unit ON staff_roles(unit_id, role);

CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX tokens_expiry ON tokens(expires_at);

CREATE TABLE code_counters (
    unit_id INTEGER NOT NULL,
    day     TEXT NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (unit_id, day)
);

CREATE TABLE dossiers (
    id                   INTEGER PRIMARY KEY,
    code                 TEXT NOT NULL UNIQUE,
    procedure_id         INTEGER NOT NULL REFERENCES procedures(id),
    procedure_version_id INTEGER NOT NULL REFERENCES procedure_versions(id),
    unit_id              INTEGER NOT NULL REFERENCES units(id),
    unit_path            TEXT NOT NULL,
    received_unit_id     INTEGER NOT NULL REFERENCES units(id),
    owner_id             INTEGER REFERENCES accounts(id),
    applicant            TEXT NOT NULL,
    applicant_name       TEXT NOT NULL,
    applicant_folded     TEXT NOT NULL,
    applicant_id_number  TEXT NOT NULL,
    channel              TEXT NOT NULL,
    form                 TEXT NOT NULL,
    status               INTEGER NOT NULL,
    substate             TEXT NOT NULL DEFAULT '',
    assignee_id          INTEGER REFERENCES accounts(id),
    submitted_at         TIMESTAMP NOT NULL,
    received_at          TIMESTAMP,
    due_at               TIMESTAMP,
    finished_at          TIMESTAMP,
    delivered_at         TIMESTAMP,
    paused_at            TIMESTAMP,
    rescheduled          INTEGER NOT NULL DEFAULT 0,
    fee                  INTEGER NOT NULL DEFAULT 0,
    fee_paid_at          TIMESTAMP,
    supplement           TEXT,
    result               TEXT,
    rating               TEXT NOT NULL DEFAULT '',
    rating_comment       TEXT NOT NULL DEFAULT '',
    verdict              TEXT NOT NULL DEFAULT '',
    step_index           INTEGER NOT NULL DEFAULT 0,
    step_started_at      TIMESTAMP NOT NULL,
    version              INTEGER NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX dossiers_unit_status ON dossiers(unit_id, status, id);
CREATE INDEX dossiers_unit_id ON dossiers(unit_id, id);
CREATE INDEX dossiers_path ON dossiers(unit_path, id);
CREATE INDEX dossiers_owner ON dossiers(owner_id, id);
CREATE INDEX dossiers_status_due ON dossiers(status, due_at);
CREATE INDEX dossiers_applicant_id ON dossiers(applicant_id_number);
CREATE INDEX dossiers_received ON dossiers(received_at);
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, status);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    kind         TEXT NOT NULL,
    doc_key      TEXT NOT NULL DEFAULT '',
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES accounts(id),
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE INDEX documents_dossier ON documents(dossier_id);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    at           TIMESTAMP NOT NULL,
    actor_id     INTEGER,
    actor_name   TEXT NOT NULL,
    role         TEXT NOT NULL,
    unit_id      INTEGER,
    action       TEXT NOT NULL,
    from_status  INTEGER NOT NULL,
    to_status    INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    data         TEXT,
    step_key     TEXT NOT NULL DEFAULT '',
    budget_hours REAL NOT NULL DEFAULT 0,
    spent_hours  REAL NOT NULL DEFAULT 0,
    verdict      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_dossier ON events(dossier_id, id);

CREATE TABLE idempotency_keys (
    account_id INTEGER NOT NULL,
    key        TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    dossier_id INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, key)
);

CREATE TABLE calendar_overrides (
    day    TEXT PRIMARY KEY,
    kind   TEXT NOT NULL,
    reason TEXT NOT NULL
);

-- Bumped on every override change so that every server process notices.
CREATE TABLE calendar_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO calendar_generation (id, n) VALUES (1, 0);

-- +goose Down
DROP TABLE calendar_generation;
DROP TABLE calendar_overrides;
DROP TABLE idempotency_keys;
DROP TABLE events;
DROP TABLE documents;
DROP TABLE dossiers;
DROP TABLE code_counters;
DROP TABLE tokens;
DROP TABLE staff_roles;
DROP TABLE accounts;
DROP TABLE procedure_units;
DROP TABLE procedure_versions;
DROP TABLE procedures;
DROP TABLE units;
