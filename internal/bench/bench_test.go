package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store/storetest"
)

// TestRunSmall runs every measure on a small store of each engine, so that
// the benchmark cannot rot; it checks the figures exist, not their size
// (speed is read from the full run, see BENCHMARKS.md).
func TestRunSmall(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			db := storetest.Open(t, e)
			files := t.TempDir()
			// Two API servers on the one store stand for two serve
			// processes (the bench command starts real ones).
			var spawned int
			spawn := func(ctx context.Context, n int) ([]string, func(), error) {
				var urls []string
				var servers []*httptest.Server
				for range n {
					h, err := Handler(ctx, db, files, io.Discard)
					if err != nil {
						return nil, nil, err
					}
					s := httptest.NewServer(h)
					servers = append(servers, s)
					urls = append(urls, s.URL)
				}
				spawned += n
				return urls, func() {
					for _, s := range servers {
						s.Close()
					}
				}, nil
			}
			rep, err := Run(context.Background(), Options{DB: db, FilesDir: files, Dossiers: 3000,
				Duration: 300 * time.Millisecond, Concurrency: 8, Queries: 40, Spawn: spawn})
			if err != nil {
				t.Fatal(err)
			}
			if rep.RawCommits <= 0 || rep.Submissions <= 0 || rep.Tracking <= 0 || rep.Trivial <= 0 || rep.WorklistP95 <= 0 || rep.WorklistQueries < 40 ||
				rep.CityYearSummary <= 0 || rep.CityYearScan <= 0 || rep.DrillQueries < 10 || len(rep.Pages) != 6 || rep.DrillP95 <= 0 || len(rep.DrillByKind) == 0 || rep.DrillPastQueries < len(drillKinds) || len(rep.DrillPastByKind) == 0 ||
				rep.SubmissionsLat.P99 <= 0 || rep.TrackingLat.P99 <= 0 ||
				len(rep.Search) != 2 || rep.Search[1].Rate <= 0 || rep.Search[1].P99 <= 0 {
				t.Fatalf("missing figures: %+v", rep)
			}
			if spawned != 3 || len(rep.Processes) != 2 || rep.Processes[1].N != 2 || rep.Processes[1].Submissions.PerSecond <= 0 || rep.Processes[1].Tracking.PerSecond <= 0 {
				t.Errorf("the measure through one and two servers is missing: %d servers started, %+v", spawned, rep.Processes)
			}
			if !rep.CityYearEqual {
				t.Errorf("the city's yearly report from the summary differs from the scan")
			}
			var n int
			if err := db.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil || n < 3000 {
				t.Fatalf("seeded %d dossiers: %v", n, err)
			}
			var out bytes.Buffer
			rep.Print(&out)
			for _, want := range []string{"raw single-row insert commits/s", "API dossier submissions", "public tracking lookups", "p95", "2 serve process(es) behind one address", "city's yearly report", "drill-down lists", "overdue          city     first page", "city dashboard, last year", "city II.06a, last year, .xlsx", "catalogue search ?q=: 1 client"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
			// The same store measured again as a kept one (--reuse):
			// nothing seeded (50,000 asked: a run that seeded them would
			// show in the count), the measures taken all the same.
			again, err := Run(context.Background(), Options{DB: db, FilesDir: files, Dossiers: 50_000,
				Duration: 200 * time.Millisecond, Concurrency: 8, Queries: 20, Reuse: true})
			if err != nil {
				t.Fatal(err)
			}
			if !again.Reused || again.SeedSeconds != 0 || again.Dossiers < n || again.Submissions <= 0 || again.Tracking <= 0 || again.RawCommits <= 0 || again.DrillPastQueries == 0 {
				t.Fatalf("measuring a kept store again: %+v", again)
			}
			var m int
			if err := db.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&m); err != nil || m-n > 3000 {
				t.Errorf("measuring again went from %d to %d dossiers (%v): seeded again?", n, m, err)
			}
		})
	}
}

// TestLoadLatFirstError: workers failing with errors of different types
// end the measure with one of them (an atomic.Value panicked, which lost
// a ten-million-dossier run stopped by Ctrl-C).
func TestLoadLatFirstError(t *testing.T) {
	_, err := loadLat(context.Background(), Options{Duration: time.Second, Concurrency: 8}, func(worker, i int) error {
		if worker%2 == 0 {
			return context.Canceled // *errors.errorString
		}
		return fmt.Errorf("submission: %w", context.Canceled) // *fmt.wrapError
	})
	if err == nil {
		t.Fatal("no error from failing workers")
	}
}
