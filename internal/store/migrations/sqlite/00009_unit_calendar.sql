-- +goose Up
-- Calendar overrides may be made for one unit (and the units below it) by
-- its administrator; unit_id 0 is the deployment-wide calendar.
CREATE TABLE calendar_overrides_by_unit (
    unit_id INTEGER NOT NULL DEFAULT 0,
    day     TEXT NOT NULL,
    kind    TEXT NOT NULL,
    reason  TEXT NOT NULL,
    PRIMARY KEY (unit_id, day)
);
INSERT INTO calendar_overrides_by_unit (unit_id, day, kind, reason) SELECT 0, day, kind, reason FROM calendar_overrides;
DROP TABLE calendar_overrides;
ALTER TABLE calendar_overrides_by_unit RENAME TO calendar_overrides;

-- +goose Down
CREATE TABLE calendar_overrides_old (
    day    TEXT PRIMARY KEY,
    kind   TEXT NOT NULL,
    reason TEXT NOT NULL
);
INSERT INTO calendar_overrides_old (day, kind, reason) SELECT day, kind, reason FROM calendar_overrides WHERE unit_id = 0;
DROP TABLE calendar_overrides;
ALTER TABLE calendar_overrides_old RENAME TO calendar_overrides;
