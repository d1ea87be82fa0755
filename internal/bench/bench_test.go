package bench

import (
	"bytes"
	"context"
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
			rep, err := Run(context.Background(), Options{DB: db, FilesDir: t.TempDir(), Dossiers: 3000,
				Duration: 300 * time.Millisecond, Concurrency: 8, Queries: 40})
			if err != nil {
				t.Fatal(err)
			}
			if rep.RawCommits <= 0 || rep.Submissions <= 0 || rep.Tracking <= 0 || rep.Trivial <= 0 || rep.WorklistP95 <= 0 || rep.WorklistQueries < 40 ||
				rep.CityYearSummary <= 0 || rep.CityYearScan <= 0 || len(rep.Search) != 2 || rep.Search[1].Rate <= 0 || rep.Search[1].P99 <= 0 {
				t.Fatalf("missing figures: %+v", rep)
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
			for _, want := range []string{"raw single-row insert commits/s", "API dossier submissions/s", "public tracking lookups/s", "p95", "city's yearly report", "catalogue search ?q=: 1 client"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}
