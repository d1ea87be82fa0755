-- +goose Up
-- The public verification page finds the result a held PDF is by its hash.
CREATE INDEX documents_result_sha256 ON documents(sha256) WHERE kind = 'result';

-- +goose Down
DROP INDEX documents_result_sha256;
