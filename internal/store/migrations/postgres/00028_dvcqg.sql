-- +goose Up
-- National public service portal (DVCQG) synchronisation. One row per
-- dossier pushed: whether the portal has it yet (create, then update),
-- how far its process log has gone (the event seq last pushed), the last
-- failure, and a lease so that two serve processes never push one dossier
-- at the same time.
CREATE TABLE dvcqg_sync (
    dossier_id  BIGINT PRIMARY KEY REFERENCES dossiers(id),
    created     BOOLEAN NOT NULL DEFAULT FALSE,
    synced_seq  BIGINT NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    last_at     TIMESTAMPTZ,
    lease_until TIMESTAMPTZ,
    lease_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dvcqg_sync_failing ON dvcqg_sync(last_at) WHERE last_error <> '';

-- A dossier that came from the national portal keeps the portal's code
-- (MaHoSo): a second delivery of it is recognised, never filed twice.
ALTER TABLE dossiers ADD COLUMN external_code TEXT;
CREATE UNIQUE INDEX dossiers_external_code ON dossiers(external_code) WHERE external_code IS NOT NULL;

-- +goose Down
DROP INDEX dossiers_external_code;
ALTER TABLE dossiers DROP COLUMN external_code;
DROP TABLE dvcqg_sync;
