package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store/storetest"
)

// BenchmarkSubmitClients measures API submissions with two scans from a
// fixed number of clients, each sending its next one when answered, and
// reports their latency: with few clients a submission's waits (the
// files' sync, the group commit) show, where with many the CPU decides.
func BenchmarkSubmitClients(b *testing.B) {
	for _, e := range storetest.Engines {
		for _, clients := range []int{1, 4, 32} {
			b.Run(fmt.Sprintf("%s/clients=%d", e, clients), func(b *testing.B) {
				ts, fx, toks := benchServer(b, e, 0)
				submitClients(b, ts, fx, toks, clients)
			})
		}
	}
}

// BenchmarkSubmitBesideWriter is BenchmarkSubmitClients at 32 clients with
// another writer beside them, committing single rows one after the other
// through the same store, as an officer's action would: its latency
// (writer-p50-ms, writer-p99-ms) says what the submissions' group commits
// cost the store's other writes.
func BenchmarkSubmitBesideWriter(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			db, fx := benchStore(b, e, 0)
			ts, toks := serveApp(b, db, fx)
			if err := createRawTable(ctx, db); err != nil {
				b.Fatal(err)
			}
			stop := make(chan struct{})
			var lat []time.Duration
			var wg sync.WaitGroup
			wg.Go(func() {
				for id := int64(1); ; id++ {
					select {
					case <-stop:
						return
					default:
					}
					t0 := time.Now()
					if err := rawCommit(ctx, db, id); err != nil {
						b.Error(err)
						return
					}
					lat = append(lat, time.Since(t0))
				}
			})
			submitClients(b, ts, fx, toks, 32)
			close(stop)
			wg.Wait()
			slices.Sort(lat)
			b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "writer-p50-ms")
			b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "writer-p99-ms")
		})
	}
}

// submitClients sends b.N submissions from clients clients, each sending
// its next one when answered, and reports their latency.
func submitClients(b *testing.B, ts *httptest.Server, fx *fixture, toks []string, clients int) {
	ct, body := fx.submission(fx.communes[0].Code)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * clients}}
	b.Cleanup(client.CloseIdleConnections)
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				status, err := submitOnce(client, ts, ct, body, toks[0])
				if err != nil {
					b.Error(err)
					return
				}
				if status != 201 {
					b.Errorf("submission answered %d", status)
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}
