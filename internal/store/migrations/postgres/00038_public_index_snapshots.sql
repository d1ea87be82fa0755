-- +goose Up
-- The public index's figures (/chi-so, internal/portal/index.go) as a
-- daily snapshot: the rows of one table of the index (key: the units
-- ranked together, or one unit's procedures) over the 12 months of whole
-- days ending at the start of day, computed once (by the job shortly after
-- midnight or by the day's first visitor) so that no visitor waits for the
-- year of decided dossiers the medians scan. day is the period's end, the
-- local date YYYY-MM-DD; figures the JSON of the figures.
CREATE TABLE public_index_snapshots (
    day         TEXT NOT NULL,
    key         TEXT NOT NULL,
    figures     TEXT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (day, key)
);

-- +goose Down
DROP TABLE public_index_snapshots;
