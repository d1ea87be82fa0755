// Package bench measures the figures the platform promises, in one run on
// one engine: raw single-row commits per second, API submissions per second
// (durable before the 201), public tracking lookups per second beside a
// trivial handler, and the staff worklist's latency on a million dossiers.
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
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/server"
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
}

// Report holds the measured figures.
type Report struct {
	Engine          store.Dialect
	Concurrency     int
	RawCommits      float64 // single-row INSERT transactions per second
	Submissions     float64 // POST /api/v1/dossiers 201s per second
	Tracking        float64 // GET /api/v1/track/{code} per second
	Trivial         float64 // a handler that writes "ok" per second
	Dossiers        int
	WorklistQueries int
	WorklistP50     time.Duration
	WorklistP95     time.Duration
	WorklistP99     time.Duration
	WorklistByKind  []string
	SeedSeconds     float64
}

// Print writes the report as the lines BENCHMARKS.md quotes.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "engine: %s, %d concurrent clients\n", r.Engine, r.Concurrency)
	fmt.Fprintf(w, "raw single-row insert commits/s: %.0f\n", r.RawCommits)
	fmt.Fprintf(w, "API dossier submissions/s:       %.0f  (%.2f× raw commits; target ≥ 1.0×)\n", r.Submissions, r.Submissions/r.RawCommits)
	fmt.Fprintf(w, "trivial handler requests/s:      %.0f\n", r.Trivial)
	fmt.Fprintf(w, "public tracking lookups/s:       %.0f  (%.2f× trivial; target ≥ 0.6×)\n", r.Tracking, r.Tracking/r.Trivial)
	fmt.Fprintf(w, "staff worklist on %d dossiers, %d queries: p50 %s, p95 %s, p99 %s (target p95 < 20ms)\n",
		r.Dossiers, r.WorklistQueries, r.WorklistP50.Round(10*time.Microsecond), r.WorklistP95.Round(10*time.Microsecond), r.WorklistP99.Round(10*time.Microsecond))
	for _, k := range r.WorklistByKind {
		fmt.Fprintln(w, "  "+k)
	}
	fmt.Fprintf(w, "(seeding the dossiers took %.0f s)\n", r.SeedSeconds)
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
	fmt.Fprintln(o.Log, "loading Hà Nội units and the catalogue…")
	fx, err := loadFixture(ctx, db)
	if err != nil {
		return rep, err
	}
	fmt.Fprintf(o.Log, "seeding %d dossiers…\n", o.Dossiers)
	t0 := time.Now()
	if err := seed(ctx, db, fx, o.Dossiers); err != nil {
		return rep, fmt.Errorf("seeding: %w", err)
	}
	rep.SeedSeconds = time.Since(t0).Seconds()
	rep.Dossiers = o.Dossiers

	fmt.Fprintln(o.Log, "measuring raw commits…")
	if rep.RawCommits, err = rawCommits(ctx, db, o); err != nil {
		return rep, err
	}

	cfg := config.Default()
	cfg.DB, cfg.FilesDir = "bench", o.FilesDir
	a, err := app.New(ctx, cfg, db, slog.New(slog.NewTextHandler(o.Log, &slog.HandlerOptions{Level: slog.LevelWarn})), app.Options{})
	if err != nil {
		return rep, err
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
	ts := httptest.NewServer(srv.Handler)
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
	rep.Submissions, err = load(ctx, o, func(worker, i int) error {
		ct, b := body(worker*7919 + i)
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/api/v1/dossiers", bytes.NewReader(b))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+tokens[worker%len(tokens)])
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var d struct{ Code string }
		if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != 201 {
			return fmt.Errorf("submission answered %d", resp.StatusCode)
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
	if rep.Trivial, err = load(ctx, o, get("/bench/trivial")); err != nil {
		return rep, err
	}
	if rep.Tracking, err = load(ctx, o, get("")); err != nil {
		return rep, err
	}
	fmt.Fprintln(o.Log, "measuring the staff worklist…")
	if err := worklist(ctx, db, fx, o, ts, client, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// load runs fn from Concurrency workers for Duration and returns successful
// calls per second; the first error stops it.
func load(ctx context.Context, o Options, fn func(worker, i int) error) (float64, error) {
	var n atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(o.Duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				if err := fn(w, i); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if e := firstErr.Load(); e != nil {
		return 0, e.(error)
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

// rawCommits measures single-row INSERT transactions through the same
// writer as the application: the price of one durable commit.
func rawCommits(ctx context.Context, db *store.DB, o Options) (float64, error) {
	err := db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("creating bench table: %w", err)
	}
	var seq atomic.Int64
	return load(ctx, o, func(worker, i int) error {
		id := seq.Add(1)
		return db.WriteTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO bench_raw (id, payload) VALUES ($1, $2)`, id, "một dòng dữ liệu thử")
			return err
		})
	})
}

// percentile returns the p-th percentile of sorted durations.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[int(float64(len(d)-1)*p)]
}
