package slips

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
)

// walkInGuidance is a walk-in applicant guided on 05/03/2025 to complete
// two documents, each with its reason.
func walkInGuidance() *dossier.WalkIn {
	return &dossier.WalkIn{ID: 7, Outcome: dossier.WalkInGuidance, UnitCode: "000.17.22.H56", UnitName: "Ủy ban nhân dân phường Láng",
		ProcedureCode: "1.001193", ProcedureName: proc,
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: name, Phone: "0912 345 678",
			Address: "Số 12, ngõ 34 phố Nguyễn Chí Thanh, phường Láng, thành phố Hà Nội"},
		Documents: []dossier.WalkInDocument{
			{Key: "giay_chung_sinh", Name: version().Documents[1].Name, Reason: "Giấy chứng sinh bị mờ, không đọc được ngày sinh"},
			{Key: "cccd", Name: "Căn cước công dân của người đi đăng ký", Reason: "Bản sao chưa được chứng thực"}},
		Officer: "Lê Văn Tiếp", At: ict(2025, 3, 5, 9, 40)}
}

// walkInRefusal is a walk-in applicant refused on 05/03/2025.
func walkInRefusal() *dossier.WalkIn {
	w := walkInGuidance()
	w.ID, w.Outcome, w.Documents = 8, dossier.WalkInRefusal, nil
	w.Applicant = dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: "Đặng Văn Hùng", IDNumber: "001085012345"}
	w.ProcedureCode, w.ProcedureName = "2.000908", "Cấp Phiếu lý lịch tư pháp"
	w.Reason = "Thủ tục thuộc thẩm quyền giải quyết của Sở Tư pháp thành phố Hà Nội."
	w.At = ict(2025, 3, 5, 10, 5)
	return w
}

func renderWalkIn(t *testing.T, dir string, w *dossier.WalkIn, lang string) (file, text, layout string) {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderWalkIn(&buf, WalkInInput{WalkIn: w, Issuer: input(nil).Issuer, OfficerPhone: "024 3851 2345",
		Now: ict(2025, 3, 21, 9, 0), Lang: lang}); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(dir, "walkin-"+WalkInNumber(w)+"-"+lang+".pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, run(t, "pdftotext", "-raw", file, "-"), run(t, "pdftotext", "-layout", file, "-")
}

// TestGoldenWalkIn renders the guidance (02) and the refusal (03) given to
// walk-in applicants: no dossier code, no QR code, one reason per
// document; and compares them with testdata/golden.
func TestGoldenWalkIn(t *testing.T) {
	for _, c := range []struct {
		name string
		w    *dossier.WalkIn
		want []string
	}{
		{"slip02-walkin", walkInGuidance(), []string{"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Kính gửi: " + name,
			"Thời điểm yêu cầu: 09:40 ngày 05/03/2025", "Giấy chứng sinh bị mờ, không đọc được ngày sinh", "Bản sao chưa được chứng thực",
			"liên hệ Lê Văn Tiếp, số điện thoại 024 3851 2345", "Hà Nội, ngày 05 tháng 3 năm 2025"}},
		{"slip03-walkin", walkInRefusal(), []string{"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Kính gửi: Đặng Văn Hùng",
			"Cấp Phiếu lý lịch tư pháp (2.000908)", "Thủ tục thuộc thẩm quyền giải quyết của Sở Tư pháp thành phố Hà Nội.", "Lê Văn Tiếp"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			file, text, layout := renderWalkIn(t, t.TempDir(), c.w, "vi")
			notBlank(t, file)
			for _, w := range c.want {
				if !strings.Contains(flat(text), w) {
					t.Errorf("lacks %q\n%s", w, text)
				}
			}
			for _, w := range []string{"Mã hồ sơ", "Quét mã"} {
				if strings.Contains(text, w) {
					t.Errorf("a walk-in slip has no dossier code nor QR code, yet shows %q", w)
				}
			}
			golden(t, c.name, normalise(layout))
		})
	}
	// Each document sits on its own row with its own reason.
	_, _, layout := renderWalkIn(t, t.TempDir(), walkInGuidance(), "vi")
	for _, line := range strings.Split(layout, "\n") {
		if strings.Contains(line, "Căn cước công dân") && !strings.Contains(line, "Bản sao chưa được chứng thực") {
			t.Errorf("the reason is not on its document's row: %q", line)
		}
	}
	_, text, _ := renderWalkIn(t, t.TempDir(), walkInGuidance(), "en")
	if !strings.Contains(flat(text), "REQUEST TO SUPPLEMENT AND COMPLETE THE DOSSIER") {
		t.Errorf("English guidance slip:\n%s", text)
	}
	if err := RenderWalkIn(&bytes.Buffer{}, WalkInInput{WalkIn: &dossier.WalkIn{Outcome: "other"}}); err == nil {
		t.Error("a walk-in record of no known outcome rendered")
	}
}

// TestGoldenReceiptChecklist: slip 01 of a counter dossier received with
// its checklist lists only the documents ticked, with the originals and
// copies counted at the desk.
func TestGoldenReceiptChecklist(t *testing.T) {
	d := base()
	d.Events[1].Data = dossier.ReceiveData{Documents: []dossier.ReceivedDocument{
		{Key: "to_khai", Name: "Tờ khai đăng ký khai sinh theo mẫu", Received: true, Originals: 1},
		{Key: "giay_chung_sinh", Name: version().Documents[1].Name, Note: "Trẻ sinh tại nhà; người làm chứng đến xác nhận sau"},
		{Key: "cccd", Name: "Căn cước công dân của người đi đăng ký", Received: true, Originals: 1, Copies: 2},
		{Key: "uy_quyen", Name: "Văn bản ủy quyền (nếu nộp thay)"}}}
	file, text, layout := render(t, t.TempDir(), "01", input(d))
	notBlank(t, file)
	for _, w := range []string{"Giấy chứng sinh", "ủy quyền", "Trẻ sinh tại nhà"} {
		if strings.Contains(text, w) {
			t.Errorf("slip 01 names %q, which was not received", w)
		}
	}
	found := false
	for _, line := range strings.Split(layout, "\n") {
		if f := strings.Fields(line); len(f) > 2 && strings.Contains(line, "Căn cước công dân") {
			found = f[len(f)-2] == "1" && f[len(f)-1] == "2"
		}
	}
	if !found {
		t.Errorf("the ID card row does not read 1 original, 2 copies\n%s", layout)
	}
	golden(t, "slip01-checklist", normalise(layout))
}

// TestRegisterWalkIns prints the walk-in applicants of the period in
// register 07, under the dossiers, with date, applicant, procedure and
// outcome.
func TestRegisterWalkIns(t *testing.T) {
	var buf bytes.Buffer
	if err := Register(&buf, RegisterInput{Issuer: input(nil).Issuer, From: ict(2025, 3, 1, 0, 0), To: ict(2025, 4, 1, 0, 0),
		Rows: []*dossier.Dossier{base()}, WalkIns: []*dossier.WalkIn{walkInGuidance(), walkInRefusal()}, Now: ict(2025, 4, 1, 8, 0)}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "slip07-walkins.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	notBlank(t, file)
	raw := flat(run(t, "pdftotext", "-raw", file, "-"))
	for _, w := range []string{code, "hướng dẫn bổ sung, hoàn thiện hồ sơ hoặc bị từ chối tiếp nhận hồ sơ", name, "Đặng Văn Hùng",
		"Hướng dẫn bổ sung, hoàn thiện (Phiếu 02)", "Từ chối tiếp nhận (Phiếu 03)", "Cấp Phiếu lý lịch tư pháp",
		"Bản sao chưa được chứng thực", "Thủ tục thuộc thẩm quyền giải quyết của Sở Tư pháp"} {
		if !strings.Contains(raw, w) {
			t.Errorf("register lacks %q\n%s", w, raw)
		}
	}
	layout := run(t, "pdftotext", "-layout", file, "-")
	if !strings.Contains(layout, "05/03/2025") {
		t.Errorf("walk-in rows lack their date\n%s", layout)
	}
	golden(t, "slip07-walkins", normalise(layout))
}
