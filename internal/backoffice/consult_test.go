package backoffice_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestConsultAndReturnPages runs the inter-agency path in the pages: the
// commune's desk hands a received dossier to the district, whose
// specialist consults the Sở Tư pháp; the department finds the question in
// its list, reads the dossier and answers; the district drafts, approves
// and returns the result to the commune's desk, which delivers it.
func TestConsultAndReturnPages(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			env.OfferMarriageAlso("all_districts")
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			path := "/can-bo/ho-so/" + d.Code
			rec := login(t, env, "ht.receptionist")
			done(t, env, rec, d.Code, "receive", nil)
			// Only units that offer the procedure are transfer targets.
			pg := rec.get(path)
			want(t, "transfer form at the desk", pg, 200, `id="form-transfer"`, `<option value="`+apptest.HoanKiem+`">`)
			if _, transfer, _ := strings.Cut(pg.body, `id="form-transfer"`); strings.Contains(strings.SplitN(transfer, "</form>", 2)[0], `<option value="`+apptest.SoTuPhap+`"`) {
				t.Error("the transfer picker offers a department that does not offer the procedure")
			}
			done(t, env, rec, d.Code, "transfer", url.Values{"to_unit": {apptest.HoanKiem}, "reason": {"Thẩm quyền cấp quận"}})

			hkLead, hkSpec := login(t, env, "hk.leader"), login(t, env, "hk.specialist")
			done(t, env, hkLead, d.Code, "assign", url.Values{"assignee": {"hk.specialist"}})
			want(t, "consult form", hkSpec.get(path), 200, `id="form-consult"`, "Xin ý kiến đơn vị khác")
			want(t, "consult without question", hkSpec.post(path, act("consult", dossierOf(t, env, d.Code).Version, url.Values{"to_unit": {apptest.SoTuPhap}})),
				http.StatusBadRequest, "Vui lòng nêu nội dung cần xin ý kiến.")
			want(t, "consult an unknown unit", hkSpec.post(path, act("consult", dossierOf(t, env, d.Code).Version, url.Values{"to_unit": {"000.99.99.H26"}, "reason": {"?"}})),
				http.StatusBadRequest, "Không có đơn vị")
			const question = "Đề nghị Sở Tư pháp cho ý kiến về giấy tờ nước ngoài."
			done(t, env, hkSpec, d.Code, "consult", url.Values{"to_unit": {apptest.SoTuPhap}, "reason": {question}})
			want(t, "asked", hkSpec.get(path), 200, "Sở Tư pháp", question, "Chưa trả lời.")

			// The department sees the question, not the dossier's other actions.
			stp := login(t, env, "stp.specialist")
			want(t, "consult list", stp.get("/can-bo/viec-can-lam?ds=xin-y-kien"), 200, d.Code, question, "Quận Hoàn Kiếm ("+apptest.HoanKiem+")")
			want(t, "consult count", stp.get("/can-bo/"), 200, `<a href="/can-bo/viec-can-lam?ds=xin-y-kien" id="count-consults">1</a>`)
			p := stp.get(path)
			want(t, "consulted view", p, 200, d.Code, `id="form-answer_consult"`, "Nguyễn Văn An")
			for _, other := range []string{`id="form-assign"`, `id="form-draft_result"`, `id="form-transfer"`, `id="form-stop"`} {
				if strings.Contains(p.body, other) {
					t.Errorf("the consulted unit is offered %s", other)
				}
			}
			want(t, "forged action by the consulted unit", stp.post(path, act("stop", dossierOf(t, env, d.Code).Version, url.Values{"reason": {"x"}})),
				http.StatusForbidden)
			want(t, "other commune", login(t, env, "hb.specialist").get(path), http.StatusNotFound)
			done(t, env, stp, d.Code, "answer_consult", url.Values{"reason": {"Giấy tờ hợp lệ."}})
			if p := stp.get("/can-bo/viec-can-lam?ds=xin-y-kien"); strings.Contains(p.body, d.Code) {
				t.Error("an answered consultation is still listed")
			}
			want(t, "answer shown", hkSpec.get(path), 200, "Giấy tờ hợp lệ.")

			// Draft, approval, return to the commune's desk, delivery.
			p = hkSpec.postMultipart(path, map[string]string{"action": "draft_result", "version": itoa(dossierOf(t, env, d.Code).Version),
				"result_number": "5/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": "yes"}, nil)
			if p.status != http.StatusSeeOther {
				t.Fatalf("draft: %d\n%s", p.status, p.body)
			}
			want(t, "approval count", hkLead.get("/can-bo/"), 200, `<a href="/can-bo/viec-can-lam?ds=cho-phe-duyet" id="count-to-approve">1</a>`)
			done(t, env, hkLead, d.Code, "finish", nil)
			if p := rec.get(path); strings.Contains(p.body, `id="form-deliver"`) {
				t.Fatal("the commune's desk may deliver before the result is back")
			}
			want(t, "return form", hkSpec.get(path), 200, `id="form-return_result"`)
			done(t, env, hkSpec, d.Code, "return_result", nil)
			if got := dossierOf(t, env, d.Code); got.Unit != apptest.HangTrong || got.Status != 9 {
				t.Fatalf("after the return: %s %d", got.Unit, got.Status)
			}
			want(t, "desk list", rec.get("/can-bo/viec-can-lam?ds=tra-ket-qua"), 200, d.Code)
			done(t, env, rec, d.Code, "deliver", url.Values{"method": {"in_person"}})
			if got := dossierOf(t, env, d.Code); got.Status != 10 {
				t.Fatalf("after delivery: %d", got.Status)
			}
		})
	}
}

// TestDistrictLeaderFollowsCommunes: a district's leader lists the
// communes' dossiers beside the district's own and reads them, without
// any action; a specialist of the district may not widen the list.
func TestDistrictLeaderFollowsCommunes(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			done(t, env, login(t, env, "ht.receptionist"), d.Code, "receive", nil)
			path := "/can-bo/ho-so/" + d.Code
			hk := login(t, env, "hk.leader")
			if p := hk.get("/can-bo/ho-so?loai=dang-xu-ly"); strings.Contains(p.body, d.Code) {
				t.Fatal("the district's own list shows a commune's dossier")
			}
			want(t, "with the units below", hk.get("/can-bo/ho-so?loai=dang-xu-ly&pham-vi=cap-duoi"), 200, d.Code, "Phường Hàng Trống",
				"chỉ được xem, không xử lý", `aria-current="page"><strong>Gồm các đơn vị trực thuộc`)
			want(t, "read-only page", hk.get(path), 200, d.Code, "Bạn không có thao tác nào")
			want(t, "forged action", hk.post(path, act("assign", dossierOf(t, env, d.Code).Version, url.Values{"assignee": {"ht.specialist"}})),
				http.StatusForbidden)
			want(t, "specialist widening", login(t, env, "hk.specialist").get("/can-bo/ho-so?loai=dang-xu-ly&pham-vi=cap-duoi"), http.StatusForbidden)
			want(t, "bad scope", hk.get("/can-bo/ho-so?pham-vi=tat-ca"), http.StatusBadRequest)
		})
	}
}

// TestConsultReplyByPages: the consult form asks for the working days to
// answer (the deployment's default filled in) and refuses a bad number
// with nothing written; the dossier page shows the reply-by date; once it
// passes, the consulted unit's dashboard and list show it late and the
// asking unit's page names the consulted unit as late, before and after
// its answer, in Vietnamese and English.
func TestConsultReplyByPages(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, clk := startMonday(t, e)
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			path := "/can-bo/ho-so/" + d.Code
			done(t, env, login(t, env, "ht.receptionist"), d.Code, "receive", nil)
			done(t, env, login(t, env, "ht.leader"), d.Code, "assign", url.Values{"assignee": {"ht.specialist"}})
			spec := login(t, env, "ht.specialist")
			want(t, "consult form", spec.get(path), 200, `id="reply_days-consult" name="reply_days" type="number" min="1" max="30"`, `value="5"`,
				"Thời hạn trả lời (ngày làm việc)")
			const question = "Đề nghị cho ý kiến về giấy tờ hộ tịch cấp ở nước ngoài."
			before := dossierOf(t, env, d.Code)
			for _, c := range []struct{ days, msg string }{
				{"năm", "Thời hạn trả lời phải là một số ngày làm việc."},
				{"31", "Thời hạn trả lời phải từ 1 đến 30 ngày làm việc."},
				{"-2", "Thời hạn trả lời phải từ 1 đến 30 ngày làm việc."},
			} {
				p := spec.post(path, act("consult", before.Version, url.Values{"to_unit": {apptest.SoTuPhap}, "reason": {question}, "reply_days": {c.days}}))
				want(t, "reply in "+c.days+" days", p, http.StatusBadRequest, c.msg, `value="`+c.days+`"`)
			}
			if got := dossierOf(t, env, d.Code); got.Version != before.Version || len(got.Consultations) != 0 {
				t.Fatalf("a refused consultation was written: version %d, %+v", got.Version, got.Consultations)
			}
			done(t, env, spec, d.Code, "consult", url.Values{"to_unit": {apptest.SoTuPhap}, "reason": {question}, "reply_days": {"2"}})
			want(t, "reply-by shown", spec.get(path), 200, "Hạn trả lời: 05/03/2025 17:00 (2 ngày làm việc)", "Chưa trả lời.")
			if got := dossierOf(t, env, d.Code); len(got.Consultations) != 1 || got.Consultations[0].ReplyDays != 2 || got.Consultations[0].ReplyBy == nil {
				t.Fatalf("consultations in the API: %+v", got.Consultations)
			}
			stp := login(t, env, "stp.specialist")
			want(t, "in time", stp.get("/can-bo/"), 200, `<span id="count-consults-late">0</span>`)
			want(t, "consult list", stp.get("/can-bo/viec-can-lam?ds=xin-y-kien"), 200, "Hạn trả lời", "05/03/2025 17:00", `<span class="due due--ok">`)

			// Thursday: the department has not answered by Wednesday evening.
			clk.Set(time.Date(2025, 3, 6, 9, 0, 0, 0, vn))
			stp = login(t, env, "stp.specialist")
			want(t, "late on the dashboard", stp.get("/can-bo/"), 200, `<span id="count-consults-late" class="due due--late">1</span>`)
			want(t, "late in the list", stp.get("/can-bo/viec-can-lam?ds=xin-y-kien"), 200, `<span class="due due--late">`)
			spec = login(t, env, "ht.specialist")
			p := spec.get(path)
			want(t, "overdue at the holder", p, 200, "Sở Tư pháp chưa trả lời, đã quá hạn: chậm trễ thuộc về đơn vị được xin ý kiến.")
			done(t, env, stp, d.Code, "answer_consult", url.Values{"reason": {"Giấy tờ hợp lệ."}})
			want(t, "answered late", spec.get(path), 200, "Giấy tờ hợp lệ.", "Sở Tư pháp trả lời quá hạn: chậm trễ thuộc về đơn vị được xin ý kiến.")
			want(t, "answered late, English", spec.get(path+"?lang=en"), 200, "Answer due: 05/03/2025 17:00 (2 working days)",
				"Sở Tư pháp answered late: the delay is the consulted unit's.")
			spec.get(path + "?lang=vi")
			want(t, "no longer late", stp.get("/can-bo/"), 200, `<span id="count-consults-late">0</span>`)
			if got := dossierOf(t, env, d.Code); got.Consultations[0].Verdict != "late" {
				t.Errorf("the API gives verdict %q", got.Consultations[0].Verdict)
			}
		})
	}
}
