-- +goose Up
-- What the national e-ID vouched for besides the name: the date of birth
-- (yyyy-mm-dd, '' unknown) and the level of assurance exactly as the
-- provider sent it (VNeID's loAs "2", or an acr URI; '' unknown). A later
-- e-ID login refreshes them: the e-ID is the authority.
ALTER TABLE accounts ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN assurance_level TEXT NOT NULL DEFAULT '';

-- The channels a citizen chose per kind of notice (progress, result) and
-- channel (email, sms, zalo). An account without rows never chose: the
-- defaults apply (account.Preferences). Saving a choice writes every
-- kind and channel, enabled or not, so that "chose none" differs from
-- "never chose".
CREATE TABLE notification_prefs (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    event_kind TEXT NOT NULL,
    channel    TEXT NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (account_id, event_kind, channel)
);

-- +goose Down
DROP TABLE notification_prefs;
ALTER TABLE accounts DROP COLUMN assurance_level;
ALTER TABLE accounts DROP COLUMN birth_date;
