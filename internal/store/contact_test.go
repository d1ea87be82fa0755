package store_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestContactAndIdentity: the identity attributes round-trip, contact
// details and the choice of channels are saved with an audit record, "chose
// none" differs from "never chose", and the e-ID's refresh changes only
// what differs.
func TestContactAndIdentity(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		now := time.Date(2026, 12, 6, 9, 15, 0, 0, time.UTC)
		a := &account.Account{Kind: account.KindCitizen, Username: "001199012345", IDNumber: "001199012345", FullName: "Lê Thị Cúc", CreatedAt: now,
			Assurance: account.Verified, VerifiedAt: &now, VerifiedHow: account.VerifiedByVNeID, BirthDate: "1999-09-02", AssuranceLevel: "2"}
		if _, err := db.ClaimIDNumber(ctx, a, "e-ID", "test"); err != nil {
			t.Fatal(err)
		}
		got, err := db.AccountByID(ctx, a.ID)
		if err != nil || got.BirthDate != "1999-09-02" || got.AssuranceLevel != "2" {
			t.Fatalf("identity attributes: %+v %v", got, err)
		}
		if on, chosen, err := db.NotificationPrefs(ctx, a.ID); err != nil || chosen || len(on) != 0 {
			t.Fatalf("never chose: %v %v %v", on, chosen, err)
		}

		me := dossier.Actor{AccountID: a.ID, Name: a.FullName, Citizen: true}
		choice := []account.Choice{{Kind: account.NoticeResult, Channel: account.ChannelSMS}, {Kind: account.NoticeProgress, Channel: account.ChannelEmail}}
		if err := db.UpdateContact(ctx, a.ID, account.Contact{Phone: "0912345678", Email: "cuc@example.vn", Choices: &choice}, now, me); err != nil {
			t.Fatal(err)
		}
		got, _ = db.AccountByID(ctx, a.ID)
		if got.Phone != "0912345678" || got.Email != "cuc@example.vn" {
			t.Fatalf("contact: %q %q", got.Phone, got.Email)
		}
		on, chosen, err := db.NotificationPrefs(ctx, a.ID)
		want := []account.Choice{{Kind: account.NoticeProgress, Channel: account.ChannelEmail}, {Kind: account.NoticeResult, Channel: account.ChannelSMS}}
		if err != nil || !chosen || !reflect.DeepEqual(on, want) {
			t.Fatalf("choice: %v %v %v, want %v", on, chosen, err, want)
		}
		// Only the phone changes: the choice stays.
		if err := db.UpdateContact(ctx, a.ID, account.Contact{Phone: "0987654321", Email: "cuc@example.vn"}, now, me); err != nil {
			t.Fatal(err)
		}
		if on, _, _ := db.NotificationPrefs(ctx, a.ID); !reflect.DeepEqual(on, want) {
			t.Fatalf("choice after a phone change: %v", on)
		}
		// Choosing none is a choice.
		if err := db.UpdateContact(ctx, a.ID, account.Contact{Phone: "0987654321", Email: "cuc@example.vn", Choices: &[]account.Choice{}}, now, me); err != nil {
			t.Fatal(err)
		}
		if on, chosen, _ := db.NotificationPrefs(ctx, a.ID); !chosen || len(on) != 0 {
			t.Fatalf("chose none: %v %v", on, chosen)
		}
		log, err := db.AuditLog(ctx, store.AuditFilter{Action: "account.contact", Subject: "account:" + strconv.FormatInt(a.ID, 10)})
		if err != nil || len(log) != 3 || log[0].ActorID != a.ID {
			t.Fatalf("audit of the contact changes: %+v %v", log, err)
		}
		if err := db.UpdateContact(ctx, a.ID+1000, account.Contact{}, now, me); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown account: %v", err)
		}

		// The e-ID's refresh: nothing differs, nothing written.
		u := account.Identity{FullName: "Lê Thị Cúc", BirthDate: "1999-09-02", AssuranceLevel: "2"}
		if changed, err := db.RefreshIdentity(ctx, a.ID, u, now, "e-ID", "test"); err != nil || changed {
			t.Fatalf("refresh without change: %v %v", changed, err)
		}
		u.FullName, u.AssuranceLevel = "Lê Thị Cúc Hoa", "3"
		if changed, err := db.RefreshIdentity(ctx, a.ID, u, now, "e-ID", "test"); err != nil || !changed {
			t.Fatalf("refresh: %v %v", changed, err)
		}
		got, _ = db.AccountByID(ctx, a.ID)
		if got.FullName != "Lê Thị Cúc Hoa" || got.AssuranceLevel != "3" || got.BirthDate != "1999-09-02" {
			t.Fatalf("after the refresh: %+v", got)
		}
		log, err = db.AuditLog(ctx, store.AuditFilter{Action: "account.identity"})
		if err != nil || len(log) != 1 {
			t.Fatalf("audit of the refresh: %+v %v", log, err)
		}
		if d, _ := log[0].Detail.(map[string]any); !reflect.DeepEqual(d["changed"], []any{"full_name", "assurance_level"}) {
			t.Fatalf("audit detail: %+v", log[0].Detail)
		}
	})
}
