package store_test

import (
	"context"
	"database/sql"
	"reflect"
	"testing"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
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

// TestNoticeAudience, on both engines: a dossier of an account is told to
// the account's contact with its choices; one filed at the counter without
// an account to the applicant's contact with the default choices.
func TestNoticeAudience(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			f, d, _ := historyFixture(t, e)
			counter := &dossier.Dossier{Applicant: dossier.Applicant{FullName: "Lê Văn C", Email: "c@example.vn", Phone: "0912000111"}}
			err := f.db.WriteTx(ctx, func(tx *sql.Tx) error {
				au, err := f.db.NoticeAudience(ctx, tx, d)
				if err != nil {
					return err
				}
				if au.AccountID != d.OwnerID || au.Lang != "vi" || au.Prefs.Chosen {
					t.Errorf("owner's audience: %+v", au)
				}
				au, err = f.db.NoticeAudience(ctx, tx, counter)
				if err != nil {
					return err
				}
				if au.AccountID != 0 || au.Email != "c@example.vn" || au.Phone != "0912000111" ||
					!au.Prefs.Wants(account.NoticeProgress, account.ChannelEmail) || au.Prefs.Wants(account.NoticeProgress, account.ChannelSMS) ||
					!au.Prefs.Wants(account.NoticeResult, account.ChannelSMS) {
					t.Errorf("counter audience: %+v", au)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
