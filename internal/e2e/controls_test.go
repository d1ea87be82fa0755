package e2e

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
)

// box is an element's bounding box in CSS pixels.
type box struct {
	Left, Top, Right, Bottom, Width, Height float64
}

// rect returns the bounding box of the first element matching sel.
func (b *browser) rect(sel string) box {
	b.t.Helper()
	return eval[box](b, fmt.Sprintf(`(r => ({Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom, Width: r.width, Height: r.height}))(document.querySelector(%q).getBoundingClientRect())`, sel))
}

// besideLabel fails the test unless the checkbox or radio button sel and
// its label sit on one line: the label starts right of the box and the
// two overlap vertically (the label's first line holds the box).
func (b *browser) besideLabel(sel string) {
	b.t.Helper()
	in, lb := b.rect(sel), b.rect(fmt.Sprintf(`label[for=%q]`, strings.TrimPrefix(sel, "#")))
	if lb.Left < in.Right-0.5 || lb.Top >= in.Bottom || in.Top >= lb.Bottom {
		b.t.Errorf("%s on %s at %.0f px: box %+v and label %+v are not on one line", sel, b.path(), eval[float64](b, "window.innerWidth"), in, lb)
	}
}

// fullWidth fails the test unless the text area sel takes the width of
// the column it is in (its parent's content box).
func (b *browser) fullWidth(sel string) {
	b.t.Helper()
	w := b.rect(sel).Width
	col := eval[float64](b, fmt.Sprintf(`(el => { const p = el.parentElement, s = getComputedStyle(p);
		return p.getBoundingClientRect().width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) })(document.querySelector(%q))`, sel))
	if math.Abs(w-col) > 1 || w < 250 {
		b.t.Errorf("%s on %s is %.0f px wide in a %.0f px column: not full width", sel, b.path(), w, col)
	}
}

// eventProcedure is a procedure whose form has a date, a text area and a
// checkbox, with optional documents: it is imported by the tests below.
const eventProcedure = "1.999001"

func importEventProcedure(t *testing.T, env *apptest.Env) {
	t.Helper()
	spec := apptest.Spec(eventProcedure, "Đăng ký sự kiện thử nghiệm", catalog.LevelCommune, "all_communes", 5)
	for i := range spec.Version.Documents {
		spec.Version.Documents[i].Required = false
	}
	spec.Version.Form = catalog.Form{Fields: []catalog.Field{
		{Name: "ngay_su_kien", Label: "Ngày tổ chức sự kiện", LabelEN: "Date of the event", Type: catalog.FieldDate, Required: true},
		{Name: "noi_dung", Label: "Nội dung sự kiện", LabelEN: "What the event is", Type: catalog.FieldTextarea, Required: true},
		{Name: "cam_doan", Label: "Tôi cam đoan những thông tin khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật", LabelEN: "I declare the above is true", Type: catalog.FieldCheckbox, Required: true},
	}}
	if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{spec}); err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("importing the test procedure: %v %v", err, rep.Rejected)
	}
}

// TestDateEntryAndControls: on the portal's submission form, a date is
// typed as dd/mm/yyyy in a text input (not the browser's mm/dd/yyyy date
// picker) and stored as that day; the checkbox sits beside its label and
// the text area takes the column's width, at 360 and 1280 px.
func TestDateEntryAndControls(t *testing.T) {
	b := newBrowser(t)
	importEventProcedure(t, b.env)
	path := "/thu-tuc/" + eventProcedure + "/nop-ho-so"
	b.login(apptest.CitizenA, apptest.Password)
	b.open(path)

	const date = "#field-ngay_su_kien"
	attrs := eval[string](b, fmt.Sprintf(`(el => [el.type, el.inputMode, el.placeholder].join(" "))(document.querySelector(%q))`, date))
	if attrs != "text numeric dd/mm/yyyy" {
		t.Errorf("the date input is %q, want a numeric text input with the placeholder dd/mm/yyyy", attrs)
	}
	// The pattern compiles in the browser and tells a date from words.
	mismatch := eval[string](b, fmt.Sprintf(`(el => { const r = [];
		for (const v of ["05/12/2026", "5/12/2026", "2026-12-05", "05122026", "next week"]) { el.value = v; r.push(el.validity.patternMismatch) }
		el.value = ""; return r.join(" ") })(document.querySelector(%q))`, date))
	if mismatch != "false false false false true" {
		t.Errorf("pattern mismatches of 05/12/2026, 5/12/2026, 2026-12-05, 05122026, next week: %s", mismatch)
	}
	b.contains("#field-ngay_su_kien-format", "05/12/2026")

	for _, width := range []int64{viewWidth, 1280} {
		b.do(chromedp.EmulateViewport(width, viewHeight))
		b.besideLabel("#field-cam_doan")
		b.fullWidth("#field-noi_dung")
	}
	b.do(chromedp.EmulateViewport(viewWidth, viewHeight))

	b.do(chromedp.SetValue(chromedp.CSS("#unit"), apptest.HangTrong),
		chromedp.SendKeys(chromedp.CSS(date), "05/12/2026"),
		chromedp.SendKeys(chromedp.CSS("#field-noi_dung"), "Lễ kỷ niệm thành lập phường"),
		chromedp.Click(chromedp.CSS(`label[for="field-cam_doan"]`)), // the label ticks its box
	)
	if !eval[bool](b, `document.querySelector("#field-cam_doan").checked`) {
		t.Fatal("a click on the label did not tick the checkbox")
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`))); err != nil {
		t.Fatalf("submitting: %v", err)
	}
	b.contains("main h1", "Kiểm tra lại hồ sơ")
	b.contains("main", "05/12/2026")
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[action$="/xac-nhan"] button[type="submit"]`))); err != nil {
		t.Fatalf("confirming: %v", err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	code, ok := strings.CutSuffix(strings.TrimPrefix(b.path(), "/ho-so/"), "/da-nop")
	if !ok || code == "" {
		t.Fatalf("after confirming: on %s: %s", b.path(), b.text("main"))
	}
	var d struct {
		Form map[string]any `json:"form"`
	}
	if st := b.env.Login(apptest.CitizenA).Do("GET", "/api/v1/dossiers/"+code, nil, &d); st != 200 {
		t.Fatalf("GET dossier %s: %d", code, st)
	}
	if got := d.Form["ngay_su_kien"]; got != "2026-12-05" {
		t.Errorf("the date typed 05/12/2026 is stored as %v, want 2026-12-05 (5 December 2026)", got)
	}

	// The back office shows it as typed, day first.
	rec := b.staffBrowser("ht.receptionist")
	rec.open("/can-bo/ho-so/" + code)
	rec.contains("main", "05/12/2026")
}

// TestCalendarDateEntry: the working calendar's day is typed as
// dd/mm/yyyy; 05/12/2026 is stored as 5 December 2026; a month-first date
// is refused with the format in the message. The radio buttons sit beside
// their labels.
func TestCalendarDateEntry(t *testing.T) {
	b := newBrowser(t)
	b.staffLogin("city.admin")
	b.open("/can-bo/lich?nam=2026")
	b.contains("#date-format", "05/12/2026")
	for _, width := range []int64{viewWidth, 1280} {
		b.do(chromedp.EmulateViewport(width, viewHeight))
		b.besideLabel("#kind-off")
		b.besideLabel("#kind-work")
	}
	b.do(chromedp.EmulateViewport(viewWidth, viewHeight))

	add := func(date string) {
		t.Helper()
		eval[bool](b, `["date", "reason"].every(id => (document.getElementById(id).value = "") === "")`)
		b.do(chromedp.SendKeys(chromedp.CSS("#date"), date), chromedp.Click(chromedp.CSS("#kind-work")),
			chromedp.SendKeys(chromedp.CSS("#reason"), "Làm bù cho ngày nghỉ lễ"))
	}
	add("12/31/2026")
	b.submit("/can-bo/lich", `#add-form button[type="submit"]`)
	b.contains(".error-summary", "ngày/tháng/năm")
	if v := eval[string](b, `document.querySelector("#date").value`); v != "12/31/2026" {
		t.Errorf("the refused date comes back as %q, want it as typed", v)
	}

	add("05/12/2026")
	b.submit("/can-bo/lich", `#add-form button[type="submit"]`)
	b.contains("#notice", "Đã lưu ngày")
	b.contains("#day-2026-12-05", "05/12/2026")
	ovs, err := b.env.DB.CalendarOverrides(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var dates []string
	for _, o := range ovs {
		dates = append(dates, o.Date)
	}
	if len(ovs) != 1 || ovs[0].Date != "2026-12-05" {
		t.Errorf("the calendar holds %v, want the one day typed 05/12/2026: 2026-12-05", dates)
	}
}

// TestFoldedActions: the officer's dossier page shows the next step open
// and first, the other actions folded to their titles, so the page is a
// fraction of its unfolded height; a form that fails comes back open with
// its error (the server decides: no script involved).
func TestFoldedActions(t *testing.T) {
	b := newBrowser(t)
	d := submitWithDocuments(t, b.env)
	page := "/can-bo/ho-so/" + d.Code
	b.staffLogin("ht.receptionist")
	b.open(page)

	type state struct {
		Count int
		Open  []string
		First string
	}
	actions := func(b *browser) state {
		t.Helper()
		return eval[state](b, `(() => { const ds = Array.from(document.querySelectorAll("#actions details.action"));
			return {Count: ds.length, Open: ds.filter(d => d.open).map(d => d.id), First: ds.length ? ds[0].id : ""} })()`)
	}
	s := actions(b)
	if s.Count != 3 || len(s.Open) != 1 || s.Open[0] != "action-receive" || s.First != "action-receive" {
		t.Fatalf("a submitted dossier for the desk: %+v; want receive, supplement, refuse; receive first and the only one open", s)
	}
	b.contains("#action-receive summary", "Bước tiếp theo")
	for _, width := range []int64{viewWidth, 1280} {
		b.do(chromedp.EmulateViewport(width, viewHeight))
		// The checklist's boxes, outside the form, sit beside their labels.
		b.besideLabel("#check-to_khai")
		b.fullWidth("#reason-receive")
	}
	b.do(chromedp.EmulateViewport(viewWidth, viewHeight))

	// Supplementation asked without a reason: refused by the service; the
	// page comes back with that form open and its error, receive folded.
	b.unfold("request_supplement")
	b.do(chromedp.Click(chromedp.CSS("#supp-to_khai")))
	b.submit(page, `#form-request_supplement button[type="submit"]`)
	b.contains(".error-summary", "Vui lòng nêu lý do")
	s = actions(b)
	if len(s.Open) != 1 || s.Open[0] != "action-request_supplement" {
		t.Errorf("after the failed request the open forms are %v, want only the request", s.Open)
	}
	b.contains("#err-request_supplement", "Vui lòng nêu lý do")
	if !eval[bool](b, `document.querySelector("#supp-to_khai").checked`) {
		t.Error("the document ticked before the error is no longer ticked")
	}
	b.besideLabel("#supp-to_khai")

	// The leader, with a draft to approve, has the most forms: approval is
	// first and open, and the page is far shorter than with every form
	// unfolded.
	env := b.env
	env.Login("ht.receptionist").MustAct(&d, "receive", nil)
	env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
	env.Login("ht.specialist").MustAct(&d, "draft_result", map[string]any{"result": map[string]any{"number": "15/2026/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
	lead := b.staffBrowser("ht.leader")
	lead.open(page)
	s = actions(lead)
	if s.Count < 6 || len(s.Open) != 1 || s.Open[0] != "action-finish" || s.First != "action-finish" {
		t.Fatalf("a drafted dossier for the leader: %+v; want many actions, approval first and the only one open", s)
	}
	lead.contains("#approve-files", "Dự thảo không kèm tệp kết quả")
	for _, width := range []int64{viewWidth, 1280} {
		lead.do(chromedp.EmulateViewport(width, viewHeight))
		measure := func() (page, actions float64) {
			return eval[float64](lead, `document.documentElement.scrollHeight`), lead.rect("#actions").Height
		}
		folded, foldedActions := measure()
		eval[bool](lead, `(window.__folded = Array.from(document.querySelectorAll("#actions details.action:not([open])"))).every(d => d.open = true)`)
		unfolded, unfoldedActions := measure()
		eval[bool](lead, `window.__folded.every(d => !(d.open = false))`)
		t.Logf("the leader's page at %d px: %.0f px folded (actions %.0f px), %.0f px unfolded (actions %.0f px)", width, folded, foldedActions, unfolded, unfoldedActions)
		// The rest of the page (applicant, form, documents, draft,
		// history) stays: the actions shrink to well under half, the
		// page by more than a quarter.
		if foldedActions > 0.45*unfoldedActions || folded > 0.75*unfolded {
			t.Errorf("at %d px the page is %.0f px tall folded (actions %.0f px), %.0f px unfolded (actions %.0f px): the folding saves too little",
				width, folded, foldedActions, unfolded, unfoldedActions)
		}
	}
}

// TestNavCentred: at 1280 px the main navigation lines up with the page's
// centred column, on the portal and in the back office.
func TestNavCentred(t *testing.T) {
	b := newBrowser(t)
	b.do(chromedp.EmulateViewport(1280, viewHeight))
	check := func(where string) {
		t.Helper()
		nav, head, main := b.rect(".main-nav ul"), b.rect(".site-header__inner"), b.rect("main")
		mid := eval[float64](b, "document.documentElement.clientWidth") / 2
		if c := (nav.Left + nav.Right) / 2; math.Abs(c-mid) > 3 {
			t.Errorf("%s: the navigation's centre is at %.0f px, the page's at %.0f px", where, c, mid)
		}
		if math.Abs(nav.Left-head.Left) > 1 || math.Abs(nav.Left-main.Left) > 1 {
			t.Errorf("%s: the navigation starts at %.0f px, the header at %.0f px, the content at %.0f px", where, nav.Left, head.Left, main.Left)
		}
	}
	b.open("/")
	check("portal home")
	b.open("/thu-tuc")
	check("catalogue")
	b.staffLogin("ht.receptionist")
	b.do(chromedp.EmulateViewport(1280, viewHeight))
	check("back office dashboard")
}
