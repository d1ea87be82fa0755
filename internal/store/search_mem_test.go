package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// searchCatalogue loads the demo's units and catalogue and adds what the
// demo lacks: a version taking over in the future with another level, and
// an expired procedure whose name and life events hold LIKE's wildcards.
func searchCatalogue(t *testing.T, e store.Dialect) *store.DB {
	t.Helper()
	ctx := context.Background()
	db := openStore(t, e)
	if _, err := demo.Load(ctx, db, demo.Options{Scheme: org.CodeScheme{Suffix: "H26"}, Dossiers: -1}); err != nil {
		t.Fatal(err)
	}
	v2 := marriageSpec()
	v2.Version.Number = 2
	v2.Version.EffectiveFrom = time.Date(2030, 1, 1, 0, 0, 0, 0, ict)
	v2.Version.LegacyLevel, v2.Version.Class = 3, catalog.ClassPartial
	v2.OfferedBy = []string{"all_communes"}
	v2.LifeEvents = []string{"ket_hon"}
	old := marriageSpec()
	old.Code, old.Name, old.Field = "9.000001", "Thủ tục thử giảm 100% lệ phí_kết hôn", "Thử nghiệm"
	old.UnitLevel = catalog.LevelDistrict
	to := time.Date(2026, 1, 1, 0, 0, 0, 0, ict)
	old.Version.EffectiveTo = &to
	old.OfferedBy = []string{"all_districts"}
	old.LifeEvents = []string{"ket_hon", "a_b"}
	rep, err := db.ImportCatalogue(ctx, []catalog.Spec{v2, old})
	if err != nil || len(rep.Rejected) > 0 || rep.Versions != 2 {
		t.Fatalf("extra specs: %+v %v", rep, err)
	}
	return db
}

// TestSearchMemoryMatchesSQL runs many searches and filters through the
// in-memory directory and through the SQL it replaced: the same
// procedures, versions, pages, cursors and counts, on both engines.
func TestSearchMemoryMatchesSQL(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := searchCatalogue(t, e)
		dates := []time.Time{
			time.Date(2025, 6, 1, 9, 0, 0, 0, ict),
			time.Date(2026, 1, 1, 0, 0, 0, 0, ict), // the expired procedure's last instant is before
			time.Date(2030, 1, 1, 0, 0, 0, 0, ict), // version 2 takes over at this instant
			time.Date(2031, 1, 1, 0, 0, 0, 0, ict),
			time.Date(2000, 1, 1, 0, 0, 0, 0, ict), // nothing in force yet
		}
		queries := []string{"", "dang ky ket hon", "đăng kí kết hôn", "ĐĂNG KÝ KẾT HÔN", "giay chung nhan ket hon",
			"giấy khai sinh", "ly lich tu phap", "ho tich", "xac nhan tinh trang hon nhan", "giấy phép xây dựng", "kinh doanh",
			"1.000894", "100%", "phi_ket", "a_b", "%", "_", `\`, "ket hon ly lich", "ki", "Đ", "khong co thu tuc nay"}
		fields := []string{"", "Hộ tịch", "Xây dựng", "Thử nghiệm", "Ho tich", "Hộ tịch"} // the last decomposed (NFD)
		levels := []string{"", "2", "3", "4", "info", "partial", "full", "04", "bogus"}
		units := []string{"", "000.00.02.H26", "000.01.02.H26", "000.00.41.H26", "000.00.00.H26", "nope"}
		unitLevels := []string{"", "province", "district", "commune"}
		events := []string{"", "ket_hon", "kinh_doanh", "a_b", "a", "ket_hon,a_b", "ket"}

		var filters []store.PortalFilter
		for _, at := range dates {
			for _, q := range queries {
				filters = append(filters, store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Q: q, At: at}})
			}
		}
		at := dates[0]
		for i, q := range []string{"", "dang ky", "ket hon"} {
			for _, f := range fields {
				filters = append(filters, store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Q: q, Field: f, At: at}})
			}
			for _, l := range levels {
				filters = append(filters, store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Q: q, Level: l, At: dates[i%3]}})
			}
			for _, u := range units {
				filters = append(filters, store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Q: q, Unit: u, At: at}})
			}
			for _, ul := range unitLevels {
				filters = append(filters, store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Q: q, At: at}, UnitLevel: ul})
			}
			for _, ev := range events {
				filters = append(filters, store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Q: q, At: at}, LifeEvent: ev})
			}
		}
		filters = append(filters,
			store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Q: "dang ky", Field: "Hộ tịch", Level: "4", Unit: "000.01.02.H26", At: at}, UnitLevel: "commune", LifeEvent: "ket_hon"},
			store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Level: "partial", Unit: "000.00.02.H26", At: at}, UnitLevel: "district"},
			store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Cursor: "1.000894", At: at}},
			store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Cursor: "2", At: at}},
			store.PortalFilter{ProcedureFilter: store.ProcedureFilter{Cursor: "zzz", At: at}},
		)

		nonEmpty := 0
		for _, f := range filters {
			name := fmt.Sprintf("%+v", f)
			for _, limit := range []int{0, 7} {
				f.Limit = limit
				api := f.ProcedureFilter
				mem, err := pages(func(c string) ([]catalog.Procedure, string, error) {
					g := api
					g.Cursor = c
					return db.Procedures(ctx, g)
				}, api.Cursor)
				if err != nil {
					t.Fatal(err)
				}
				sql, err := pages(func(c string) ([]catalog.Procedure, string, error) {
					g := api
					g.Cursor = c
					return db.ProceduresSQL(ctx, g)
				}, api.Cursor)
				if err != nil {
					t.Fatal(err)
				}
				if !sameProcedures(mem, sql) {
					t.Errorf("Procedures %s limit %d:\nmemory %v\nSQL    %v", name, limit, mem, sql)
				}
				pmem, err := pages(func(c string) ([]catalog.Procedure, string, error) {
					g := f
					g.Cursor = c
					return db.PortalProcedures(ctx, g)
				}, f.Cursor)
				if err != nil {
					t.Fatal(err)
				}
				psql, err := pages(func(c string) ([]catalog.Procedure, string, error) {
					g := f
					g.Cursor = c
					return db.PortalProceduresSQL(ctx, g)
				}, f.Cursor)
				if err != nil {
					t.Fatal(err)
				}
				if !sameProcedures(pmem, psql) {
					t.Errorf("PortalProcedures %s limit %d:\nmemory %v\nSQL    %v", name, limit, pmem, psql)
				}
				if len(psql) > 0 && limit == 0 {
					nonEmpty++
				}
			}
			nm, err := db.CountPortalProcedures(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			ns, err := db.CountPortalProceduresSQL(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if nm != ns {
				t.Errorf("CountPortalProcedures %s: memory %d, SQL %d", name, nm, ns)
			}
		}
		// Most filters must find something, or the comparison proves little.
		if nonEmpty < len(filters)/2 {
			t.Errorf("only %d of %d filters found procedures", nonEmpty, len(filters))
		}
		t.Logf("%d filters, %d finding procedures", len(filters), nonEmpty)

		// One procedure's page, at every date, for every code and an
		// unknown one.
		all, _, err := db.ProceduresSQL(ctx, store.ProcedureFilter{Limit: 200, At: dates[0]})
		if err != nil || len(all) < 90 {
			t.Fatalf("all procedures: %d %v", len(all), err)
		}
		codes := []string{"nope", "9.000001"}
		for _, p := range all {
			codes = append(codes, p.Code)
		}
		for _, at := range dates {
			for _, code := range codes {
				mem, merr := db.Procedure(ctx, code, at)
				sql, serr := db.ProcedureSQL(ctx, code, at)
				if apperr.Is(serr, apperr.NotFound) {
					if !apperr.Is(merr, apperr.NotFound) {
						t.Errorf("Procedure %s at %s: %v, want not found", code, at, merr)
					}
					continue
				}
				if serr != nil || merr != nil {
					t.Fatalf("Procedure %s: %v %v", code, merr, serr)
				}
				if !reflect.DeepEqual(mem, sql) {
					t.Errorf("Procedure %s at %s:\nmemory %+v\nSQL    %+v", code, at, mem, sql)
				}
			}
		}
	})
}

// pages reads every page from the cursor on.
func pages(page func(cursor string) ([]catalog.Procedure, string, error), cursor string) ([]catalog.Procedure, error) {
	var out []catalog.Procedure
	for n := 0; ; n++ {
		ps, next, err := page(cursor)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		if next == "" {
			return out, nil
		}
		if n > 100 || len(ps) == 0 || next != ps[len(ps)-1].Code {
			return nil, fmt.Errorf("cursor %q after %d items", next, len(ps))
		}
		cursor = next
	}
}

// sameProcedures compares procedures with their versions in force.
func sameProcedures(a, b []catalog.Procedure) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestProcedureSummaries: the API's list sends summaries of the same
// procedures as Procedures, each encoded as its summary, and the cached
// encodings follow a re-import that renames a procedure.
func TestProcedureSummaries(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		for _, flt := range []store.ProcedureFilter{{At: f.now}, {Q: "ket hon", At: f.now}, {Limit: 1, At: f.now}, {Q: "nothing", At: f.now}} {
			full, next, err := f.db.Procedures(ctx, flt)
			if err != nil {
				t.Fatal(err)
			}
			page, err := f.db.ProcedureSummaries(ctx, flt)
			if err != nil {
				t.Fatal(err)
			}
			if page.Next != next || len(page.Items) != len(full) || len(page.JSON) != len(full) {
				t.Fatalf("%+v: %d items %q, want %d %q", flt, len(page.Items), page.Next, len(full), next)
			}
			for i, p := range full {
				want := p.Summarize()
				if !reflect.DeepEqual(page.Items[i], want) {
					t.Errorf("item %d: %+v, want %+v", i, page.Items[i], want)
				}
				var got catalog.Summary
				if err := json.Unmarshal(page.JSON[i], &got); err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("item %d JSON %s: %v", i, page.JSON[i], err)
				}
			}
		}
		page, err := f.db.ProcedureSummaries(ctx, store.ProcedureFilter{Q: "ket hon", At: f.now})
		if err != nil || len(page.Items) != 1 || page.Items[0].Version.LimitAmount != 5 || page.Items[0].Version.Class != catalog.ClassFull {
			t.Fatalf("marriage summary: %+v %v", page, err)
		}
		detail, err := f.db.ProcedureJSON(ctx, "1.000894", f.now)
		if err != nil {
			t.Fatal(err)
		}
		var p catalog.Procedure
		if err := json.Unmarshal(detail, &p); err != nil || len(p.Units) != 2 || len(p.Current.Form.Fields) != 3 {
			t.Fatalf("detail %s: %v", detail, err)
		}
		// A re-import renames the procedure: the cached encodings go with
		// the old catalogue generation.
		s := marriageSpec()
		s.Name = "Đăng ký kết hôn (tên mới)"
		if _, err := f.db.ImportCatalogue(ctx, []catalog.Spec{s}); err != nil {
			t.Fatal(err)
		}
		page, err = f.db.ProcedureSummaries(ctx, store.ProcedureFilter{Q: "ten moi", At: f.now})
		if err != nil || len(page.Items) != 1 || page.Items[0].Name != s.Name {
			t.Fatalf("after rename: %+v %v", page, err)
		}
		var renamed catalog.Summary
		if err := json.Unmarshal(page.JSON[0], &renamed); err != nil || renamed.Name != s.Name {
			t.Errorf("cached JSON after rename: %s", page.JSON[0])
		}
		if detail, err = f.db.ProcedureJSON(ctx, "1.000894", f.now); err != nil || json.Unmarshal(detail, &p) != nil || p.Name != s.Name {
			t.Errorf("detail after rename: %s %v", detail, err)
		}
		if _, err := f.db.ProcedureJSON(ctx, "nope", f.now); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown code: %v", err)
		}
	})
}

// TestSearchDuringImport: searches running while the catalogue is
// re-imported see either the old or the new catalogue, never a torn one,
// and the new one once the import returns (run with -race).
func TestSearchDuringImport(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		stop := make(chan struct{})
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				for {
					select {
					case <-stop:
						errs <- nil
						return
					default:
					}
					page, err := f.db.ProcedureSummaries(ctx, store.ProcedureFilter{Q: "ket hon", At: f.now})
					if err == nil && len(page.Items) != 1 {
						err = fmt.Errorf("%d items", len(page.Items))
					}
					if err == nil {
						_, err = f.db.ProcedureJSON(ctx, "1.000894", f.now)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for i := range 5 {
			s := marriageSpec()
			s.Name = fmt.Sprintf("Đăng ký kết hôn %d", i)
			if _, err := f.db.ImportCatalogue(ctx, []catalog.Spec{s}); err != nil {
				t.Fatal(err)
			}
			page, err := f.db.ProcedureSummaries(ctx, store.ProcedureFilter{Q: "ket hon", At: f.now})
			if err != nil || len(page.Items) != 1 || page.Items[0].Name != s.Name {
				t.Fatalf("after import %d: %+v %v", i, page.Items, err)
			}
		}
		close(stop)
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})
}
