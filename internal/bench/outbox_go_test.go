package bench

import (
	"testing"

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
				db, fx := benchStore(b, e, 0)
				ts, toks := serveApp(b, db, fx)
				if !hook {
					db.OnEvent(nil) // the hook app.New set
				}
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
}
