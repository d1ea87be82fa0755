package e2e

// Temporary probe (to be deleted): the multipart "finish" form that hung.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app/apptest"
)

type probeLog struct {
	mu    sync.Mutex
	start time.Time
	lines []string
}

func (l *probeLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%8.3f ", time.Since(l.start).Seconds())+fmt.Sprintf(format, args...))
}

func (l *probeLog) dump() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type loggedBody struct {
	io.ReadCloser
	l     *probeLog
	what  string
	n     int64
	first bool
}

func (b *loggedBody) Read(p []byte) (int, error) {
	if !b.first {
		b.first = true
		b.l.add("SRV %s body: first Read", b.what)
	}
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if err != nil {
		b.l.add("SRV %s body: Read -> n=%d total=%d err=%v", b.what, n, b.n, err)
	}
	return n, err
}

type statusRec struct {
	http.ResponseWriter
	status int
}

func (s *statusRec) WriteHeader(c int) { s.status = c; s.ResponseWriter.WriteHeader(c) }

// probeServer puts a logging front on the app's handler and points env at it.
func probeServer(t *testing.T, env *apptest.Env, l *probeLog) {
	h := env.App.Server.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		what := r.Method + " " + r.URL.RequestURI()
		if r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/can-bo/") {
			l.add("SRV %s start ct=%q cl=%d", what, r.Header.Get("Content-Type"), r.ContentLength)
			r.Body = &loggedBody{ReadCloser: r.Body, l: l, what: what}
			sr := &statusRec{ResponseWriter: w, status: 200}
			t0 := time.Now()
			h.ServeHTTP(sr, r)
			l.add("SRV %s done status=%d in %v loc=%q", what, sr.status, time.Since(t0), sr.Header().Get("Location"))
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/static") && !strings.HasPrefix(r.URL.Path, "/api") {
			l.add("SRV %s", what)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	env.URL = srv.URL
}

// probeListen logs the target's navigation events.
func probeListen(b *browser, l *probeLog, who string) {
	if err := chromedp.Listen(b.ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if e.Type == network.ResourceTypeDocument {
				redir := ""
				if e.RedirectResponse != nil {
					redir = fmt.Sprintf(" (redirect from %d)", e.RedirectResponse.Status)
				}
				l.add("%s Network.requestWillBeSent %s %s %s req=%s loader=%s frame=%s%s", who, e.Type, e.Request.Method, e.Request.URL, e.RequestID, e.LoaderID, e.FrameID, redir)
			}
		case *network.EventResponseReceived:
			if e.Type == network.ResourceTypeDocument {
				l.add("%s Network.responseReceived %d %s req=%s", who, e.Response.Status, e.Response.URL, e.RequestID)
			}
		case *network.EventLoadingFailed:
			l.add("%s Network.loadingFailed req=%s %s canceled=%v blocked=%s", who, e.RequestID, e.ErrorText, e.Canceled, e.BlockedReason)
		case *page.EventFrameNavigated:
			l.add("%s Page.frameNavigated frame=%s parent=%s loader=%s %s", who, e.Frame.ID, e.Frame.ParentID, e.Frame.LoaderID, e.Frame.URL)
		case *page.EventFrameRequestedNavigation:
			l.add("%s Page.frameRequestedNavigation frame=%s reason=%s %s", who, e.FrameID, e.Reason, e.URL)
		case *page.EventFrameStartedNavigating:
			l.add("%s Page.frameStartedNavigating frame=%s %s", who, e.FrameID, e.URL)
		case *page.EventFrameStartedLoading:
			l.add("%s Page.frameStartedLoading frame=%s", who, e.FrameID)
		case *page.EventFrameStoppedLoading:
			l.add("%s Page.frameStoppedLoading frame=%s", who, e.FrameID)
		case *page.EventFrameAttached:
			l.add("%s Page.frameAttached frame=%s parent=%s", who, e.FrameID, e.ParentFrameID)
		case *page.EventFrameDetached:
			l.add("%s Page.frameDetached frame=%s reason=%s", who, e.FrameID, e.Reason)
		case *page.EventLifecycleEvent:
			l.add("%s Page.lifecycle %s frame=%s loader=%s", who, e.Name, e.FrameID, e.LoaderID)
		case *page.EventLoadEventFired:
			l.add("%s Page.loadEventFired", who)
		case *page.EventJavascriptDialogOpening:
			l.add("%s Page.javascriptDialogOpening %s %q", who, e.Type, e.Message)
		case *page.EventFileChooserOpened:
			l.add("%s Page.fileChooserOpened", who)
		case *runtime.EventExecutionContextCreated:
			l.add("%s Runtime.executionContextCreated id=%d origin=%s aux=%s", who, e.Context.ID, e.Context.Origin, e.Context.AuxData)
		case *runtime.EventExecutionContextDestroyed:
			l.add("%s Runtime.executionContextDestroyed unique=%s", who, e.ExecutionContextUniqueID)
		case *runtime.EventExecutionContextsCleared:
			l.add("%s Runtime.executionContextsCleared", who)
		case *target.EventAttachedToTarget:
			l.add("%s Target.attachedToTarget %s %s %s", who, e.TargetInfo.Type, e.TargetInfo.URL, e.SessionID)
		case *target.EventDetachedFromTarget:
			l.add("%s Target.detachedFromTarget %s", who, e.SessionID)
		case *target.EventTargetCrashed:
			l.add("%s Target.targetCrashed %s", who, e.Status)
		}
	}); err != nil {
		b.t.Fatal(err)
	}
}

// probeSubmit is submit with a bounded wait that logs every poll result.
func (b *browser) probeSubmit(l *probeLog, path, sel string, wait time.Duration) bool {
	b.t.Helper()
	eval[bool](b, `(document.querySelectorAll("iframe").forEach(f => f.remove()), window.__before = true)`)
	l.add("TEST requestSubmit %s", sel)
	eval[bool](b, fmt.Sprintf(`(() => { const btn = document.querySelector(%q); btn.form.requestSubmit(btn); return true })()`, sel))
	l.add("TEST requestSubmit returned")
	deadline := time.Now().Add(wait)
	last := ""
	for time.Now().Before(deadline) {
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__before && document.readyState === "complete" && !!document.querySelector("main h1")`))
		cancel()
		cur := fmt.Sprintf("ok=%v err=%v", ok, err)
		if d := time.Since(t0); cur != last || d > time.Second {
			l.add("TEST poll %s (took %v)", cur, d.Round(time.Millisecond))
			last = cur
		}
		if err == nil && ok {
			if got := b.path(); got != path {
				b.t.Fatalf("landed on %s, want %s", got, path)
			}
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func TestHangProbe(t *testing.T) {
	l := &probeLog{start: time.Now()}
	b := newBrowser(t)
	b.limit(backofficeTimeout)
	probeServer(t, b.env, l)
	d := submitWithDocuments(t, b.env)
	code := d.Code
	page := "/can-bo/ho-so/" + code
	b.env.Login("ht.receptionist").MustAct(&d, "receive", nil)
	b.env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})

	lead := b.staffBrowser("ht.leader")
	probeListen(lead, l, "lead")
	lead.open(page)
	eval[bool](lead, `(window.__clicks = [], ["mousedown", "click"].forEach(t => document.addEventListener(t, e => { const r = document.querySelector("#granted-yes").getBoundingClientRect(); window.__clicks.push(t + " at " + e.clientX + "," + e.clientY + " on " + (e.target.id || e.target.tagName) + " radio@" + r.x + "," + r.y + " scrollY=" + window.scrollY) }, true)), true)`)
	eval[bool](lead, fmt.Sprintf(`(window.__t0 = %d, window.__ev = [], ["blur", "focus"].forEach(t => window.addEventListener(t, () => window.__ev.push(((Date.now() - window.__t0) / 1000).toFixed(3) + " window " + t + " active=" + (document.activeElement && (document.activeElement.id || document.activeElement.tagName))))), document.addEventListener("scroll", () => window.__ev.push(((Date.now() - window.__t0) / 1000).toFixed(3) + " scroll " + window.scrollY)), true)`, l.start.UnixMilli()))
	if os.Getenv("PROBE_FIX") != "" {
		// The fix: drop the PDF preview before touching the form.
		eval[bool](lead, `(document.querySelectorAll("iframe").forEach(f => f.remove()), true)`)
		l.add("TEST iframes removed")
	}
	l.add("TEST SendKeys number")
	lead.do(chromedp.SendKeys(chromedp.CSS("#result_number-finish"), "15/2026/GCNKH"))
	l.add("TEST SendKeys summary")
	lead.do(chromedp.SendKeys(chromedp.CSS("#summary-finish"), "Cấp Giấy chứng nhận kết hôn"))
	l.add("TEST Click granted-yes")
	lead.do(chromedp.Click(chromedp.CSS("#granted-yes")))
	l.add("TEST fill done; page events: %s", eval[string](lead, `JSON.stringify(window.__ev)`))
	l.add("TEST filled: %s", eval[string](lead, probeState))
	if os.Getenv("PROBE_ORIGINAL") != "" {
		lead.actOn(code, "finish")
	} else if !lead.probeSubmit(l, page, `#form-finish button[type="submit"]`, 30*time.Second) {
		// Hung: see whether the tab answers at all.
		l.add("TEST state after hang: %s", eval[string](lead, probeState))
		for _, js := range []string{`1+1`, `location.href`, `document.readyState`} {
			ctx, cancel := context.WithTimeout(lead.ctx, 3*time.Second)
			v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
			cancel()
			l.add("TEST after hang eval %s -> %v %v", js, v, err)
		}
		ts, err := chromedp.Targets(lead.ctx)
		for _, ti := range ts {
			l.add("TEST target %s %s %s attached=%v", ti.Type, ti.URL, ti.TargetID, ti.Attached)
		}
		l.add("TEST targets err=%v", err)
		d := dossierOf(t, b.env.Login(apptest.CitizenA), code)
		l.add("TEST dossier status=%d", d.Status)
		t.Fatalf("HANG\n%s\n--- server logs ---\n%s", l.dump(), tail(b.env.Logs.String(), 4000))
	}
	if d := dossierOf(t, b.env.Login(apptest.CitizenA), code); d.Status == 4 {
		t.Fatalf("not finished\n%s", l.dump())
	}
	if os.Getenv("PROBE_VERBOSE") != "" {
		t.Logf("\n%s", l.dump())
	}
}

// probeState is the finish form's state and validity.
const probeState = `JSON.stringify((() => { const f = document.querySelector("#form-finish"), r = document.querySelector("#granted-yes").getBoundingClientRect();
  return {clicks: window.__clicks, before: !!window.__before, scrollY: window.scrollY, valid: f.checkValidity(),
    invalid: Array.from(f.elements).filter(e => e.willValidate && !e.validity.valid).map(e => e.id + ": " + e.validationMessage),
    number: document.querySelector("#result_number-finish").value, summary: document.querySelector("#summary-finish").value,
    yes: document.querySelector("#granted-yes").checked, no: document.querySelector("#granted-no").checked,
    radioRect: [r.x, r.y, r.width, r.height], active: document.activeElement && (document.activeElement.id || document.activeElement.tagName)} })())`

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
