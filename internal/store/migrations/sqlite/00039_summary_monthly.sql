-- +goose Up
-- The statistics summary's own months (see internal/store/summary.go):
-- stats_daily summed by month, each row a unit's own (not its subtree's,
-- as in stats_subtree_monthly). The real-use measure (realuse.go) asks, for
-- every service a unit offers online, whether the unit itself received an
-- online dossier of it in the period: over the period's whole months that
-- is one probe of a few rows here instead of one of a row a day in
-- stats_daily, whose pages at ten million dossiers lie far past the memory
-- map and came back through read() at every page view.
CREATE TABLE stats_monthly (
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
    recv_post      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, procedure_id, month)
) WITHOUT ROWID;

-- The counters already kept (the statement RebuildSummary runs).
INSERT INTO stats_monthly (unit_id, procedure_id, month, recv_online, recv_counter, recv_l3, recv_l3_online, recv_fin, held_recv, held_fin, fin_early, fin_on_time, fin_late, due_all, due_fin, due_paused, supp_recv, supp_fin, rate_very, rate_sat, rate_dis, rate_desk, recv_post)
SELECT s.unit_id, s.procedure_id, s.day / 100, SUM(s.recv_online), SUM(s.recv_counter), SUM(s.recv_l3), SUM(s.recv_l3_online), SUM(s.recv_fin), SUM(s.held_recv), SUM(s.held_fin), SUM(s.fin_early), SUM(s.fin_on_time), SUM(s.fin_late), SUM(s.due_all), SUM(s.due_fin), SUM(s.due_paused), SUM(s.supp_recv), SUM(s.supp_fin), SUM(s.rate_very), SUM(s.rate_sat), SUM(s.rate_dis), SUM(s.rate_desk), SUM(s.recv_post)
FROM stats_daily s
GROUP BY s.unit_id, s.procedure_id, s.day / 100;

-- +goose Down
DROP TABLE stats_monthly;
