-- +goose Up
-- A year's computed calendar (its Tết by the rule) confirmed by a city
-- administrator; years with an announced Tết in the code need none.
CREATE TABLE calendar_years (
    year            INTEGER PRIMARY KEY,
    confirmed_at    BIGINT NOT NULL, -- Unix seconds
    confirmed_by    TEXT NOT NULL,
    confirmed_by_id BIGINT NOT NULL
);

-- Office hours of a unit (and the units below it without their own);
-- unit_id 0 is the city default.
CREATE TABLE office_hours (
    unit_id         BIGINT PRIMARY KEY,
    morning_start   TEXT NOT NULL,
    morning_end     TEXT NOT NULL,
    afternoon_start TEXT NOT NULL,
    afternoon_end   TEXT NOT NULL
);

-- +goose Down
DROP TABLE office_hours;
DROP TABLE calendar_years;
