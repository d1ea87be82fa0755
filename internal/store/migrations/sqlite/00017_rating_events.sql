-- +goose Up
-- Satisfaction figures count the ratings given in a period (the time of
-- the rate event, one per dossier): a partial index keeps that lookup off
-- the whole event log.
CREATE INDEX events_rated_at ON events(at) WHERE action = 'rate';

-- +goose Down
DROP INDEX events_rated_at;
