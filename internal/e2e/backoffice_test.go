package e2e

import (
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app/apptest"
)

// staffLogin logs a staff member in at the shared login page and lands on
// the back office's dashboard.
func (b *browser) staffLogin(username string) {
	b.t.Helper()
	b.open("/dang-nhap?next=/can-bo/")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
	)
	b.follow("/can-bo/", chromedp.Click(chromedp.CSS(`main form[action="/dang-nhap"] button[type="submit"]`)))
}

// staffBrowser is a fresh browser context of b logged in as username.
func (b *browser) staffBrowser(username string) *browser {
	b.t.Helper()
	o := b.sibling()
	o.staffLogin(username)
	return o
}

// submit clicks the submit button sel and waits for the next page (by
// polling for a new document rather than with chromedp.RunResponse), which
// must be at path.
func (b *browser) submit(path, sel string) {
	b.t.Helper()
	eval[bool](b, `(window.__before = true)`)
	// Submit through the button's form rather than a mouse click at the
	// button's coordinates: on a long page a sticky header or a late layout
	// shift now and then swallowed the click and the test waited for ever.
	// requestSubmit sends nothing when a field fails the form's own
	// validation (required…): fail at once, naming the fields, rather than
	// wait for a page that never comes. (That is how the old "hang" of the
	// approval form was found: the dossier page then embedded its PDF, whose
	// viewer took the focus in the middle of the typing.)
	invalid := eval[string](b, fmt.Sprintf(`(() => { const btn = document.querySelector(%q), f = btn.form;
		const bad = Array.from(f.elements).filter(e => e.willValidate && !e.validity.valid).map(e => e.id || e.name);
		if (bad.length === 0) f.requestSubmit(btn);
		return bad.join(", ") })()`, sel))
	if invalid != "" {
		b.t.Fatalf("browser: %s: the form does not validate, so it would not be sent: %s", sel, invalid)
	}
	// Evaluations fail while the page navigates: retry until the new
	// document is complete.
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!window.__before && document.readyState === "complete" && !!document.querySelector("main h1")`))
		if err == nil && ok {
			break
		}
		if b.ctx.Err() != nil {
			b.t.Fatalf("browser: submitting %s towards %s: %v (last: %v)", sel, path, b.ctx.Err(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := b.path(); got != path {
		b.t.Fatalf("landed on %s, want %s", got, path)
	}
}

// unfold opens the folded action form #form-<action> of the dossier page
// the way an officer does: a click on its title (the <details> summary).
func (b *browser) unfold(action string) {
	b.t.Helper()
	sel := fmt.Sprintf("#action-%s", action)
	if eval[bool](b, fmt.Sprintf(`document.querySelector(%q).open`, sel)) {
		return
	}
	b.do(chromedp.Click(chromedp.CSS(sel + " > summary")))
	if !eval[bool](b, fmt.Sprintf(`document.querySelector(%q).open`, sel)) {
		b.t.Fatalf("%s did not open on a click on its title", sel)
	}
}

// actOn submits the action form #form-<action> of the dossier page and
// lands on the dossier page again.
func (b *browser) actOn(code, action string) {
	b.t.Helper()
	// The form's last button acts: a unit picker's search button comes first.
	b.submit("/can-bo/ho-so/"+code, fmt.Sprintf(`#form-%s > button[type="submit"]:last-of-type`, action))
	if n := eval[int](b, `document.querySelectorAll("#stale, .error-summary").length`); n != 0 {
		b.t.Fatalf("%s on %s: the page shows an error: %s", action, code, b.text("main"))
	}
	b.contains("#notice", "Đã")
}

// download fetches href with the page's cookies and returns the body; it
// fails the test unless the answer is 200.
func (b *browser) download(href string) []byte {
	b.t.Helper()
	js := fmt.Sprintf(`fetch(%q).then(async r => { if (!r.ok) throw new Error("status " + r.status); return Array.from(new Uint8Array(await r.arrayBuffer())); })`, href)
	ints, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: fetching %s: %v", href, err)
	}
	out := make([]byte, len(ints))
	for i, v := range ints {
		out[i] = byte(v)
	}
	return out
}

// popplerTool finds a poppler-utils program: skipped when missing
// locally, failed under CI=true.
func popplerTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found: the slip checks need poppler-utils under CI", name)
	}
	t.Skipf("%s not found: skipping the slip checks (apt-get install poppler-utils)", name)
	return ""
}

// slipText writes the PDF to a temporary file, checks that its first page
// renders to a PNG that is not blank and returns its text with every run
// of white space made one space.
func slipText(t *testing.T, name string, pdf []byte) string {
	t.Helper()
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("slip %s is not a PDF: %.40q", name, pdf)
	}
	pdftotext, pdftoppm := popplerTool(t, "pdftotext"), popplerTool(t, "pdftoppm")
	dir := t.TempDir()
	file := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", name, err)
	}
	prefix := filepath.Join(dir, name)
	if b, err := exec.Command(pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", file, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v %s", name, err, b)
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding the PNG of slip %s: %v", name, err)
	}
	if n, all := inked(img); n < 500 {
		t.Errorf("slip %s renders blank: %d of %d pixels are not white", name, n, all)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// inked counts the pixels of img that are not (near) white.
func inked(img image.Image) (n, all int) {
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0xe000 || cg < 0xe000 || cb < 0xe000 {
				n++
			}
		}
	}
	return n, r.Dx() * r.Dy()
}

// vnDate is the date of an API timestamp in Việt Nam as dd/MM/yyyy.
func vnDate(t *testing.T, ts *string) string {
	t.Helper()
	if ts == nil {
		t.Fatal("no timestamp")
	}
	at, err := time.Parse(time.RFC3339Nano, *ts)
	if err != nil {
		t.Fatalf("parsing %q: %v", *ts, err)
	}
	zone, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		zone = time.FixedZone("ICT", 7*3600)
	}
	return at.In(zone).Format("02/01/2006")
}

// submitWithDocuments submits the marriage procedure at Hàng Trống as
// citizen A through the API with two PDFs.
func submitWithDocuments(t *testing.T, env *apptest.Env) apptest.Dossier {
	t.Helper()
	form, _ := json.Marshal(apptest.MarriageForm())
	ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": string(form)},
		[]apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: apptest.PDF("to khai", 2000)},
			{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", 2000)}})
	r := env.Login(apptest.CitizenA).Raw("POST", "/api/v1/dossiers", ct, body, nil)
	var d apptest.Dossier
	if r.Status != 201 || json.Unmarshal(r.Body, &d) != nil || len(d.Documents) != 2 {
		t.Fatalf("submit with documents: %d %s", r.Status, r.Body)
	}
	return d
}

// TestBackofficeJourney is a dossier's whole handling by the staff of
// Hàng Trống in the browser: receive from the queue (slip 01), assign,
// request supplementation, (the citizen supplements through the API),
// finish, deliver (slip 06); staff of another commune get 404.
func TestBackofficeJourney(t *testing.T) {
	b := newBrowser(t)
	d := submitWithDocuments(t, b.env)
	code := d.Code
	page := "/can-bo/ho-so/" + code

	// The receptionist finds the dossier in the queue and receives it.
	b.staffLogin("ht.receptionist")
	b.open("/can-bo/tiep-nhan")
	b.follow(page, chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, page))))
	b.contains("main h1", code)
	b.actOn(code, "receive")
	b.contains("#notice", "Đã tiếp nhận hồ sơ.")
	slip01 := eval[string](b, `document.querySelector("#slip-link").getAttribute("href")`)
	if want := page + "/phieu/01"; slip01 != want {
		t.Fatalf("the receipt link is %q, want %q", slip01, want)
	}
	citizen := b.env.Login(apptest.CitizenA)
	d = dossierOf(t, citizen, code)
	if d.Status != 2 {
		t.Fatalf("after receive the status is %d (%s), want 2", d.Status, d.StatusLabel)
	}
	text := slipText(t, "phieu-01", b.download(slip01))
	for _, want := range []string{code, "Nguyễn Văn An", vnDate(t, d.LegalDueAt)} {
		if !strings.Contains(text, want) {
			t.Errorf("slip 01 does not hold %q: %s", want, text)
		}
	}

	// The leader assigns the specialist.
	lead := b.staffBrowser("ht.leader")
	lead.open(page)
	lead.do(chromedp.SetValue(chromedp.CSS("#assignee-assign"), "ht.specialist"))
	lead.actOn(code, "assign")

	// The specialist asks for the certificate again.
	const reason = "Giấy xác nhận đã quá 6 tháng, đề nghị nộp bản mới."
	spec := b.staffBrowser("ht.specialist")
	spec.open(page)
	// Drafting the result is the specialist's next step: the request for
	// supplementation is folded and opened first.
	spec.unfold("request_supplement")
	spec.do(
		chromedp.Click(chromedp.CSS("#supp-giay_xac_nhan")),
		chromedp.SendKeys(chromedp.CSS("#reason-request_supplement"), reason),
	)
	spec.actOn(code, "request_supplement")
	if d = dossierOf(t, citizen, code); d.Status != 5 {
		t.Fatalf("after the request the status is %d (%s), want 5", d.Status, d.StatusLabel)
	}

	// The citizen supplements through the API.
	cmd, _ := json.Marshal(map[string]any{"action": "supplement", "version": d.Version})
	ct, body := apptest.Multipart(map[string]string{"command": string(cmd)},
		[]apptest.File{{Field: "doc.giay_xac_nhan", Name: "xac-nhan-moi.pdf", Content: apptest.PDF("xac nhan moi", 2000)}})
	if r := citizen.Raw("POST", "/api/v1/dossiers/"+code+"/actions", ct, body, nil); r.Status != 200 {
		t.Fatalf("supplement: %d %s", r.Status, r.Body)
	}

	// The specialist drafts the result with its file, the leader approves
	// the draft, the receptionist delivers: all in the browser.
	resultFile := filepath.Join(t.TempDir(), "gcnkh-15.pdf")
	if err := os.WriteFile(resultFile, apptest.PDF("giay chung nhan ket hon", 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	spec.open(page)
	spec.do(
		chromedp.SendKeys(chromedp.CSS("#result_number-draft_result"), "15/2026/GCNKH"),
		chromedp.SendKeys(chromedp.CSS("#summary-draft_result"), "Cấp Giấy chứng nhận kết hôn"),
		chromedp.Click(chromedp.CSS("#granted-yes-draft_result")),
		chromedp.SetUploadFiles(chromedp.CSS("#file-draft_result"), []string{resultFile}),
	)
	spec.actOn(code, "draft_result")
	if d = dossierOf(t, citizen, code); d.Status != 4 || d.Result != nil {
		t.Fatalf("after the draft the applicant sees status %d, result %+v; want 4 and no result", d.Status, d.Result)
	}
	lead.open("/can-bo/viec-can-lam?ds=cho-phe-duyet")
	lead.follow(page, chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, page))))
	lead.contains("#draft", "15/2026/GCNKH")
	lead.contains("main", "gcnkh-15.pdf")
	// The draft's file is linked where the leader approves, and opens.
	lead.contains("#approve-files", "gcnkh-15.pdf")
	lead.contains("#draft-files", "gcnkh-15.pdf")
	href := eval[string](lead, `document.querySelector("#approve-files a").getAttribute("href")`)
	if !strings.HasPrefix(href, page+"/tai-lieu/") {
		t.Fatalf("the draft's file links to %q, want one of the dossier's documents", href)
	}
	if got := lead.fetch(href); got != "200 %PDF-" {
		t.Fatalf("the draft's file %s answers %q, want a PDF", href, got)
	}
	lead.actOn(code, "finish")
	lead.contains("#notice", "Đã phê duyệt và ban hành kết quả.")
	if d = dossierOf(t, citizen, code); d.Status != 9 || d.Result == nil || d.Result.Number != "15/2026/GCNKH" {
		t.Fatalf("after approval: status %d, result %+v", d.Status, d.Result)
	}
	b.open(page)
	b.do(chromedp.Click(chromedp.CSS("#method-in_person")))
	b.actOn(code, "deliver")
	if d = dossierOf(t, citizen, code); d.Status != 10 {
		t.Fatalf("after deliver the status is %d (%s), want 10", d.Status, d.StatusLabel)
	}

	// Slip 06 lists the steps with their verdicts: one row per hand-over
	// (receive, assign, draft, approval, delivery), each named by the
	// process step it closes.
	slip06 := eval[string](b, `document.querySelector("#slip-06").getAttribute("href")`)
	text = slipText(t, "phieu-06", b.download(slip06))
	for _, want := range []string{code, "Nguyễn Văn An", "Tiếp nhận", "Phân công", "Thẩm định", "Phê duyệt", "Trả kết quả"} {
		if !strings.Contains(text, want) {
			t.Errorf("slip 06 does not hold %q: %s", want, text)
		}
	}
	verdicts := 0
	for _, w := range []string{"Trước hạn", "Đúng hạn", "Quá hạn"} {
		verdicts += strings.Count(text, w)
	}
	if verdicts < 5 {
		t.Errorf("slip 06 holds %d verdicts (Trước hạn/Đúng hạn/Quá hạn), want one per hand-over (5): %s", verdicts, text)
	}

	// Staff of another commune see nothing of it.
	other := b.staffBrowser("hb.receptionist")
	if st := other.status(page); st != 404 {
		t.Errorf("hb.receptionist opening %s: status %d, want 404", page, st)
	}
	if st := b.env.Login("hb.receptionist").Do("GET", "/api/v1/dossiers/"+code, nil, nil); st != 404 {
		t.Errorf("hb.receptionist GET /api/v1/dossiers/%s: status %d, want 404", code, st)
	}
}

// TestBackofficeStalePage: two officers have the same received dossier
// open; the leader assigns it, then the receptionist's stop, sent from the
// now stale page, is refused with the "changed by someone else" notice.
func TestBackofficeStalePage(t *testing.T) {
	b := newBrowser(t)
	d := submitWithDocuments(t, b.env)
	b.env.Login("ht.receptionist").MustAct(&d, "receive", nil)
	page := "/can-bo/ho-so/" + d.Code

	b.staffLogin("ht.receptionist")
	lead := b.staffBrowser("ht.leader")
	b.open(page)
	lead.open(page)

	lead.do(chromedp.SetValue(chromedp.CSS("#assignee-assign"), "ht.specialist"))
	lead.actOn(d.Code, "assign")

	b.unfold("stop")
	b.do(chromedp.SendKeys(chromedp.CSS("#reason-stop"), "Công dân đề nghị dừng."))
	b.submit(page, `#form-stop button[type="submit"]`)
	b.contains("#stale", "Hồ sơ vừa được người khác thay đổi")
	if got := dossierOf(t, b.env.Login(apptest.CitizenA), d.Code); got.Status != 4 {
		t.Errorf("after the stale stop the status is %d (%s), want 4 (the assignment stands)", got.Status, got.StatusLabel)
	}
}

// TestBackofficeConsultReplyBy: in the browser, the specialist consults
// the Sở Tư pháp giving it 3 working days instead of the default 5; the
// page shows the reply-by date; the department answers from its list; the
// page judges the answer and slip 06 has the consultation's two rows with
// the reply-by date and the answer's verdict under the department.
func TestBackofficeConsultReplyBy(t *testing.T) {
	b := newBrowser(t)
	d := submitWithDocuments(t, b.env)
	b.env.Login("ht.receptionist").MustAct(&d, "receive", nil)
	b.env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
	code, page := d.Code, "/can-bo/ho-so/"+d.Code

	b.staffLogin("ht.specialist")
	b.open(page)
	if got := eval[string](b, `document.querySelector("#reply_days-consult").value`); got != "5" {
		t.Errorf("the consult form proposes %q working days, want the default 5", got)
	}
	b.unfold("consult")
	b.do(
		// The unit picker suggests the city's departments before any search.
		chromedp.SetValue(chromedp.CSS("#to_unit-consult"), apptest.SoTuPhap),
		chromedp.SetValue(chromedp.CSS("#reply_days-consult"), "3"),
		chromedp.SendKeys(chromedp.CSS("#reason-consult"), "Đề nghị Sở cho ý kiến về giấy tờ nước ngoài."),
	)
	b.actOn(code, "consult")
	b.contains(".consult-reply-by", "(3 ngày làm việc)")
	d = dossierOf(t, b.env.Login("ht.specialist"), code)
	if len(d.Consultations) != 1 || d.Consultations[0].ReplyDays != 3 || d.Consultations[0].ReplyBy == nil {
		t.Fatalf("consultations %+v", d.Consultations)
	}
	replyBy := vnDate(t, d.Consultations[0].ReplyBy)
	b.contains(".consult-reply-by", replyBy)

	stp := b.staffBrowser("stp.specialist")
	stp.open("/can-bo/viec-can-lam?ds=xin-y-kien")
	stp.contains("main", replyBy)
	stp.follow(page, chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, page+"#form-answer_consult"))))
	stp.do(chromedp.SendKeys(chromedp.CSS("#reason-answer_consult"), "Giấy tờ đã được hợp pháp hóa lãnh sự."))
	stp.actOn(code, "answer_consult")

	b.open(page)
	b.contains(".consult-verdict", "Sở Tư pháp trả lời")
	slip06 := eval[string](b, `document.querySelector("#slip-06").getAttribute("href")`)
	text := strings.Join(strings.Fields(slipText(t, "phieu-06-consult", b.download(slip06))), " ")
	for _, want := range []string{"Xin ý kiến", "Trả lời xin ý kiến", "Sở Tư pháp", "hạn trả lời", "(3 ngày làm việc)"} {
		if !strings.Contains(text, want) {
			t.Errorf("slip 06 does not hold %q: %s", want, text)
		}
	}
	if !strings.Contains(text, "Trước hạn") && !strings.Contains(text, "Đúng hạn") {
		t.Errorf("slip 06 does not judge the answer: %s", text)
	}
}
