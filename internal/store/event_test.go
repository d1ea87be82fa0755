package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestEventByID, on both engines: Event reads the same event Events lists
// (its data decoded), and answers NotFound for an event of another dossier
// or none.
func TestEventByID(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			f, d, other := historyFixture(t, e)
			evs, err := f.db.Events(ctx, d.ID)
			if err != nil || len(evs) != 4 {
				t.Fatalf("events: %d %v", len(evs), err)
			}
			for _, want := range evs {
				got, err := f.db.Event(ctx, d.ID, want.ID)
				if err != nil {
					t.Fatalf("event %d: %v", want.ID, err)
				}
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("event %d: %+v, Events has %+v", want.ID, *got, want)
				}
			}
			for _, id := range []int64{evs[0].ID + 1_000_000, evs[0].ID} {
				dossierID := d.ID
				if id == evs[0].ID {
					dossierID = other.ID
				}
				if _, err := f.db.Event(ctx, dossierID, id); !apperr.Is(err, apperr.NotFound) {
					t.Errorf("event %d of dossier %d: %v, want NotFound", id, dossierID, err)
				}
			}
		})
	}
}
