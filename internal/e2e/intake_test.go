package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app/apptest"
)

// press submits the form of the button sel through that button (so its
// name and value are sent and its formnovalidate honoured) and waits for
// the next page, whose path must start with prefix; it returns the path.
func (b *browser) press(prefix, sel string) string {
	b.t.Helper()
	eval[bool](b, `(window.__before = true)`)
	eval[bool](b, fmt.Sprintf(`(() => { const btn = document.querySelector(%q); btn.form.requestSubmit(btn); return true })()`, sel))
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!window.__before && document.readyState === "complete" && !!document.querySelector("main h1")`))
		if err == nil && ok {
			break
		}
		if b.ctx.Err() != nil {
			b.t.Fatalf("browser: pressing %s: %v (last: %v)", sel, b.ctx.Err(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p := b.path()
	if !strings.HasPrefix(p, prefix) {
		b.t.Fatalf("landed on %s, want %s…", p, prefix)
	}
	return p
}

// fillIntake types the applicant and the marriage form on the intake page.
func (b *browser) fillIntake() {
	b.t.Helper()
	b.do(
		chromedp.SendKeys(chromedp.CSS(`[id="in-applicant.id_number"]`), "001185006789"),
		chromedp.SendKeys(chromedp.CSS(`[id="in-applicant.full_name"]`), "Phạm Thị Dung"),
		chromedp.SendKeys(chromedp.CSS("#field-chong_ho_ten"), "Đỗ Văn Em"),
		chromedp.SendKeys(chromedp.CSS("#field-vo_ho_ten"), "Phạm Thị Dung"),
	)
}

// TestCounterChecklist: at the desk, in the browser, the receptionist ticks
// the documents received; with a required one unticked the dossier is not
// received and the page says which, keeping what was typed; a note excuses
// it and the dossier is received, its slip 01 listing the form only. A
// walk-in applicant is then guided to complete the papers (slip 02)
// without a dossier, the form left incomplete.
func TestCounterChecklist(t *testing.T) {
	b := newBrowser(t)
	b.staffLogin("ht.receptionist")
	const intake = "/can-bo/tiep-nhan/truc-tiep?thu-tuc=" + apptest.Marriage
	b.open(intake)
	b.contains("#checklist legend", "Thành phần hồ sơ")
	b.fits("the intake checklist")
	if n := eval[int](b, `document.querySelectorAll('#checklist input[type="checkbox"]:checked').length`); n != 0 {
		t.Fatalf("%d documents ticked before the officer ticked any", n)
	}
	b.fillIntake()
	b.do(chromedp.Click(chromedp.CSS("#recv-to_khai")), chromedp.SetValue(chromedp.CSS("#copy-to_khai"), "2"))

	b.press("/can-bo/tiep-nhan/truc-tiep", `button[name="outcome"][value="receive"]`)
	b.contains("#err-giay_xac_nhan", "Chưa nhận giấy tờ bắt buộc «Giấy xác nhận tình trạng hôn nhân»")
	if !eval[bool](b, `document.querySelector("#recv-to_khai").checked && document.querySelector("#copy-to_khai").value === "2"`) {
		t.Fatal("the ticks and counts typed were lost on the refused page")
	}
	if got := eval[string](b, `document.querySelector("#recv-giay_xac_nhan").getAttribute("aria-invalid") || ""`); got != "true" {
		t.Errorf("the unticked document is not marked invalid: %q", got)
	}

	b.do(chromedp.SendKeys(chromedp.CSS("#note-giay_xac_nhan"), "Cán bộ tra cứu cơ sở dữ liệu hộ tịch"))
	p := b.press("/can-bo/ho-so/", `button[name="outcome"][value="receive"]`)
	b.contains("#notice", "Đã tiếp nhận")
	code := strings.TrimPrefix(p, "/can-bo/ho-so/")
	slip := slipText(t, "01-"+code, b.download("/can-bo/ho-so/"+code+"/phieu/01"))
	if !strings.Contains(slip, "Tờ khai Bản chính Bản sao 1 2") || strings.Contains(slip, "Giấy xác nhận tình trạng hôn nhân") {
		t.Errorf("slip 01 does not list only the form, 1 original and 2 copies:\n%s", slip)
	}

	// A walk-in applicant guided: no form needed, no dossier made; the
	// form is there, the confirmation missing.
	b.open(intake)
	b.do(
		chromedp.SendKeys(chromedp.CSS(`[id="in-applicant.full_name"]`), "Trần Văn Bảo"),
		chromedp.Click(chromedp.CSS("#recv-to_khai")),
		chromedp.SendKeys(chromedp.CSS("#note-giay_xac_nhan"), "Giấy xác nhận đã quá 6 tháng"),
	)
	if p := b.press("/can-bo/tiep-nhan/", `button[name="outcome"][value="guidance"]`); p != "/can-bo/tiep-nhan/huong-dan" {
		t.Fatalf("guidance not recorded: %s", b.text("main"))
	}
	b.contains("#walkin-done", "Đã ghi nhận")
	href := eval[string](b, `document.querySelector("#walkin-done a").getAttribute("href")`)
	slip = slipText(t, "02-walkin", b.download(href))
	for _, w := range []string{"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Trần Văn Bảo", "Giấy xác nhận đã quá 6 tháng"} {
		if !strings.Contains(slip, w) {
			t.Errorf("slip 02 lacks %q:\n%s", w, slip)
		}
	}
	if codes := len(dossierCodesAt(t, b.env)); codes != 1 {
		t.Errorf("%d dossiers at the unit after one intake and one guidance", codes)
	}
}

// dossierCodesAt lists the codes of the dossiers Hàng Trống's receptionist
// sees.
func dossierCodesAt(t *testing.T, env *apptest.Env) []string {
	t.Helper()
	var lst struct {
		Items []apptest.Dossier `json:"items"`
	}
	if st := env.Login("ht.receptionist").Do("GET", "/api/v1/dossiers?limit=100", nil, &lst); st != 200 {
		t.Fatalf("list: %d", st)
	}
	var out []string
	for _, d := range lst.Items {
		out = append(out, d.Code)
	}
	return out
}
