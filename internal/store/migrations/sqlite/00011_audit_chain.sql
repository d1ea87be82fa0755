-- +goose Up
-- Tamper evidence: every event is chained to the previous event of its
-- dossier (seq, prev_hash, hash) and the dossier keeps the head of its
-- chain, so that an edited, inserted or deleted event shows (see audit.go).
ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN events_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN events_head TEXT NOT NULL DEFAULT '';

-- Periodic anchors over every chain, each chained to the previous one.
CREATE TABLE audit_anchors (
    id            INTEGER PRIMARY KEY,
    at            TIMESTAMP NOT NULL,
    last_event_id INTEGER NOT NULL,
    dossiers      INTEGER NOT NULL,
    events        INTEGER NOT NULL,
    prev_hash     TEXT NOT NULL,
    head_hash     TEXT NOT NULL
);

-- Changes outside dossiers (calendar, accounts), in one chain.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL UNIQUE,
    at         TIMESTAMP NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

-- The head of the audit log, and whether existing events still await their
-- hashes (filled once by the migrate code: store.backfillChains).
CREATE TABLE audit_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    log_count  INTEGER NOT NULL,
    log_head   TEXT NOT NULL,
    backfilled INTEGER NOT NULL
);
INSERT INTO audit_state (id, log_count, log_head, backfilled)
SELECT 1, 0, '', CASE WHEN EXISTS (SELECT 1 FROM events) THEN 0 ELSE 1 END;

-- +goose Down
DROP TABLE audit_state;
DROP TABLE audit_log;
DROP TABLE audit_anchors;
ALTER TABLE dossiers DROP COLUMN events_head;
ALTER TABLE dossiers DROP COLUMN events_count;
ALTER TABLE events DROP COLUMN hash;
ALTER TABLE events DROP COLUMN prev_hash;
ALTER TABLE events DROP COLUMN seq;
