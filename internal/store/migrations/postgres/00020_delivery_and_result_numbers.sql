-- +goose Up
-- How the applicant chose to receive the result, at submission (slip 01).
ALTER TABLE dossiers ADD COLUMN delivery_method TEXT NOT NULL DEFAULT 'in_person';
ALTER TABLE dossiers ADD COLUMN delivery_address TEXT NOT NULL DEFAULT '';

-- Result document numbers, assigned when the leader signs: one sequence
-- per unit and year, as a records office's register.
CREATE TABLE result_counters (
    unit_id BIGINT NOT NULL,
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- +goose Down
DROP TABLE result_counters;
ALTER TABLE dossiers DROP COLUMN delivery_address;
ALTER TABLE dossiers DROP COLUMN delivery_method;
