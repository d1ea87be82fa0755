-- +goose Up
-- The level-4 indicators kept as counters (see internal/store/level4summary.go),
-- written in the transaction of each change that moves them: per unit and
-- local day (yyyymmdd, Asia/Ho_Chi_Minh), per ancestor-or-self unit and month
-- (yyyymm), and what each dossier adds to them, from which the next change's
-- difference is computed. A figure counts at the dossier's present unit.
-- The tables start empty: Migrate fills them from the dossiers and
-- payments once, right after this migration (store/migrate.go).
CREATE TABLE stats_level4_daily (
    unit_id             BIGINT NOT NULL,
    day                 INTEGER NOT NULL,
    fees_paid           BIGINT NOT NULL DEFAULT 0,
    fees_paid_online    BIGINT NOT NULL DEFAULT 0,
    online_tx           BIGINT NOT NULL DEFAULT 0,
    online_amount       BIGINT NOT NULL DEFAULT 0,
    finished            BIGINT NOT NULL DEFAULT 0,
    results_electronic  BIGINT NOT NULL DEFAULT 0,
    solved_fully_online BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);
-- A subtree's period with edges inside months reads the days between the
-- edges and the nearer end of their months, of every unit below.
CREATE INDEX stats_level4_daily_day ON stats_level4_daily(day);

CREATE TABLE stats_level4_subtree_monthly (
    unit_id             BIGINT NOT NULL,
    month               INTEGER NOT NULL,
    fees_paid           BIGINT NOT NULL DEFAULT 0,
    fees_paid_online    BIGINT NOT NULL DEFAULT 0,
    online_tx           BIGINT NOT NULL DEFAULT 0,
    online_amount       BIGINT NOT NULL DEFAULT 0,
    finished            BIGINT NOT NULL DEFAULT 0,
    results_electronic  BIGINT NOT NULL DEFAULT 0,
    solved_fully_online BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month)
);

CREATE TABLE stats_level4_dossiers (
    dossier_id          BIGINT NOT NULL,
    unit_id             BIGINT NOT NULL,
    day                 INTEGER NOT NULL,
    fees_paid           BIGINT NOT NULL DEFAULT 0,
    fees_paid_online    BIGINT NOT NULL DEFAULT 0,
    online_tx           BIGINT NOT NULL DEFAULT 0,
    online_amount       BIGINT NOT NULL DEFAULT 0,
    finished            BIGINT NOT NULL DEFAULT 0,
    results_electronic  BIGINT NOT NULL DEFAULT 0,
    solved_fully_online BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dossier_id, unit_id, day)
);

-- +goose Down
DROP TABLE stats_level4_dossiers;
DROP TABLE stats_level4_subtree_monthly;
DROP TABLE stats_level4_daily;
