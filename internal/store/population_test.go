package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/store"
)

// TestPopulationLookupLog records lookups of two wards, the district and a
// citizen on both engines, and lists them by subtree, period, outcome and
// page.
func TestPopulationLookupLog(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		at := time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
		lines := []population.Lookup{
			{At: at, RequestID: "r1", AccountID: f.recX.AccountID, RequesterName: f.recX.Name, RequesterKind: population.KindOfficer,
				OfficerCode: "rec.x", UnitID: f.cx.ID, UnitPath: f.cx.Path, ServiceCode: "1.000894", IDNumber: "001090001234", Outcome: population.OutcomeFound},
			{At: at.Add(time.Hour), RequestID: "r2", AccountID: f.recY.AccountID, RequesterName: f.recY.Name, RequesterKind: population.KindOfficer,
				UnitID: f.cy.ID, UnitPath: f.cy.Path, ServiceCode: "1.000894", DossierCode: "D-2", IDNumber: "001195004321", Outcome: population.OutcomeNotFound, Code: population.CodeNotFound},
			{At: at.AddDate(0, 0, 1), RequestID: "r3", AccountID: f.districtLeader.AccountID, RequesterName: "x", RequesterKind: population.KindOfficer,
				UnitID: f.district.ID, UnitPath: f.district.Path, ServiceCode: "", IDNumber: "001090001234", Outcome: population.OutcomeRefused, Code: population.CodeQueryInvalid},
			{At: at.AddDate(0, 0, 2), RequestID: "r4", AccountID: f.citizenA.AccountID, RequesterName: f.citizenA.Name, RequesterKind: population.KindCitizen,
				ServiceCode: "1.000894", IDNumber: "001090001234", Outcome: population.OutcomeUnavailable, Code: population.CodeUnavailable},
			{At: at.AddDate(0, 0, 2), RequestID: "r5", AccountID: f.recX.AccountID, RequesterName: f.recX.Name, RequesterKind: population.KindOfficer,
				UnitID: f.cx.ID, UnitPath: f.cx.Path, ServiceCode: "1.000894", IDNumber: "001090001234", Outcome: population.OutcomeFound},
		}
		for i := range lines {
			if err := f.db.RecordLookup(ctx, &lines[i]); err != nil || lines[i].ID == 0 {
				t.Fatalf("recording %s: %v", lines[i].RequestID, err)
			}
		}
		bad := population.Lookup{At: at, RequestID: "x", Outcome: "maybe"}
		if err := f.db.RecordLookup(ctx, &bad); err == nil {
			t.Fatal("an unknown outcome was recorded")
		}
		ids := func(ls []population.Lookup) []string {
			var out []string
			for _, l := range ls {
				out = append(out, l.RequestID)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    store.LookupFilter
			want []string
		}{
			{"everything, newest first", store.LookupFilter{}, []string{"r5", "r4", "r3", "r2", "r1"}},
			{"the district's subtree", store.LookupFilter{UnitPath: f.district.Path}, []string{"r5", "r3", "r2", "r1"}},
			{"one ward", store.LookupFilter{UnitPath: f.cx.Path}, []string{"r5", "r1"}},
			{"the other ward", store.LookupFilter{UnitPath: f.cy.Path}, []string{"r2"}},
			{"a department: none", store.LookupFilter{UnitPath: f.dep.Path}, nil},
			{"first day", store.LookupFilter{From: at, To: at.AddDate(0, 0, 1)}, []string{"r2", "r1"}},
			{"from the second day", store.LookupFilter{From: at.AddDate(0, 0, 1)}, []string{"r5", "r4", "r3"}},
			{"found", store.LookupFilter{Outcome: population.OutcomeFound}, []string{"r5", "r1"}},
			{"refused in the district", store.LookupFilter{UnitPath: f.district.Path, Outcome: population.OutcomeRefused}, []string{"r3"}},
		} {
			got, next, err := f.db.Lookups(ctx, tc.f)
			if err != nil || next != 0 || !equalStrings(ids(got), tc.want) {
				t.Errorf("%s: %v next %d (%v), want %v", tc.name, ids(got), next, err, tc.want)
			}
		}
		// Paging: two by two.
		var all []string
		var before int64
		for page := 0; page < 5; page++ {
			got, next, err := f.db.Lookups(ctx, store.LookupFilter{Limit: 2, Before: before})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, ids(got)...)
			if next == 0 {
				break
			}
			before = next
		}
		if !equalStrings(all, []string{"r5", "r4", "r3", "r2", "r1"}) {
			t.Errorf("pages: %v", all)
		}
		// What comes back is what was recorded, with the unit's names.
		got, _, err := f.db.Lookups(ctx, store.LookupFilter{UnitPath: f.cy.Path})
		if err != nil || len(got) != 1 {
			t.Fatal(err)
		}
		want := lines[1]
		want.UnitCode, want.UnitName = f.cy.Code, f.cy.Name
		g := got[0]
		if !g.At.Equal(want.At) || g.At.Location() != store.Zone {
			t.Errorf("time %v, want %v in %v", g.At, want.At, store.Zone)
		}
		g.At = want.At
		if g != want {
			t.Errorf("read back\n%+v\nwant\n%+v", g, want)
		}
		// A citizen's lookup has no unit.
		got, _, _ = f.db.Lookups(ctx, store.LookupFilter{Outcome: population.OutcomeUnavailable})
		if len(got) != 1 || got[0].UnitID != 0 || got[0].UnitCode != "" || got[0].RequesterKind != population.KindCitizen {
			t.Errorf("citizen's line: %+v", got)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
