-- +goose Up
-- What a dossier owes now and how it is paid: one request per round of
-- fees (status 6), one attempt per try at a gateway or at the desk. The
-- gateway's callback is kept verbatim on the attempt.
CREATE TABLE payment_requests (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    lines       TEXT NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    state       TEXT NOT NULL CHECK (state IN ('unpaid', 'pending', 'paid', 'cancelled', 'refunded')),
    method      TEXT NOT NULL DEFAULT '',
    refund_due  INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    paid_at     TIMESTAMP
);
-- One open request per dossier.
CREATE UNIQUE INDEX payment_requests_open ON payment_requests(dossier_id) WHERE state IN ('unpaid', 'pending');
CREATE INDEX payment_requests_dossier ON payment_requests(dossier_id, id);
CREATE INDEX payment_requests_paid ON payment_requests(state, refund_due) WHERE state = 'paid' AND refund_due = 0;

CREATE TABLE payment_attempts (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES payment_requests(id),
    gateway     TEXT NOT NULL,
    ref         TEXT NOT NULL UNIQUE,
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    state       TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'failed')),
    created_at  TIMESTAMP NOT NULL,
    settled_at  TIMESTAMP,
    gateway_ref TEXT NOT NULL DEFAULT '',
    bank_code   TEXT NOT NULL DEFAULT '',
    code        TEXT NOT NULL DEFAULT '',
    raw         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payment_attempts_request ON payment_attempts(request_id);
CREATE INDEX payment_attempts_pending ON payment_attempts(created_at) WHERE state = 'pending';

-- +goose Down
DROP TABLE payment_attempts;
DROP TABLE payment_requests;
