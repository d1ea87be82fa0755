package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
)

// TestLevel4Journey is the demo's level-4 journey in Chromium: the citizen
// submits, sees the fee on the dossier page, pays it at the sandbox VNPay (labelled
// as such), comes back to the return page and the dossier, downloads the
// e-receipt; after the leader's decision and online delivery, downloads
// the signed result and opens its verification page, which says it is
// valid.
func TestLevel4Journey(t *testing.T) {
	b := newBrowserConfig(t, func(c *config.Config) { c.Demo = true })
	env := b.env
	// The citizen submits in the browser; the officers' steps go
	// through the API (the back office has its own browser tests).
	b.login(apptest.CitizenA, apptest.Password)
	b.open(submitPath)
	b.fillSubmission(map[string]string{
		"doc.to_khai":       writeFile(t, "to-khai.pdf", apptest.PDF("to khai", 3000)),
		"doc.giay_xac_nhan": writeFile(t, "giay-xac-nhan.pdf", apptest.PDF("giay xac nhan", 4000)),
	})
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`))); err != nil {
		t.Fatalf("submitting: %v", err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[action$="/xac-nhan"] button[type="submit"]`))); err != nil {
		t.Fatalf("confirming: %v", err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	code, ok := strings.CutSuffix(strings.TrimPrefix(b.path(), "/ho-so/"), "/da-nop")
	if !ok || code == "" {
		t.Fatalf("after submitting: at %s: %s", b.path(), b.text("main"))
	}
	d := dossierOf(t, env.Login("ht.receptionist"), code)
	env.Login("ht.receptionist").MustAct(&d, "receive", nil)
	env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
	env.Login("ht.specialist").MustAct(&d, "request_fee", map[string]any{"amount": 150000})

	page := "/ho-so/" + d.Code
	b.open(page)
	b.contains("#fees", "150.000")
	// Paying goes through a page of ours to the sandbox gateway.
	b.do(chromedp.Click(chromedp.CSS("#pay-vnpay")), chromedp.WaitVisible(chromedp.CSS(`button[value="success"]`)))
	b.contains("body", "MÔI TRƯỜNG THỬ NGHIỆM")
	b.contains("#amount", "150.000")
	b.do(chromedp.Click(chromedp.CSS(`button[value="success"]`)), chromedp.WaitVisible(chromedp.CSS("#payment-result")))
	if p := b.path(); p != "/thanh-toan/vnpay/ket-qua" {
		t.Fatalf("after paying the browser is at %s", p)
	}
	b.contains("main h1", "Thanh toán thành công")
	b.follow(page, chromedp.Click(chromedp.CSS("#back-to-dossier")))
	b.contains("#fees", "đã thanh toán")
	receipt := eval[string](b, `document.querySelector("ul.receipts a").getAttribute("href")`)
	if got := b.fetch(receipt); got != "200 %PDF-" {
		t.Fatalf("the receipt: %q", got)
	}

	// The decision issues the signed result; it is delivered online.
	var cur apptest.Dossier
	env.Login(apptest.CitizenA).Do("GET", "/api/v1/dossiers/"+d.Code, nil, &cur)
	env.Login("ht.leader").MustAct(&cur, "finish", map[string]any{"result": map[string]any{
		"number": "15/2026/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
	env.Login("ht.receptionist").MustAct(&cur, "deliver", map[string]any{"method": "online"})
	b.open(page)
	result := eval[string](b, `[...document.querySelectorAll("main a[download]")].map(a => a.getAttribute("href")).find(h => h.includes("/tai-lieu/")) || ""`)
	if result == "" {
		t.Fatal("no result to download on the dossier page")
	}
	if got := b.fetch(result); got != "200 %PDF-" {
		t.Fatalf("the result: %q", got)
	}
	// The QR's target.
	b.open("/xac-thuc/" + d.Code)
	b.contains("#verdict", "Kết quả hợp lệ")
	b.contains("#verdict", "15/2026/GCNKH")
	if strings.Contains(b.text("#verdict"), "Nguyễn Văn An") {
		t.Error("the verification page shows the applicant's name")
	}
}
