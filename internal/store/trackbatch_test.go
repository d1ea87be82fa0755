package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// TestTrackConcurrentLookups: many lookups at once (batched on PostgreSQL)
// each get their own dossier, or NotFound for an unknown code, with the
// answers of a lone lookup; a status change shows at once (no result
// cache).
func TestTrackConcurrentLookups(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		var ds []*dossier.Dossier
		for range 6 {
			ds = append(ds, f.submitOnline(t, f.citizenA, f.cx.Code))
		}
		want := map[string]*dossier.Dossier{}
		for _, d := range ds {
			one, err := f.db.TrackDossier(ctx, d.Code)
			if err != nil {
				t.Fatal(err)
			}
			if one.Code != d.Code || one.Status != d.Status || one.UnitCode != f.cx.Code || one.ProcedureName == "" {
				t.Fatalf("lone lookup: %+v", one)
			}
			want[d.Code] = one
		}
		unknown := []string{"000.01.02.H26-991231-9999", "", "x\x00y", "\xff", strings.Repeat("9", 300), ds[0].Code + " "}
		var codes []string
		for i := range 300 {
			if i%4 == 3 {
				codes = append(codes, unknown[i%len(unknown)])
			} else {
				codes = append(codes, ds[i%len(ds)].Code)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan string, len(codes))
		start := make(chan struct{})
		for _, code := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				got, err := f.db.TrackDossier(ctx, code)
				w, known := want[code]
				switch {
				case !known && !apperr.Is(err, apperr.NotFound):
					errs <- "unknown " + code + ": " + errString(err)
				case known && err != nil:
					errs <- code + ": " + err.Error()
				case known && (got.Code != w.Code || got.Status != w.Status || got.UnitName != w.UnitName ||
					!got.SubmittedAt.Equal(w.SubmittedAt) || got.ProcedureCode != w.ProcedureCode):
					errs <- code + ": another answer"
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for msg := range errs {
			t.Error(msg)
		}

		// Received: the next lookup shows it.
		d := f.act(t, f.recX, ds[1], dossier.Command{Action: dossier.ActReceive})
		got, err := f.db.TrackDossier(ctx, d.Code)
		if err != nil || got.Status != d.Status || got.ReceivedAt == nil || got.Status == ds[1].Status {
			t.Fatalf("after receiving: %+v %v (want status %v)", got, err, d.Status)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
