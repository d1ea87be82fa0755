-- +goose Up
-- The statistics summary counts the dossiers received by post (the part of
-- recv_counter whose channel is post), so that the dashboards' "received
-- by post" reads counters instead of the period's dossiers. The counters of
-- dossiers already summarised are filled from the dossiers.
ALTER TABLE stats_dossiers ADD COLUMN post BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE stats_daily ADD COLUMN recv_post BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_subtree_monthly ADD COLUMN recv_post BIGINT NOT NULL DEFAULT 0;

UPDATE stats_dossiers SET post = true
WHERE dossier_id IN (SELECT id FROM dossiers WHERE channel = 'post');

UPDATE stats_daily SET recv_post = c.n
FROM (SELECT recv_unit_id, procedure_id, recv_day, COUNT(*) AS n FROM stats_dossiers WHERE post
      GROUP BY recv_unit_id, procedure_id, recv_day) c
WHERE stats_daily.unit_id = c.recv_unit_id AND stats_daily.procedure_id = c.procedure_id AND stats_daily.day = c.recv_day;

UPDATE stats_subtree_monthly SET recv_post = c.n
FROM (SELECT anc.aid, s.procedure_id, s.day / 100 AS month, SUM(s.recv_post) AS n
      FROM stats_daily s
      JOIN (SELECT u.id AS uid, a.id AS aid FROM units u JOIN units a
              ON a.path <> '' AND u.path >= a.path AND u.path < substr(a.path, 1, length(a.path) - 1) || '0') anc
          ON anc.uid = s.unit_id
      WHERE s.recv_post > 0
      GROUP BY anc.aid, s.procedure_id, s.day / 100) c
WHERE stats_subtree_monthly.unit_id = c.aid AND stats_subtree_monthly.procedure_id = c.procedure_id
    AND stats_subtree_monthly.month = c.month;

-- The subtrees' rows of all procedures together (procedure_id 0): a report
-- without a filter reads one row a month instead of one per procedure.
INSERT INTO stats_subtree_monthly (unit_id, procedure_id, month, recv_online, recv_counter, recv_l3, recv_l3_online, recv_fin, held_recv, held_fin, fin_early, fin_on_time, fin_late, due_all, due_fin, due_paused, supp_recv, supp_fin, rate_very, rate_sat, rate_dis, rate_desk, recv_post)
SELECT unit_id, 0, month, SUM(recv_online), SUM(recv_counter), SUM(recv_l3), SUM(recv_l3_online), SUM(recv_fin), SUM(held_recv), SUM(held_fin), SUM(fin_early), SUM(fin_on_time), SUM(fin_late), SUM(due_all), SUM(due_fin), SUM(due_paused), SUM(supp_recv), SUM(supp_fin), SUM(rate_very), SUM(rate_sat), SUM(rate_dis), SUM(rate_desk), SUM(recv_post)
FROM stats_subtree_monthly WHERE procedure_id <> 0
GROUP BY unit_id, month;

-- The rows of all procedures of a period's months, for every unit at once
-- (a unit's own receptions, realuse.go): read from this index alone.
CREATE INDEX stats_subtree_monthly_all ON stats_subtree_monthly(month, unit_id, recv_l3, recv_l3_online)
    WHERE procedure_id = 0;

-- The measure of real use by unit (realuse.go) sums the period's
-- receptions by unit: this index holds only the daily rows that count a
-- reception, with the columns it reads, instead of every row of the period.
CREATE INDEX stats_daily_receptions ON stats_daily(day, unit_id, procedure_id, recv_online, recv_l3, recv_l3_online)
    WHERE recv_online > 0 OR recv_l3 > 0;
-- And whether a unit's service received an online dossier in the period:
-- one probe of this index for each service offered.
CREATE INDEX stats_daily_online ON stats_daily(unit_id, procedure_id, day) WHERE recv_online > 0;

-- +goose Down
DROP INDEX stats_subtree_monthly_all;
DROP INDEX stats_daily_online;
DROP INDEX stats_daily_receptions;
DELETE FROM stats_subtree_monthly WHERE procedure_id = 0;
ALTER TABLE stats_subtree_monthly DROP COLUMN recv_post;
ALTER TABLE stats_daily DROP COLUMN recv_post;
ALTER TABLE stats_dossiers DROP COLUMN post;
