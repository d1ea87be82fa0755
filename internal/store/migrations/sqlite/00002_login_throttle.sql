-- +goose Up
-- Failed logins per username, shared by every server process.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TIMESTAMP
);

-- +goose Down
DROP TABLE login_throttle;
