-- +goose Up
-- Electronic receipts (biên lai điện tử) of fees and charges: one per kind
-- of collection of a payment, numbered from 1 without gaps per unit and
-- series (the series carries the year). The unit's code and name are kept
-- as printed: an issued receipt does not change when the unit is renamed.
CREATE TABLE receipt_counters (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    series  TEXT NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (unit_id, series)
);

CREATE TABLE receipts (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    unit_code    TEXT NOT NULL,
    unit_name    TEXT NOT NULL,
    form         TEXT NOT NULL,
    series       TEXT NOT NULL,
    number       INTEGER NOT NULL CHECK (number > 0),
    kind         TEXT NOT NULL CHECK (kind IN ('phi', 'le_phi')),
    issued_at    TIMESTAMP NOT NULL,
    payer        TEXT NOT NULL,
    items        TEXT NOT NULL,
    total        INTEGER NOT NULL CHECK (total > 0),
    method       TEXT NOT NULL CHECK (method IN ('online', 'cash', 'transfer')),
    payment_ref  TEXT NOT NULL DEFAULT '',
    dossier_code TEXT NOT NULL DEFAULT '',
    UNIQUE (unit_id, series, number)
);
-- A payment gets its receipts once, however many callbacks settle it.
CREATE UNIQUE INDEX receipts_payment ON receipts(payment_ref, kind) WHERE payment_ref <> '';
CREATE INDEX receipts_dossier ON receipts(dossier_code, id);

-- +goose Down
DROP TABLE receipts;
DROP TABLE receipt_counters;
