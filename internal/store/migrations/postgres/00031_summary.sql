-- +goose Up
-- The statistics summary (see internal/store/summary.go): counters per unit,
-- procedure and local day, kept in the transaction of each dossier event,
-- and the last state of each counted dossier that the counters hold, from
-- which the next event's change is computed. Days are yyyymmdd integers of
-- the Asia/Ho_Chi_Minh calendar.
CREATE TABLE stats_daily (
    unit_id        BIGINT NOT NULL,
    procedure_id   BIGINT NOT NULL,
    day            INTEGER NOT NULL,
    recv_online    BIGINT NOT NULL DEFAULT 0,
    recv_counter   BIGINT NOT NULL DEFAULT 0,
    recv_l3        BIGINT NOT NULL DEFAULT 0,
    recv_l3_online BIGINT NOT NULL DEFAULT 0,
    recv_fin       BIGINT NOT NULL DEFAULT 0,
    held_recv      BIGINT NOT NULL DEFAULT 0,
    held_fin       BIGINT NOT NULL DEFAULT 0,
    fin_early      BIGINT NOT NULL DEFAULT 0,
    fin_on_time    BIGINT NOT NULL DEFAULT 0,
    fin_late       BIGINT NOT NULL DEFAULT 0,
    due_all        BIGINT NOT NULL DEFAULT 0,
    due_fin        BIGINT NOT NULL DEFAULT 0,
    due_paused     BIGINT NOT NULL DEFAULT 0,
    supp_recv      BIGINT NOT NULL DEFAULT 0,
    supp_fin       BIGINT NOT NULL DEFAULT 0,
    rate_very      BIGINT NOT NULL DEFAULT 0,
    rate_sat       BIGINT NOT NULL DEFAULT 0,
    rate_dis       BIGINT NOT NULL DEFAULT 0,
    rate_desk      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, procedure_id, day)
);
CREATE INDEX stats_daily_day ON stats_daily(day);

CREATE TABLE stats_dossiers (
    dossier_id   BIGINT PRIMARY KEY,
    procedure_id BIGINT NOT NULL,
    recv_unit_id BIGINT NOT NULL,
    held_unit_id BIGINT NOT NULL,
    online       BOOLEAN NOT NULL,
    l3           BOOLEAN NOT NULL,
    recv_day     INTEGER NOT NULL,
    fin_day      INTEGER NOT NULL,
    verdict      TEXT NOT NULL,
    due_day      INTEGER NOT NULL,
    paused       BOOLEAN NOT NULL,
    paused_day   INTEGER NOT NULL,
    supp_multi   BOOLEAN NOT NULL,
    rated_day    INTEGER NOT NULL,
    rating       TEXT NOT NULL,
    rate_desk    BOOLEAN NOT NULL
);

-- +goose Down
DROP TABLE stats_dossiers;
DROP TABLE stats_daily;
