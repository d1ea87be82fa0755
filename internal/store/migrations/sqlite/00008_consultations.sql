-- +goose Up
-- Inter-agency consultations: the unit holding a dossier asks another unit
-- for its opinion without handing the dossier over. Open ones are listed
-- for the unit asked.
CREATE TABLE consultations (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    from_unit_id INTEGER NOT NULL REFERENCES units(id),
    to_unit_id   INTEGER NOT NULL REFERENCES units(id),
    question     TEXT NOT NULL,
    asked_by     TEXT NOT NULL,
    asked_at     TIMESTAMP NOT NULL,
    answer       TEXT NOT NULL DEFAULT '',
    answered_by  TEXT NOT NULL DEFAULT '',
    answered_at  TIMESTAMP
);
CREATE INDEX consultations_dossier ON consultations(dossier_id);
CREATE INDEX consultations_to_unit ON consultations(to_unit_id, answered_at, id);

-- +goose Down
DROP TABLE consultations;
