package e2e

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestCitizenJourney registers a new citizen, logs out and logs in again,
// all through the pages' forms.
func TestCitizenJourney(t *testing.T) {
	b := newBrowser(t)
	const (
		id       = "079203001122"
		name     = "Lê Minh Châu"
		password = "mat-khau-moi-123"
	)

	b.open("/dang-ky")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#id_number"), id),
		chromedp.SendKeys(chromedp.CSS("#full_name"), name),
		chromedp.SendKeys(chromedp.CSS("#phone"), "0901234567"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.SendKeys(chromedp.CSS("#password_confirm"), password),
	)
	b.follow("/ho-so", chromedp.Click(chromedp.CSS(`main form[action="/dang-ky"] button[type="submit"]`)))
	b.contains("main", name)
	b.contains(".account-nav", name)

	// Log out with the header's button.
	b.follow("/", chromedp.Click(chromedp.CSS(`.account-nav form[action="/dang-xuat"] button`)))
	b.contains(".account-nav", "Đăng nhập")
	if strings.Contains(b.text("body"), name) {
		t.Error("the name is still shown after logging out")
	}

	b.open("/dang-nhap")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#username"), id),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
	b.follow("/ho-so", chromedp.Click(chromedp.CSS(`main form[action="/dang-nhap"] button[type="submit"]`)))
	b.contains("main", name)
}

// TestSearch searches from the home page without diacritics and opens the
// procedure found.
func TestSearch(t *testing.T) {
	b := newBrowser(t)
	b.open("/")
	b.do(chromedp.SendKeys(chromedp.CSS("#home-q"), "dang ky ket hon"))
	b.follow("/thu-tuc", chromedp.Submit(chromedp.CSS("#home-q")))
	b.contains("#results", "Đăng ký kết hôn")

	link := fmt.Sprintf(`#results a[href="/thu-tuc/%s"]`, apptest.Marriage)
	b.follow("/thu-tuc/"+apptest.Marriage, chromedp.Click(chromedp.CSS(link)))
	b.contains("main h1", "Đăng ký kết hôn")
	b.contains("main .cta", "Nộp hồ sơ trực tuyến")
}

// TestTracking tracks a dossier submitted through the API with the public
// form: the status is shown, the applicant is not.
func TestTracking(t *testing.T) {
	b := newBrowser(t)
	d := b.env.Login(apptest.CitizenA).Submit(apptest.HangTrong)

	b.open("/tra-cuu")
	b.do(chromedp.SendKeys(chromedp.CSS("#track-code"), d.Code))
	b.follow("/tra-cuu/"+d.Code, chromedp.Click(chromedp.CSS(`main form.track button[type="submit"]`)))
	b.contains("main .status", "Mới đăng ký")
	b.contains("main", d.Code)
	body := b.text("body")
	for _, secret := range []string{apptest.CitizenA, "Nguyễn Văn An"} {
		if strings.Contains(body, secret) {
			t.Errorf("the public tracking page shows %q", secret)
		}
	}
}

// TestNarrowScreen checks that the pages fit a 360 px wide phone without
// horizontal scrolling, and that a full-page screenshot works.
func TestNarrowScreen(t *testing.T) {
	b := newBrowser(t)
	d := b.env.Login(apptest.CitizenA).Submit(apptest.HangTrong)

	b.open("/")
	if w := eval[int](b, "window.innerWidth"); w != viewWidth {
		t.Fatalf("viewport is %d px wide, want %d", w, viewWidth)
	}
	for _, path := range []string{"/", "/thu-tuc", "/thu-tuc/" + apptest.Marriage, "/tra-cuu/" + d.Code, "/dang-nhap", "/dang-ky"} {
		b.open(path)
		if w := eval[int](b, "document.documentElement.scrollWidth"); w > viewWidth {
			t.Errorf("%s is %d px wide at a %d px viewport: it scrolls sideways", path, w, viewWidth)
		}
	}

	b.open("/")
	shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "home.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	dpr := eval[float64](b, "window.devicePixelRatio")
	if want := int(float64(viewWidth) * dpr); cfg.Width != want {
		t.Errorf("screenshot is %d px wide, want %d (device pixel ratio %v)", cfg.Width, want, dpr)
	}
	if cfg.Height < viewHeight {
		t.Errorf("screenshot is %d px high, want the full page (at least %d)", cfg.Height, viewHeight)
	}
}

// TestLanguageSwitch switches to English and checks that the choice is
// remembered on the next page.
func TestLanguageSwitch(t *testing.T) {
	b := newBrowser(t)
	b.open("/")
	if lang := eval[string](b, "document.documentElement.lang"); lang != "vi" {
		t.Fatalf("html lang = %q before switching, want vi", lang)
	}
	b.contains(".main-nav", "Trang chủ")

	b.follow("/", chromedp.Click(chromedp.CSS(`.lang-switch a[hreflang="en"]`)))
	if lang := eval[string](b, "document.documentElement.lang"); lang != "en" {
		t.Errorf("html lang = %q after switching, want en", lang)
	}
	b.contains(".main-nav", "Home")
	b.contains(".main-nav", "Procedures")

	// Another page, without ?lang=: the cookie keeps English.
	b.open("/thu-tuc")
	if lang := eval[string](b, "document.documentElement.lang"); lang != "en" {
		t.Errorf("html lang = %q on the next page, want en (remembered)", lang)
	}
	b.contains(".main-nav", "Track a dossier")
	if strings.Contains(b.text(".main-nav"), "Trang chủ") {
		t.Error("the navigation is still in Vietnamese")
	}
}

// TestKeyboard reaches the home page's search box with Tab alone.
func TestKeyboard(t *testing.T) {
	b := newBrowser(t)
	b.open("/")
	const maxTabs = 15
	for i := 1; i <= maxTabs; i++ {
		b.do(chromedp.KeyEvent(kb.Tab))
		if eval[string](b, "document.activeElement ? document.activeElement.id : ''") == "home-q" {
			t.Logf("the search box is reached with %d presses of Tab", i)
			// Typing goes into the focused box.
			b.do(chromedp.KeyEvent("ket hon"))
			if v := eval[string](b, "document.getElementById('home-q').value"); v != "ket hon" {
				t.Errorf("typed into the focused search box, value %q", v)
			}
			return
		}
	}
	t.Fatalf("the search box is not reached with %d presses of Tab; focus is on %s", maxTabs,
		eval[string](b, "document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : 'nothing'"))
}
