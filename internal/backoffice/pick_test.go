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

// TestUnitPickerPages: the transfer and consultation forms choose the unit
// from a list by full name and code: units nearby before any search, then
// the units whose names match, accents optional, namesakes told apart by
// their districts; the search works without JavaScript (find_unit) and
// keeps what was typed; an unknown unit is a 400 in both languages.
func TestUnitPickerPages(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			env.AddNamesakes(t)
			// The transfer picker offers only units that offer the
			// procedure (competence): the district and the department too.
			env.OfferMarriageAlso("all_districts", "Sở Tư pháp")
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			path := "/can-bo/ho-so/" + d.Code
			rec := login(t, env, "ht.receptionist")
			done(t, env, rec, d.Code, "receive", nil)
			opt := func(code, full string) string {
				return `<option value="` + code + `">` + full + ` (` + code + `)</option>`
			}

			p := rec.get(path)
			want(t, "the picker", p, 200, `id="unit_q-transfer"`, `name="find_unit"`, `<select id="to_unit-transfer" name="to_unit" required`,
				"Đơn vị nhận hồ sơ", "Các đơn vị thường chuyển đến", opt(apptest.HoanKiem, "Quận Hoàn Kiếm"), opt(apptest.SoTuPhap, "Sở Tư pháp"),
				`hx-get="/can-bo/ho-so/`+d.Code+`?tim-don-vi=transfer"`)
			for _, gone := range []string{`list="units-nearby"`, "<datalist", `<option value="` + apptest.HangTrong + `"`} {
				if strings.Contains(p.body, gone) {
					t.Errorf("the page still holds %s", gone)
				}
			}

			// The search, as htmx asks it: the three Quang Trung by their
			// districts, never the dossier's own unit.
			search := func(q string) page {
				return rec.get(path + "?tim-don-vi=transfer&unit_q=" + url.QueryEscape(q))
			}
			want(t, "quang trung", search("quang trung"), 200, "Tìm thấy 3 đơn vị.",
				opt(apptest.QuangTrungDD, "Phường Quang Trung, Quận Đống Đa"), opt(apptest.QuangTrungHD, "Phường Quang Trung, Quận Hà Đông"),
				opt(apptest.QuangTrungST, "Phường Quang Trung, Thị xã Sơn Tây"), `value="quang trung"`)
			p = search("Quang Trung, Đống Đa")
			want(t, "quang trung dong da", p, 200, "Tìm thấy 1 đơn vị.", opt(apptest.QuangTrungDD, "Phường Quang Trung, Quận Đống Đa"))
			if strings.Contains(p.body, apptest.QuangTrungHD) {
				t.Error("Hà Đông's Quang Trung matches «Quang Trung, Đống Đa»")
			}
			if p := search("hang"); strings.Contains(p.body, `<option value="`+apptest.HangTrong+`"`) || !strings.Contains(p.body, opt(apptest.HangBac, "Phường Hàng Bạc, Quận Hoàn Kiếm")) {
				t.Errorf("search «hang» offers the dossier's own unit, or not Hàng Bạc:\n%s", p.body)
			}
			want(t, "by code", search(apptest.SoTuPhap), 200, "Tìm thấy 1 đơn vị.", opt(apptest.SoTuPhap, "Sở Tư pháp"))
			want(t, "nothing", search("cau giay"), 200, "Không có đơn vị nào khớp.")
			// The consultation form is not searched by the transfer's search.
			if p := search("quang trung"); strings.Contains(p.body, `value="quang trung" maxlength="100" autocomplete="off" aria-describedby="unit_q-consult-hint"`) {
				t.Error("the consultation picker took the transfer's search")
			}

			// Without JavaScript: the search button posts the form; the
			// page comes back with the units found and the reason typed,
			// and nothing changed.
			const reason = "Chuyển về phường nơi cư trú của người nộp."
			p = rec.post(path, act("transfer", d.Version, url.Values{"find_unit": {"1"}, "unit_q": {"quang trung dong da"}, "reason": {reason}}))
			want(t, "find without JavaScript", p, 200, opt(apptest.QuangTrungDD, "Phường Quang Trung, Quận Đống Đa"), reason,
				`value="quang trung dong da"`, "Tìm thấy 1 đơn vị.")
			if strings.Contains(p.body, `class="error-summary"`) || strings.Contains(p.body, `id="err-transfer"`) {
				t.Errorf("the search shows an error:\n%s", p.body)
			}
			if got := dossierOf(t, env, d.Code); got.Unit != apptest.HangTrong || got.Version != d.Version+1 {
				t.Fatalf("the search changed the dossier: unit %s, version %d", got.Unit, got.Version)
			}

			// Unknown choices: 400, in Vietnamese and English, nothing changed.
			version := dossierOf(t, env, d.Code).Version
			want(t, "unknown unit", rec.post(path, act("transfer", version, url.Values{"to_unit": {"000.99.99.H26"}, "reason": {reason}})),
				http.StatusBadRequest, "Không có đơn vị «000.99.99.H26».")
			want(t, "a name for a code", rec.post(path, act("transfer", version, url.Values{"to_unit": {"Phường Quang Trung"}, "reason": {reason}})),
				http.StatusBadRequest, "Không có đơn vị «Phường Quang Trung».")
			want(t, "none chosen", rec.post(path, act("transfer", version, url.Values{"to_unit": {""}, "reason": {reason}})),
				http.StatusBadRequest, "Vui lòng chọn đơn vị nhận hồ sơ.")
			want(t, "unknown unit (en)", rec.post(path+"?lang=en", act("transfer", version, url.Values{"to_unit": {"000.99.99.H26"}, "reason": {reason}})),
				http.StatusBadRequest, `There is no unit "000.99.99.H26".`, "Receiving unit")
			rec.get("/can-bo/?lang=vi")
			if got := dossierOf(t, env, d.Code); got.Unit != apptest.HangTrong || got.Version != version {
				t.Fatalf("a refused transfer changed the dossier: unit %s, version %d", got.Unit, got.Version)
			}

			// The unit found is transferred to.
			done(t, env, rec, d.Code, "transfer", url.Values{"to_unit": {apptest.QuangTrungDD}, "reason": {reason}})
			if got := dossierOf(t, env, d.Code); got.Unit != apptest.QuangTrungDD {
				t.Fatalf("after the transfer the dossier is at %s, want %s", got.Unit, apptest.QuangTrungDD)
			}

			// The consultation picker searches the same way.
			d2 := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			done(t, env, rec, d2.Code, "receive", nil)
			done(t, env, login(t, env, "ht.leader"), d2.Code, "assign", url.Values{"assignee": {"ht.specialist"}})
			spec := login(t, env, "ht.specialist")
			path2 := "/can-bo/ho-so/" + d2.Code
			want(t, "consult search", spec.get(path2+"?tim-don-vi=consult&unit_q=tu+phap"), 200, `id="to_unit-consult"`, "Đơn vị được xin ý kiến",
				opt(apptest.SoTuPhap, "Sở Tư pháp"), "Tìm thấy 1 đơn vị.")
			done(t, env, spec, d2.Code, "consult", url.Values{"to_unit": {apptest.SoTuPhap}, "reason": {"Xin ý kiến về giấy tờ nước ngoài."}})
			if got := dossierOf(t, env, d2.Code); len(got.Consultations) != 1 || got.Consultations[0].ToUnit != apptest.SoTuPhap {
				t.Fatalf("consultations: %+v", got.Consultations)
			}
			// Another commune's staff get the same 404 as for an unknown code.
			want(t, "search on another commune's dossier", login(t, env, "hb.receptionist").get(path2+"?tim-don-vi=consult&unit_q=tu+phap"), http.StatusNotFound)
		})
	}
}
