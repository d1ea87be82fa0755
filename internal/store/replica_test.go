package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestReportsFromReplica: with --db-replica, report queries read the
// replica and everything else the primary. The "replica" is another
// migrated schema from which a table the level-4 report reads was
// dropped: the report fails there, and only there.
func TestReportsFromReplica(t *testing.T) {
	ctx := context.Background()
	primary := storetest.Open(t, store.Postgres)
	replica, replicaDSN := storetest.OpenDSN(t, store.Postgres)
	city := org.Unit{Code: "000.00.00.H26", Name: "Thành phố Hà Nội", Kind: org.KindCity}
	if err := primary.UpsertUnits(ctx, []org.Unit{city}); err != nil {
		t.Fatal(err)
	}
	u, err := primary.UnitByCode(ctx, city.Code)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := primary.Level4(ctx, u, now.AddDate(-1, 0, 0), now, now, false); err != nil {
		t.Fatalf("the report on the primary: %v", err)
	}
	if err := replica.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DROP TABLE payment_requests CASCADE`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sqlite := storetest.Open(t, store.SQLite)
	if err := sqlite.UseReplica(ctx, replicaDSN); err == nil {
		t.Error("a replica for a SQLite primary was accepted")
	}
	if err := primary.UseReplica(ctx, "sqlite:x.db"); err == nil {
		t.Error("a SQLite replica was accepted")
	}
	if err := primary.UseReplica(ctx, replicaDSN); err != nil {
		t.Fatal(err)
	}
	if _, err := primary.Level4(ctx, u, now.AddDate(-1, 0, 0), now, now, false); err == nil {
		t.Error("the report still reads the primary")
	}
	if _, err := primary.UnitByCode(ctx, city.Code); err != nil {
		t.Errorf("a page's read went to the replica: %v", err)
	}
}
