package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// quangTrung adds three districts of 2019 with a "Phường Quang Trung"
// each, and a 2019 ward dissolved on 30/6/2025; it re-imports the
// marriage procedure so that the new wards offer it.
func quangTrung(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	const city = "000.00.00.H26"
	gone := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	units := []org.Unit{
		{Code: "000.00.06.H26", Name: "Quận Đống Đa", Kind: org.KindDistrict, ParentCode: city},
		{Code: "000.30.06.H26", Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: "000.00.06.H26"},
		{Code: "000.00.68.H26", Name: "Quận Hà Đông", Kind: org.KindDistrict, ParentCode: city},
		{Code: "000.30.68.H26", Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: "000.00.68.H26"},
		{Code: "000.00.69.H26", Name: "Thị xã Sơn Tây", Kind: org.KindDistrict, ParentCode: city},
		{Code: "000.30.69.H26", Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: "000.00.69.H26", ValidTo: &gone},
	}
	if err := f.db.UpsertUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	if rep, err := f.db.ImportCatalogue(ctx, []catalog.Spec{marriageSpec()}); err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("re-importing the catalogue: %v %v", err, rep.Rejected)
	}
}

// TestUnitChoices reads the pickers' candidates with their parents on both
// engines: the units offering a procedure (the portal), every unit in
// force (the back office); names repeat, full names do not.
func TestUnitChoices(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		quangTrung(t, f)
		p, err := f.db.ProcedureInForce(ctx, "1.000894", f.now)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := f.db.SubmissionUnits(ctx, p.ID, f.now, 100)
		if err != nil {
			t.Fatal(err)
		}
		full := func(cs []org.Choice) map[string]string {
			m := map[string]string{}
			for _, c := range cs {
				m[c.Code] = c.FullName()
			}
			return m
		}
		want := map[string]string{
			"000.01.02.H26": "Phường Hàng Trống, Quận Hoàn Kiếm", "000.02.02.H26": "Phường Hàng Bạc, Quận Hoàn Kiếm",
			"000.30.06.H26": "Phường Quang Trung, Quận Đống Đa", "000.30.68.H26": "Phường Quang Trung, Quận Hà Đông",
			"000.30.69.H26": "Phường Quang Trung, Thị xã Sơn Tây",
		}
		if got := full(cs); !reflect.DeepEqual(got, want) {
			t.Fatalf("submission units on 3/3/2025:\n got %v\nwant %v", got, want)
		}
		if g := org.Groups(cs); len(g) != 4 {
			t.Errorf("groups of the submission units: %+v, want the 4 districts", g)
		}
		found := org.Search(cs, "quang trung dong da")
		if len(found) != 1 || found[0].Code != "000.30.06.H26" || found[0].Kind != org.KindCommune {
			t.Errorf("search «quang trung dong da»: %+v", found)
		}
		// After 30/6/2025 the dissolved ward is no longer offered.
		later, err := f.db.SubmissionUnits(ctx, p.ID, time.Date(2025, 7, 1, 9, 0, 0, 0, ict), 100)
		if err != nil || len(later) != 4 {
			t.Errorf("submission units on 1/7/2025: %+v %v", later, err)
		}
		if few, err := f.db.SubmissionUnits(ctx, p.ID, f.now, 2); err != nil || len(few) != 2 {
			t.Errorf("limit 2: %+v %v", few, err)
		}

		all, err := f.db.UnitChoices(ctx, f.now)
		if err != nil {
			t.Fatal(err)
		}
		got := full(all)
		for code, name := range map[string]string{"000.00.00.H26": "Thành phố Hà Nội", "000.00.06.H26": "Quận Đống Đa",
			"000.00.41.H26": "Sở Tư pháp", "000.30.68.H26": "Phường Quang Trung, Quận Hà Đông"} {
			if got[code] != name {
				t.Errorf("unit choice %s is %q, want %q", code, got[code], name)
			}
		}
		if len(all) != 11 {
			t.Errorf("%d unit choices, want the 11 units", len(all))
		}
		// Reading order: by district (or city) name, then by name.
		var order []string
		for _, c := range all {
			order = append(order, c.FullName())
		}
		// The city sits in its own group, among the units right under it.
		if want := []string{"Phường Quang Trung, Quận Đống Đa", "Phường Quang Trung, Quận Hà Đông", "Phường Hàng Bạc, Quận Hoàn Kiếm",
			"Phường Hàng Trống, Quận Hoàn Kiếm", "Quận Đống Đa", "Quận Hà Đông", "Quận Hoàn Kiếm", "Sở Tư pháp", "Thành phố Hà Nội",
			"Thị xã Sơn Tây", "Phường Quang Trung, Thị xã Sơn Tây"}; !reflect.DeepEqual(order, want) {
			t.Errorf("unit choices in the order\n%q, want\n%q", order, want)
		}
		if after, err := f.db.UnitChoices(ctx, time.Date(2025, 7, 1, 9, 0, 0, 0, ict)); err != nil || len(after) != 10 {
			t.Errorf("unit choices on 1/7/2025: %d %v, want 10", len(after), err)
		}
	})
}
