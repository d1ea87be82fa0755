-- +goose Up
-- Failed logins per username, shared by every server process.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    locked_until TIMESTAMPTZ
);

-- +goose Down
DROP TABLE login_throttle;
