-- +goose Up
-- The span buckets of the finished dossiers' states (spanbucket.go): the
-- in-progress and overdue lists of a past period read the dossiers that
-- finished after it from one window of these indexes per bucket, in the
-- order they are shown (by due day), instead of every dossier finished
-- since (drillStreams). The rule of spanBuckets, in SQL, for the states
-- already there; TestSpanBucketsMigration holds the two to each other.
ALTER TABLE stats_dossiers ADD COLUMN due_bucket SMALLINT NOT NULL DEFAULT -1;
ALTER TABLE stats_dossiers ADD COLUMN late_bucket SMALLINT NOT NULL DEFAULT -1;
UPDATE stats_dossiers SET
    due_bucket = CASE WHEN x.due_span < 2 THEN 0 WHEN x.due_span < 4 THEN 1 WHEN x.due_span < 8 THEN 2 WHEN x.due_span < 16 THEN 3 WHEN x.due_span < 32 THEN 4 WHEN x.due_span < 64 THEN 5 WHEN x.due_span < 128 THEN 6 WHEN x.due_span < 256 THEN 7 WHEN x.due_span < 512 THEN 8 WHEN x.due_span < 1024 THEN 9 WHEN x.due_span < 2048 THEN 10 WHEN x.due_span < 4096 THEN 11 WHEN x.due_span < 8192 THEN 12 WHEN x.due_span < 16384 THEN 13 WHEN x.due_span < 32768 THEN 14 WHEN x.due_span < 65536 THEN 15 ELSE 16 END,
    late_bucket = CASE WHEN x.late_span IS NULL THEN -1 ELSE CASE WHEN x.late_span < 2 THEN 0 WHEN x.late_span < 4 THEN 1 WHEN x.late_span < 8 THEN 2 WHEN x.late_span < 16 THEN 3 WHEN x.late_span < 32 THEN 4 WHEN x.late_span < 64 THEN 5 WHEN x.late_span < 128 THEN 6 WHEN x.late_span < 256 THEN 7 WHEN x.late_span < 512 THEN 8 WHEN x.late_span < 1024 THEN 9 WHEN x.late_span < 2048 THEN 10 WHEN x.late_span < 4096 THEN 11 WHEN x.late_span < 8192 THEN 12 WHEN x.late_span < 16384 THEN 13 WHEN x.late_span < 32768 THEN 14 WHEN x.late_span < 65536 THEN 15 ELSE 16 END END
FROM (SELECT dossier_id,
        CAST(julianday(printf('%04d-%02d-%02d', CASE WHEN due_day <> 0 THEN due_day ELSE fin_day END / 10000, CASE WHEN due_day <> 0 THEN due_day ELSE fin_day END / 100 % 100, CASE WHEN due_day <> 0 THEN due_day ELSE fin_day END % 100)) - julianday(printf('%04d-%02d-%02d', recv_day / 10000, recv_day / 100 % 100, recv_day % 100)) AS INTEGER) AS due_span,
        CASE WHEN due_day <> 0 AND fin_day > due_day THEN CAST(julianday(printf('%04d-%02d-%02d', fin_day / 10000, fin_day / 100 % 100, fin_day % 100)) - julianday(printf('%04d-%02d-%02d', due_day / 10000, due_day / 100 % 100, due_day % 100)) AS INTEGER) END AS late_span
    FROM stats_dossiers WHERE fin_day <> 0 AND recv_day <> 0) x
WHERE stats_dossiers.dossier_id = x.dossier_id;
-- Due on or after a day: within their deadline at it.
CREATE INDEX stats_dossiers_due_span ON stats_dossiers(due_bucket, due_day, dossier_id, recv_day, fin_day, held_unit_id) WHERE due_bucket >= 0 AND due_day <> 0;
-- Without a due date: by reception day.
CREATE INDEX stats_dossiers_nodue_span ON stats_dossiers(due_bucket, recv_day, dossier_id, fin_day, held_unit_id) WHERE due_bucket >= 0 AND due_day = 0;
-- Finished late: overdue before they finished.
CREATE INDEX stats_dossiers_late_span ON stats_dossiers(late_bucket, due_day, dossier_id, recv_day, fin_day, held_unit_id) WHERE late_bucket >= 0;
-- No ANALYZE: the drill-down lists' plans are those SQLite makes without
-- statistics. With them (measured at 10M dossiers) it skip-scanned
-- stats_dossiers_held_fin for the open overdue dossiers, 6 s a page.

-- +goose Down
DROP INDEX stats_dossiers_late_span;
DROP INDEX stats_dossiers_nodue_span;
DROP INDEX stats_dossiers_due_span;
ALTER TABLE stats_dossiers DROP COLUMN late_bucket;
ALTER TABLE stats_dossiers DROP COLUMN due_bucket;
