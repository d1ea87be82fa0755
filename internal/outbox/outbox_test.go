package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/outbox"
	"github.com/motcua/motcua/internal/store"
)

// TestHookManyOneInsertPerTransaction: the batch hook enqueues one
// fan-out job per event, with its dossier's and event's ids, in a single
// call; the call's error is the hook's.
func TestHookManyOneInsertPerTransaction(t *testing.T) {
	ref := func(d, e int64) store.EventRef {
		return store.EventRef{Dossier: &dossier.Dossier{ID: d}, Event: &dossier.Event{ID: e}}
	}
	full := errors.New("queue full")
	for _, c := range []struct {
		name    string
		evs     []store.EventRef
		failure error
		want    []outbox.EventArgs
	}{
		{"one update", []store.EventRef{ref(1, 10)}, nil, []outbox.EventArgs{{DossierID: 1, EventID: 10}}},
		{"a group of submissions", []store.EventRef{ref(1, 10), ref(2, 11), ref(3, 12)}, nil,
			[]outbox.EventArgs{{DossierID: 1, EventID: 10}, {DossierID: 2, EventID: 11}, {DossierID: 3, EventID: 12}}},
		{"the insert fails", []store.EventRef{ref(1, 10)}, full, []outbox.EventArgs{{DossierID: 1, EventID: 10}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			var got []outbox.EventArgs
			hook := outbox.HookMany(func(_ context.Context, _ *sql.Tx, params []river.InsertManyParams) error {
				calls++
				for _, p := range params {
					a, ok := p.Args.(outbox.EventArgs)
					if !ok {
						t.Fatalf("args %T", p.Args)
					}
					got = append(got, a)
				}
				return c.failure
			})
			err := hook(context.Background(), nil, c.evs)
			if !errors.Is(err, c.failure) || (c.failure == nil) != (err == nil) {
				t.Errorf("error %v, want %v", err, c.failure)
			}
			if calls != 1 || len(got) != len(c.want) {
				t.Fatalf("%d calls, jobs %v, want one call with %v", calls, got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("job %d: %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}
