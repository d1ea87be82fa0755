-- +goose Up
-- Walk-in applicants whose papers the desk did not receive: the guidance
-- to complete them (slip 02) or the refusal (slip 03), given without a
-- dossier. Register 07 lists them by unit and date; the back office prints
-- their slips again.
CREATE TABLE walkins (
    id                   INTEGER PRIMARY KEY,
    unit_id              INTEGER NOT NULL REFERENCES units(id),
    unit_path            TEXT NOT NULL,
    procedure_version_id INTEGER NOT NULL REFERENCES procedure_versions(id),
    procedure_code       TEXT NOT NULL,
    procedure_name       TEXT NOT NULL,
    outcome              TEXT NOT NULL CHECK (outcome IN ('guidance', 'refusal')),
    applicant            TEXT NOT NULL,
    documents            TEXT NOT NULL,
    reason               TEXT NOT NULL DEFAULT '',
    officer_id           INTEGER NOT NULL REFERENCES accounts(id),
    officer_name         TEXT NOT NULL,
    at                   TIMESTAMP NOT NULL
);
CREATE INDEX walkins_unit ON walkins(unit_id, id);
CREATE INDEX walkins_path_at ON walkins(unit_path, at);

-- +goose Down
DROP TABLE walkins;
