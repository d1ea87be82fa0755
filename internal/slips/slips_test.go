package slips

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
)

// The tests need poppler-utils (pdftotext, pdftoppm, pdfinfo). Without them
// they skip locally and fail in CI.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not found (install poppler-utils)", name)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(tool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func ict(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, zone)
}

func ptr(t time.Time) *time.Time { return &t }

const (
	code  = "000.17.22.H56-250305-0001"
	name  = "Tôn Nữ Thị Hoàng Phương Thảo"
	proc  = "Đăng ký khai sinh có yếu tố nước ngoài kết hợp nhận cha, mẹ, con"
	place = "Hà Nội"
)

func version() *catalog.Version {
	return &catalog.Version{
		Number: 1, LimitAmount: 10, LimitKind: catalog.WorkingDays,
		Documents: []catalog.Document{
			{Key: "to_khai", Name: "Tờ khai đăng ký khai sinh theo mẫu", Originals: 1, Required: true},
			{Key: "giay_chung_sinh", Name: "Giấy chứng sinh do cơ sở y tế nơi trẻ em sinh ra cấp; trường hợp không có giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh", Originals: 1, Required: true},
			{Key: "cccd", Name: "Căn cước công dân của người đi đăng ký", Copies: 1, Required: true},
			{Key: "uy_quyen", Name: "Văn bản ủy quyền (nếu nộp thay)", Originals: 1},
		},
		Process: []catalog.Step{
			{Key: "tiep_nhan", Name: "Tiếp nhận hồ sơ", BudgetHours: 4},
			{Key: "chuyen", Name: "Chuyển hồ sơ", BudgetHours: 4},
			{Key: "phan_cong", Name: "Phân công", BudgetHours: 8},
			{Key: "tham_dinh", Name: "Thẩm định", BudgetHours: 56},
			{Key: "tra_kq", Name: "Trả kết quả", BudgetHours: 8},
		},
	}
}

// base is a dossier received on 05/03/2025 08:30, due 19/03/2025 17:00.
func base() *dossier.Dossier {
	return &dossier.Dossier{
		Code: code, ProcedureCode: "1.001193", ProcedureName: proc,
		UnitCode: "000.17.22.H56", UnitName: "Ủy ban nhân dân phường Láng",
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: name, IDNumber: "001190012345",
			Phone: "0912 345 678", Email: "thao.ton@example.vn",
			Address: "Số 12, ngõ 34 phố Nguyễn Chí Thanh, phường Láng, thành phố Hà Nội"},
		Channel: dossier.ChannelCounter, Status: dossier.StatusReceived,
		SubmittedAt: ict(2025, 3, 5, 8, 20), ReceivedAt: ptr(ict(2025, 3, 5, 8, 30)),
		LegalDueAt: ptr(ict(2025, 3, 19, 17, 0)),
		Events: []dossier.Event{
			{At: ict(2025, 3, 5, 8, 20), Action: dossier.ActSubmit, To: dossier.StatusSubmitted},
			{At: ict(2025, 3, 5, 8, 30), ActorName: "Lê Văn Tiếp", UnitCode: "000.17.22.H56", Action: dossier.ActReceive,
				StepKey: "tiep_nhan", BudgetHours: 4, SpentHours: 0.17, Verdict: dossier.VerdictEarly},
		},
	}
}

func processed() *dossier.Dossier {
	d := base()
	d.Status, d.Assignee = dossier.StatusDelivered, "Phạm Thu Hằng"
	d.FinishedAt, d.DeliveredAt = ptr(ict(2025, 3, 20, 10, 0)), ptr(ict(2025, 3, 20, 15, 0))
	d.Verdict = dossier.VerdictLate
	d.Events = append(d.Events,
		dossier.Event{At: ict(2025, 3, 5, 14, 0), ActorName: "Lê Văn Tiếp", UnitCode: "000.17.22.H56", Action: dossier.ActTransfer,
			Data: dossier.UnitData{ToUnit: "000.17.22.H56"}, StepKey: "chuyen", BudgetHours: 4, SpentHours: 2, Verdict: dossier.VerdictOnTime},
		dossier.Event{At: ict(2025, 3, 6, 9, 0), ActorName: "Nguyễn Đức Trưởng", UnitCode: "000.17.22.H56", Action: dossier.ActAssign,
			Data: dossier.AssignData{Assignee: "Phạm Thu Hằng"}, StepKey: "phan_cong", BudgetHours: 8, SpentHours: 6.5, Verdict: dossier.VerdictOnTime},
		dossier.Event{At: ict(2025, 3, 20, 10, 0), ActorName: "Nguyễn Đức Trưởng", UnitCode: "000.17.22.H56", Action: dossier.ActFinish,
			StepKey: "tham_dinh", BudgetHours: 56, SpentHours: 70, Verdict: dossier.VerdictLate, Note: "Chờ xác minh"},
		dossier.Event{At: ict(2025, 3, 20, 15, 0), ActorName: "Lê Văn Tiếp", UnitCode: "000.17.22.H56", Action: dossier.ActDeliver,
			StepKey: "tra_kq", BudgetHours: 8, SpentHours: 5, Verdict: dossier.VerdictEarly},
	)
	return d
}

// consulted is a dossier being examined whose specialist consulted two
// units: the Sở Tư pháp, given 3 working days, answered a day late; the
// ward's police, given 5, answered early.
func consulted() *dossier.Dossier {
	d := base()
	d.Status, d.Assignee = dossier.StatusProcessing, "Phạm Thu Hằng"
	const ward, dept, police = "000.17.22.H56", "000.00.41.H56", "000.18.22.H56"
	by1, by2 := ict(2025, 3, 11, 17, 0).UTC(), ict(2025, 3, 13, 17, 0).UTC()
	d.Consultations = []dossier.Consultation{
		{ID: 1, FromUnit: ward, FromName: d.UnitName, ToUnit: dept, ToUnitName: "Sở Tư pháp", AskedAt: ict(2025, 3, 6, 10, 0),
			ReplyDays: 3, ReplyBy: &by1, AnsweredAt: ptr(ict(2025, 3, 12, 9, 30)), Verdict: dossier.VerdictLate},
		{ID: 2, FromUnit: ward, FromName: d.UnitName, ToUnit: police, ToUnitName: "Công an phường Láng", AskedAt: ict(2025, 3, 6, 10, 5),
			ReplyDays: 5, ReplyBy: &by2, AnsweredAt: ptr(ict(2025, 3, 10, 15, 0)), Verdict: dossier.VerdictEarly},
	}
	d.Events = append(d.Events,
		dossier.Event{At: ict(2025, 3, 6, 9, 0), ActorName: "Nguyễn Đức Trưởng", UnitCode: ward, Action: dossier.ActAssign,
			Data: dossier.AssignData{Assignee: "Phạm Thu Hằng"}, StepKey: "phan_cong", BudgetHours: 8, SpentHours: 6.5, Verdict: dossier.VerdictOnTime},
		dossier.Event{At: ict(2025, 3, 6, 10, 0), ActorName: "Phạm Thu Hằng", UnitCode: ward, Action: dossier.ActConsult,
			Data: dossier.ConsultData{ToUnit: dept, ReplyDays: 3, ReplyBy: &by1}, Note: "Xác minh giấy khai sinh nước ngoài"},
		dossier.Event{At: ict(2025, 3, 6, 10, 5), ActorName: "Phạm Thu Hằng", UnitCode: ward, Action: dossier.ActConsult,
			Data: dossier.ConsultData{ToUnit: police, ReplyDays: 5, ReplyBy: &by2}, Note: "Xác minh nơi cư trú"},
		dossier.Event{At: ict(2025, 3, 10, 15, 0), ActorName: "Trần Minh Quân", UnitCode: police, Action: dossier.ActAnswerConsult,
			Data: dossier.AnswerData{FromUnit: ward}, Verdict: dossier.VerdictEarly, Note: "Có cư trú"},
		dossier.Event{At: ict(2025, 3, 12, 9, 30), ActorName: "Đặng Văn Long", UnitCode: dept, Action: dossier.ActAnswerConsult,
			Data: dossier.AnswerData{FromUnit: ward}, Verdict: dossier.VerdictLate, Note: "Giấy tờ hợp lệ"},
	)
	return d
}

func supplemented() *dossier.Dossier {
	d := base()
	d.Status = dossier.StatusSupplement
	d.Supplement = &dossier.SupplementRequest{Documents: []string{"to_khai", "giay_chung_sinh", "ban_khac"},
		Reason:      "Tờ khai chưa có chữ ký của người đi đăng ký.\nGiấy chứng sinh bị mờ, không đọc được ngày sinh.\nThiếu văn bản xác nhận nơi cư trú.",
		RequestedAt: ict(2025, 3, 7, 10, 15), FromStatus: dossier.StatusProcessing}
	return d
}

// answered is a dossier whose supplementation request was answered: the
// request survives only in the event log, with JSON-decoded data.
func answered() *dossier.Dossier {
	d := base()
	d.Status = dossier.StatusProcessing
	d.Events = append(d.Events, dossier.Event{At: ict(2025, 3, 7, 10, 15), ActorName: "Phạm Thu Hằng",
		Action: dossier.ActRequestSupplement, Note: "Thiếu bản sao căn cước", Data: dossier.SupplementData{Documents: []string{"cccd"}}})
	return d
}

func refused() *dossier.Dossier {
	d := base()
	d.Status, d.ReceivedAt, d.LegalDueAt = dossier.StatusRefused, nil, nil
	d.Events = append(d.Events[:1], dossier.Event{At: ict(2025, 3, 5, 9, 0), ActorName: "Lê Văn Tiếp",
		Action: dossier.ActRefuse, Note: "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường."})
	return d
}

func rescheduled() *dossier.Dossier {
	d := base()
	d.Status, d.Rescheduled = dossier.StatusProcessing, true
	d.LegalDueAt = ptr(ict(2025, 3, 26, 17, 0))
	d.Events = append(d.Events, dossier.Event{At: ict(2025, 3, 17, 16, 0), ActorName: "Nguyễn Đức Trưởng",
		Action: dossier.ActReschedule, Note: "Cần xác minh thông tin với cơ quan đăng ký hộ tịch nơi cư trú trước đây.",
		Data: dossier.RescheduleData{OldDue: ict(2025, 3, 19, 17, 0).UTC(), NewDue: ict(2025, 3, 26, 17, 0).UTC()}})
	return d
}

// notGranted is a dossier the leader decided not to grant, with the
// reasons and the register's number.
func notGranted() *dossier.Dossier {
	d := base()
	d.Status, d.FinishedAt = dossier.StatusFinished, ptr(ict(2025, 3, 14, 10, 0))
	d.Result = &dossier.Result{Number: "12/2025", Summary: "Người cha chưa đủ điều kiện nhận con theo Điều 25 Luật Hộ tịch; giấy tờ chứng minh quan hệ cha, con chưa hợp lệ.",
		Granted: false, SignedBy: "Nguyễn Đức Trưởng", IssuedAt: ict(2025, 3, 14, 10, 0)}
	d.Events = append(d.Events, dossier.Event{At: ict(2025, 3, 14, 10, 0), ActorName: "Nguyễn Đức Trưởng", Role: "leader",
		Action: dossier.ActFinish, Data: dossier.ResultData{ResultNumber: "12/2025"}})
	return d
}

func stopped() *dossier.Dossier {
	d := base()
	d.Status, d.FinishedAt = dossier.StatusStopped, ptr(ict(2025, 3, 10, 11, 0))
	d.Events = append(d.Events, dossier.Event{At: ict(2025, 3, 10, 11, 0), ActorName: "Lê Văn Tiếp",
		Action: dossier.ActStop, Note: "Công dân đề nghị dừng giải quyết để bổ sung thông tin người cha."})
	return d
}

func input(d *dossier.Dossier) Input {
	return Input{Dossier: d, Version: version(),
		Issuer:  Issuer{UnitName: "Ủy ban nhân dân phường Láng", ParentName: "Ủy ban nhân dân thành phố Hà Nội", Place: place},
		Officer: "Lê Văn Tiếp", OfficerPhone: "024 3851 2345",
		TrackingURL: "https://dichvucong.hanoi.gov.vn/tra-cuu?ma=" + code, Now: ict(2025, 3, 21, 9, 0)}
}

// render renders a slip and extracts its text twice: in content order
// (-raw: a wrapped table cell stays together) and as laid out (-layout: a
// table row stays on one line).
func render(t *testing.T, dir, no string, in Input) (file, text, layout string) {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, no, in); err != nil {
		t.Fatalf("Render(%s): %v", no, err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatalf("slip %s does not start with %%PDF", no)
	}
	file = filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+"-"+no+".pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("SLIPS_OUT"); out != "" { // for a look at the layout
		_ = os.WriteFile(filepath.Join(out, filepath.Base(file)), buf.Bytes(), 0o644)
	}
	return file, run(t, "pdftotext", "-raw", file, "-"), run(t, "pdftotext", "-layout", file, "-")
}

// flat joins wrapped lines so that phrases broken across lines still match.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

var bboxWord = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
var bboxPage = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)

// checkMargins fails if any word lies outside the page's side margins
// (15 mm at least) or in the last 5 mm of the page.
func checkMargins(t *testing.T, file string) {
	t.Helper()
	html := run(t, "pdftotext", "-bbox", file, "-")
	pages := bboxPage.FindAllStringSubmatch(html, -1)
	if len(pages) == 0 {
		t.Fatal("pdftotext -bbox: no page")
	}
	w, _ := strconv.ParseFloat(pages[0][1], 64)
	h, _ := strconv.ParseFloat(pages[0][2], 64)
	margin := 15 * 72 / 25.4
	for _, m := range bboxWord.FindAllStringSubmatch(html, -1) {
		x0, _ := strconv.ParseFloat(m[1], 64)
		x1, _ := strconv.ParseFloat(m[3], 64)
		y1, _ := strconv.ParseFloat(m[4], 64)
		if x0 < margin-1 || x1 > w-margin+1 || y1 > h-5*72/25.4 {
			t.Errorf("%s: word %q at x %.1f–%.1f, y %.1f leaves the margins of a %.0f×%.0f page", filepath.Base(file), m[5], x0, x1, y1, w, h)
		}
	}
}

func TestRender(t *testing.T) {
	common := []string{code, name, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Quét mã để tra cứu hồ sơ", "UBND PHƯỜNG LÁNG"}
	desk := []string{"BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "Mã hồ sơ: " + code}
	letter := []string{"Số: ……/……", "Nơi nhận:", "- Như trên;", "- Lưu: VT, Bộ phận Tiếp nhận và Trả kết quả UBND phường Láng.",
		"THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)"}
	cases := []struct {
		no   string
		d    *dossier.Dossier
		want []string
	}{
		{"01", base(), []string{"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Hà Nội, ngày 05 tháng 3 năm 2025",
			"001190012345", "0912 345 678", "thao.ton@example.vn", "phố Nguyễn Chí Thanh", proc,
			"Tờ khai đăng ký khai sinh theo mẫu", "Căn cước công dân của người đi đăng ký", "Văn bản ủy quyền (nếu nộp thay)",
			"10 (mười) ngày làm việc", "08:30 ngày 05/03/2025", "17:00 ngày 19/03/2025",
			"Trực tiếp tại Bộ phận Một cửa", "8. Đăng ký nhận kết quả tại: Bộ phận Tiếp nhận và Trả kết quả UBND phường Láng",
			"Bộ phận Tiếp nhận và Trả kết quả UBND phường Láng tiếp nhận hồ sơ của:", "2. Số lượng hồ sơ: ………… (bộ)",
			"6. Phí, lệ phí: Không", "Vào Sổ theo dõi hồ sơ, Quyển số: ………… Số thứ tự: …………",
			"NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lê Văn Tiếp", "024 3851 2345"}},
		{"02", supplemented(), []string{"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Hà Nội, ngày 07 tháng 3 năm 2025",
			"Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh do cơ sở y tế", "ban_khac",
			"Giấy chứng sinh bị mờ", "Lê Văn Tiếp, số điện thoại 024 3851 2345", "10:15 ngày 07/03/2025",
			"Nội dung, lý do cần bổ sung, hoàn thiện", "NGƯỜI HƯỚNG DẪN"}},
		{"02", answered(), []string{"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Căn cước công dân của người đi đăng ký",
			"Thiếu bản sao căn cước"}},
		{"03", refused(), []string{"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Hà Nội, ngày 05 tháng 3 năm 2025", proc,
			"không thuộc thẩm quyền giải quyết", "Lê Văn Tiếp"}},
		{"04", rescheduled(), []string{"VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", "Hà Nội, ngày 17 tháng 3 năm 2025", proc,
			"05/03/2025", "17:00 ngày 19/03/2025", "17:00 ngày 26/03/2025", "Cần xác minh thông tin", "xin lỗi Ông/Bà", "Nguyễn Đức Trưởng"}},
		{"05", stopped(), []string{"THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Hà Nội, ngày 10 tháng 3 năm 2025", proc,
			"11:00 ngày 10/03/2025", "bổ sung thông tin người cha"}},
		{"06", processed(), []string{"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Hà Nội, ngày 21 tháng 3 năm 2025",
			"19/03/2025", "Phạm Thu Hằng", "Nguyễn Đức Trưởng", "Chờ xác minh", "70/56 giờ"}},
	}
	for _, c := range cases {
		t.Run(c.no+"/"+c.d.Status.Label("en"), func(t *testing.T) {
			file, text, layout := render(t, t.TempDir(), c.no, input(c.d))
			all := flat(text)
			want := append(append([]string{}, common...), c.want...)
			if c.no == "04" || c.no == "05" {
				want = append(want, letter...)
			} else {
				want = append(want, desk...)
			}
			for _, w := range want {
				if !strings.Contains(all, w) {
					t.Errorf("slip %s lacks %q\n%s", c.no, w, layout)
				}
			}
			checkMargins(t, file)
			if c.no != "06" {
				return
			}
			// Each step sits on one row with its verdict.
			steps := map[string]string{"Tiếp nhận hồ sơ": "Trước hạn", "Chuyển hồ sơ": "Đúng hạn",
				"Phân công": "Đúng hạn", "Thẩm định": "Quá hạn", "Trả kết quả": "Trước hạn"}
			for step, verdict := range steps {
				found := false
				for _, line := range strings.Split(layout, "\n") {
					if strings.Contains(line, step) && strings.Contains(line, verdict) {
						found = true
					}
				}
				if !found {
					t.Errorf("slip 06: no row with step %q and verdict %q\n%s", step, verdict, layout)
				}
			}
		})
	}
}

func TestRenderEnglish(t *testing.T) {
	in := input(base())
	in.Lang = "en"
	_, text, _ := render(t, t.TempDir(), "01", in)
	for _, w := range []string{"RECEIPT AND APPOINTMENT SLIP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Hà Nội, 5 March 2025",
		"10 working days", "17:00, 19/03/2025", name, code} {
		if !strings.Contains(flat(text), w) {
			t.Errorf("English slip lacks %q\n%s", w, text)
		}
	}
	in.Lang = "fr"
	if err := Render(&bytes.Buffer{}, "01", in); err == nil {
		t.Error("Lang fr: want an error")
	}
}

// Long names wrap inside the page and the table cells.
func TestLongText(t *testing.T) {
	d := supplemented()
	d.Applicant.FullName = strings.Repeat("Nguyễn Thị Hoàng Phương Thảo Trần ", 4) + "Công-ty-trách-nhiệm-hữu-hạn-một-thành-viên-thương-mại-dịch-vụ-xây-dựng"
	d.ProcedureName = strings.Repeat("Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất ", 3)
	in := input(d)
	in.Version.Documents[0].Name = strings.Repeat("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất ", 6)
	in.Issuer.ParentName = "Ủy ban nhân dân thành phố Hà Nội - Sở Nông nghiệp và Môi trường - Văn phòng Đăng ký đất đai"
	for _, no := range []string{"01", "02", "06"} {
		file, text, _ := render(t, t.TempDir(), no, in)
		checkMargins(t, file)
		if !strings.Contains(flat(text), "Nguyễn Thị Hoàng Phương Thảo Trần") {
			t.Errorf("slip %s lacks the long name", no)
		}
	}
}

func TestPNGNotBlank(t *testing.T) {
	dir := t.TempDir()
	file, _, _ := render(t, dir, "01", input(base()))
	img, dark := firstPage(t, file)
	b := img.Bounds()
	total := b.Dx() * b.Dy()
	// The QR code is the page's one image.
	if list := run(t, "pdfimages", "-list", file); strings.Count(list, "\n") != 3 {
		t.Errorf("want exactly one image (the QR code):\n%s", list)
	}
	if b.Dx() < 400 || b.Dy() < 550 {
		t.Errorf("page image %dx%d: not A4 at 50 dpi", b.Dx(), b.Dy())
	}
	if dark < total/100 {
		t.Errorf("page is nearly blank: %d of %d pixels are dark", dark, total)
	}
}

func TestErrors(t *testing.T) {
	submitted := base()
	submitted.Status, submitted.ReceivedAt, submitted.LegalDueAt, submitted.Events = dossier.StatusSubmitted, nil, nil, nil
	cases := []struct {
		no   string
		d    *dossier.Dossier
		want error
	}{
		{"09", base(), ErrUnknownSlip},
		{"07", base(), ErrUnknownSlip},
		{"08", base(), ErrNotApplicable},
		{"08", processed(), ErrNotApplicable}, // no refusal decided
		{"1", base(), ErrUnknownSlip},
		{"", base(), ErrUnknownSlip},
		{"01", submitted, ErrNotApplicable},
		{"01", refused(), ErrNotApplicable},
		{"02", base(), ErrNotApplicable},
		{"03", base(), ErrNotApplicable},
		{"04", base(), ErrNotApplicable},
		{"05", base(), ErrNotApplicable},
		{"05", refused(), ErrNotApplicable},
		{"06", submitted, ErrNotApplicable},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%q/%d", c.no, c.d.Status), func(t *testing.T) {
			var buf bytes.Buffer
			err := Render(&buf, c.no, input(c.d))
			if !errors.Is(err, c.want) {
				t.Fatalf("Render(%q) = %v, want %v", c.no, err, c.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Render wrote %d bytes on error", buf.Len())
			}
			if !errors.Is(Applies(c.no, c.d), c.want) {
				t.Errorf("Applies(%q) disagrees with Render", c.no)
			}
		})
	}
	if err := Render(&bytes.Buffer{}, "01", Input{}); err == nil {
		t.Error("no dossier: want an error")
	}
	in := input(base())
	in.Version = nil
	if err := Render(&bytes.Buffer{}, "01", in); err == nil {
		t.Error("01 without version: want an error")
	}
}

func TestRegister(t *testing.T) {
	var rows []*dossier.Dossier
	for i := 1; i <= 120; i++ {
		d := processed()
		d.Code = fmt.Sprintf("000.17.22.H56-250305-%04d", i)
		if i%7 == 0 {
			d.Applicant.FullName = "Công ty trách nhiệm hữu hạn một thành viên Thương mại và Dịch vụ Hoàng Phương Thảo"
			d.Status, d.DeliveredAt, d.Verdict = dossier.StatusProcessing, nil, ""
		}
		rows = append(rows, d)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "register.pdf")
	var buf bytes.Buffer
	err := Register(&buf, RegisterInput{Issuer: Issuer{UnitName: "Ủy ban nhân dân phường Láng",
		ParentName: "Ủy ban nhân dân thành phố Hà Nội", Place: place},
		From: ict(2025, 3, 1, 0, 0), To: ict(2025, 4, 1, 0, 0), Rows: rows, Now: ict(2025, 4, 1, 8, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatal("register does not start with %PDF")
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("SLIPS_OUT"); out != "" {
		_ = os.WriteFile(filepath.Join(out, "register.pdf"), buf.Bytes(), 0o644)
	}
	info := run(t, "pdfinfo", file)
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo: no page count\n%s", info)
	}
	pages, _ := strconv.Atoi(m[1])
	if pages < 2 {
		t.Fatalf("120 rows on %d page(s), want ≥ 2", pages)
	}
	if !strings.Contains(info, "Page size:      841.89 x 595.28") && !strings.Contains(info, "842 x 595") {
		t.Errorf("register is not A4 landscape:\n%s", info)
	}
	text := run(t, "pdftotext", "-raw", file, "-")
	all := flat(text)
	for _, w := range []string{"SỔ THEO DÕI HỒ SƠ", "Từ ngày 01/03/2025 đến ngày 31/03/2025", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		name, "Quá hạn", "Đang xử lý", fmt.Sprintf("Trang %d/%d", pages, pages)} {
		if !strings.Contains(all, w) {
			t.Errorf("register lacks %q", w)
		}
	}
	// The running title and the table header start every page after the first.
	if n := strings.Count(all, "Sổ theo dõi hồ sơ"); n < pages-1 {
		t.Errorf("running title on %d pages, want %d", n, pages-1)
	}
	if n := strings.Count(all, "Ngày hẹn trả kết quả"); n != pages {
		t.Errorf("table header on %d of %d pages", n, pages)
	}
	for i := 1; i <= 120; i++ {
		if c := fmt.Sprintf("250305-%04d", i); !strings.Contains(all, c) {
			t.Errorf("register lacks row %s", c)
		}
	}
	checkMargins(t, file)

	// An empty period still gives a register.
	buf.Reset()
	if err := Register(&buf, RegisterInput{Issuer: Issuer{UnitName: "UBND phường Láng"}}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatal("empty register is not a PDF")
	}
}

func TestWords(t *testing.T) {
	for n, want := range map[int]string{0: "không", 1: "một", 5: "năm", 10: "mười", 11: "mười một", 15: "mười lăm",
		20: "hai mươi", 21: "hai mươi mốt", 24: "hai mươi tư", 25: "hai mươi lăm", 30: "ba mươi",
		100: "một trăm", 105: "một trăm linh năm", 115: "một trăm mười lăm", 999: "chín trăm chín mươi chín", 1000: ""} {
		if got := numberWords(n); got != want {
			t.Errorf("numberWords(%d) = %q, want %q", n, got, want)
		}
	}
	vi := lang{}
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{ict(2025, 3, 5, 9, 0), "Hà Nội, ngày 05 tháng 3 năm 2025"},
		{ict(2026, 2, 9, 9, 0), "Hà Nội, ngày 09 tháng 02 năm 2026"},
		{ict(2025, 12, 31, 23, 30), "Hà Nội, ngày 31 tháng 12 năm 2025"},
		// 20:00 UTC is the next morning in Hà Nội.
		{time.Date(2025, 1, 31, 20, 0, 0, 0, time.UTC), "Hà Nội, ngày 01 tháng 02 năm 2025"},
	} {
		if got := vi.placeDate("Hà Nội", c.t); got != c.want {
			t.Errorf("placeDate(%v) = %q, want %q", c.t, got, c.want)
		}
	}
	if got := vi.at(time.Date(2025, 3, 5, 1, 30, 0, 0, time.UTC)); got != "08:30 ngày 05/03/2025" {
		t.Errorf("at = %q", got)
	}
	for _, c := range []struct {
		v    catalog.Version
		want string
	}{
		{catalog.Version{LimitAmount: 0, LimitKind: catalog.WorkingDays}, "Trong ngày"},
		{catalog.Version{LimitAmount: 30, LimitKind: catalog.WorkingDays}, "30 (ba mươi) ngày làm việc"},
		{catalog.Version{LimitAmount: 15, LimitKind: catalog.CalendarDays}, "15 (mười lăm) ngày"},
		{catalog.Version{LimitAmount: 4, LimitKind: catalog.WorkingHours}, "4 (bốn) giờ làm việc"},
	} {
		if got := vi.limit(&c.v); got != c.want {
			t.Errorf("limit(%d %s) = %q, want %q", c.v.LimitAmount, c.v.LimitKind, got, c.want)
		}
	}
	if Title("03", "") != "Phiếu từ chối tiếp nhận giải quyết hồ sơ" || Title("07", "en") != "Dossier register" || Title("code", "") != "" {
		t.Error("Title")
	}
}

// Slips render concurrently (the embedded fonts are shared read-only).
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for _, no := range []string{"01", "02", "06", "01", "02", "06"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := map[string]*dossier.Dossier{"01": base(), "02": supplemented(), "06": processed()}[no]
			var buf bytes.Buffer
			if err := Render(&buf, no, input(d)); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
				t.Errorf("slip %s: %v", no, err)
			}
		}()
	}
	wg.Wait()
}

// TestControlSlipConsultation: slip 06 has a row for each consultation
// sent and answered, with the reply-by date and working days, the answer
// judged against it and a late answer laid on the consulted unit, in
// English as in Vietnamese (the golden slip06consult).
func TestControlSlipConsultation(t *testing.T) {
	in := input(consulted())
	in.Lang = "en"
	_, text, _ := render(t, t.TempDir(), "06", in)
	text = flat(text)
	for _, w := range []string{"Consultation sent", "Consultation answered", "answer due 17:00, 11/03/2025 (3 working days)",
		"answer due 17:00, 13/03/2025 (5 working days)", "the delay is Sở Tư pháp's", "Late", "Early"} {
		if !strings.Contains(text, w) {
			t.Errorf("the English slip 06 lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "the delay is Công an") || strings.Contains(text, "the delay is Ủy ban") {
		t.Errorf("the delay is laid on a unit that was not late:\n%s", text)
	}
}
