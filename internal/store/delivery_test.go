package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// TestDeliveryChoiceAndResultNumbers checks on both engines that the
// applicant's choice of delivery is kept with the dossier, and that a
// result signed without a number gets the next of the unit's register for
// the year, without gaps, while a number given is kept.
func TestDeliveryChoiceAndResultNumbers(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		in := f.onlineInput(f.citizenA, f.cx.Code)
		in.Delivery = &dossier.Delivery{Method: dossier.DeliverPost, Address: "12 Hàng Trống, Hoàn Kiếm"}
		d, _, err := f.svc.Submit(ctx, f.citizenA, in)
		if err != nil {
			t.Fatal(err)
		}
		back, err := f.db.DossierByCode(ctx, d.Code)
		if err != nil || back.Delivery != *in.Delivery {
			t.Fatalf("read back %+v (%v)", back.Delivery, err)
		}
		plain := f.submitOnline(t, f.citizenB, f.cx.Code)
		if plain.Delivery.Method != dossier.DeliverInPerson {
			t.Fatalf("no choice: %+v", plain.Delivery)
		}
		sign := func(d *dossier.Dossier, number string) *dossier.Dossier {
			d = f.act(t, f.recX, d, dossier.Command{Action: dossier.ActReceive})
			d = f.act(t, f.leadX, d, dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"})
			d = f.act(t, f.specX, d, dossier.Command{Action: dossier.ActDraftResult, Result: &dossier.Result{Summary: "Cấp", Granted: true}})
			return f.act(t, f.leadX, d, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Summary: "Cấp", Number: number, Granted: true}})
		}
		first := sign(d, "")
		given := sign(f.submitOnline(t, f.citizenA, f.cx.Code), "77/GCNKH")
		second := sign(plain, "")
		if first.Result.Number != "1/2025" || second.Result.Number != "2/2025" || given.Result.Number != "77/GCNKH" {
			t.Fatalf("numbers %q %q %q", first.Result.Number, second.Result.Number, given.Result.Number)
		}
		stored, err := f.db.DossierByCode(ctx, second.Code)
		if err != nil || stored.Result == nil || stored.Result.Number != "2/2025" {
			t.Fatalf("stored %+v (%v)", stored.Result, err)
		}
		// The event carries the number too (slip 06, the history).
		evs, err := f.db.Events(ctx, stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, ev := range evs {
			if rd, ok := ev.Data.(dossier.ResultData); ok && ev.Action == dossier.ActFinish {
				found = rd.ResultNumber == "2/2025"
			}
		}
		if !found {
			t.Errorf("the finish event does not carry the number: %+v", evs)
		}
	})
}

// TestRegisterEntry numbers received dossiers in their desk's register, by
// year and order of reception, on both engines.
func TestRegisterEntry(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		var got []int
		for _, a := range []dossier.Actor{f.citizenA, f.citizenB, f.citizenA} {
			d := f.act(t, f.recX, f.submitOnline(t, a, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
			book, n, err := f.db.RegisterEntry(ctx, d)
			if err != nil || book != "2025" {
				t.Fatalf("book %q (%v)", book, err)
			}
			got = append(got, n)
		}
		other := f.act(t, f.recY, f.submitOnline(t, f.citizenB, f.cy.Code), dossier.Command{Action: dossier.ActReceive})
		_, n, err := f.db.RegisterEntry(ctx, other)
		if err != nil || len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 || n != 1 {
			t.Fatalf("entries %v, other desk %d (%v)", got, n, err)
		}
		waiting := f.submitOnline(t, f.citizenA, f.cx.Code)
		if _, n, err := f.db.RegisterEntry(ctx, waiting); err != nil || n != 0 {
			t.Fatalf("a dossier not received: %d (%v)", n, err)
		}
	})
}
