package bench

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestSeedNothingInTheFuture: the seeded archive holds what a live store
// can, nothing finished or delivered after the seed ran. Dossiers
// finished in the future made the bench's in-progress lists read
// thousands of rows a live store never has (25,278 at 10M).
func TestSeedNothingInTheFuture(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	fx, err := loadFixture(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// Enough for the last eight days to hold dossiers: 3 years of 20,000.
	if err := seed(ctx, db, fx, 20000); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	var future, finished, recent int
	err = db.WriteTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT
			COUNT(CASE WHEN finished_at > $1 OR delivered_at > $1 THEN 1 END),
			COUNT(finished_at),
			COUNT(CASE WHEN received_at > $2 AND status IN (4, 9) THEN 1 END)
			FROM dossiers`, after.UTC(), after.AddDate(0, 0, -8).UTC()).Scan(&future, &finished, &recent)
	})
	if err != nil {
		t.Fatal(err)
	}
	if future != 0 {
		t.Errorf("%d dossiers finished or delivered after the seed ran", future)
	}
	if finished == 0 || recent == 0 {
		t.Errorf("the seed finished %d dossiers, %d of the last eight days in progress or awaiting delivery: the archive's shape is lost", finished, recent)
	}
}
