package dossier_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

var ict = time.FixedZone("ICT", 7*3600)

func externalFixture(t *testing.T, engine store.Dialect) (*store.DB, *dossier.Service) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, engine)
	units := []org.Unit{
		{Code: "000.00.00.H26", Name: "Thành phố Hà Nội", Kind: org.KindCity},
		{Code: "000.00.02.H26", Name: "Quận Hoàn Kiếm", Kind: org.KindDistrict, ParentCode: "000.00.00.H26"},
		{Code: "000.01.02.H26", Name: "Phường Hàng Trống", Kind: org.KindCommune, ParentCode: "000.00.02.H26"},
	}
	if err := db.UpsertUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	spec := catalog.Spec{
		Procedure: catalog.Procedure{Code: "1.000894", Name: "Đăng ký kết hôn", Field: "Hộ tịch", UnitLevel: catalog.LevelCommune},
		Version: catalog.Version{Number: 1, EffectiveFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, ict), LegacyLevel: 4, Class: catalog.ClassFull,
			LimitAmount: 5, LimitKind: catalog.WorkingDays, SupplementPolicy: catalog.SupplementRestart,
			SupplementBasis: "Nghị định 61/2018/NĐ-CP",
			Documents:       []catalog.Document{{Key: "to_khai", Name: "Tờ khai đăng ký kết hôn", Originals: 1, Required: true}},
			Form:            catalog.Form{Fields: []catalog.Field{{Name: "chong_ho_ten", Label: "Họ và tên chồng", Type: "text", Required: true}}},
			Process: []catalog.Step{{Key: "tiep_nhan", Name: "Tiếp nhận", Role: "receptionist", Action: "receive", BudgetHours: 4},
				{Key: "phan_cong", Name: "Phân công", Role: "leader", Action: "assign", BudgetHours: 4},
				{Key: "tham_dinh", Name: "Thẩm định", Role: "specialist", Action: "draft_result", BudgetHours: 24},
				{Key: "phe_duyet", Name: "Phê duyệt", Role: "leader", Action: "finish", BudgetHours: 4},
				{Key: "tra_ket_qua", Name: "Trả kết quả", Role: "receptionist", Action: "deliver", BudgetHours: 4}}},
		OfferedBy: []string{"all_communes"},
	}
	if rep, err := db.ImportCatalogue(ctx, []catalog.Spec{spec}); err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("import: %v %v", err, rep.Rejected)
	}
	cal, err := calendar.New(calendar.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 12, 1, 9, 0, 0, 0, ict)
	svc := &dossier.Service{Store: db, Catalog: db, Directory: db, Now: func() time.Time { return now },
		Clock: func(context.Context, string) (dossier.Clock, error) { return cal, nil }}
	return db, svc
}

func externalInput(code string) dossier.ExternalInput {
	return dossier.ExternalInput{ExternalCode: code, Procedure: "1.000894", Unit: "000.01.02.H26",
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: "Nguyễn Văn An", IDNumber: "001090001234", Phone: "0912345678"},
		Source:    "Cổng Dịch vụ công quốc gia", Note: "Đăng ký kết hôn"}
}

func TestSubmitExternal(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db, svc := externalFixture(t, e)
			d, dup, err := svc.SubmitExternal(ctx, externalInput("G22-251201-0001"))
			if err != nil || dup {
				t.Fatalf("submit: dup %v, %v", dup, err)
			}
			if d.Status != dossier.StatusSubmitted || d.Channel != dossier.ChannelOnline || d.UnitCode != "000.01.02.H26" ||
				!strings.HasPrefix(d.Code, "000.01.02.H26-251201-") {
				t.Fatalf("filed %+v", d)
			}
			unit, err := db.UnitByCode(ctx, "000.01.02.H26")
			if err != nil {
				t.Fatal(err)
			}
			queue, _, err := db.ReceptionQueue(ctx, unit.ID, 0, 10)
			if err != nil || len(queue) != 1 || queue[0].Code != d.Code {
				t.Fatalf("reception queue %v %v", queue, err)
			}
			evs, err := db.Events(ctx, d.ID)
			if err != nil || len(evs) != 1 || evs[0].Action != dossier.ActSubmit || !strings.Contains(evs[0].Note, "G22-251201-0001") {
				t.Fatalf("events %+v %v", evs, err)
			}
			// The same delivery again files nothing.
			again, dup, err := svc.SubmitExternal(ctx, externalInput("G22-251201-0001"))
			if err != nil || !dup || again.Code != d.Code {
				t.Fatalf("second delivery: %v dup %v %v", again, dup, err)
			}
			if queue, _, _ := db.ReceptionQueue(ctx, unit.ID, 0, 10); len(queue) != 1 {
				t.Fatalf("%d dossiers after a duplicate", len(queue))
			}
		})
	}
}

func TestSubmitExternalConcurrentDuplicates(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db, svc := externalFixture(t, e)
			const n = 8
			var wg sync.WaitGroup
			codes := make([]string, n)
			dups := make([]bool, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, dup, err := svc.SubmitExternal(ctx, externalInput("G22-251201-0002"))
					if err != nil {
						t.Error(err)
						return
					}
					codes[i], dups[i] = d.Code, dup
				}()
			}
			wg.Wait()
			created := 0
			for i := range n {
				if !dups[i] {
					created++
				}
				if codes[i] != codes[0] {
					t.Fatalf("answers name different dossiers: %v", codes)
				}
			}
			if created != 1 {
				t.Fatalf("%d deliveries created a dossier, want 1", created)
			}
			unit, _ := db.UnitByCode(ctx, "000.01.02.H26")
			if queue, _, _ := db.ReceptionQueue(ctx, unit.ID, 0, 20); len(queue) != 1 {
				t.Fatalf("%d dossiers filed, want 1", len(queue))
			}
		})
	}
}

func TestSubmitExternalRefusals(t *testing.T) {
	cases := []struct {
		name string
		edit func(*dossier.ExternalInput)
		kind apperr.Kind
		code string
	}{
		{"no external code", func(in *dossier.ExternalInput) { in.ExternalCode = " " }, apperr.Invalid, "external_code_invalid"},
		{"external code too long", func(in *dossier.ExternalInput) { in.ExternalCode = strings.Repeat("x", 101) }, apperr.Invalid, "external_code_invalid"},
		{"unknown procedure", func(in *dossier.ExternalInput) { in.Procedure = "9.999999" }, apperr.Invalid, "unknown_procedure"},
		{"no procedure", func(in *dossier.ExternalInput) { in.Procedure = "" }, apperr.Invalid, "procedure_required"},
		{"unknown unit", func(in *dossier.ExternalInput) { in.Unit = "000.99.99.H26" }, apperr.Invalid, "unknown_unit"},
		{"unit that does not offer it", func(in *dossier.ExternalInput) { in.Unit = "000.00.02.H26" }, apperr.Unprocessable, "not_offered"},
		{"bad ID number", func(in *dossier.ExternalInput) { in.Applicant.IDNumber = "12ab" }, apperr.Invalid, "applicant_invalid"},
		{"no name", func(in *dossier.ExternalInput) { in.Applicant.FullName = "" }, apperr.Invalid, "applicant_invalid"},
	}
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db, svc := externalFixture(t, e)
			for _, c := range cases {
				in := externalInput("G22-251201-0003")
				c.edit(&in)
				_, _, err := svc.SubmitExternal(ctx, in)
				ae, ok := apperr.As(err)
				if !ok || ae.Kind != c.kind || ae.Code != c.code {
					t.Errorf("%s: %v, want %s", c.name, err, c.code)
				}
			}
			unit, _ := db.UnitByCode(ctx, "000.01.02.H26")
			if queue, _, _ := db.ReceptionQueue(ctx, unit.ID, 0, 20); len(queue) != 0 {
				t.Fatalf("a refused delivery filed %d dossiers", len(queue))
			}
		})
	}
}
