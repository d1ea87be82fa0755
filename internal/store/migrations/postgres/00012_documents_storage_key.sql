-- +goose Up
-- The file sweeper asks which stored files a document still refers to.
CREATE INDEX documents_storage_key ON documents(storage_key);

-- +goose Down
DROP INDEX documents_storage_key;
