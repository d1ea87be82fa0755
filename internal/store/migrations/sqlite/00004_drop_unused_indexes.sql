-- +goose Up
-- Every list is scoped by unit (see ListDossiers' per-unit plan) or by
-- owner, and statistics by unit path: these global indexes were never used
-- and cost every submission four more b-tree inserts.
DROP INDEX dossiers_status_due;
DROP INDEX dossiers_applicant_id;
DROP INDEX dossiers_received;
DROP INDEX dossiers_assignee;

-- +goose Down
CREATE INDEX dossiers_status_due ON dossiers(status, due_at);
CREATE INDEX dossiers_applicant_id ON dossiers(applicant_id_number);
CREATE INDEX dossiers_received ON dossiers(received_at);
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, status);
