package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/cli"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestHelperServe is not a test of its own: the outbound tests run the
// test binary again with MOTCUA_HELPER_SERVE set, so that `serve` runs in
// a process they can kill with SIGKILL.
func TestHelperServe(t *testing.T) {
	raw := os.Getenv("MOTCUA_HELPER_SERVE")
	if raw == "" {
		t.Skip("run as a separate process by the outbound tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(cli.Run(context.Background(), append([]string{"motcua", "serve"}, args...),
		cli.Env{Stdin: strings.NewReader(""), Stdout: os.Stdout, Stderr: os.Stderr}))
}

// serveProcess is `motcua serve` in a child process.
type serveProcess struct {
	cmd    *exec.Cmd
	base   string
	stderr *lockedBuffer
	exited chan struct{}
}

var servingLine = regexp.MustCompile(`open (http://\S+)/`)

// startServe starts serve with args in a child process and waits until it
// serves.
func startServe(t *testing.T, ctx context.Context, args ...string) *serveProcess {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServe$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MOTCUA_HELPER_SERVE="+string(raw))
	p := &serveProcess{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.kill(t) })
	select {
	case p.base = <-found:
	case <-p.exited:
		t.Fatalf("serve exited before serving: %s", p.stderr.String())
	case <-ctx.Done():
		t.Fatalf("serve not serving at the test's deadline: %s", p.stderr.String())
	}
	return p
}

// kill stops the process with SIGKILL: no shutdown, no flushing.
func (p *serveProcess) kill(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// api is a JSON client of one serve process.
type api struct {
	t     *testing.T
	ctx   context.Context
	base  string
	token string
}

func (a api) do(method, path string, in, out any) int {
	a.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(a.ctx, method, a.base+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: %v in %.300s", method, path, err, b)
		}
	} else if resp.StatusCode >= 300 {
		a.t.Logf("%s %s: %d %.500s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

func login(t *testing.T, ctx context.Context, base, user string) api {
	t.Helper()
	var tok struct{ Token string }
	a := api{t: t, ctx: ctx, base: base}
	if code := a.do("POST", "/api/v1/auth/token", map[string]string{"username": user, "password": "motcua-demo"}, &tok); code != 200 {
		t.Fatalf("login %s: %d", user, code)
	}
	a.token = tok.Token
	return a
}

type apiDossier struct {
	Code    string `json:"code"`
	Status  int    `json:"status"`
	Version int    `json:"version"`
}

// waiting lists the dossiers at status 1 the caller sees.
func (a api) waiting() []apiDossier {
	a.t.Helper()
	var l struct{ Items []apiDossier }
	if code := a.do("GET", "/api/v1/dossiers?status=1&limit=100", nil, &l); code != 200 {
		a.t.Fatalf("listing dossiers: %d", code)
	}
	return l.Items
}

func (a api) receive(d apiDossier) {
	a.t.Helper()
	if code := a.do("POST", "/api/v1/dossiers/"+d.Code+"/actions", map[string]any{"action": "receive", "version": d.Version}, nil); code != 200 {
		a.t.Fatalf("receiving %s: %d", d.Code, code)
	}
}

// outside is the outside world of the tests: a mail server, an SMS
// gateway and the national portal, each countable.
type outside struct {
	smtpAddr string
	mail     *apptest.SMTPSink
	sms      *apptest.Endpoint
	portal   *apptest.Endpoint
	mu       sync.Mutex
	created  map[string]int // national-portal creations per dossier code
}

func newOutside(t *testing.T) *outside {
	o := &outside{created: map[string]int{}}
	// A port for SMTP, taken and given back: the mail server is down (the
	// port refuses connections) until bringMailUp.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o.smtpAddr = l.Addr().String()
	l.Close()
	o.sms = apptest.StartEndpoint(t, func(r apptest.Request) (int, string) {
		var m struct{ Ref string }
		_ = r.JSON(&m)
		return 200, `{"id":"GW-` + m.Ref + `"}`
	})
	o.portal = apptest.StartEndpoint(t, func(r apptest.Request) (int, string) {
		if r.Path == "/create" {
			var list []map[string]any
			_ = r.JSON(&list)
			o.mu.Lock()
			defer o.mu.Unlock()
			for _, h := range list {
				code, _ := h["MaHoSo"].(string)
				o.created[code]++
				if o.created[code] > 1 {
					return 200, `{"error_code":"-3","message":"Hồ sơ đã tồn tại"}`
				}
			}
			return 200, `{"error_code":"0","message":"Thêm mới hồ sơ thành công"}`
		}
		return 200, `{"error_code":"0","message":"Cập nhật thành công"}`
	})
	return o
}

func (o *outside) bringMailUp(t *testing.T) { o.mail = apptest.StartSMTP(t, o.smtpAddr) }

// flags points serve at the outside world, with retries and polling quick
// enough for a test.
func (o *outside) flags(dsn, files string) []string {
	return []string{"--addr", "127.0.0.1:0", "--db", dsn, "--files", files, "--demo", "--log-level", "warn",
		"--smtp-url", "smtp://" + o.smtpAddr, "--smtp-from", "Một cửa Hà Nội <motcua@hanoi.example.vn>",
		"--sms-url", o.sms.URL + "/send", "--sms-token", "sms-secret",
		"--dvcqg-url", o.portal.URL, "--dvcqg-create-path", "/create", "--dvcqg-update-path", "/update", "--dvcqg-progress-path", "/progress", "--dvcqg-token", "portal-secret",
		"--jobs-retry-base", "300ms", "--jobs-poll", "200ms", "--jobs-rescue-after", "8s"}
}

func (o *outside) smsTo(msisdn string) []apptest.Request {
	var out []apptest.Request
	for _, r := range o.sms.Requests() {
		var m struct{ To string }
		_ = r.JSON(&m)
		if m.To == msisdn {
			out = append(out, r)
		}
	}
	return out
}

func (o *outside) createdOf(code string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.created[code]
}

// eventually polls cond until it holds or the context ends.
func eventually(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not before the test's deadline", what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Bình, the demo citizen who chose e-mail and SMS for every notice.
const (
	binhID    = "001195004321"
	binhEmail = "binh.tran@example.vn"
	binhPhone = "84987654321"
)

// TestNoticesSurviveKill9, on both engines: a demo dossier is received
// while the mail server, the SMS gateway and the national portal are all
// down; the server is killed with SIGKILL right after the reception is
// acknowledged; the outside world comes back, the server restarts, and
// the e-mail, the SMS and the national-portal creation each arrive
// exactly once.
func TestNoticesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts serve processes")
	}
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := untilDeadline(t)
			_, dsn := storetest.OpenDSN(t, e)
			files := t.TempDir()
			o := newOutside(t)
			o.sms.Down.Store(true)
			o.portal.Down.Store(true)
			p := startServe(t, ctx, o.flags(dsn, files)...)
			binh := login(t, ctx, p.base, binhID)
			mine := binh.waiting()
			if len(mine) == 0 {
				t.Fatal("the demo has no dossier of Bình's waiting at the desk")
			}
			d := mine[0]
			login(t, ctx, p.base, "hangtrong.tiepnhan").receive(d)
			p.kill(t)

			o.bringMailUp(t)
			o.sms.Down.Store(false)
			o.portal.Down.Store(false)
			p = startServe(t, ctx, o.flags(dsn, files)...)
			eventually(t, ctx, "the e-mail, the SMS and the national-portal creation", func() bool {
				return len(o.mail.To(binhEmail)) >= 1 && len(o.smsTo(binhPhone)) >= 1 && o.createdOf(d.Code) >= 1
			})
			// Whatever was still to go has gone: wait for the queue to be
			// idle, then count.
			time.Sleep(3 * time.Second)
			mails := o.mail.To(binhEmail)
			if len(mails) != 1 {
				t.Fatalf("%d e-mails to Bình, want 1", len(mails))
			}
			if !strings.Contains(mails[0].Subject, d.Code) {
				t.Errorf("the subject %q does not name the dossier %s", mails[0].Subject, d.Code)
			}
			if n := len(o.smsTo(binhPhone)); n != 1 {
				t.Errorf("%d SMS to Bình, want 1", n)
			}
			if n := o.createdOf(d.Code); n != 1 {
				t.Errorf("%s created %d times at the national portal, want 1", d.Code, n)
			}
			var sms struct{ Text, Ref string }
			_ = o.smsTo(binhPhone)[0].JSON(&sms)
			if !strings.Contains(sms.Text, d.Code) || sms.Ref == "" {
				t.Errorf("SMS %+v: want the dossier code and our reference", sms)
			}
			if got := o.sms.Requests()[0].Header.Get("Authorization"); got != "Bearer sms-secret" {
				t.Errorf("SMS gateway authorization %q", got)
			}
		})
	}
}

// TestTwoServersDeliverOnce: two serve processes share one PostgreSQL
// (and its job queue); dossiers received through either are created at
// the national portal exactly once each, and Bình's e-mail goes once.
func TestTwoServersDeliverOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts serve processes")
	}
	ctx := untilDeadline(t)
	_, dsn := storetest.OpenDSN(t, store.Postgres)
	files := t.TempDir()
	o := newOutside(t)
	o.bringMailUp(t)
	a := startServe(t, ctx, o.flags(dsn, files)...)
	b := startServe(t, ctx, o.flags(dsn, files)...)
	desks := []api{login(t, ctx, a.base, "hangtrong.tiepnhan"), login(t, ctx, b.base, "hangtrong.tiepnhan")}
	waiting := desks[0].waiting()
	// How many of the demo's dossiers still wait depends on the time of
	// day the demo is loaded at (its desks work office hours): top up with
	// dossiers filed at the counter through each process in turn, whose
	// intake is the event that travels.
	var filed []apiDossier
	if len(waiting) < 6 {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Procedure(ctx, "1.000894", time.Now())
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		var received []map[string]any
		for _, d := range p.Current.Documents {
			received = append(received, map[string]any{"key": d.Key, "received": true})
		}
		for i := 0; len(waiting)+len(filed) < 6; i++ {
			var d apiDossier
			if code := desks[i%2].do("POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "unit": "000.12.02.H26", "channel": "counter",
				"form":      demo.SampleForm(p.Current.Form, rand.New(rand.NewPCG(uint64(i), 7))),
				"applicant": map[string]any{"id_number": "001085012345", "full_name": "Phạm Văn Đức"},
				"received":  received}, &d); code != 201 {
				t.Fatalf("filing a dossier at the counter: %d", code)
			}
			filed = append(filed, d)
		}
	}
	if len(waiting)+len(filed) < 2 {
		t.Fatalf("%d dossiers waiting at Hàng Trống, want several", len(waiting))
	}
	// Bình's dossier among them, so that one of them sends an e-mail.
	mine := login(t, ctx, b.base, binhID).waiting()
	if len(mine) == 0 {
		t.Fatal("the demo has no dossier of Bình's waiting at the desk")
	}
	set := []apiDossier{mine[0]}
	for _, d := range waiting {
		if d.Code != mine[0].Code && len(set) < 8 {
			set = append(set, d)
		}
	}
	for i, d := range set {
		desks[i%2].receive(d)
	}
	waiting = append(set, filed...)
	eventually(t, ctx, "every received dossier at the national portal", func() bool {
		for _, d := range waiting {
			if o.createdOf(d.Code) == 0 {
				return false
			}
		}
		return len(o.mail.To(binhEmail)) >= 1
	})
	time.Sleep(3 * time.Second)
	for _, d := range waiting {
		if n := o.createdOf(d.Code); n != 1 {
			t.Errorf("%s created %d times, want 1", d.Code, n)
		}
	}
	if n := len(o.mail.To(binhEmail)); n != 1 {
		t.Errorf("%d e-mails to Bình, want 1", n)
	}
}
