package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

var ict = time.FixedZone("ICT", 7*3600)

// fixture is a small tree: the city, a district with two communes, a
// department; one commune procedure and one department procedure; staff
// in both communes and two citizens.
type fixture struct {
	db                          *store.DB
	svc                         *dossier.Service
	now                         time.Time
	city, district, cx, cy, dep *org.Unit
	citizenA, citizenB          dossier.Actor
	recX, specX, leadX, recY    dossier.Actor
	districtLeader, districtSpc dossier.Actor
	cal                         *calendar.Calendar
}

func marriageSpec() catalog.Spec {
	return catalog.Spec{
		Procedure: catalog.Procedure{Code: "1.000894", Name: "Đăng ký kết hôn", Field: "Hộ tịch", UnitLevel: catalog.LevelCommune},
		Version: catalog.Version{Number: 1, EffectiveFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, ict), LegacyLevel: 4, Class: catalog.ClassFull,
			LimitAmount: 5, LimitKind: catalog.WorkingDays, SupplementPolicy: catalog.SupplementRestart,
			SupplementBasis: "Nghị định 61/2018/NĐ-CP (sửa đổi bởi Nghị định 107/2021/NĐ-CP)",
			Documents: []catalog.Document{{Key: "to_khai", Name: "Tờ khai đăng ký kết hôn", Originals: 1, Required: true},
				{Key: "xac_nhan_hon_nhan", Name: "Giấy xác nhận tình trạng hôn nhân", Originals: 1, Required: true}},
			Form: catalog.Form{Fields: []catalog.Field{
				{Name: "chong_ho_ten", Label: "Họ và tên chồng", Type: "text", Required: true},
				{Name: "vo_ho_ten", Label: "Họ và tên vợ", Type: "text", Required: true},
				{Name: "ngay_dang_ky", Label: "Ngày mong muốn đăng ký", Type: "date"},
			}},
			Process: []catalog.Step{{Key: "tiep_nhan", Name: "Tiếp nhận", Role: "receptionist", Action: "receive", BudgetHours: 4},
				{Key: "phan_cong", Name: "Phân công", Role: "leader", Action: "assign", BudgetHours: 4},
				{Key: "tham_dinh", Name: "Thẩm định", Role: "specialist", Action: "draft_result", BudgetHours: 24},
				{Key: "phe_duyet", Name: "Phê duyệt", Role: "leader", Action: "finish", BudgetHours: 4},
				{Key: "tra_ket_qua", Name: "Trả kết quả", Role: "receptionist", Action: "deliver", BudgetHours: 4}}},
		OfferedBy: []string{"all_communes"},
	}
}

func deptSpec() catalog.Spec {
	s := marriageSpec()
	s.Code, s.Name, s.UnitLevel = "2.000908", "Cấp phiếu lý lịch tư pháp", catalog.LevelProvince
	s.Version.LimitAmount = 10
	s.Version.Process = []catalog.Step{{Key: "tiep_nhan", Name: "Tiếp nhận", Role: "receptionist", Action: "receive", BudgetHours: 8},
		{Key: "phan_cong", Name: "Phân công", Role: "leader", Action: "assign", BudgetHours: 4},
		{Key: "tham_dinh", Name: "Thẩm định", Role: "specialist", Action: "draft_result", BudgetHours: 56},
		{Key: "phe_duyet", Name: "Phê duyệt", Role: "leader", Action: "finish", BudgetHours: 8},
		{Key: "tra_ket_qua", Name: "Trả kết quả", Role: "receptionist", Action: "deliver", BudgetHours: 4}}
	s.OfferedBy = []string{"Sở Tư pháp"}
	return s
}

func newFixture(t *testing.T, engine store.Dialect) *fixture {
	t.Helper()
	ctx := context.Background()
	db := openStore(t, engine)
	f := &fixture{db: db, now: time.Date(2025, 3, 3, 9, 0, 0, 0, ict)}
	units := []org.Unit{
		{Code: "000.00.00.H26", Name: "Thành phố Hà Nội", Kind: org.KindCity},
		{Code: "000.00.02.H26", Name: "Quận Hoàn Kiếm", Kind: org.KindDistrict, ParentCode: "000.00.00.H26"},
		{Code: "000.01.02.H26", Name: "Phường Hàng Trống", Kind: org.KindCommune, ParentCode: "000.00.02.H26"},
		{Code: "000.02.02.H26", Name: "Phường Hàng Bạc", Kind: org.KindCommune, ParentCode: "000.00.02.H26"},
		{Code: "000.00.41.H26", Name: "Sở Tư pháp", Kind: org.KindDepartment, ParentCode: "000.00.00.H26"},
	}
	if err := db.UpsertUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	get := func(code string) *org.Unit {
		u, err := db.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.city, f.district, f.cx, f.cy, f.dep = get("000.00.00.H26"), get("000.00.02.H26"), get("000.01.02.H26"), get("000.02.02.H26"), get("000.00.41.H26")
	rep, err := db.ImportCatalogue(ctx, []catalog.Spec{marriageSpec(), deptSpec()})
	if err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("import: %v %v", err, rep.Rejected)
	}
	f.citizenA = f.citizen(t, "001090001234", "Nguyễn Văn An")
	f.citizenB = f.citizen(t, "001195004321", "Trần Thị Bình")
	f.recX = f.staff(t, "rec.x", f.cx, org.RoleReceptionist)
	f.specX = f.staff(t, "spec.x", f.cx, org.RoleSpecialist)
	f.leadX = f.staff(t, "lead.x", f.cx, org.RoleLeader)
	f.recY = f.staff(t, "rec.y", f.cy, org.RoleReceptionist)
	f.districtLeader = f.staff(t, "lead.district", f.district, org.RoleLeader)
	f.districtSpc = f.staff(t, "spec.district", f.district, org.RoleSpecialist)
	cal, err := calendar.New(calendar.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.cal = cal
	f.svc = &dossier.Service{Store: db, Catalog: db, Directory: db, Now: func() time.Time { return f.now },
		Clock: func(context.Context, string) (dossier.Clock, error) { return cal, nil }}
	f.svc.WalkIns = db
	return f
}

func (f *fixture) citizen(t *testing.T, id, name string) dossier.Actor {
	t.Helper()
	a := &account.Account{Kind: account.KindCitizen, Username: id, FullName: name, Phone: "0912345678", PasswordHash: "x"}
	if err := f.db.CreateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return dossier.Actor{AccountID: a.ID, Username: id, Name: name, Citizen: true, IDNumber: id}
}

func (f *fixture) staff(t *testing.T, username string, u *org.Unit, role org.Role) dossier.Actor {
	t.Helper()
	ctx := context.Background()
	a := &account.Account{Kind: account.KindStaff, Username: username, FullName: "Cán bộ " + username, PasswordHash: "x"}
	if err := f.db.CreateStaff(ctx, a, u.Code, role); err != nil {
		t.Fatal(err)
	}
	g, err := f.db.Grants(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return dossier.Actor{AccountID: a.ID, Username: username, Name: a.FullName, Grants: g}
}

func (f *fixture) onlineInput(a dossier.Actor, unit string) dossier.SubmitInput {
	return dossier.SubmitInput{Procedure: "1.000894", Unit: unit,
		Form:      map[string]any{"chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Cúc"},
		Account:   &dossier.Applicant{FullName: a.Name, IDNumber: a.IDNumber, Phone: "0912345678"},
		Documents: marriageScans()}
}

// marriageScans are the files of the two required documents of the
// fixture's procedures, which an online submission must carry (the store
// keeps their description; the content lives in the file store).
func marriageScans() []dossier.Document {
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
	scan := func(key, sum string) dossier.Document {
		return dossier.Document{Kind: dossier.DocApplication, DocKey: key, Filename: key + ".pdf", ContentType: "application/pdf",
			Size: 1000, SHA256: strings.Repeat(sum, 64), StorageKey: strings.Repeat(sum, 64), UploadedAt: at}
	}
	return []dossier.Document{scan("to_khai", "a"), scan("xac_nhan_hon_nhan", "b")}
}

// marriageReceived is the reception checklist of a counter dossier of the
// fixture's procedures with both documents received on paper.
func marriageReceived() []dossier.ReceivedDocument {
	return []dossier.ReceivedDocument{{Key: "to_khai", Received: true}, {Key: "xac_nhan_hon_nhan", Received: true}}
}

func (f *fixture) submitOnline(t *testing.T, a dossier.Actor, unit string) *dossier.Dossier {
	t.Helper()
	d, _, err := f.svc.Submit(context.Background(), a, f.onlineInput(a, unit))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return d
}

func (f *fixture) act(t *testing.T, a dossier.Actor, d *dossier.Dossier, cmd dossier.Command) *dossier.Dossier {
	t.Helper()
	cmd.Version = d.Version
	out, _, err := f.svc.Act(context.Background(), a, d.Code, cmd, nil)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return out
}
