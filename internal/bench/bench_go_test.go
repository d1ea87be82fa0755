package bench

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// benchServer is a server on a fresh store with the Hà Nội fixture and
// seedN dossiers, and the citizens' tokens.
func benchServer(b *testing.B, e store.Dialect, seedN int) (*httptest.Server, *fixture, []string) {
	db, fx := benchStore(b, e, seedN)
	ts, toks := serveApp(b, db, fx)
	return ts, fx, toks
}

// benchStore is a fresh store with the Hà Nội fixture and seedN dossiers.
func benchStore(b *testing.B, e store.Dialect, seedN int) (*store.DB, *fixture) {
	ctx := context.Background()
	db := storetest.Open(b, e)
	fx, err := loadFixture(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	if seedN > 0 {
		if err := seed(ctx, db, fx, seedN); err != nil {
			b.Fatal(err)
		}
	}
	return db, fx
}

// serveApp serves the application on db and answers the citizens' tokens.
func serveApp(b *testing.B, db *store.DB, fx *fixture) (*httptest.Server, []string) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.FilesDir = b.TempDir()
	a, err := app.New(ctx, cfg, db, slog.New(slog.DiscardHandler), app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(a.Server.Handler)
	b.Cleanup(ts.Close)
	toks, err := citizenTokens(ctx, db, fx)
	if err != nil {
		b.Fatal(err)
	}
	return ts, toks
}

// submitOnce sends one submission (the multipart body of fx.submission)
// as the citizen of tok and answers its status.
func submitOnce(c *http.Client, ts *httptest.Server, ct string, body []byte, tok string) (int, error) {
	req, err := http.NewRequest("POST", ts.URL+"/api/v1/dossiers", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// BenchmarkSubmit measures API submissions (durable before the 201).
func BenchmarkSubmit(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			ts, fx, toks := benchServer(b, e, 0)
			ct, body := fx.submission(fx.communes[0].Code)
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if status, err := submitOnce(ts.Client(), ts, ct, body, toks[0]); err != nil || status != 201 {
						b.Fatal(err, status)
					}
				}
			})
		})
	}
}

// BenchmarkRawCommit measures single-row INSERT transactions through the
// application's writer, as the bench's raw commits do (rawCommits), at
// BenchmarkSubmit's parallelism: what issue 14 compares submissions with.
func BenchmarkRawCommit(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, e)
			if err := createRawTable(ctx, db); err != nil {
				b.Fatal(err)
			}
			var seq atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := rawCommit(ctx, db, seq.Add(1)); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkTrack measures public tracking lookups.
func BenchmarkTrack(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			ts, fx, _ := benchServer(b, e, 20000)
			codes := fx.sampleCodes
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					resp, err := ts.Client().Get(ts.URL + "/api/v1/track/" + codes[i%len(codes)])
					if err != nil || resp.StatusCode != 200 {
						b.Fatal(err, resp.StatusCode)
					}
					resp.Body.Close()
				}
			})
		})
	}
}

// BenchmarkSearch measures the catalogue search, GET /api/v1/procedures?q=
// with the queries of the bench's search measure, and reports the p99.
func BenchmarkSearch(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			ts, _, _ := benchServer(b, e, 0)
			// Enough idle connections for every goroutine: the measure is
			// the search, not opening connections.
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
			b.Cleanup(client.CloseIdleConnections)
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for i := 0; pb.Next(); i++ {
					t0 := time.Now()
					resp, err := client.Get(ts.URL + searchPath(i))
					if err != nil || resp.StatusCode != 200 {
						b.Fatal(err, resp.StatusCode)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkTrackBesideTrivial measures public tracking and the trivial
// handler on one server (Handler: the API's middleware for both), so that
// their CPU profiles compare request for request, and reports how long
// requests waited for a read connection and how many connections the
// server accepted a request:
//
//	go test ./internal/bench -run XXX -bench 'TrackBesideTrivial/sqlite/keepalive/track' -benchtime 60000x -cpuprofile track.prof
//	go test ./internal/bench -run XXX -bench 'TrackBesideTrivial/sqlite/keepalive/trivial' -benchtime 60000x -cpuprofile trivial.prof
//
// The clients keep their connections open as the bench command's do
// ("keepalive"), or use httptest's client ("churn"), which keeps two idle
// connections for the 64 clients, so that most requests open a new one:
// the benchmark measured that way until the sixth pass, and the cost of
// the connections, the same for both handlers, brought the ratio closer
// to 1 than the bench command's (BENCHMARKS.md).
func BenchmarkTrackBesideTrivial(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			db, fx := benchStore(b, e, 20000)
			h, err := Handler(context.Background(), db, b.TempDir(), io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			var conns atomic.Int64
			ts := httptest.NewUnstartedServer(h)
			ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
				if st == http.StateNew {
					conns.Add(1)
				}
			}
			ts.Start()
			b.Cleanup(ts.Close)
			codes := fx.sampleCodes
			for _, kind := range []string{"keepalive", "churn"} {
				client := ts.Client()
				if kind == "keepalive" {
					client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128, MaxConnsPerHost: 128}}
					b.Cleanup(client.CloseIdleConnections)
				}
				for _, path := range []string{"trivial", "track"} {
					b.Run(kind+"/"+path, func(b *testing.B) {
						// 64 clients on 2 cores, as the bench command.
						b.SetParallelism(32)
						before, _ := db.PoolStats()
						conns0 := conns.Load()
						b.ResetTimer()
						b.RunParallel(func(pb *testing.PB) {
							i := 0
							for pb.Next() {
								i++
								u := ts.URL + "/bench/trivial"
								if path == "track" {
									u = ts.URL + "/api/v1/track/" + codes[i%len(codes)]
								}
								resp, err := client.Get(u)
								if err != nil || resp.StatusCode != 200 {
									b.Fatal(err, resp.StatusCode)
								}
								_, _ = io.Copy(io.Discard, resp.Body)
								resp.Body.Close()
							}
						})
						b.StopTimer()
						// How long requests waited for a read connection.
						after, _ := db.PoolStats()
						b.ReportMetric(float64((after.WaitDuration-before.WaitDuration).Microseconds())/float64(b.N), "pool-wait-µs/op")
						b.ReportMetric(float64(conns.Load()-conns0)/float64(b.N), "new-conns/op")
					})
				}
			}
		})
	}
}
