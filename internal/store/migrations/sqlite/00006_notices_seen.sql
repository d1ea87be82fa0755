-- +goose Up
-- The newest event a citizen has seen in their notifications inbox.
ALTER TABLE accounts ADD COLUMN notices_seen_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE accounts DROP COLUMN notices_seen_id;
