-- +goose Up
-- The statistics summary's days by subtree (see internal/store/summary.go):
-- stats_subtree_monthly by day. The counters of stats_daily summed over
-- every unit's subtree (unit_id is an ancestor-or-self of the unit the
-- daily row counts), by procedure and once more for every procedure
-- together (procedure_id 0). A period whose edge falls inside a month
-- (this month to now, a year to date) reads the unit's own rows of the
-- edge's days here, a row a day and procedure, instead of every daily row
-- of every unit below it: 10,075 rows for the city's first five days of a
-- month at a million dossiers, a number that grows with the dossiers. The
-- key puts the day before the procedure: a unit's days are one range.
CREATE TABLE stats_subtree_daily (
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
    recv_post      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day, procedure_id)
);

-- The counters already kept, carried up (the statements RebuildSummary runs).
INSERT INTO stats_subtree_daily (unit_id, procedure_id, day, recv_online, recv_counter, recv_l3, recv_l3_online, recv_fin, held_recv, held_fin, fin_early, fin_on_time, fin_late, due_all, due_fin, due_paused, supp_recv, supp_fin, rate_very, rate_sat, rate_dis, rate_desk, recv_post)
SELECT anc.aid, s.procedure_id, s.day, SUM(s.recv_online), SUM(s.recv_counter), SUM(s.recv_l3), SUM(s.recv_l3_online), SUM(s.recv_fin), SUM(s.held_recv), SUM(s.held_fin), SUM(s.fin_early), SUM(s.fin_on_time), SUM(s.fin_late), SUM(s.due_all), SUM(s.due_fin), SUM(s.due_paused), SUM(s.supp_recv), SUM(s.supp_fin), SUM(s.rate_very), SUM(s.rate_sat), SUM(s.rate_dis), SUM(s.rate_desk), SUM(s.recv_post)
FROM stats_daily s
JOIN (SELECT u.id AS uid, a.id AS aid FROM units u JOIN units a
        ON a.path <> '' AND u.path >= a.path AND u.path < substr(a.path, 1, length(a.path) - 1) || '0') anc
    ON anc.uid = s.unit_id
GROUP BY anc.aid, s.procedure_id, s.day;
INSERT INTO stats_subtree_daily (unit_id, procedure_id, day, recv_online, recv_counter, recv_l3, recv_l3_online, recv_fin, held_recv, held_fin, fin_early, fin_on_time, fin_late, due_all, due_fin, due_paused, supp_recv, supp_fin, rate_very, rate_sat, rate_dis, rate_desk, recv_post)
SELECT s.unit_id, 0, s.day, SUM(s.recv_online), SUM(s.recv_counter), SUM(s.recv_l3), SUM(s.recv_l3_online), SUM(s.recv_fin), SUM(s.held_recv), SUM(s.held_fin), SUM(s.fin_early), SUM(s.fin_on_time), SUM(s.fin_late), SUM(s.due_all), SUM(s.due_fin), SUM(s.due_paused), SUM(s.supp_recv), SUM(s.supp_fin), SUM(s.rate_very), SUM(s.rate_sat), SUM(s.rate_dis), SUM(s.rate_desk), SUM(s.recv_post)
FROM stats_subtree_daily s WHERE s.procedure_id <> 0
GROUP BY s.unit_id, s.day;

-- A unit's own receptions over a period's edge days (realuse.go) now read
-- the subtrees' days too: the index of daily receptions served only them.
DROP INDEX stats_daily_receptions;

-- +goose Down
CREATE INDEX stats_daily_receptions ON stats_daily(day, unit_id, procedure_id, recv_online, recv_l3, recv_l3_online)
    WHERE recv_online > 0 OR recv_l3 > 0;
DROP TABLE stats_subtree_daily;
