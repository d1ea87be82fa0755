-- +goose Up
-- A citizen's unfinished online submission, one per procedure, so that it
-- survives a closed browser. Files are not kept.
CREATE TABLE drafts (
    account_id     BIGINT NOT NULL REFERENCES accounts(id),
    procedure_code TEXT NOT NULL,
    data           TEXT NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, procedure_code)
);

-- +goose Down
DROP TABLE drafts;
