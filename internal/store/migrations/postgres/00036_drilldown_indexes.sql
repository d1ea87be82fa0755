-- +goose Up
-- The drill-down lists (internal/store/drilldown.go) read the summary's
-- per-dossier states a page at a time, along these indexes: each list is
-- one or a few ranges of one of them, in the order it is shown (the day,
-- then the dossier), so that its first page reads about a page of index
-- entries. The unit-led indexes serve a small subtree (a commune, a unit
-- alone); the day-led ones the city and big subtrees, walked in order and
-- filtered by unit; the finished ones by verdict. The open dossiers
-- (fin_day = 0) are kept apart by due day, paused or not: the overdue and
-- in-progress lists, carrying the other columns those lists and their
-- counts test, so that they are read without the table; paused_day finds
-- the few whose clock stopped after a past period's end. The indexes a new
-- dossier's state need not enter are partial: the summary's upkeep writes
-- these rows at every event that changes a state.
CREATE INDEX stats_dossiers_recv ON stats_dossiers(recv_unit_id, recv_day, dossier_id);
CREATE INDEX stats_dossiers_recv_day ON stats_dossiers(recv_day, dossier_id);
CREATE INDEX stats_dossiers_recv_fin ON stats_dossiers(recv_unit_id, fin_day, dossier_id);
CREATE INDEX stats_dossiers_held_fin ON stats_dossiers(held_unit_id, fin_day, dossier_id);
CREATE INDEX stats_dossiers_fin_day ON stats_dossiers(fin_day, dossier_id);
CREATE INDEX stats_dossiers_verdict ON stats_dossiers(verdict, fin_day, dossier_id) WHERE fin_day <> 0;
CREATE INDEX stats_dossiers_paused_day ON stats_dossiers(paused_day, dossier_id) WHERE paused_day <> 0;
CREATE INDEX stats_dossiers_open_due ON stats_dossiers(held_unit_id, paused, due_day, dossier_id, recv_day, paused_day, fin_day) WHERE fin_day = 0;
CREATE INDEX stats_dossiers_open_due_day ON stats_dossiers(paused, due_day, dossier_id, recv_day, paused_day, held_unit_id, fin_day) WHERE fin_day = 0;

-- +goose Down
DROP INDEX stats_dossiers_open_due_day;
DROP INDEX stats_dossiers_open_due;
DROP INDEX stats_dossiers_paused_day;
DROP INDEX stats_dossiers_verdict;
DROP INDEX stats_dossiers_fin_day;
DROP INDEX stats_dossiers_held_fin;
DROP INDEX stats_dossiers_recv_fin;
DROP INDEX stats_dossiers_recv_day;
DROP INDEX stats_dossiers_recv;
