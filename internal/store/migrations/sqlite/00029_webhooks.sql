-- +goose Up
-- Integrators' webhooks: the subscribers a city administrator registers,
-- and one delivery per (subscriber, dossier event) the fan-out matched.
-- The secret is kept as issued: every delivery is signed with it.
CREATE TABLE webhook_subscribers (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    -- Comma-separated dossier actions; '' takes every action.
    actions         TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    -- Why it is inactive: 'admin' (an administrator) or 'gone' (the
    -- receiver answered 410 Gone).
    disabled_reason TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- The event's public fields are copied so that every attempt sends the
-- same body without reading the dossier again (and no personal data is
-- ever at hand to leak into it).
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    subscriber_id   INTEGER NOT NULL REFERENCES webhook_subscribers(id),
    event_id        INTEGER NOT NULL,
    dossier_id      INTEGER NOT NULL,
    dossier_code    TEXT NOT NULL,
    action          TEXT NOT NULL,
    procedure_code  TEXT NOT NULL DEFAULT '',
    unit_code       TEXT NOT NULL DEFAULT '',
    from_status     INTEGER NOT NULL,
    to_status       INTEGER NOT NULL,
    event_at        TIMESTAMP NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    last_attempt_at TIMESTAMP,
    delivered_at    TIMESTAMP,
    UNIQUE (subscriber_id, event_id)
);
-- The log per subscriber, newest first, and the worker's ordering check
-- (an earlier pending delivery of the same subscriber and dossier).
CREATE INDEX webhook_deliveries_subscriber ON webhook_deliveries(subscriber_id, id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(subscriber_id, dossier_id, id) WHERE state = 'pending';

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscribers;
