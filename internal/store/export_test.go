package store

import (
	"context"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// ScanStatsRows exposes the scan behind StatsRows to the tests, which
// check that the summary answers the same.
func (db *DB) ScanStatsRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, by string) ([]stats.Report, error) {
	group := map[string]string{"": "", "field": "p.field", "level": "p.unit_level", "procedure": sqlProcedureGroup}[by]
	return db.scanStatsRows(ctx, unit, from, to, now, own, flt, group)
}

// MigrateDownTo rolls the schema back to version v (for tests of a
// migration's data step).
func (db *DB) MigrateDownTo(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}
