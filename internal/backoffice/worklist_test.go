package backoffice_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// fakeClock is the application's clock, moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// vn is Việt Nam's time zone, for the tests' dates.
var vn = time.FixedZone("ICT", 7*3600)

// startMonday starts the application on engine e with a clock the test
// moves, set on Monday 03/03/2025 09:00.
func startMonday(t *testing.T, e store.Dialect) (*apptest.Env, *fakeClock) {
	t.Helper()
	clk := &fakeClock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, vn)}
	return apptest.Start(t, e, app.Options{Now: clk.Now}), clk
}

// postMultipart sends a multipart form with the headers a browser sends
// from this site.
func (b *browser) postMultipart(path string, fields map[string]string, files []apptest.File) page {
	b.t.Helper()
	return pageOf(b.c.PostMultipart(path, fields, files, b.c.SameSite()))
}

func dossierOf(t *testing.T, env *apptest.Env, code string) apptest.Dossier {
	t.Helper()
	var d apptest.Dossier
	if st := env.Login("ht.receptionist").Do("GET", "/api/v1/dossiers/"+code, nil, &d); st != 200 {
		t.Fatalf("reading %s: %d", code, st)
	}
	return d
}

// done posts an action from the dossier page and expects the redirect back
// with the notice.
func done(t *testing.T, env *apptest.Env, b *browser, code, action string, extra url.Values) {
	t.Helper()
	path := "/can-bo/ho-so/" + code
	p := b.post(path, act(action, dossierOf(t, env, code).Version, extra))
	if p.status != http.StatusSeeOther || p.header.Get("Location") != path+"?xong="+action {
		t.Fatalf("%s on %s: %d to %q\n%s", action, code, p.status, p.header.Get("Location"), p.body)
	}
}

func TestWorklistsAndProcessing(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, clk := startMonday(t, e)
			citizen := env.Login(apptest.CitizenA)
			d1 := citizen.Submit(apptest.HangTrong)
			d2 := citizen.Submit(apptest.HangTrong)
			d3 := citizen.Submit(apptest.HangTrong)

			rec := login(t, env, "ht.receptionist")
			leader := login(t, env, "ht.leader")
			spec := login(t, env, "ht.specialist")
			for _, d := range []apptest.Dossier{d1, d2, d3} {
				done(t, env, rec, d.Code, "receive", nil)
			}
			path1 := "/can-bo/ho-so/" + d1.Code

			// The leader's "to assign" list, filters included.
			want(t, "leader worklist", leader.get("/can-bo/viec-can-lam"), 200, "Cần phân công", "Chờ phê duyệt", "Được xin ý kiến",
				d1.Code, d2.Code, d3.Code, "Đăng ký kết hôn", "Nguyễn Văn An", "10/03/2025 17:00", "Còn hạn", `class="due due--ok"`, `href="/can-bo/giao-dien.css"`)
			if css := leader.get("/can-bo/giao-dien.css"); css.status != 200 || !strings.Contains(css.body, ".due--late") {
				t.Fatalf("style sheet: %d", css.status)
			}
			p := leader.get("/can-bo/viec-can-lam?ds=can-phan-cong&q=" + url.QueryEscape(d1.Code))
			want(t, "search by code", p, 200, d1.Code)
			if strings.Contains(p.body, d2.Code) {
				t.Fatalf("search by code shows another dossier")
			}
			want(t, "search by name", leader.get("/can-bo/viec-can-lam?q=nguyen+van+an"), 200, d1.Code, d3.Code)
			want(t, "bad window", leader.get("/can-bo/viec-can-lam?han=mai"), http.StatusBadRequest)
			want(t, "no desk tab for the leader", leader.get("/can-bo/viec-can-lam?ds=tra-ket-qua"), http.StatusNotFound)

			// A specialist may not assign: no form, and a forged POST is refused.
			sp := spec.get(path1)
			want(t, "specialist view", sp, 200, d1.Code, "/phieu/06")
			if strings.Contains(sp.body, `value="assign"`) {
				t.Fatal("the specialist is offered the assignment form")
			}
			want(t, "forged assign", spec.post(path1, act("assign", dossierOf(t, env, d1.Code).Version, url.Values{"assignee": {"ht.specialist"}})),
				http.StatusForbidden, "không được thực hiện")

			// Another commune's leader does not see it.
			want(t, "other commune", login(t, env, "hb.leader").get(path1), http.StatusNotFound)

			// The leader assigns it in the page.
			want(t, "assign form", leader.get(path1), 200, `value="assign"`, `<option value="ht.specialist"`, `value="reschedule"`, `value="transfer"`)
			want(t, "assign without choice", leader.post(path1, act("assign", dossierOf(t, env, d1.Code).Version, nil)),
				http.StatusBadRequest, "Vui lòng chọn chuyên viên xử lý thuộc đơn vị.")
			done(t, env, leader, d1.Code, "assign", url.Values{"assignee": {"ht.specialist"}})
			want(t, "assigned", leader.get(path1+"?xong=assign"), 200, "Đã phân công chuyên viên xử lý.", "Cán bộ ht specialist")
			want(t, "specialist worklist", spec.get("/can-bo/viec-can-lam"), 200, "Hồ sơ của tôi", d1.Code)
			want(t, "leader approvals", leader.get("/can-bo/viec-can-lam?ds=da-phan-cong"), 200, d1.Code)
			if p := leader.get("/can-bo/viec-can-lam?ds=can-phan-cong"); strings.Contains(p.body, d1.Code) {
				t.Fatal("an assigned dossier is still to assign")
			}

			// Fee: requested by the specialist, paid at the desk.
			want(t, "bad amount", spec.post(path1, act("request_fee", dossierOf(t, env, d1.Code).Version, url.Values{"amount": {"abc"}})),
				http.StatusBadRequest, "Số tiền phải là số nguyên dương")
			done(t, env, spec, d1.Code, "request_fee", url.Values{"amount": {"50.000"}})
			if d := dossierOf(t, env, d1.Code); d.Status != 6 {
				t.Fatalf("status after fee request: %d", d.Status)
			}
			want(t, "fee form", rec.get(path1), 200, `value="fee_paid"`)
			done(t, env, rec, d1.Code, "fee_paid", nil)

			// The specialist drafts the result with its number and file; the
			// leader returns it once, then approves the second draft.
			v := dossierOf(t, env, d1.Code).Version
			draft := func(number, file string) page {
				return spec.postMultipart(path1, map[string]string{"action": "draft_result", "version": itoa(dossierOf(t, env, d1.Code).Version),
					"result_number": number, "summary": "Cấp Giấy chứng nhận kết hôn", "granted": "yes"},
					[]apptest.File{{Field: "result_file", Name: file, Content: apptest.PDF("ket qua "+number, 400)}})
			}
			want(t, "draft form", spec.get(path1), 200, `id="form-draft_result"`, `enctype="multipart/form-data"`)
			if strings.Contains(spec.get(path1).body, `id="form-finish"`) {
				t.Fatal("the specialist is offered the approval")
			}
			want(t, "finish without decision", leader.postMultipart(path1, map[string]string{"action": "finish", "version": itoa(v), "summary": "Cấp giấy"}, nil),
				http.StatusBadRequest, "Vui lòng chọn kết quả giải quyết")
			// The number is the register's, given at signing: a draft
			// needs none, but it needs its summary.
			want(t, "draft without summary", spec.postMultipart(path1, map[string]string{"action": "draft_result", "version": itoa(v),
				"result_number": "11/GCNKH", "granted": "yes"}, nil), http.StatusBadRequest, "Vui lòng nhập kết quả giải quyết")
			if p := draft("11/GCNKH", "du-thao-1.pdf"); p.status != http.StatusSeeOther {
				t.Fatalf("draft: %d\n%s", p.status, p.body)
			}
			want(t, "leader approvals", leader.get("/can-bo/viec-can-lam?ds=cho-phe-duyet"), 200, d1.Code, `value="finish"`)
			want(t, "draft shown", leader.get(path1), 200, "Dự thảo kết quả chờ phê duyệt", "11/GCNKH", "du-thao-1.pdf",
				`id="form-finish"`, `id="form-return_draft"`, "Phê duyệt dự thảo ở trên")
			if strings.Contains(spec.get(path1).body, `id="form-draft_result"`) {
				t.Fatal("the specialist may draft again while the draft awaits approval")
			}
			want(t, "return without reason", leader.post(path1, act("return_draft", dossierOf(t, env, d1.Code).Version, nil)),
				http.StatusBadRequest, "Vui lòng nêu lý do.")
			done(t, env, leader, d1.Code, "return_draft", url.Values{"reason": {"Sai số giấy chứng nhận"}})
			want(t, "returned", spec.get(path1), 200, "Dự thảo kết quả đã bị trả lại", "Sai số giấy chứng nhận", `id="form-draft_result"`)
			want(t, "returned in my list", spec.get("/can-bo/viec-can-lam?ds=cua-toi"), 200, d1.Code, "Dự thảo bị trả lại")
			if p := draft("12/GCNKH", "kq.pdf"); p.status != http.StatusSeeOther {
				t.Fatalf("second draft: %d\n%s", p.status, p.body)
			}
			var mine apptest.Dossier
			citizen.Do("GET", "/api/v1/dossiers/"+d1.Code, nil, &mine)
			results := 0 // the application's own documents are the applicant's
			for _, doc := range mine.Documents {
				if doc.Kind == "result" {
					results++
				}
			}
			if mine.Result != nil || results != 0 {
				t.Fatalf("the applicant sees the draft: %+v %+v", mine.Result, mine.Documents)
			}
			done(t, env, leader, d1.Code, "finish", nil)
			d := dossierOf(t, env, d1.Code)
			if d.Status != 9 || d.Result == nil || d.Result.Number != "12/GCNKH" || d.Result.SignedBy == "" || d.Result.DraftedBy == "" {
				t.Fatalf("after approval: %d %+v", d.Status, d.Result)
			}
			want(t, "approved", leader.get(path1+"?xong=finish"), 200, "Đã phê duyệt và ban hành kết quả.")
			want(t, "result file", leader.get(path1), 200, "kq.pdf")
			want(t, "desk worklist", rec.get("/can-bo/viec-can-lam"), 200, "Chờ trả kết quả", d1.Code)
			done(t, env, rec, d1.Code, "deliver", url.Values{"method": {"in_person"}})
			if d := dossierOf(t, env, d1.Code); d.Status != 10 {
				t.Fatalf("status after delivery: %d", d.Status)
			}
			slip := rec.get(path1 + "/phieu/06")
			if slip.status != 200 || slip.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(slip.body, "%PDF") {
				t.Fatalf("slip 06: %d %q", slip.status, slip.header.Get("Content-Type"))
			}

			// Reschedule once, with an apology; never twice.
			path2 := "/can-bo/ho-so/" + d2.Code
			want(t, "reschedule without date", leader.post(path2, act("reschedule", dossierOf(t, env, d2.Code).Version, url.Values{"reason": {"Chờ xác minh"}})),
				http.StatusBadRequest, "Vui lòng nhập ngày hẹn trả mới.")
			// Month first is refused, in both languages; the reschedule form
			// comes back unfolded (the only one) with the date as typed.
			bad := act("reschedule", dossierOf(t, env, d2.Code).Version, url.Values{"reason": {"Chờ xác minh"}, "new_due": {"03/20/2025"}})
			p = leader.post(path2, bad)
			want(t, "reschedule with a month-first date", p, http.StatusBadRequest, "Ngày hẹn mới không hợp lệ: vui lòng nhập theo dạng ngày/tháng/năm",
				`<details class="action panel" id="action-reschedule" open>`, `value="03/20/2025"`, `id="err-reschedule"`)
			if n := strings.Count(p.body, `<details class="action panel"`); n < 2 || strings.Count(p.body, `" open>`) != 1 {
				t.Fatalf("after the failed reschedule: %d action forms, %d open; want several, one open", n, strings.Count(p.body, `" open>`))
			}
			want(t, "reschedule with a month-first date, in English", leader.post(path2+"?lang=en", bad), http.StatusBadRequest,
				"The new date is invalid: enter it as day/month/year")
			leader.get(path2 + "?lang=vi")
			// Typed as people write it.
			done(t, env, leader, d2.Code, "reschedule", url.Values{"reason": {"Chờ xác minh"}, "new_due": {"20/03/2025"}})
			want(t, "rescheduled", leader.get(path2+"?xong=reschedule"), 200, "20/03/2025 17:00", path2+"/phieu/04", "đã được gia hạn một lần")
			if p := leader.get(path2); strings.Contains(p.body, `value="reschedule"`) {
				t.Fatal("the reschedule form is offered twice")
			}
			if p := leader.get(path2 + "/phieu/04"); p.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("slip 04: %d %s", p.status, p.header.Get("Content-Type"))
			}
			want(t, "second reschedule", leader.post(path2, act("reschedule", dossierOf(t, env, d2.Code).Version, url.Values{"reason": {"Lần nữa"}, "new_due": {"2025-03-25"}})),
				http.StatusUnprocessableEntity, "Hồ sơ đã được gia hạn một lần; không được gia hạn lần nữa.")

			// A stale form is told so.
			want(t, "stale", leader.post(path2, act("stop", 1, url.Values{"reason": {"Công dân đề nghị"}})), http.StatusConflict, "Hồ sơ vừa được người khác thay đổi")

			// Thursday of the next week: d3 (due Monday) is 3 working days late.
			clk.Set(time.Date(2025, 3, 13, 10, 0, 0, 0, vn))
			p = leader.get("/can-bo/viec-can-lam?ds=can-phan-cong")
			want(t, "overdue words", p, 200, d3.Code, "Quá hạn 3 ngày", "due--late", d2.Code)
			// The apology moved d2's appointment, not its statutory date:
			// past it, d2 is overdue too.
			p = leader.get("/can-bo/viec-can-lam?ds=can-phan-cong&han=qua-han")
			want(t, "overdue filter", p, 200, d3.Code, d2.Code)
			want(t, "due within a day", leader.get("/can-bo/viec-can-lam?ds=can-phan-cong&han=1-ngay"), 200, d3.Code)

			// Stopping offers slip 05.
			done(t, env, leader, d3.Code, "stop", url.Values{"reason": {"Công dân đề nghị dừng"}})
			want(t, "stopped", leader.get("/can-bo/ho-so/"+d3.Code+"?xong=stop"), 200, "Đã dừng xử lý hồ sơ.", "/phieu/05")
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestWorklistLinkOnlyWithWorklists: the navigation links "Việc cần làm"
// only for roles that have a worklist; the city administrator, who has
// none, no longer gets a link that answers 403.
func TestWorklistLinkOnlyWithWorklists(t *testing.T) {
	env := apptest.Start(t, storetest.Engines[0], app.Options{})
	link := `href="/can-bo/viec-can-lam"`
	want(t, "receptionist", login(t, env, "ht.receptionist").get("/can-bo/"), 200, link)
	p := login(t, env, "city.admin").get("/can-bo/")
	if p.status != 200 || strings.Contains(p.body, link) {
		t.Fatalf("city admin's dashboard: %d, links the worklist: %v", p.status, strings.Contains(p.body, link))
	}
}

// TestStaffSearch: /can-bo/ho-so?q= finds any dossier of the unit, in any
// status (delivered and refused included), by code, name without accents,
// ID number or phone in any common form; another unit's dossier is not
// found; both engines.
func TestStaffSearch(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			rec, lead := env.Login("ht.receptionist"), env.Login("ht.leader")
			var delivered apptest.Dossier
			if st := rec.Do("POST", "/api/v1/dossiers", map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
				"form": apptest.MarriageForm(), "applicant": map[string]string{"id_number": "001301099999", "full_name": "Lê Thị Cúc", "phone": "0912000111"},
				"received": apptest.MarriageReceived()}, &delivered); st != 201 {
				t.Fatalf("counter intake: %d", st)
			}
			lead.MustAct(&delivered, "assign", map[string]any{"assignee": "ht.specialist"})
			lead.MustAct(&delivered, "finish", map[string]any{"result": map[string]any{"number": "1/GCNKH", "summary": "Cấp giấy", "granted": true}})
			rec.MustAct(&delivered, "deliver", map[string]any{"method": "in_person"})
			refused := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			rec.MustAct(&refused, "refuse", map[string]any{"reason": "Không thuộc thẩm quyền."})
			elsewhere := env.Login(apptest.CitizenB).Submit(apptest.HangBac)

			b := login(t, env, "ht.receptionist")
			for _, q := range []string{delivered.Code, strings.ToLower(delivered.Code), "le+thi+cuc", "L%C3%AA+Th%E1%BB%8B", "001301099999",
				"0912000111", "0912+000+111", "%2B84912000111"} {
				p := b.get("/can-bo/ho-so?q=" + q)
				want(t, "search "+q, p, 200, `id="list-heading"`, `href="/can-bo/ho-so/`+delivered.Code+`"`)
				if strings.Contains(p.body, `href="/can-bo/ho-so/`+refused.Code+`"`) {
					t.Errorf("search %s: the refused dossier matches too", q)
				}
			}
			row := func(code string) string { return `href="/can-bo/ho-so/` + code + `"` }
			want(t, "refused by code", b.get("/can-bo/ho-so?q="+refused.Code), 200, row(refused.Code))
			if p := b.get("/can-bo/ho-so?q=" + elsewhere.Code); p.status != 200 || strings.Contains(p.body, row(elsewhere.Code)) {
				t.Fatalf("another ward's dossier found: %d", p.status)
			}
			want(t, "the in-progress list keeps its statuses", b.get("/can-bo/ho-so"), 200, "Hồ sơ đang giải quyết")
			if p := b.get("/can-bo/ho-so"); strings.Contains(p.body, delivered.Code) {
				t.Fatal("a delivered dossier in the in-progress list")
			}
			want(t, "too long", b.get("/can-bo/ho-so?q="+strings.Repeat("a", 300)), http.StatusBadRequest)
		})
	}
}
