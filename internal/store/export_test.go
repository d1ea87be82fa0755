package store

import (
	"context"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/dossier"
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

// CommitGroup commits ins as one group of the submitter, as if they had
// been queued together, and returns each one's outcome in their order.
func (db *DB) CommitGroup(ins []*dossier.NewDossier) ([]*dossier.Dossier, []error) {
	group := make([]*submitReq, len(ins))
	for i, in := range ins {
		sub, err := prepareSubmission(in)
		if err != nil {
			panic(err)
		}
		group[i] = &submitReq{ctx: context.Background(), sub: sub, done: make(chan submitRes, 1)}
	}
	db.sub.commit(slices.Clone(group)) // commit sorts its group
	ds, errs := make([]*dossier.Dossier, len(ins)), make([]error, len(ins))
	for i, r := range group {
		res := <-r.done
		ds[i], errs[i] = res.d, res.err
	}
	return ds, errs
}
