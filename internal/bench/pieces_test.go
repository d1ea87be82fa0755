package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestDashboardPieces times, on a store the bench command kept, each query
// of the city's dashboard over last calendar year, by wall time and by the
// process's CPU time (which other work on the machine disturbs less), best
// of three; then the pages as the bench times them. It runs only when
// MOTCUA_BENCH_STORE names the store:
//
//	./motcua bench --dossiers 200000 --keep /tmp/b200k
//	MOTCUA_BENCH_STORE=sqlite:/tmp/b200k/bench.db go test ./internal/bench -run TestDashboardPieces -v
//
// (MOTCUA_BENCH_MONTH=1: this month to now instead;
// MOTCUA_SQLITE_READ_CACHE_MB: the readers' page cache;
// MOTCUA_BENCH_SCAN=1: the level-4 figures by a scan too). Each piece is
// timed warm (run again at once) and cold (after a commit, which makes
// every SQLite reader drop its page cache, as the city's writes do all
// day). The store is migrated, and the pages add a staff account to it:
// time it on a copy.
func TestDashboardPieces(t *testing.T) {
	path := os.Getenv("MOTCUA_BENCH_STORE")
	if path == "" {
		t.Skip("MOTCUA_BENCH_STORE names no kept bench store")
	}
	ctx := context.Background()
	cacheMB := store.DefaultSQLiteReadCacheMB
	if v := os.Getenv("MOTCUA_SQLITE_READ_CACHE_MB"); v != "" {
		var err error
		if cacheMB, err = strconv.Atoi(v); err != nil {
			t.Fatalf("MOTCUA_SQLITE_READ_CACHE_MB: %v", err)
		}
	}
	db, err := store.OpenWith(ctx, path, store.Options{SQLiteMmapMB: store.DefaultSQLiteMmapMB, SQLiteReadCacheMB: cacheMB})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fx, err := fixtureOf(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	y := now.In(store.Zone).Year() - 1
	from, to := time.Date(y, 1, 1, 0, 0, 0, 0, store.Zone), time.Date(y+1, 1, 1, 0, 0, 0, 0, store.Zone)
	if os.Getenv("MOTCUA_BENCH_MONTH") != "" {
		yy, mm, _ := now.In(store.Zone).Date()
		from, to = time.Date(yy, mm, 1, 0, 0, 0, 0, store.Zone), now
	}
	c := fx.city
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	// A commit that changes a page: each reader's next read finds the
	// database changed and empties its cache.
	touch := func() {
		if err := db.WriteTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE units SET name = name WHERE id = (SELECT MIN(id) FROM units)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	timed := func(name string, fn func() error) {
		best, bestCPU := time.Hour, time.Hour
		cold, coldCPU := time.Hour, time.Hour
		for range 3 {
			touch()
			t0, c0 := time.Now(), cpu()
			if err := fn(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			cold, coldCPU = min(cold, time.Since(t0)), min(coldCPU, cpu()-c0)
			t0, c0 = time.Now(), cpu()
			if err := fn(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			best, bestCPU = min(best, time.Since(t0)), min(bestCPU, cpu()-c0)
		}
		fmt.Printf("%-34s warm: wall %-12v cpu %-12v cold: wall %-12v cpu %v\n", name, best.Round(time.Microsecond), bestCPU.Round(time.Microsecond),
			cold.Round(time.Microsecond), coldCPU.Round(time.Microsecond))
	}
	kids, err := db.ChildUnits(ctx, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	timed("headline (StatsFiltered)", func() error {
		_, err := db.StatsFiltered(ctx, c, from, to, now, false, stats.Filter{})
		return err
	})
	timed("units below, one query", func() error {
		_, err := db.StatsChildren(ctx, c, kids, from, to, now, stats.Filter{})
		return err
	})
	timed("units below, one by one", func() error {
		for i := range kids {
			if _, err := db.StatsFiltered(ctx, &kids[i], from, to, now, false, stats.Filter{}); err != nil {
				return err
			}
		}
		return nil
	})
	timed("level-4 figures (counters)", func() error { _, err := db.Level4(ctx, c, from, to, now, false); return err })
	if os.Getenv("MOTCUA_BENCH_SCAN") != "" { // a minute a run at 10M
		timed("level-4 figures (scan)", func() error { _, err := db.ScanLevel4(ctx, c, from, to, false); return err })
	}
	timed("by procedure", func() error {
		_, err := db.StatsRows(ctx, c, from, to, now, false, stats.Filter{}, "procedure")
		return err
	})
	timed("real use (by unit and procedure)", func() error { _, _, err := db.RealUse(ctx, c, from, to, now); return err })
	timed("12-month trends, one query", func() error {
		_, err := db.StatsMonths(ctx, c, time.Date(y, 1, 1, 0, 0, 0, 0, store.Zone), 12, false, stats.Filter{})
		return err
	})
	var rep Report
	if err := dashboards(ctx, db, fx, Options{DB: db, FilesDir: t.TempDir(), Log: os.Stderr}, &rep); err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Pages {
		fmt.Println(p)
	}
	if len(fx.districts) > 0 && len(fx.communes) > 0 {
		if err := drillDown(ctx, db, fx, Options{Queries: 400, Duration: 2 * time.Second}, &rep); err != nil {
			t.Fatal(err)
		}
		rep.printDrills(os.Stdout)
	}
}
