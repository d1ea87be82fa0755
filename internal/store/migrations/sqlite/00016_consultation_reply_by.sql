-- +goose Up
-- A consultation gives the unit asked a number of working days to answer
-- (reply_days) ending at reply_by; the answer is judged against it
-- (verdict: early, on_time, late), and a late one is that unit's delay.
-- Consultations opened before keep reply_days 0, reply_by NULL and no
-- verdict.
ALTER TABLE consultations ADD COLUMN reply_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consultations ADD COLUMN reply_by TIMESTAMP;
ALTER TABLE consultations ADD COLUMN verdict TEXT NOT NULL DEFAULT '';
-- The consulted unit's late answers, counted for its dashboard.
CREATE INDEX consultations_to_unit_verdict ON consultations(to_unit_id, verdict);

-- +goose Down
DROP INDEX consultations_to_unit_verdict;
ALTER TABLE consultations DROP COLUMN verdict;
ALTER TABLE consultations DROP COLUMN reply_by;
ALTER TABLE consultations DROP COLUMN reply_days;
