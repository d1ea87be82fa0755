-- +goose Up
-- The real-use probes (realuse.go: did the unit itself receive an online
-- dossier of this procedure over these months?) read only the months with
-- an online reception, in an index that holds their keys and count (so
-- that it covers the probe): a few bytes an entry, where a row of
-- stats_monthly carries twenty counters. At ten million dossiers a
-- reader's page cache is emptied by every commit, and the city's 15,000
-- probes read a year's entries from the file again at each page view.
CREATE INDEX stats_monthly_online ON stats_monthly(unit_id, procedure_id, month, recv_online) WHERE recv_online > 0;

-- +goose Down
DROP INDEX stats_monthly_online;
