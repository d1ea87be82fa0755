package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app/apptest"
)

// submitPath is the online submission page of the fixture's marriage
// procedure.
var submitPath = "/thu-tuc/" + apptest.Marriage + "/nop-ho-so"

// sibling is a second tab on the same server and browser in a fresh
// browser context: its own cookies, nobody logged in.
func (b *browser) sibling() *browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	o := &browser{t: b.t, env: b.env, ctx: ctx}
	o.do(chromedp.EmulateViewport(viewWidth, viewHeight))
	return o
}

// register opens a citizen account with the registration form and lands
// on /ho-so logged in.
func (b *browser) register(id, name, password string) {
	b.t.Helper()
	b.open("/dang-ky")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#id_number"), id),
		chromedp.SendKeys(chromedp.CSS("#full_name"), name),
		chromedp.SendKeys(chromedp.CSS("#phone"), "0901234567"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.SendKeys(chromedp.CSS("#password_confirm"), password),
	)
	b.follow("/ho-so", chromedp.Click(chromedp.CSS(`main form[action="/dang-ky"] button[type="submit"]`)))
}

// login logs in with the login form and lands on /ho-so.
func (b *browser) login(username, password string) {
	b.t.Helper()
	b.open("/dang-nhap")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
	b.follow("/ho-so", chromedp.Click(chromedp.CSS(`main form[action="/dang-nhap"] button[type="submit"]`)))
}

// status navigates to path and returns the HTTP status of the page.
func (b *browser) status(path string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.url(path)))
	if err != nil {
		b.t.Fatalf("browser: opening %s: %v", path, err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	return resp.Status
}

// fetch fetches href with the page's cookies and returns the status and
// the first bytes of the body, as "200 %PDF-".
func (b *browser) fetch(href string) string {
	b.t.Helper()
	js := fmt.Sprintf(`fetch(%q).then(async r => r.status + " " + (await r.text()).slice(0, 5))`, href)
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: fetching %s: %v", href, err)
	}
	return s
}

// fits fails the test when the current page scrolls sideways at
// the phone's width.
func (b *browser) fits(what string) {
	b.t.Helper()
	if w := eval[int](b, "document.documentElement.scrollWidth"); w > viewWidth {
		b.t.Errorf("%s (%s) is %d px wide at a %d px viewport: it scrolls sideways", what, b.path(), w, viewWidth)
	}
}

// writeFile writes content to name in a fresh temporary directory and
// returns its path.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fillSubmission chooses Phường Hàng Trống, fills the marriage form and
// attaches files (input name → path) on the submission page.
func (b *browser) fillSubmission(files map[string]string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS("#unit"), apptest.HangTrong))
	if got := eval[string](b, `document.querySelector("#unit").selectedOptions[0].textContent.trim()`); got != "Phường Hàng Trống" {
		b.t.Fatalf("the unit chosen is %q, want Phường Hàng Trống", got)
	}
	// Start from empty fields whatever the page kept from a previous try.
	eval[bool](b, `["field-chong_ho_ten", "field-vo_ho_ten", "field-so_ban_sao"].every(id => (document.getElementById(id).value = "") === "")`)
	b.do(
		chromedp.SendKeys(chromedp.CSS("#field-chong_ho_ten"), "Phạm Quốc Bảo"),
		chromedp.SendKeys(chromedp.CSS("#field-vo_ho_ten"), "Đỗ Thị Hạnh"),
		chromedp.SendKeys(chromedp.CSS("#field-so_ban_sao"), "2"),
	)
	for input, path := range files {
		b.do(chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`input[type="file"][name=%q]`, input)), []string{path}))
	}
}

// dossierOf reads a dossier through the API as c.
func dossierOf(t *testing.T, c *apptest.Client, code string) apptest.Dossier {
	t.Helper()
	var d apptest.Dossier
	if st := c.Do("GET", "/api/v1/dossiers/"+code, nil, &d); st != 200 {
		t.Fatalf("GET dossier %s: status %d", code, st)
	}
	return d
}

// dossierCodes lists the codes of the dossiers c sees through the API.
func dossierCodes(t *testing.T, c *apptest.Client) []string {
	t.Helper()
	var l struct {
		Items []apptest.Dossier `json:"items"`
	}
	if st := c.Do("GET", "/api/v1/dossiers", nil, &l); st != 200 {
		t.Fatalf("GET dossiers: status %d", st)
	}
	var codes []string
	for _, d := range l.Items {
		codes = append(codes, d.Code)
	}
	return codes
}

// TestSubmissionJourney is the whole of a citizen's online dossier in the
// browser, with the staff's part through the API: register, log in,
// search, submit with two PDFs, track, supplement a document on request,
// download, rate.
func TestSubmissionJourney(t *testing.T) {
	b := newBrowser(t)
	const (
		id   = "001203004455"
		name = "Phạm Quốc Bảo"
	)

	// Register, log out, log in again (with the fixture's password, so
	// that the test can also act as this citizen through the API).
	b.register(id, name, apptest.Password)
	b.follow("/", chromedp.Click(chromedp.CSS(`.account-nav form[action="/dang-xuat"] button`)))
	b.contains(".account-nav", "Đăng nhập")
	b.login(id, apptest.Password)
	b.contains("main", name)

	// Find the procedure from the home page and open its submission page.
	b.open("/")
	b.do(chromedp.SendKeys(chromedp.CSS("#home-q"), "dang ky ket hon"))
	b.follow("/thu-tuc", chromedp.Submit(chromedp.CSS("#home-q")))
	b.follow("/thu-tuc/"+apptest.Marriage, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#results a[href="/thu-tuc/%s"]`, apptest.Marriage))))
	b.contains("main h1", "Đăng ký kết hôn")
	b.contains("main .cta a", "Nộp hồ sơ trực tuyến")
	b.follow(submitPath, chromedp.Click(chromedp.CSS("main .cta a")))

	// Fill in, attach two PDFs, submit.
	b.fillSubmission(map[string]string{
		"doc.to_khai":       writeFile(t, "to-khai.pdf", apptest.PDF("to khai dang ky ket hon", 3000)),
		"doc.giay_xac_nhan": writeFile(t, "giay-xac-nhan.pdf", apptest.PDF("giay xac nhan tinh trang hon nhan", 4000)),
	})
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`))); err != nil {
		t.Fatalf("submitting: %v", err)
	}
	// The review page: confirm.
	b.contains("main h1", "Kiểm tra lại hồ sơ")
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[action$="/xac-nhan"] button[type="submit"]`))); err != nil {
		t.Fatalf("confirming: %v", err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	p := b.path()
	code, ok := strings.CutSuffix(strings.TrimPrefix(p, "/ho-so/"), "/da-nop")
	if !ok || code == "" || strings.Contains(code, "/") {
		t.Fatalf("after submitting: landed on %s, want /ho-so/{code}/da-nop; the page says: %s", p, b.text("main"))
	}
	t.Logf("dossier %s submitted", code)

	// The confirmation: the code and a QR image that loaded.
	if got := b.text("main .dossier-code"); got != code {
		t.Errorf("the confirmation shows code %q, want %q", got, code)
	}
	b.contains("main", "Đăng ký kết hôn")
	if src := eval[string](b, `document.querySelector("main img.qr").getAttribute("src")`); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Errorf("the QR image's src is %.40q, want a PNG data URL", src)
	}
	if w := eval[int](b, `(() => { const i = document.querySelector("main img.qr"); return i.complete ? i.naturalWidth : 0 })()`); w == 0 {
		t.Error("the QR image did not load")
	}

	// The public tracking page.
	b.follow("/tra-cuu/"+code, chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href="/tra-cuu/%s"]`, code))))
	b.contains("main .status", "Mới đăng ký")

	// The staff: receive, assign, ask for the certificate again.
	rec, lead, spec := b.env.Login("ht.receptionist"), b.env.Login("ht.leader"), b.env.Login("ht.specialist")
	d := dossierOf(t, rec, code)
	if len(d.Documents) != 2 {
		t.Fatalf("the dossier holds %d documents, want the 2 attached: %+v", len(d.Documents), d.Documents)
	}
	rec.MustAct(&d, "receive", nil)
	lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
	const reason = "Giấy xác nhận tình trạng hôn nhân đã quá 6 tháng."
	spec.MustAct(&d, "request_supplement", map[string]any{"documents": []string{"giay_xac_nhan"}, "reason": reason})

	// The citizen sees the request on the dossier page and answers it.
	b.open("/ho-so/" + code)
	b.contains("#supplement", "Bổ sung giấy tờ")
	b.contains("#supplement", reason)
	b.contains("#supplement", "Giấy xác nhận tình trạng hôn nhân")
	b.contains("main .timeline", "Cơ quan yêu cầu bổ sung giấy tờ: Giấy xác nhận tình trạng hôn nhân.")
	b.do(
		chromedp.SetUploadFiles(chromedp.CSS(`#supplement input[type="file"][name="doc.giay_xac_nhan"]`),
			[]string{writeFile(t, "giay-xac-nhan-moi.pdf", apptest.PDF("giay xac nhan moi", 3500))}),
		chromedp.SendKeys(chromedp.CSS("#sup-note"), "Đã xin cấp lại giấy xác nhận."),
	)
	b.follow("/ho-so/"+code, chromedp.Click(chromedp.CSS(`#supplement button[type="submit"]`)))
	b.contains(`main [role="status"]`, "Đã gửi giấy tờ bổ sung")
	b.contains("#status .status", "Đang xử lý")
	b.contains("#status", "Hồ sơ của bạn đang được xử lý.")
	b.contains("main .timeline", "Giấy tờ bổ sung đã được nộp; hồ sơ được tiếp tục giải quyết.")
	if n := eval[int](b, `document.querySelectorAll("#supplement").length`); n != 0 {
		t.Error("the supplementation form is still shown after answering the request")
	}

	// The staff finish with a result document, and deliver.
	d = dossierOf(t, lead, code)
	if d.Status != 4 {
		t.Fatalf("after the supplement the status is %d (%s), want 4", d.Status, d.StatusLabel)
	}
	const resultFile = "giay-chung-nhan-ket-hon.pdf"
	cmd, _ := json.Marshal(map[string]any{"action": "finish", "version": d.Version,
		"result": map[string]any{"number": "15/2025/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
	ct, body := apptest.Multipart(map[string]string{"command": string(cmd)},
		[]apptest.File{{Field: "doc.to_khai", Name: resultFile, Content: apptest.PDF("giay chung nhan ket hon", 2500)}})
	withResult := true
	if r := lead.Raw("POST", "/api/v1/dossiers/"+code+"/actions", ct, body, nil); r.Status == 200 {
		if err := json.Unmarshal(r.Body, &d); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Logf("finish with a result file: %d %s; finishing without one", r.Status, r.Body)
		withResult = false
		lead.MustAct(&d, "finish", map[string]any{"result": map[string]any{"number": "15/2025/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
	}
	rec.MustAct(&d, "deliver", map[string]any{"method": "in_person"})

	// The citizen downloads the documents and rates the handling.
	b.open("/ho-so/" + code)
	b.contains("main .timeline", "Đã có kết quả giải quyết.")
	b.contains("main .timeline", "Đã trả kết quả.")
	b.contains("#status", "Kết quả giải quyết đã được trả cho bạn.")
	if withResult {
		b.contains("main", resultFile)
	}
	links := eval[[]string](b, `[...document.querySelectorAll('main a[download]')].map(a => a.getAttribute("href"))`)
	if want := 3; len(links) < want { // two documents, the supplement (and the result)
		t.Fatalf("the page links %d documents, want at least %d: %v", len(links), want, links)
	}
	for _, href := range links {
		if !strings.HasPrefix(href, "/ho-so/"+code+"/tai-lieu/") {
			t.Errorf("document link %q is not under the dossier's page", href)
		}
		if got := b.fetch(href); got != "200 %PDF-" {
			t.Errorf("fetching %s with the citizen's cookies: %q, want 200 and a PDF", href, got)
		}
	}

	const comment = "Cán bộ hướng dẫn tận tình, trả kết quả nhanh."
	b.do(
		chromedp.Click(chromedp.CSS(`#rate input[type="radio"][value="very_satisfied"]`)),
		chromedp.SendKeys(chromedp.CSS("#rate-comment"), comment),
	)
	b.contains(`#rate label[for="rating-very_satisfied"]`, "Rất hài lòng")
	b.follow("/ho-so/"+code, chromedp.Click(chromedp.CSS(`#rate button[type="submit"]`)))
	b.contains(`main [role="status"]`, "Cảm ơn bạn đã đánh giá.")
	b.contains("#status", "Bạn đã đánh giá: Rất hài lòng.")
	b.contains("#status", "Nhận xét của bạn: "+comment)
	if n := eval[int](b, `document.querySelectorAll("#rate").length`); n != 0 {
		t.Error("the rating form is still shown after rating")
	}

	// The API agrees, as the citizen.
	d = dossierOf(t, b.env.Login(id), code)
	if d.Status != 10 {
		t.Errorf("final status %d (%s), want 10", d.Status, d.StatusLabel)
	}
}

// TestOtherCitizenGetsNotFound: another citizen, in a fresh browser
// context, gets the 404 page for a citizen's dossier and its document.
func TestOtherCitizenGetsNotFound(t *testing.T) {
	b := newBrowser(t)

	// Citizen A submits with a document, through the API.
	form, _ := json.Marshal(apptest.MarriageForm())
	ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": string(form)},
		[]apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: apptest.PDF("to khai", 2000)},
			{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", 2000)}})
	r := b.env.Login(apptest.CitizenA).Raw("POST", "/api/v1/dossiers", ct, body, nil)
	var d apptest.Dossier
	if r.Status != 201 || json.Unmarshal(r.Body, &d) != nil || len(d.Documents) == 0 {
		t.Fatalf("submit with documents: %d %s", r.Status, r.Body)
	}
	page := "/ho-so/" + d.Code
	doc := fmt.Sprintf("%s/tai-lieu/%d", page, d.Documents[0].ID)

	// The owner sees both: the addresses are right.
	b.login(apptest.CitizenA, apptest.Password)
	if st := b.status(page); st != 200 {
		t.Fatalf("the owner gets %d for %s", st, page)
	}
	if got := b.fetch(doc); got != "200 %PDF-" {
		t.Fatalf("the owner fetching %s: %q", doc, got)
	}

	// Another citizen registers in a fresh browser context.
	o := b.sibling()
	o.register("079195006677", "Võ Thị Lan", "mat-khau-cua-lan-1")
	for _, path := range []string{page, doc} {
		if st := o.status(path); st != 404 {
			t.Errorf("the other citizen gets %d for %s, want 404", st, path)
		}
		o.contains("main h1", "Không tìm thấy trang")
		if strings.Contains(o.text("body"), "Nguyễn Văn An") || strings.Contains(o.text("body"), apptest.CitizenA) {
			t.Errorf("the 404 page for %s shows the owner", path)
		}
	}
	if got := o.fetch(doc); !strings.HasPrefix(got, "404 ") {
		t.Errorf("the other citizen fetching %s: %q, want 404", doc, got)
	}
}

// TestSubmissionRejectsBadFiles: a text file named .pdf and a PDF over
// the 1 MB limit are refused on the page in Vietnamese, and no dossier is
// filed.
func TestSubmissionRejectsBadFiles(t *testing.T) {
	b := newBrowser(t)
	citizen := b.env.Login(apptest.CitizenA)
	before := dossierCodes(t, citizen)
	b.login(apptest.CitizenA, apptest.Password)
	good := writeFile(t, "giay-xac-nhan.pdf", apptest.PDF("giay xac nhan", 3000))

	for _, c := range []struct {
		name, file, want string
		content          []byte
	}{
		{"text named .pdf", "to-khai.pdf", "Tệp «to-khai.pdf» không phải PDF, JPEG hoặc PNG.",
			[]byte("Đây là một tệp văn bản, không phải PDF.\n")},
		{"over the limit", "to-khai-lon.pdf", "Tệp «to-khai-lon.pdf» vượt quá dung lượng cho phép (1 MB).",
			apptest.PDF("x", 1_200_000)},
	} {
		b.open(submitPath)
		b.fillSubmission(map[string]string{"doc.to_khai": writeFile(t, c.file, c.content), "doc.giay_xac_nhan": good})
		b.follow(submitPath, chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`)))
		b.contains("#doc-to_khai-error", c.want)
		b.contains(".error-summary", c.want)
		if got := eval[string](b, `document.querySelector("#doc-to_khai").getAttribute("aria-invalid") || ""`); got != "true" {
			t.Errorf("%s: the file input is not marked invalid", c.name)
		}
		// What was typed is kept.
		if got := eval[string](b, `document.querySelector("#field-vo_ho_ten").value`); got != "Đỗ Thị Hạnh" {
			t.Errorf("%s: the wife's name is %q after the error, want it kept", c.name, got)
		}
	}
	if after := dossierCodes(t, citizen); len(after) != len(before) {
		t.Errorf("dossiers were filed despite the refused files: before %v, after %v", before, after)
	}
}

// TestNarrowSubmission checks that the submission page (blank and with
// errors) and the dossier page (with the supplementation and the rating
// forms) fit a 360 px wide phone.
func TestNarrowSubmission(t *testing.T) {
	b := newBrowser(t)
	citizen := b.env.Login(apptest.CitizenA)
	rec, lead, spec := b.env.Login("ht.receptionist"), b.env.Login("ht.leader"), b.env.Login("ht.specialist")

	// One dossier awaiting documents, one delivered and not yet rated.
	sup := citizen.Submit(apptest.HangTrong)
	rec.MustAct(&sup, "receive", nil)
	lead.MustAct(&sup, "assign", map[string]any{"assignee": "ht.specialist"})
	spec.MustAct(&sup, "request_supplement", map[string]any{"documents": []string{"to_khai", "giay_xac_nhan"},
		"reason": "Tờ khai thiếu chữ ký của hai bên; giấy xác nhận tình trạng hôn nhân đã hết hạn sử dụng theo quy định."})
	done := citizen.Submit(apptest.HangTrong)
	rec.MustAct(&done, "receive", nil)
	lead.MustAct(&done, "assign", map[string]any{"assignee": "ht.specialist"})
	lead.MustAct(&done, "finish", map[string]any{"result": map[string]any{"number": "16/2025/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
	rec.MustAct(&done, "deliver", map[string]any{"method": "in_person"})

	b.login(apptest.CitizenA, apptest.Password)
	b.open(submitPath)
	if w := eval[int](b, "window.innerWidth"); w != viewWidth {
		t.Fatalf("viewport is %d px wide, want %d", w, viewWidth)
	}
	b.fits("the submission page")
	// Submitted empty: the page with every error.
	b.follow(submitPath, chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`)))
	b.contains(".error-summary", "Giấy xác nhận tình trạng hôn nhân")
	b.fits("the submission page with errors")

	b.open("/ho-so/" + sup.Code)
	b.contains("#supplement", "Bổ sung giấy tờ")
	b.fits("the dossier page with the supplementation form")
	b.besideLabel("#withdraw-confirm")
	b.fullWidth("#sup-note")

	b.open("/ho-so/" + done.Code)
	b.contains("#rate", "Rất hài lòng")
	b.fits("the dossier page with the rating form")
	b.besideLabel("#rating-very_satisfied")
	b.fullWidth("#rate-comment")
}
