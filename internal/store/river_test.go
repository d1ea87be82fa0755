package store_test

import (
	"context"
	"testing"

	"github.com/riverqueue/river/rivermigrate"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// River's tables migrate with motcua's, into the store's own schema, and
// migrating again changes nothing.
func TestRiverMigrations(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db, dsn := storetest.OpenDSN(t, e)
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("second migrate applied %d: %v", n, err)
		}
		m, err := rivermigrate.New(db.RiverDriver(), nil)
		if err != nil {
			t.Fatal(err)
		}
		have, err := m.ExistingVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all := m.AllVersions()
		if len(have) != len(all) || have[len(have)-1].Version != all[len(all)-1].Version {
			t.Fatalf("River at %d of %d migrations", len(have), len(all))
		}
		q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('river_job', 'river_leader', 'river_migration', 'river_queue')`
		if e == store.Postgres {
			q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()
				AND table_name IN ('river_job', 'river_leader', 'river_migration', 'river_queue')`
		}
		var n int
		if err := rawDB(t, e, dsn).QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("%d of River's 4 tables in the store's schema", n)
		}
	})
}
