package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
)

// pdfText extracts a PDF's text with pdftotext (poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return apptest.PDFText(t, pdf, "-layout")
}

func TestSlipsOverAPI(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen, other := env.Login(apptest.CitizenA), env.Login(apptest.CitizenB)
		rec, lead, spec := env.Login("ht.receptionist"), env.Login("ht.leader"), env.Login("ht.specialist")
		d := citizen.Submit(apptest.HangTrong)
		path := "/api/v1/dossiers/" + d.Code + "/slips/"
		if r := rec.Raw("GET", path+"01", "", nil, nil); r.Status != 422 {
			t.Fatalf("slip 01 before reception: %d %s", r.Status, r.Body)
		}
		rec.MustAct(&d, "receive", nil)
		r := rec.Raw("GET", path+"01", "", nil, nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.Body), "%PDF") {
			t.Fatalf("slip 01: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		due, err := time.Parse(time.RFC3339, *d.LegalDueAt)
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, r.Body)
		received, err := time.Parse(time.RFC3339, *d.ReceivedAt)
		if err != nil {
			t.Fatal(err)
		}
		book := received.In(time.FixedZone("ICT", 7*3600)).Format("2006") // the register's book is the year of reception
		for _, want := range []string{d.Code, "Nguyễn Văn An", due.Format("02/01/2006"), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "UBND PHƯỜNG HÀNG TRỐNG",
			"Quyển số: " + book + " Số thứ tự: 01"} {
			if !strings.Contains(text, want) {
				t.Errorf("slip 01 lacks %q", want)
			}
		}
		// The applicant may print their own slip; nobody else sees it.
		if r := citizen.Raw("GET", path+"01", "", nil, nil); r.Status != 200 {
			t.Fatalf("owner: %d", r.Status)
		}
		for _, c := range []*apptest.Client{other, env.Login("hb.receptionist")} {
			if r := c.Raw("GET", path+"01", "", nil, nil); r.Status != 404 {
				t.Fatalf("outsider: %d", r.Status)
			}
		}
		if r := rec.Raw("GET", path+"09", "", nil, nil); r.Status != 404 {
			t.Fatalf("unknown slip: %d", r.Status)
		}
		lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
		spec.MustAct(&d, "request_supplement", map[string]any{"documents": []string{"giay_xac_nhan"}, "reason": "Giấy xác nhận đã hết hạn"})
		if text := pdfText(t, rec.Raw("GET", path+"02", "", nil, nil).Body); !strings.Contains(text, "Giấy xác nhận đã hết hạn") {
			t.Error("slip 02 lacks the reason")
		}
		citizen.MustAct(&d, "supplement", nil)
		lead.MustAct(&d, "finish", map[string]any{"result": map[string]any{"summary": "Cấp giấy chứng nhận kết hôn", "granted": true}})
		rec.MustAct(&d, "deliver", map[string]any{"method": "in_person"})
		text = pdfText(t, rec.Raw("GET", path+"06", "", nil, nil).Body)
		for _, want := range []string{"PHIẾU KIỂM SOÁT", d.Code} {
			if !strings.Contains(text, want) {
				t.Errorf("slip 06 lacks %q", want)
			}
		}
		if !strings.Contains(text, "Trước hạn") && !strings.Contains(text, "Đúng hạn") && !strings.Contains(text, "Quá hạn") {
			t.Error("slip 06 has no verdict")
		}
		// A granted result has no refusal notice; a refused one has, with
		// its reasons and the register's number.
		if r := rec.Raw("GET", path+"08", "", nil, nil); r.Status != 422 {
			t.Fatalf("slip 08 of a granted result: %d", r.Status)
		}
		no := citizen.Submit(apptest.HangTrong)
		rec.MustAct(&no, "receive", nil)
		lead.MustAct(&no, "assign", map[string]any{"assignee": "ht.specialist"})
		lead.MustAct(&no, "finish", map[string]any{"result": map[string]any{"summary": "Hai bên chưa đủ tuổi kết hôn theo Điều 8 Luật Hôn nhân và gia đình.", "granted": false}})
		if no.Result == nil || no.Result.Number == "" {
			t.Fatalf("the refusal was signed without a number: %+v", no.Result)
		}
		r = citizen.Raw("GET", "/api/v1/dossiers/"+no.Code+"/slips/08", "", nil, nil)
		if r.Status != 200 {
			t.Fatalf("slip 08 for the applicant: %d", r.Status)
		}
		text = pdfText(t, r.Body)
		for _, want := range []string{"THÔNG BÁO KHÔNG GIẢI QUYẾT HỒ SƠ", "Số: " + no.Result.Number, "chưa đủ tuổi kết hôn", no.Code, "khiếu nại"} {
			if !strings.Contains(text, want) {
				t.Errorf("slip 08 lacks %q", want)
			}
		}
		// Register 07: staff of the unit (or above) only.
		reg := "/api/v1/registers/07?unit=" + apptest.HangTrong
		r = lead.Raw("GET", reg, "", nil, nil)
		if r.Status != 200 || !strings.Contains(pdfText(t, r.Body), d.Code) {
			t.Fatalf("register: %d", r.Status)
		}
		if r := env.Login("hk.leader").Raw("GET", reg, "", nil, nil); r.Status != 200 {
			t.Fatalf("district leader register: %d", r.Status)
		}
		if r := env.Login("hb.leader").Raw("GET", reg, "", nil, nil); r.Status != 404 {
			t.Fatalf("other commune register: %d", r.Status)
		}
		if r := citizen.Raw("GET", reg, "", nil, nil); r.Status != 403 {
			t.Fatalf("citizen register: %d", r.Status)
		}
		if r := lead.Raw("GET", reg+"&from=2025-13-01", "", nil, nil); r.Status != 400 {
			t.Fatalf("bad period: %d", r.Status)
		}
	})
}
