-- +goose Up
-- The statistics summary's second level (see internal/store/summary.go): the
-- counters of stats_daily summed by month over every unit's subtree, so that
-- a unit's report reads its own rows of the months before the period's
-- edges instead of every daily row of every unit below it. unit_id is an
-- ancestor-or-self of the unit the daily row counts; months are yyyymm.
CREATE TABLE stats_subtree_monthly (
    unit_id        BIGINT NOT NULL,
    procedure_id   BIGINT NOT NULL,
    month          INTEGER NOT NULL,
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
    PRIMARY KEY (unit_id, procedure_id, month)
);

-- The counters already kept, carried up (the statement RebuildSummary runs).
INSERT INTO stats_subtree_monthly (unit_id, procedure_id, month, recv_online, recv_counter, recv_l3, recv_l3_online,
    recv_fin, held_recv, held_fin, fin_early, fin_on_time, fin_late, due_all, due_fin, due_paused, supp_recv, supp_fin,
    rate_very, rate_sat, rate_dis, rate_desk)
SELECT anc.aid, s.procedure_id, s.day / 100, SUM(s.recv_online), SUM(s.recv_counter), SUM(s.recv_l3), SUM(s.recv_l3_online),
    SUM(s.recv_fin), SUM(s.held_recv), SUM(s.held_fin), SUM(s.fin_early), SUM(s.fin_on_time), SUM(s.fin_late),
    SUM(s.due_all), SUM(s.due_fin), SUM(s.due_paused), SUM(s.supp_recv), SUM(s.supp_fin),
    SUM(s.rate_very), SUM(s.rate_sat), SUM(s.rate_dis), SUM(s.rate_desk)
FROM stats_daily s
JOIN (SELECT u.id AS uid, a.id AS aid FROM units u JOIN units a
        ON a.path <> '' AND u.path >= a.path AND u.path < substr(a.path, 1, length(a.path) - 1) || '0') anc
    ON anc.uid = s.unit_id
GROUP BY anc.aid, s.procedure_id, s.day / 100;

-- A report whose period holds now corrects the day's overdue count with the
-- open dossiers due later today (summaryRows): without this index it read
-- every dossier of the unit's subtree, the whole city for the city.
CREATE INDEX dossiers_open_legal_due ON dossiers(legal_due_at) WHERE status IN (2, 4, 5, 6);

-- +goose Down
DROP INDEX dossiers_open_legal_due;
DROP TABLE stats_subtree_monthly;
