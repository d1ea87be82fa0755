-- +goose Up
-- Bumped whenever units or the catalogue change, so that every server
-- process refreshes its in-memory directory of them.
CREATE TABLE catalog_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO catalog_generation (id, n) VALUES (1, 0);

-- +goose Down
DROP TABLE catalog_generation;
