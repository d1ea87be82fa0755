-- +goose Up
-- The officers' daily digest (store.DueDigest) reads the open dossiers of
-- each assignee; without this index it scanned the dossiers table.
CREATE INDEX dossiers_open_assignee ON dossiers(assignee_id) WHERE status IN (2, 4, 5, 6);

-- +goose Down
DROP INDEX dossiers_open_assignee;
