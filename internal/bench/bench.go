// Package bench measures the figures the platform promises, in one run on
// one engine: raw single-row commits per second, API submissions per second
// (durable before the 201), public tracking lookups per second beside a
// trivial handler, the catalogue search at one and many clients, and the
// staff worklist's latency on a million dossiers.
package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/server"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// Options tune a run.
type Options struct {
	DB          *store.DB
	FilesDir    string
	Dossiers    int           // rows for the worklist measure (default 1,000,000)
	Duration    time.Duration // per throughput measure (default 5 s)
	Concurrency int           // clients at once (default 64)
	Queries     int           // worklist queries (default 2,000)
	Log         io.Writer     // progress
	// Spawn, when set, starts n serve processes on the same store and
	// files and returns their base URLs and how to stop them; the run then
	// measures submissions and tracking through one address in front of
	// one and of two processes.
	Spawn func(ctx context.Context, n int) (urls []string, stop func(), err error)
	// Reuse measures a store an earlier run kept (--keep) as it is: no
	// seeding, no rebuild (SeedSeconds and RebuildSeconds stay 0), so
	// that the measures can be taken again, on a quiet machine, without
	// the hour a ten-million-dossier seed takes.
	Reuse bool
}

// Report holds the measured figures.
type Report struct {
	Engine      store.Dialect
	Concurrency int
	RawCommits  float64 // single-row INSERT transactions per second
	Submissions float64 // POST /api/v1/dossiers 201s per second
	Tracking    float64 // GET /api/v1/track/{code} per second
	Trivial     float64 // a handler that writes "ok" per second
	// SubmissionsLat, TrackingLat and TrivialLat are the same measures
	// with their latencies.
	SubmissionsLat, TrackingLat, TrivialLat Throughput
	Dossiers                                int
	WorklistQueries                         int
	WorklistP50                             time.Duration
	WorklistP95                             time.Duration
	WorklistP99                             time.Duration
	WorklistByKind                          []string
	SeedSeconds                             float64
	// RebuildSeconds is the time RebuildSummary took over the seeded
	// dossiers (the seed bypasses the per-event upkeep).
	RebuildSeconds float64
	// Reused: the run measured a kept store (Options.Reuse).
	Reused bool
	// CityYearSummary and CityYearScan are the best of five runs of the
	// city's report over the last calendar year, read from the summary
	// and counted from the dossiers; CityYearEqual says they agree.
	CityYearSummary, CityYearScan time.Duration
	CityYearEqual                 bool
	// Pages are the monitoring centre's pages and reports, timed whole
	// (dashboard.go).
	Pages []PageTiming
	// DrillQueries drill-down lists were timed (drilldown.go).
	DrillQueries                 int
	DrillP50, DrillP95, DrillP99 time.Duration
	// DrillByKind is the lists' p50/p95 by figure and level of unit.
	DrillByKind []string
	// DrillPast* are the first pages of the same lists over last
	// calendar year (not the dashboards' default period).
	DrillPastQueries int
	DrillPastP95     time.Duration
	DrillPastByKind  []string
	// Processes holds the submissions and tracking measured through one
	// address in front of separate serve processes, by their number
	// (processes.go); empty unless Options.Spawn is set.
	Processes []ProcessesRun
	// Search is GET /api/v1/procedures?q= at one client and at
	// Concurrency clients.
	Search []SearchFigures
}

// Print writes the report as the lines BENCHMARKS.md quotes.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "engine: %s, %d concurrent clients\n", r.Engine, r.Concurrency)
	fmt.Fprintf(w, "raw single-row insert commits/s: %.0f\n", r.RawCommits)
	fmt.Fprintf(w, "API dossier submissions (multipart, two PDF scans): %s  (%.2f× raw commits)\n", r.SubmissionsLat, r.Submissions/r.RawCommits)
	fmt.Fprintf(w, "trivial handler requests:        %s\n", r.TrivialLat)
	fmt.Fprintf(w, "public tracking lookups:         %s  (%.2f× trivial)\n", r.TrackingLat, r.Tracking/r.Trivial)
	fmt.Fprint(w, "catalogue search ?q=: ")
	for i, f := range r.Search {
		if i > 0 {
			fmt.Fprint(w, "; ")
		}
		fmt.Fprint(w, f)
	}
	fmt.Fprintln(w, "  (target p99 < 2ms at 1 client, < 20ms at 64)")
	fmt.Fprintf(w, "staff worklist on %d dossiers, %d queries: p50 %s, p95 %s, p99 %s (target p95 < 20ms)\n",
		r.Dossiers, r.WorklistQueries, r.WorklistP50.Round(10*time.Microsecond), r.WorklistP95.Round(10*time.Microsecond), r.WorklistP99.Round(10*time.Microsecond))
	for _, k := range r.WorklistByKind {
		fmt.Fprintln(w, "  "+k)
	}
	fmt.Fprintf(w, "city's yearly report: %s from the summary, %s scanning the dossiers (same figures: %v)\n",
		r.CityYearSummary.Round(10*time.Microsecond), r.CityYearScan.Round(10*time.Microsecond), r.CityYearEqual)
	for _, p := range r.Pages {
		fmt.Fprintln(w, p)
	}
	r.printDrills(w)
	for _, p := range r.Processes {
		fmt.Fprintf(w, "%d serve process(es) behind one address: submissions %s; tracking %s\n", p.N, p.Submissions, p.Tracking)
	}
	if r.Reused {
		fmt.Fprintf(w, "(a kept store measured again: about %d dossiers, not seeded by this run)\n", r.Dossiers)
		return
	}
	fmt.Fprintf(w, "(seeding the dossiers took %.0f s, rebuilding the statistics summary %.0f s)\n", r.SeedSeconds, r.RebuildSeconds)
}

func (o *Options) defaults() {
	if o.Dossiers == 0 {
		o.Dossiers = 1_000_000
	}
	if o.Duration == 0 {
		o.Duration = 5 * time.Second
	}
	if o.Concurrency == 0 {
		o.Concurrency = 64
	}
	if o.Queries == 0 {
		o.Queries = 2000
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Run loads the fixture into an empty store and measures.
func Run(ctx context.Context, o Options) (Report, error) {
	o.defaults()
	db := o.DB
	rep := Report{Engine: db.Dialect(), Concurrency: o.Concurrency}
	var fx *fixture
	var err error
	if o.Reuse {
		rep.Reused = true
		fmt.Fprintln(o.Log, "reading the kept store…")
		if fx, err = fixtureOf(ctx, db); err != nil {
			return rep, err
		}
		if fx.sampleCodes, rep.Dossiers, err = storedSample(ctx, db, 200); err != nil {
			return rep, err
		}
	} else {
		fmt.Fprintln(o.Log, "loading Hà Nội units and the catalogue…")
		if fx, err = loadFixture(ctx, db); err != nil {
			return rep, err
		}
		fmt.Fprintf(o.Log, "seeding %d dossiers…\n", o.Dossiers)
		t0 := time.Now()
		if err := seed(ctx, db, fx, o.Dossiers); err != nil {
			return rep, fmt.Errorf("seeding: %w", err)
		}
		rep.SeedSeconds = time.Since(t0).Seconds()
		rep.Dossiers = o.Dossiers
		fmt.Fprintln(o.Log, "rebuilding the statistics summary…")
		t0 = time.Now()
		if _, err := db.RebuildSummary(ctx); err != nil {
			return rep, err
		}
		rep.RebuildSeconds = time.Since(t0).Seconds()
	}

	fmt.Fprintln(o.Log, "measuring raw commits…")
	if rep.RawCommits, err = rawCommits(ctx, db, o); err != nil {
		return rep, err
	}

	h, err := Handler(ctx, db, o.FilesDir, o.Log)
	if err != nil {
		return rep, err
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Concurrency * 2, MaxConnsPerHost: o.Concurrency * 2}}

	tokens, err := citizenTokens(ctx, db, fx)
	if err != nil {
		return rep, err
	}
	fmt.Fprintln(o.Log, "measuring API submissions…")
	body := func(i int) (string, []byte) { return fx.submission(fx.communes[i%len(fx.communes)].Code) }
	var codesMu sync.Mutex
	var codes []string
	rep.SubmissionsLat, err = loadLat(ctx, o, func(worker, i int) error {
		ct, b := body(worker*7919 + i)
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/api/v1/dossiers", bytes.NewReader(b))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+tokens[worker%len(tokens)])
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var d struct {
			Code      string
			Documents []json.RawMessage
		}
		if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != 201 {
			return fmt.Errorf("submission answered %d", resp.StatusCode)
		}
		if len(d.Documents) < 2 {
			// For a while the measure sent none, unnoticed.
			return fmt.Errorf("submission %s holds %d documents, not the two scans sent", d.Code, len(d.Documents))
		}
		if i%8 == 0 {
			codesMu.Lock()
			codes = append(codes, d.Code)
			codesMu.Unlock()
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("submissions: %w", err)
	}
	rep.Submissions = rep.SubmissionsLat.PerSecond
	// Tracking reads codes spread over the whole table.
	codes = append(codes, fx.sampleCodes...)
	get := func(path string) func(worker, i int) error {
		return func(worker, i int) error {
			p := path
			if p == "" {
				p = "/api/v1/track/" + codes[(worker*104729+i*31)%len(codes)]
			}
			resp, err := client.Get(ts.URL + p)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return fmt.Errorf("GET %s answered %d", p, resp.StatusCode)
			}
			return nil
		}
	}
	fmt.Fprintln(o.Log, "measuring the trivial handler and public tracking…")
	if rep.TrivialLat, err = loadLat(ctx, o, get("/bench/trivial")); err != nil {
		return rep, err
	}
	if rep.TrackingLat, err = loadLat(ctx, o, get("")); err != nil {
		return rep, err
	}
	rep.Trivial, rep.Tracking = rep.TrivialLat.PerSecond, rep.TrackingLat.PerSecond
	fmt.Fprintln(o.Log, "measuring the catalogue search…")
	if rep.Search, err = search(ctx, o, ts.URL, client); err != nil {
		return rep, err
	}
	fmt.Fprintln(o.Log, "measuring the staff worklist…")
	if err := worklist(ctx, db, fx, o, ts, client, &rep); err != nil {
		return rep, err
	}
	fmt.Fprintln(o.Log, "measuring the city's yearly report…")
	if err := cityYear(ctx, db, fx, &rep); err != nil {
		return rep, err
	}
	fmt.Fprintln(o.Log, "measuring the dashboards and reports…")
	if err := dashboards(ctx, db, fx, o, &rep); err != nil {
		return rep, err
	}
	fmt.Fprintln(o.Log, "measuring the drill-down lists…")
	if err := drillDown(ctx, db, fx, o, &rep); err != nil {
		return rep, err
	}
	if o.Spawn != nil {
		ts.Close()
		for _, n := range []int{1, 2} {
			fmt.Fprintf(o.Log, "measuring %d serve process(es) behind one address…\n", n)
			pr, err := processes(ctx, o, n, tokens, codes, body)
			if err != nil {
				return rep, err
			}
			rep.Processes = append(rep.Processes, pr)
		}
	}
	return rep, nil
}

// printDrills prints the drill-down lists' figures: the dashboards'
// period by figure, level and page, then last calendar year's first pages.
func (r Report) printDrills(w io.Writer) {
	fmt.Fprintf(w, "drill-down lists (city, districts, communes; overdue, late, in progress, received online), %d queries: p50 %s, p95 %s, p99 %s\n",
		r.DrillQueries, r.DrillP50.Round(10*time.Microsecond), r.DrillP95.Round(10*time.Microsecond), r.DrillP99.Round(10*time.Microsecond))
	for _, k := range r.DrillByKind {
		fmt.Fprintln(w, "  "+k)
	}
	fmt.Fprintf(w, "drill-down lists over last calendar year, first pages, %d queries: p95 %s\n", r.DrillPastQueries, r.DrillPastP95.Round(10*time.Microsecond))
	for _, k := range r.DrillPastByKind {
		fmt.Fprintln(w, "  "+k)
	}
}

// Handler is the API as serve runs it on db, behind the same middleware,
// with a trivial handler at /bench/trivial beside it.
func Handler(ctx context.Context, db *store.DB, filesDir string, logTo io.Writer) (http.Handler, error) {
	a, err := newApp(ctx, db, filesDir, logTo)
	if err != nil {
		return nil, err
	}
	// The trivial handler goes through the same middleware as the API.
	trivial := func(mux *http.ServeMux) {
		mux.HandleFunc("GET /bench/trivial", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true}` + "\n"))
		})
	}
	srv := server.New(server.Options{Log: slog.New(slog.DiscardHandler), Health: db,
		Register: []func(*http.ServeMux){a.API.Register, trivial}})
	return srv.Handler, nil
}

// newApp assembles the application on db as serve would, logging
// warnings and errors to logTo.
func newApp(ctx context.Context, db *store.DB, filesDir string, logTo io.Writer) (*app.App, error) {
	cfg := config.Default()
	cfg.DB, cfg.FilesDir = "bench", filesDir
	if v := os.Getenv("MOTCUA_FILES_SYNC"); v != "" {
		cfg.FilesSync = v // to compare the two ways
	}
	return app.New(ctx, cfg, db, slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelWarn})), app.Options{})
}

// cityYear times the city's II.06a report over the last calendar year,
// from the summary and by the scan, best of five each.
func cityYear(ctx context.Context, db *store.DB, fx *fixture, rep *Report) error {
	city := fx.city
	now := time.Now()
	y := now.In(store.Zone).Year() - 1
	from, to := time.Date(y, 1, 1, 0, 0, 0, 0, store.Zone), time.Date(y+1, 1, 1, 0, 0, 0, 0, store.Zone)
	best := func(fn func() (stats.Report, error)) (time.Duration, stats.Report, error) {
		var min time.Duration
		var r stats.Report
		for i := range 5 {
			t0 := time.Now()
			var err error
			if r, err = fn(); err != nil {
				return 0, r, err
			}
			if d := time.Since(t0); i == 0 || d < min {
				min = d
			}
		}
		return min, r, nil
	}
	var sum, scan stats.Report
	var err error
	if rep.CityYearSummary, sum, err = best(func() (stats.Report, error) {
		return db.StatsFiltered(ctx, city, from, to, now, false, stats.Filter{})
	}); err != nil {
		return err
	}
	if rep.CityYearScan, scan, err = best(func() (stats.Report, error) {
		return db.ScanStats(ctx, city, from, to, now, false, stats.Filter{})
	}); err != nil {
		return err
	}
	rep.CityYearEqual = reflect.DeepEqual(sum, scan)
	return nil
}

// load runs fn from Concurrency workers for Duration and returns successful
// calls per second; the first error stops it.
func load(ctx context.Context, o Options, fn func(worker, i int) error) (float64, error) {
	m, err := loadLat(ctx, o, fn)
	return m.PerSecond, err
}

// Throughput is a load measure: successful calls per second and the
// latency of the calls.
type Throughput struct {
	PerSecond float64
	P50, P99  time.Duration
}

func (t Throughput) String() string {
	return fmt.Sprintf("%.0f/s, p50 %s, p99 %s", t.PerSecond, t.P50.Round(10*time.Microsecond), t.P99.Round(10*time.Microsecond))
}

// loadLat is load that also records each call's latency.
func loadLat(ctx context.Context, o Options, fn func(worker, i int) error) (Throughput, error) {
	var n atomic.Int64
	// The first error of any worker. (An atomic.Value panicked when two
	// workers failed with errors of different types: a cancelled run.)
	var errOnce sync.Once
	var firstErr error
	deadline := time.Now().Add(o.Duration)
	start := time.Now()
	var wg sync.WaitGroup
	lat := make([][]time.Duration, o.Concurrency)
	for w := range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				t0 := time.Now()
				if err := fn(w, i); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return Throughput{}, firstErr
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	return Throughput{PerSecond: float64(n.Load()) / time.Since(start).Seconds(), P50: percentile(all, 0.5), P99: percentile(all, 0.99)}, nil
}

// rawCommits measures single-row INSERT transactions through the same
// writer as the application: the price of one durable commit.
func rawCommits(ctx context.Context, db *store.DB, o Options) (float64, error) {
	if err := createRawTable(ctx, db); err != nil {
		return 0, err
	}
	var seq atomic.Int64
	return load(ctx, o, func(worker, i int) error { return rawCommit(ctx, db, seq.Add(1)) })
}

// createRawTable creates the table of rawCommit.
func createRawTable(ctx context.Context, db *store.DB) error {
	err := db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)`); err != nil {
			return err
		}
		// A kept store holds the last run's rows.
		_, err := tx.ExecContext(ctx, `DELETE FROM bench_raw`)
		return err
	})
	if err != nil {
		return fmt.Errorf("creating bench table: %w", err)
	}
	return nil
}

// rawCommit is one single-row INSERT transaction through the application's
// writer, row id.
func rawCommit(ctx context.Context, db *store.DB, id int64) error {
	return db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bench_raw (id, payload) VALUES ($1, $2)`, id, "một dòng dữ liệu thử")
		return err
	})
}

// percentile returns the p-th percentile of sorted durations.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[int(float64(len(d)-1)*p)]
}
