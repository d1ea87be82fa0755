package backoffice_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// pdfText extracts a PDF's text with pdftotext (poppler-utils).
func pdfText(t *testing.T, body string) string {
	t.Helper()
	if !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("not a PDF: %.200s", body)
	}
	return strings.Join(strings.Fields(apptest.PDFText(t, []byte(body), "-raw")), " ")
}

// countDossiers counts every stored dossier.
func countDossiers(t *testing.T, env *apptest.Env) int {
	t.Helper()
	var n int
	if err := env.DB.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// intakeFields is a complete counter intake of the marriage procedure at
// Hàng Trống, nothing ticked yet.
func intakeFields() map[string]string {
	return map[string]string{"thu-tuc": apptest.Marriage, "applicant.id_number": "001185006789",
		"applicant.full_name": "Phạm Thị Dung", "applicant.phone": "0901234567", "chong_ho_ten": "Đỗ Văn Em", "vo_ho_ten": "Phạm Thị Dung"}
}

// TestIntakeChecklist: the intake page lists the procedure's documents as
// a checklist; reception is refused (400, Vietnamese and English) while a
// required document is neither ticked nor excused, and accepted with the
// officer's note; slip 01 then lists only the documents ticked.
func TestIntakeChecklist(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			rec := login(t, env, "ht.receptionist")
			const path = "/can-bo/tiep-nhan/truc-tiep"
			want(t, "checklist", rec.get(path+"?thu-tuc="+apptest.Marriage), 200, `id="checklist"`,
				`id="recv-to_khai" name="recv.to_khai" type="checkbox" value="1"`, `name="orig.to_khai"`, `value="1"`,
				`name="copy.giay_xac_nhan"`, `name="note.giay_xac_nhan"`, `name="doc.giay_xac_nhan" type="file"`,
				"Đánh dấu từng giấy tờ", `name="outcome" value="guidance"`, `name="outcome" value="refusal"`, "formnovalidate")
			want(t, "checklist in English", rec.get(path+"?thu-tuc="+apptest.Marriage+"&lang=en"), 200, "Documents: tick those received",
				"Originals", "Copies", "Note, reason")

			before := countDossiers(t, env)
			f := intakeFields()
			f["recv.to_khai"] = "1"
			p := rec.postMultipart(path+"?lang=vi", f, nil) // the language is remembered
			want(t, "unticked required document", p, http.StatusBadRequest,
				"Chưa nhận giấy tờ bắt buộc «Giấy xác nhận tình trạng hôn nhân»", `id="err-giay_xac_nhan"`,
				`id="recv-to_khai" name="recv.to_khai" type="checkbox" value="1" checked`, `value="Phạm Thị Dung"`)
			if strings.Contains(p.body, `id="err-to_khai"`) {
				t.Fatalf("the ticked document is marked:\n%s", p.body)
			}
			want(t, "unticked, in English", rec.postMultipart(path+"?lang=en", f, nil), http.StatusBadRequest,
				"The required document “Giấy xác nhận tình trạng hôn nhân” is not ticked")
			// A scan of a document not ticked is refused too.
			p = rec.postMultipart(path+"?lang=vi", f, []apptest.File{{Field: "doc.giay_xac_nhan", Name: "xn.pdf", Content: pdf("xac nhan")}})
			want(t, "scan of an unticked document", p, http.StatusBadRequest, "Có bản quét của «Giấy xác nhận tình trạng hôn nhân»")
			f["orig.to_khai"] = "nhiều"
			want(t, "count not a number", rec.postMultipart(path, f, nil), http.StatusBadRequest, "phải từ 0 đến 99")
			if n := countDossiers(t, env); n != before {
				t.Fatalf("refused intakes stored dossiers: %d, then %d", before, n)
			}

			// Excused by a note: received, with one copy of the form counted.
			f["orig.to_khai"], f["copy.to_khai"] = "1", "2"
			f["note.giay_xac_nhan"] = "Cán bộ tư pháp tra cứu cơ sở dữ liệu hộ tịch"
			p = rec.postMultipart(path, f, []apptest.File{{Field: "doc.to_khai", Name: "tk.pdf", Content: pdf("to khai")}})
			loc := p.header.Get("Location")
			if p.status != http.StatusSeeOther || !strings.HasSuffix(loc, "?xong=receive") {
				t.Fatalf("intake with a note: %d %q\n%s", p.status, loc, p.body)
			}
			code := strings.TrimSuffix(strings.TrimPrefix(loc, "/can-bo/ho-so/"), "?xong=receive")
			if d := dossierOf(t, env, code); d.Status != 2 || len(d.Documents) != 1 {
				t.Fatalf("received dossier: %+v", d)
			}
			want(t, "dossier page", rec.get("/can-bo/ho-so/"+code+"?lang=vi"), 200, `id="received-docs"`,
				"Tờ khai: đã nhận 1 bản chính, 2 bản sao", "Giấy xác nhận tình trạng hôn nhân: <strong>chưa nhận</strong> — Cán bộ tư pháp tra cứu cơ sở dữ liệu hộ tịch")
			text := pdfText(t, rec.get("/can-bo/ho-so/"+code+"/phieu/01").body)
			if !strings.Contains(text, "1 Tờ khai 1 2") || strings.Contains(text, "Giấy xác nhận tình trạng hôn nhân") {
				t.Fatalf("slip 01 does not list only the form (1 original, 2 copies):\n%s", text)
			}
		})
	}
}

// TestWalkInAtDesk: a walk-in applicant is guided (slip 02) or refused
// (slip 03) at the desk without a dossier; each is recorded, listed for
// the unit's staff, printed again, and appears in register 07; other
// units get 404.
func TestWalkInAtDesk(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			rec := login(t, env, "ht.receptionist")
			const path = "/can-bo/tiep-nhan/truc-tiep"
			before := countDossiers(t, env)
			want(t, "no walk-ins yet", rec.get("/can-bo/tiep-nhan/huong-dan"), 200, "Chưa có lượt hướng dẫn, từ chối nào.")

			// Guidance: the required document not ticked needs its reason.
			f := intakeFields()
			delete(f, "vo_ho_ten") // an incomplete form does not stop a guidance
			f["outcome"], f["recv.to_khai"] = "guidance", "1"
			want(t, "guidance without a reason", rec.postMultipart(path, f, nil), http.StatusBadRequest,
				"Vui lòng ghi lý do cần bổ sung, hoàn thiện «Giấy xác nhận tình trạng hôn nhân».")
			f["note.giay_xac_nhan"] = "Giấy xác nhận đã quá 6 tháng kể từ ngày cấp"
			f["note.to_khai"] = "Tờ khai chưa có chữ ký của bên nữ"
			p := rec.postMultipart(path, f, nil)
			loc := p.header.Get("Location")
			if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/can-bo/tiep-nhan/huong-dan?xong=") {
				t.Fatalf("guidance: %d %q\n%s", p.status, loc, p.body)
			}
			id := strings.TrimPrefix(loc, "/can-bo/tiep-nhan/huong-dan?xong=")
			slip02 := "/can-bo/tiep-nhan/huong-dan/" + id + "/phieu"
			want(t, "guidance recorded", rec.get(loc), 200, `id="walkin-done"`, `href="`+slip02+`"`, "Phiếu 02 (PDF)",
				"Phạm Thị Dung", "Hướng dẫn bổ sung, hoàn thiện")
			text := pdfText(t, rec.get(slip02).body)
			for _, w := range []string{"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Kính gửi: Phạm Thị Dung", "Giấy xác nhận đã quá 6 tháng kể từ ngày cấp",
				"Tờ khai chưa có chữ ký của bên nữ", "UBND PHƯỜNG HÀNG TRỐNG"} {
				if !strings.Contains(text, w) {
					t.Errorf("slip 02 lacks %q\n%s", w, text)
				}
			}
			if strings.Contains(text, "Mã hồ sơ") {
				t.Errorf("a walk-in slip shows a dossier code\n%s", text)
			}

			// Refusal: the reasons are required.
			r := intakeFields()
			r["outcome"] = "refusal"
			r["applicant.full_name"] = "Đặng Văn Hùng"
			want(t, "refusal without reasons", rec.postMultipart(path, r, nil), http.StatusBadRequest, `id="in-reason-error"`,
				"Vui lòng ghi rõ lý do từ chối tiếp nhận")
			want(t, "refusal without reasons, English", rec.postMultipart(path+"?lang=en", r, nil), http.StatusBadRequest,
				"Write the reasons for refusing")
			r["reason"] = "Người yêu cầu đăng ký kết hôn đang có vợ."
			p = rec.postMultipart(path+"?lang=vi", r, nil) // the language is remembered
			if p.status != http.StatusSeeOther {
				t.Fatalf("refusal: %d\n%s", p.status, p.body)
			}
			slip03 := "/can-bo/tiep-nhan/huong-dan/" + strings.TrimPrefix(p.header.Get("Location"), "/can-bo/tiep-nhan/huong-dan?xong=") + "/phieu"
			text = pdfText(t, rec.get(slip03).body)
			for _, w := range []string{"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Đặng Văn Hùng", "Người yêu cầu đăng ký kết hôn đang có vợ."} {
				if !strings.Contains(text, w) {
					t.Errorf("slip 03 lacks %q\n%s", w, text)
				}
			}
			// A procedure the unit does not offer is refused from the
			// intake page's own form (the checklist lists offered ones only).
			want(t, "refusal of another procedure, form", rec.get(path+"?lang=vi"), 200, `id="refuse-other"`,
				`action="/can-bo/tiep-nhan/tu-choi"`, "không thuộc thẩm quyền của đơn vị")
			other := url.Values{"thu-tuc": {"9.999999"}, "applicant.full_name": {"Lý Thị Hà"}, "applicant.phone": {"0912000222"},
				"reason": {"Thủ tục thuộc thẩm quyền của Sở Tư pháp."}}
			want(t, "unknown procedure", rec.post("/can-bo/tiep-nhan/tu-choi", other), http.StatusBadRequest,
				`id="refuse-other-error"`, "Không có thủ tục «9.999999».", `value="Lý Thị Hà"`, " open>")
			other.Set("thu-tuc", apptest.CriminalRc)
			other.Set("applicant.id_number", "12345")
			want(t, "bad ID", rec.post("/can-bo/tiep-nhan/tu-choi", other), http.StatusBadRequest, "Thông tin người nộp hồ sơ chưa hợp lệ")
			other.Del("applicant.id_number")
			want(t, "specialist refuses", login(t, env, "ht.specialist").post("/can-bo/tiep-nhan/tu-choi", other), http.StatusForbidden)
			p = rec.post("/can-bo/tiep-nhan/tu-choi", other)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/can-bo/tiep-nhan/huong-dan?xong=") {
				t.Fatalf("refusal of another procedure: %d\n%s", p.status, p.body)
			}
			slipOther := "/can-bo/tiep-nhan/huong-dan/" + strings.TrimPrefix(p.header.Get("Location"), "/can-bo/tiep-nhan/huong-dan?xong=") + "/phieu"
			text = pdfText(t, rec.get(slipOther).body)
			for _, w := range []string{"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Lý Thị Hà", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam (2.000908)",
				"Thủ tục thuộc thẩm quyền của Sở Tư pháp."} {
				if !strings.Contains(text, w) {
					t.Errorf("slip 03 of another procedure lacks %q\n%s", w, text)
				}
			}
			want(t, "cross-site refusal", rec.do("POST", "/can-bo/tiep-nhan/tu-choi", other, map[string]string{"Sec-Fetch-Site": "cross-site"}),
				http.StatusForbidden)

			if n := countDossiers(t, env); n != before {
				t.Fatalf("walk-ins created dossiers: %d, then %d", before, n)
			}

			// The unit's other staff read them; another unit and citizens get 404.
			spec := login(t, env, "ht.specialist")
			want(t, "specialist list", spec.get("/can-bo/tiep-nhan/huong-dan"), 200, "Đặng Văn Hùng", "Phạm Thị Dung")
			want(t, "specialist slip", spec.get(slip02), 200)
			want(t, "specialist may not record", spec.postMultipart(path, r, nil), http.StatusForbidden)
			hb := login(t, env, "hb.receptionist")
			want(t, "other unit's slip", hb.get(slip02), http.StatusNotFound)
			want(t, "unknown record", hb.get("/can-bo/tiep-nhan/huong-dan/999999/phieu"), http.StatusNotFound)
			want(t, "other unit's list", hb.get("/can-bo/tiep-nhan/huong-dan"), 200, "Chưa có lượt hướng dẫn, từ chối nào.")
			citizen := newBrowser(t, env)
			if p := citizen.post("/dang-nhap", map[string][]string{"username": {apptest.CitizenA}, "password": {apptest.Password}}); p.status != http.StatusSeeOther {
				t.Fatalf("citizen login: %d", p.status)
			}
			if p := citizen.get(slip02); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Fatalf("citizen reads the slip: %d", p.status)
			}
			want(t, "cross-site", rec.do("POST", path, map[string][]string{"thu-tuc": {apptest.Marriage}, "outcome": {"refusal"}},
				map[string]string{"Sec-Fetch-Site": "cross-site"}), http.StatusForbidden)

			// Register 07 of the ward lists both, with their outcome.
			reg := env.Login("ht.leader").Raw("GET", "/api/v1/registers/07?unit="+apptest.HangTrong, "", nil, nil)
			if reg.Status != 200 {
				t.Fatalf("register: %d %s", reg.Status, reg.Body)
			}
			text = pdfText(t, string(reg.Body))
			for _, w := range []string{"hướng dẫn bổ sung, hoàn thiện hồ sơ hoặc bị từ chối tiếp nhận hồ sơ", "Phạm Thị Dung", "Đặng Văn Hùng",
				"Hướng dẫn bổ sung, hoàn thiện (Phiếu 02)", "Từ chối tiếp nhận (Phiếu 03)", "Đăng ký kết hôn", "Người yêu cầu đăng ký kết hôn đang có vợ."} {
				if !strings.Contains(text, w) {
					t.Errorf("register 07 lacks %q\n%s", w, text)
				}
			}
			if hbReg := env.Login("hb.leader").Raw("GET", "/api/v1/registers/07?unit="+apptest.HangBac, "", nil, nil); hbReg.Status != 200 ||
				strings.Contains(pdfText(t, string(hbReg.Body)), "Đặng Văn Hùng") {
				t.Fatalf("Hàng Bạc's register: %d", hbReg.Status)
			}
		})
	}
}
