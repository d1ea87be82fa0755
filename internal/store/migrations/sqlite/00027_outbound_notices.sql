-- +goose Up
-- The notices sent to citizens about their dossiers, one row per event and
-- channel: written (with its job) before anything leaves, so that a notice
-- is sent once per change and its outcome is shown to staff. The recipient
-- is kept because the job sends to the contact the citizen had when the
-- change happened.
CREATE TABLE outbound_notices (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    event_id     INTEGER NOT NULL REFERENCES events(id),
    account_id   INTEGER REFERENCES accounts(id),
    kind         TEXT NOT NULL CHECK (kind IN ('progress', 'result')),
    channel      TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'zalo')),
    recipient    TEXT NOT NULL,
    lang         TEXT NOT NULL DEFAULT 'vi',
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    provider_ref TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    -- Billable parts of a sent SMS (160 GSM-7 / 70 UCS-2 characters each,
    -- 153 / 67 when concatenated); 1 for other channels.
    parts        INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP
);
CREATE UNIQUE INDEX outbound_notices_event ON outbound_notices(event_id, channel);
-- The per-dossier, per-channel order of sending.
CREATE INDEX outbound_notices_dossier ON outbound_notices(dossier_id, channel, id);
-- The language notices are written in: the portal's language when the
-- citizen last saved their notification choices.
ALTER TABLE accounts ADD COLUMN notice_lang TEXT NOT NULL DEFAULT 'vi';

-- +goose Down
ALTER TABLE accounts DROP COLUMN notice_lang;
DROP TABLE outbound_notices;
