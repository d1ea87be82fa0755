package dvcqg

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var ict = time.FixedZone("ICT", 7*3600)

func at(day, hour, min int) time.Time { return time.Date(2025, 12, day, hour, min, 0, 0, ict) }

func tp(t time.Time) *time.Time { return &t }

// handBuilt is a dossier that went the whole way online: submitted,
// received, asked for a supplement and answered, assigned, charged and
// paid online, decided and delivered.
func handBuilt() Source {
	long := "Nguyễn Thị Phương Thảo Hoàng Bảo Ngọc Minh Châu Kiều Trang Quỳnh Anh" // 68 characters
	d := &dossier.Dossier{
		ID: 42, Code: "000.01.02.H26-251201-0007", ProcedureCode: "1.000894", ProcedureName: "Đăng ký kết hôn",
		UnitCode: "000.01.02.H26", UnitName: "Phường Hàng Trống", Channel: dossier.ChannelOnline,
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: "Nguyễn Văn An", IDNumber: "001090001234",
			Phone: "0912345678", Email: "an@example.vn"},
		Delivery:    dossier.Delivery{Method: dossier.DeliverOnline},
		Status:      dossier.StatusDelivered,
		SubmittedAt: at(1, 8, 5), ReceivedAt: tp(at(1, 9, 30)), LegalDueAt: tp(at(8, 17, 0)), AppointedDueAt: tp(at(9, 17, 0)),
		FinishedAt: tp(at(5, 15, 0)), DeliveredAt: tp(at(5, 16, 0)), FeeVND: 50000, FeePaidAt: tp(at(3, 10, 0)),
		Result: &dossier.Result{Number: "123/2025/KH", Summary: "Cấp giấy chứng nhận kết hôn", Granted: true, IssuedAt: at(5, 15, 0)},
		Documents: []dossier.Document{
			{ID: 501, Kind: dossier.DocApplication, DocKey: "to_khai", Filename: "to_khai.pdf"},
			{ID: 502, Kind: dossier.DocSupplement, DocKey: "xac_nhan_hon_nhan", Filename: "xac_nhan.pdf"},
			{ID: 503, Kind: dossier.DocResult, DocKey: "ket_qua", Filename: "giay_chung_nhan.pdf"},
		},
		Events: []dossier.Event{
			{ID: 1, At: at(1, 8, 5), ActorName: "Nguyễn Văn An", Role: dossier.RoleApplicant, UnitCode: "000.01.02.H26", Action: dossier.ActSubmit, To: 1},
			{ID: 2, At: at(1, 9, 30), ActorName: "Cán bộ Lan", Role: "receptionist", UnitCode: "000.01.02.H26", Action: dossier.ActReceive, From: 1, To: 2},
			{ID: 3, At: at(1, 14, 0), ActorName: long, Role: "specialist", UnitCode: "000.01.02.H26", Action: dossier.ActRequestSupplement, From: 2, To: 5,
				Note: "Bản chụp mờ", Data: dossier.SupplementData{Documents: []string{"Giấy xác nhận tình trạng hôn nhân"}, Nth: 1}},
			{ID: 4, At: at(2, 10, 0), ActorName: "Nguyễn Văn An", Role: dossier.RoleApplicant, UnitCode: "000.01.02.H26", Action: dossier.ActSupplement, From: 5, To: 2, Note: "Đã gửi bản rõ"},
			{ID: 5, At: at(2, 11, 0), ActorName: "Lãnh đạo Hùng", Role: "leader", UnitCode: "000.01.02.H26", Action: dossier.ActAssign, From: 2, To: 4},
			{ID: 6, At: at(2, 15, 0), ActorName: "Chuyên viên Mai", Role: "specialist", UnitCode: "000.01.02.H26", Action: dossier.ActRequestFee, From: 4, To: 6},
			{ID: 7, At: at(3, 10, 0), ActorName: "Cổng thanh toán", Role: dossier.RoleSystem, Action: dossier.ActFeePaid, From: 6, To: 4},
			{ID: 8, At: at(5, 15, 0), ActorName: "Lãnh đạo Hùng", Role: "leader", UnitCode: "000.01.02.H26", Action: dossier.ActFinish, From: 4, To: 9},
			{ID: 9, At: at(5, 16, 0), ActorName: "Cán bộ Lan", Role: "receptionist", UnitCode: "000.01.02.H26", Action: dossier.ActDeliver, From: 9, To: 10},
		},
	}
	return Source{Dossier: d, Field: "Hộ tịch", FieldCode: "G22-HT", ReceivedUnitCode: "000.01.02.H26",
		PortalUserID: "tech-7f3a", OwnerVNeID: true, PaidOnline: true}
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the golden file (go test -update writes it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func TestHoSoGolden(t *testing.T) {
	golden(t, "hoso.json", []HoSo{ToHoSo(handBuilt())})
}

func TestQuaTrinhGolden(t *testing.T) {
	golden(t, "quatrinh.json", ToQuaTrinh(handBuilt(), 0))
}

func TestQuaTrinhAfterSeq(t *testing.T) {
	src := handBuilt()
	cases := []struct {
		after int64
		want  []dossier.Status
	}{
		{0, []dossier.Status{1, 2, 5, 2, 4, 6, 4, 9, 10}},
		{7, []dossier.Status{9, 10}},
		{9, nil},
		{12, nil},
	}
	for _, c := range cases {
		got := ToQuaTrinh(src, c.after)
		if len(got) != len(c.want) {
			t.Fatalf("after %d: %d entries, want %d", c.after, len(got), len(c.want))
		}
		for i, q := range got {
			if q.TrangThai != num(int64(c.want[i])) || q.MaHoSo != src.Dossier.Code {
				t.Errorf("after %d, entry %d: %+v", c.after, i, q)
			}
			if n := len([]rune(q.NguoiXuLy)); n > MaxHandler {
				t.Errorf("NguoiXuLy has %d characters", n)
			}
		}
	}
}

// Every status is sent as its own code: 5, 6 and 8 are not folded into 9.
func TestStatusesOneToOne(t *testing.T) {
	for _, s := range dossier.Statuses() {
		src := handBuilt()
		src.Dossier.Status = s
		if got := ToHoSo(src).TrangThaiHoSo; got != num(int64(s)) {
			t.Errorf("status %d sent as %s", s, got)
		}
	}
}

func TestOwnerAndChannel(t *testing.T) {
	cases := []struct {
		name       string
		applicant  dossier.Applicant
		channel    dossier.Channel
		kenh, loai Num
		chu, so    string
		dinhDanh   []DinhDanh
		maDoiTuong string
	}{
		{"citizen online, 12 digits", dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: "An", IDNumber: "001090001234"},
			dossier.ChannelOnline, "2", "1", "An", "001090001234", []DinhDanh{{"1", "001090001234"}}, "tech-7f3a"},
		{"citizen at the counter, 9 digits", dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: "Bình", IDNumber: "012345678"},
			dossier.ChannelCounter, "1", "1", "Bình", "012345678", []DinhDanh{{"2", "012345678"}}, ""},
		{"business by post", dossier.Applicant{Kind: dossier.ApplicantBusiness, FullName: "Cúc", IDNumber: "001090001234", OrgName: "Công ty A", TaxCode: "0101234567"},
			dossier.ChannelPost, "3", "2", "Công ty A", "0101234567", []DinhDanh{}, ""},
		{"on behalf of a citizen", dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: "Dũng", IDNumber: "001090001234",
			OnBehalfOf: &dossier.Party{Kind: dossier.ApplicantCitizen, Name: "Em", IDNumber: "001195004321"}},
			dossier.ChannelCounter, "1", "1", "Em", "001195004321", []DinhDanh{{"1", "001195004321"}}, ""},
		{"organisation", dossier.Applicant{Kind: dossier.ApplicantOrganisation, FullName: "Giang", IDNumber: "001090001234", OrgName: "Hội B"},
			dossier.ChannelCounter, "1", "4", "Hội B", "001090001234", []DinhDanh{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := handBuilt()
			src.Dossier.Applicant, src.Dossier.Channel = c.applicant, c.channel
			h := ToHoSo(src)
			if h.KenhThucHien != c.kenh || h.LoaiDoiTuong != c.loai || h.ChuHoSo != c.chu || h.SoGiayToChuHoSo != c.so || h.MaDoiTuong != c.maDoiTuong {
				t.Fatalf("got kenh %s loai %s chu %q so %q maDoiTuong %q", h.KenhThucHien, h.LoaiDoiTuong, h.ChuHoSo, h.SoGiayToChuHoSo, h.MaDoiTuong)
			}
			if len(h.DinhDanhCHS) != len(c.dinhDanh) || len(c.dinhDanh) > 0 && h.DinhDanhCHS[0] != c.dinhDanh[0] {
				t.Fatalf("DinhDanhCHS %+v, want %+v", h.DinhDanhCHS, c.dinhDanh)
			}
		})
	}
}

func TestExternalCodeIsThePortals(t *testing.T) {
	src := handBuilt()
	src.ExternalCode = "G22.99-251201-0001"
	if h := ToHoSo(src); h.MaHoSo != src.ExternalCode {
		t.Fatalf("MaHoSo %s", h.MaHoSo)
	}
	for _, q := range ToQuaTrinh(src, 0) {
		if q.MaHoSo != src.ExternalCode {
			t.Fatalf("process log MaHoSo %s", q.MaHoSo)
		}
	}
}

func TestSummaryLimit(t *testing.T) {
	src := handBuilt()
	src.Dossier.ProcedureName = strings.Repeat("ả", 1200)
	if n := len([]rune(ToHoSo(src).TrichYeuHoSo)); n != MaxSummary {
		t.Fatalf("TrichYeuHoSo has %d characters", n)
	}
}

func TestFormatTime(t *testing.T) {
	cases := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2025, 12, 31, 20, 0, 1, 0, time.UTC), "20260101030001"},
		{time.Date(2025, 12, 5, 9, 8, 7, 0, ict), "20251205090807"},
		{time.Time{}, ""},
	}
	for _, c := range cases {
		if got := FormatTime(c.in); got != c.want {
			t.Errorf("FormatTime(%v) = %s, want %s", c.in, got, c.want)
		}
		if c.want != "" {
			back, err := ParseTime(c.want)
			if err != nil || !back.Equal(c.in) {
				t.Errorf("ParseTime(%s) = %v, %v", c.want, back, err)
			}
		}
	}
}
