package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/store"
)

// Default viewport of the browser tests: a small phone.
const (
	viewWidth  = 360
	viewHeight = 800
)

// browser is a running server with a headless Chromium tab pointed at it.
type browser struct {
	t   *testing.T
	env *apptest.Env
	ctx context.Context
}

// chromiumPath finds Chromium: Debian's /usr/bin/chromium, else "chromium"
// (or "chromium-browser") on PATH. It skips the test when there is none,
// and fails it under CI=true, where scripts/test installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found: the browser tests need it under CI (scripts/test installs it)")
	}
	t.Skip("chromium not found: skipping the browser tests (apt-get install chromium, or run ./scripts/test)")
	return ""
}

// newBrowser starts the server and a fresh headless Chromium (own profile
// in t.TempDir, viewport 360×800, Vietnamese as the browser's language)
// and bounds the test with the test binary's deadline (less a margin to
// report in), not with a budget of seconds that a loaded machine exceeds.
//
// The browser tests run on SQLite only: they test the pages in a real
// browser, while the store's behaviour is covered on SQLite and
// PostgreSQL by the store, API and portal suites.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	return newBrowserConfig(t, nil)
}

// newBrowserConfig is newBrowser with the server's configuration changed
// by edit (apptest.StartConfig) and Chromium given extra options.
func newBrowserConfig(t *testing.T, edit func(*config.Config), extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	execPath := chromiumPath(t)
	env := apptest.StartConfig(t, store.SQLite, app.Options{}, edit)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.NoSandbox, // the tests may run as root (containers, CI)
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("password-store", "basic"),
		// The portal picks its language from Accept-Language: ask for
		// Vietnamese, the default a citizen sees.
		chromedp.Flag("lang", "vi-VN"),
		chromedp.Flag("accept-lang", "vi-VN,vi"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(viewWidth, viewHeight),
	}
	opts = append(opts, extra...)
	timeout := context.Background()
	if dl, ok := t.Deadline(); ok {
		margin := min(max(time.Until(dl)/20, time.Second), 30*time.Second)
		var cancelTimeout context.CancelFunc
		timeout, cancelTimeout = context.WithDeadline(timeout, dl.Add(-margin))
		t.Cleanup(cancelTimeout)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(timeout, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	// Close the browser before the server stops (cleanups run last first).
	t.Cleanup(cancelCtx)
	b := &browser{t: t, env: env, ctx: ctx}
	// Start the browser and pin the viewport to the phone size whatever
	// the window manager of headless Chromium made of the window.
	b.do(chromedp.EmulateViewport(viewWidth, viewHeight))
	return b
}

// url is the server's absolute address of path.
func (b *browser) url(path string) string { return b.env.URL + path }

// do runs actions and fails the test on the first error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// open navigates to path and waits for the page's main content.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.url(path)), chromedp.WaitVisible(chromedp.CSS("main h1")))
}

// follow runs actions that trigger a navigation (a click on a link, a
// form submission), waits for the new page to load and checks that it is
// at path (redirects included).
func (b *browser) follow(path string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: navigating to %s: %v", path, err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	if got := b.path(); got != path {
		b.t.Fatalf("landed on %s, want %s", got, path)
	}
}

// path is the current page's path.
func (b *browser) path() string {
	b.t.Helper()
	return eval[string](b, "location.pathname")
}

// text returns the visible text of the first element matching the CSS
// selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// contains fails the test unless the element's visible text contains want.
func (b *browser) contains(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Errorf("%s on %s: %q does not contain %q", sel, b.path(), got, want)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("browser: evaluating %s: %v", js, err)
	}
	return v
}
