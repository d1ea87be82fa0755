package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// countDossiers counts every stored dossier, whoever may see it.
func countDossiers(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWalkInsStored records a guidance and a refusal at the desk on both
// engines: no dossier is created, both come back for the unit's staff and
// the register's period, and no one else reads them.
func TestWalkInsStored(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		before := countDossiers(t, f.db)
		g, err := f.svc.RecordWalkIn(ctx, f.recX, dossier.WalkInInput{Procedure: "1.000894", Unit: f.cx.Code, Outcome: dossier.WalkInGuidance,
			Applicant: dossier.Applicant{FullName: "Phạm Văn Đức", Phone: "0904123456"},
			Documents: []dossier.WalkInDocument{{Key: "xac_nhan_hon_nhan", Reason: "Giấy xác nhận đã quá 6 tháng"}}})
		if err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(time.Hour)
		r, err := f.svc.RecordWalkIn(ctx, f.recX, dossier.WalkInInput{Procedure: "2.000908", Unit: f.cx.Code, Outcome: dossier.WalkInRefusal,
			Applicant: dossier.Applicant{FullName: "Hoàng Thị Én", IDNumber: "001185006789"}, Reason: "Thủ tục thuộc thẩm quyền của Sở Tư pháp."})
		if err != nil {
			t.Fatal(err)
		}
		if after := countDossiers(t, f.db); after != before {
			t.Fatalf("dossiers: %d before, %d after", before, after)
		}
		got, err := f.svc.GetWalkIn(ctx, f.leadX, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != dossier.WalkInGuidance || got.UnitCode != f.cx.Code || got.ProcedureName != "Đăng ký kết hôn" ||
			got.Applicant.Phone != "0904123456" || len(got.Documents) != 1 || got.Documents[0].Name != "Giấy xác nhận tình trạng hôn nhân" ||
			got.Documents[0].Reason != "Giấy xác nhận đã quá 6 tháng" || got.Officer != f.recX.Name || !got.At.Equal(g.At) {
			t.Fatalf("guidance read back: %+v", got)
		}
		// Other units, the district above and citizens: the same 404.
		for _, a := range []dossier.Actor{f.recY, f.districtLeader, f.citizenA} {
			if _, err := f.svc.GetWalkIn(ctx, a, g.ID); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the walk-in: %v", a.Username, err)
			}
		}
		if _, err := f.svc.GetWalkIn(ctx, f.recX, r.ID+100); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown walk-in: %v", err)
		}
		list, err := f.svc.UnitWalkIns(ctx, f.specX, f.cx.ID, 10)
		if err != nil || len(list) != 2 || list[0].ID != r.ID || list[0].Reason != "Thủ tục thuộc thẩm quyền của Sở Tư pháp." {
			t.Fatalf("unit list: %+v %v", list, err)
		}
		if _, err := f.svc.UnitWalkIns(ctx, f.recY, f.cx.ID, 10); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("other unit lists them: %v", err)
		}
		// The register of the district covers its wards.
		day := time.Date(2025, 3, 3, 0, 0, 0, 0, ict)
		reg, err := f.db.WalkInsAt(ctx, f.district, day, day.AddDate(0, 0, 1), 100)
		if err != nil || len(reg) != 2 || reg[0].ID != g.ID || reg[1].ID != r.ID {
			t.Fatalf("register rows: %+v %v", reg, err)
		}
		if reg, err := f.db.WalkInsAt(ctx, f.cy, day, day.AddDate(0, 0, 1), 100); err != nil || len(reg) != 0 {
			t.Fatalf("other ward's register: %+v %v", reg, err)
		}
		if reg, err := f.db.WalkInsAt(ctx, f.cx, day.AddDate(0, 0, 1), day.AddDate(0, 0, 2), 100); err != nil || len(reg) != 0 {
			t.Fatalf("next day's register: %+v %v", reg, err)
		}
	})
}

// TestReceptionChecklistStored keeps the checklist of a counter dossier in
// its reception event on both engines, notes included.
func TestReceptionChecklistStored(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		d, _, err := f.svc.Submit(ctx, f.recX, dossier.SubmitInput{Procedure: "1.000894", Unit: f.cx.Code,
			Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
			Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345"},
			Received: []dossier.ReceivedDocument{{Key: "to_khai", Received: true, Copies: 2},
				{Key: "xac_nhan_hon_nhan", Note: "Cán bộ tư pháp tự tra cứu cơ sở dữ liệu hộ tịch"}}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Get(ctx, f.recX, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		list, ok := got.ReceivedDocuments()
		want := []dossier.ReceivedDocument{{Key: "to_khai", Name: "Tờ khai đăng ký kết hôn", Received: true, Copies: 2},
			{Key: "xac_nhan_hon_nhan", Name: "Giấy xác nhận tình trạng hôn nhân", Note: "Cán bộ tư pháp tự tra cứu cơ sở dữ liệu hộ tịch"}}
		if !ok || len(list) != 2 || list[0] != want[0] || list[1] != want[1] {
			t.Fatalf("checklist read back: %+v (%v)", list, ok)
		}
		if problems, err := f.db.VerifyDossier(ctx, got.ID); err != nil || len(problems) != 0 {
			t.Fatalf("history with the checklist does not verify: %v %v", problems, err)
		}
	})
}
