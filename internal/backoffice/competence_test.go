package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/store/storetest"
)

// choices returns the options of a form's unit picker in the page.
func choices(t *testing.T, p page, form string) string {
	t.Helper()
	_, rest, ok := strings.Cut(p.body, `<select id="to_unit-`+form+`"`)
	if !ok {
		t.Fatalf("no unit picker for %s\n%s", form, p.body)
	}
	list, _, _ := strings.Cut(rest, "</select>")
	return list
}

// TestReceiveAnywherePages runs reception outside the unit's competence in
// the back office on both engines: Hàng Trống's counter offers a
// department procedure any desk may receive, marked as such; received
// there, the dossier page offers only the transfer, to units that offer
// the procedure, with a hint; a transfer to another unit is refused with
// the reason on the page; the transfer to the department goes.
func TestReceiveAnywherePages(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			s := apptest.Spec("2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân", catalog.LevelProvince, "Sở Tư pháp", 10)
			s.Version.ReceiveAnywhere, s.Version.ReceiveAnywhereBasis = true, "Nghị định 118/2025/NĐ-CP"
			if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{s}); err != nil || len(rep.Rejected) > 0 {
				t.Fatalf("import: %v %v", err, rep.Rejected)
			}
			rec := login(t, env, "ht.receptionist")
			const intake = "/can-bo/tiep-nhan/truc-tiep"
			p := rec.get(intake)
			want(t, "counter procedures", p, 200, `value="2.000488"`,
				"Cấp Phiếu lý lịch tư pháp cho công dân — tiếp nhận tại đây, chuyển đơn vị có thẩm quyền giải quyết")
			if strings.Contains(p.body, `value="`+apptest.CriminalRc+`"`) {
				t.Error("the counter lists a department procedure any desk may not receive")
			}
			want(t, "counter procedures in English", rec.get(intake+"?lang=en"), 200, "received here, transferred to a competent unit")
			rec.get(intake + "?lang=vi") // the language is remembered in a cookie
			want(t, "not offered", rec.get(intake+"?thu-tuc="+apptest.CriminalRc), http.StatusBadRequest)

			fields := map[string]string{"thu-tuc": "2.000488", "applicant.id_number": "001185006789",
				"applicant.full_name": "Phạm Thị Dung", "applicant.phone": "0901234567",
				"chong_ho_ten": "Đỗ Văn Em", "vo_ho_ten": "Phạm Thị Dung", "recv.to_khai": "1", "recv.giay_xac_nhan": "1"}
			docs := []apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: pdf("to khai")},
				{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: pdf("xac nhan")}}
			p = rec.postMultipart(intake, fields, docs)
			loc := p.header.Get("Location")
			if p.status != http.StatusSeeOther || !strings.HasSuffix(loc, "?xong=receive") {
				t.Fatalf("intake: %d to %q\n%s", p.status, loc, p.body)
			}
			code := strings.TrimSuffix(strings.TrimPrefix(loc, "/can-bo/ho-so/"), "?xong=receive")
			path := "/can-bo/ho-so/" + code
			if d := dossierOf(t, env, code); d.Status != 2 || d.Unit != apptest.HangTrong {
				t.Fatalf("received: status %d at %s", d.Status, d.Unit)
			}

			p = rec.get(path)
			want(t, "dossier at the foreign desk", p, 200, `id="form-transfer"`, `id="hint-competence"`,
				"Đơn vị không giải quyết thủ tục này")
			if list := choices(t, p, "transfer"); !strings.Contains(list, `<option value="`+apptest.SoTuPhap+`"`) ||
				strings.Contains(list, apptest.HoanKiem) || strings.Contains(list, apptest.HangBac) {
				t.Fatalf("transfer choices: %s", list)
			}
			lead := login(t, env, "ht.leader")
			if p := lead.get(path); p.status != 200 || strings.Contains(p.body, `id="form-assign"`) || strings.Contains(p.body, `id="form-stop"`) {
				t.Fatalf("the ward's leader is offered processing: %d", p.status)
			}
			want(t, "forged assignment", lead.post(path, act("assign", dossierOf(t, env, code).Version, url.Values{"assignee": {"ht.specialist"}})),
				http.StatusUnprocessableEntity, "không giải quyết thủ tục")
			// A batch assignment goes through the same rule.
			v := dossierOf(t, env, code).Version
			want(t, "batch assignment", lead.post("/can-bo/hang-loat", url.Values{"action": {"assign"}, "assignee": {"ht.specialist"},
				"codes": {code}, "v." + code: {itoa(v)}}), http.StatusOK, "0 thành công, 1 không thực hiện được.",
				"«Phường Hàng Trống» không giải quyết thủ tục «Cấp Phiếu lý lịch tư pháp cho công dân»")
			if d := dossierOf(t, env, code); d.Version != v || d.Status != 2 {
				t.Fatalf("the batch changed the dossier: version %d status %d", d.Version, d.Status)
			}
			want(t, "transfer to the district", rec.post(path, act("transfer", dossierOf(t, env, code).Version,
				url.Values{"to_unit": {apptest.HoanKiem}, "reason": {"?"}})), http.StatusUnprocessableEntity,
				"«Quận Hoàn Kiếm» không giải quyết thủ tục «Cấp Phiếu lý lịch tư pháp cho công dân»")
			done(t, env, rec, code, "transfer", url.Values{"to_unit": {apptest.SoTuPhap}, "reason": {"Thuộc thẩm quyền của Sở Tư pháp"}})
			if d := dossierOf(t, env, code); d.Status != 4 || d.Unit != apptest.SoTuPhap {
				t.Fatalf("transferred: status %d at %s", d.Status, d.Unit)
			}
			want(t, "department's assignment form", login(t, env, "stp.leader").get(path), 200, `id="form-assign"`)
		})
	}
}

// TestTransferChoices checks that a marriage dossier at Hàng Trống's desk
// is offered a transfer only to units that offer the procedure (the other
// ward), while a consultation may still ask the district or the
// department.
func TestTransferChoices(t *testing.T) {
	env := apptest.Start(t, storetest.Engines[0], app.Options{})
	d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
	rec := login(t, env, "ht.receptionist")
	done(t, env, rec, d.Code, "receive", nil)
	p := rec.get("/can-bo/ho-so/" + d.Code)
	want(t, "dossier", p, 200, `id="to_unit-transfer"`)
	list := choices(t, p, "transfer")
	if !strings.Contains(list, `<option value="`+apptest.HangBac+`"`) ||
		strings.Contains(list, apptest.HoanKiem) || strings.Contains(list, apptest.SoTuPhap) || strings.Contains(list, apptest.HangTrong) {
		t.Fatalf("transfer choices: %s", list)
	}
	if strings.Contains(p.body, `id="hint-competence"`) {
		t.Error("the competence hint is shown at a competent desk")
	}
	// Once the district offers it too, it comes first (nearby).
	env.OfferMarriageAlso("all_districts")
	list = choices(t, rec.get("/can-bo/ho-so/"+d.Code), "transfer")
	if i, j := strings.Index(list, apptest.HoanKiem), strings.Index(list, apptest.HangBac); i < 0 || j < 0 || i > j {
		t.Fatalf("the district is not first: %s", list)
	}
}
