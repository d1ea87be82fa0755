package bench

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/store/storetest"
)

// BenchmarkSubmitOutbox measures what the outbox costs submissions: the
// same API submissions with the store's event hook (a fan-out job inserted
// in each submission's transaction) and without it.
//
//	go test -run '^$' -bench SubmitOutbox -benchtime 5s ./internal/bench/
func BenchmarkSubmitOutbox(b *testing.B) {
	for _, e := range storetest.Engines {
		for _, hook := range []bool{true, false} {
			name := string(e) + "/outbox"
			if !hook {
				name = string(e) + "/no-outbox"
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				db := storetest.Open(b, e)
				fx, err := loadFixture(ctx, db)
				if err != nil {
					b.Fatal(err)
				}
				cfg := config.Default()
				cfg.FilesDir = b.TempDir()
				a, err := app.New(ctx, cfg, db, slog.New(slog.DiscardHandler), app.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if !hook {
					db.OnEvent(nil)
				}
				ts := httptest.NewServer(a.Server.Handler)
				b.Cleanup(ts.Close)
				toks, err := citizenTokens(ctx, db, fx)
				if err != nil {
					b.Fatal(err)
				}
				ct, body := fx.submission(fx.communes[0].Code)
				b.SetParallelism(16)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest("POST", ts.URL+"/api/v1/dossiers", bytes.NewReader(body))
						req.Header.Set("Content-Type", ct)
						req.Header.Set("Authorization", "Bearer "+toks[0])
						resp, err := ts.Client().Do(req)
						if err != nil || resp.StatusCode != 201 {
							b.Fatal(err, resp.StatusCode)
						}
						resp.Body.Close()
					}
				})
			})
		}
	}
}
