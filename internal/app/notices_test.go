package app_test

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/webhook"
)

// noticeWorld is the outside world of the notice tests: a real SMTP server,
// an SMS gateway and Zalo ZNS.
type noticeWorld struct {
	mail     *apptest.SMTPSink
	sms, zns *apptest.Endpoint
	// smsRefuse makes the gateway refuse messages with 400 (a bad number
	// for it), smsDown with 503.
	smsRefuse atomic.Bool
}

func startNotices(t *testing.T, engine store.Dialect) (*apptest.Env, *noticeWorld) {
	t.Helper()
	mail := apptest.StartSMTP(t, "127.0.0.1:0")
	env, w := startNoticesAt(t, engine, mail.Addr)
	w.mail = mail
	return env, w
}

// startNoticesAt is startNotices with the mail server at smtpAddr (which
// may be down).
func startNoticesAt(t *testing.T, engine store.Dialect, smtpAddr string) (*apptest.Env, *noticeWorld) {
	t.Helper()
	w := &noticeWorld{}
	w.sms = apptest.StartEndpoint(t, func(r apptest.Request) (int, string) {
		if w.smsRefuse.Load() {
			return 400, `{"error":"subscriber refuses brandname messages"}`
		}
		return 200, `{"id":"GW-1"}`
	})
	w.zns = apptest.StartEndpoint(t, func(r apptest.Request) (int, string) {
		return 200, `{"error":0,"message":"Success","data":{"msg_id":"zmsg-1","sent_time":"1733380000000","quota":{}}}`
	})
	env := apptest.StartConfig(t, engine, app.Options{}, func(c *config.Config) {
		c.Notices = config.Notices{SMTPURL: "smtp://" + smtpAddr, SMTPFrom: "Một cửa Hà Nội <motcua@hanoi.example.vn>",
			SMSURL: w.sms.URL + "/send", SMSToken: "sms-secret",
			ZaloURL: w.zns.URL + "/message/template", ZaloToken: "oa-token", ZaloTemplates: "receive=231001,request_supplement=231002"}
		c.Jobs = config.Jobs{RetryBase: 100 * time.Millisecond, Poll: 100 * time.Millisecond}
	})
	stop, err := env.App.StartJobs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return env, w
}

// TestNoticesAfterOutage, on both engines: while the mail server is down
// the notices of two events wait (retried); when it comes back both are
// delivered once each, in the order of the events.
func TestNoticesAfterOutage(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close() // down: connections are refused
			env, _ := startNoticesAt(t, e, addr)
			citizen := env.Login(apptest.CitizenA)
			if r := citizen.Raw("PATCH", "/api/v1/me", "application/json", strings.NewReader(`{"email":"an@example.vn","notifications":["progress.email"]}`), nil); r.Status != 200 {
				t.Fatalf("choosing channels: %d %s", r.Status, r.Body)
			}
			d := citizen.Submit(apptest.HangTrong)
			env.Login("ht.receptionist").MustAct(&d, "receive", nil)
			env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			env.Login("ht.specialist").MustAct(&d, "request_supplement", map[string]any{"documents": []string{"giay_xac_nhan"}, "reason": "Bản chụp mờ"})
			// Both notices are recorded; the first has failed at least
			// once, the second waits for it.
			waitFor(t, "two notices waiting while the mail server is down", func() bool {
				var n, tried int
				err := env.DB.ReadDB().QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN error <> '' THEN 1 ELSE 0 END), 0) FROM outbound_notices WHERE status = 'queued'`).Scan(&n, &tried)
				return err == nil && n == 2 && tried >= 1
			})
			// The administrators' page lists the notice's job as waiting for
			// its next attempt, with the connection's error; nothing failed.
			admin := env.Browser()
			if p := admin.Do("POST", "/dang-nhap", url.Values{"username": {"city.admin"}, "password": {apptest.Password}}, admin.SameSite()); p.Status != 303 {
				t.Fatalf("admin login: %d", p.Status)
			}
			var jobs apptest.Page
			waitFor(t, "the retrying job on the jobs page", func() bool {
				jobs = admin.Do("GET", "/can-bo/quan-tri/tac-vu", nil, nil)
				return strings.Contains(jobs.Body, `id="retrying-heading"`) && !strings.Contains(jobs.Body, `id="retrying-none"`)
			})
			retrying := jobs.Body[strings.Index(jobs.Body, `id="retrying-heading"`):]
			for _, want := range []string{"Thử lại lúc", "Gửi thông báo cho công dân", `"notice_id":`, "connection refused"} {
				if !strings.Contains(retrying, want) {
					t.Errorf("the retrying table lacks %q:\n%.3000s", want, retrying)
				}
			}
			if !strings.Contains(jobs.Body, `id="failed-none"`) {
				t.Error("a job is listed as failed while the mail server is only down")
			}
			mail := apptest.StartSMTP(t, addr)
			waitFor(t, "both e-mails after the outage", func() bool { return len(mail.To("an@example.vn")) >= 2 })
			time.Sleep(time.Second)
			got := mail.To("an@example.vn")
			if len(got) != 2 {
				t.Fatalf("%d e-mails, want 2", len(got))
			}
			if !strings.Contains(got[0].Subject, "tiếp nhận") || !strings.Contains(got[1].Subject, "bổ sung") {
				t.Errorf("order: %q then %q, want the reception then the supplementation request", got[0].Subject, got[1].Subject)
			}
		})
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNoticesToCitizen, on both engines: a citizen who chose e-mail, SMS
// and Zalo for progress is told of the reception of their dossier through
// all three, once each, with the portal's sentence and the dossier code;
// the staff's dossier page lists the three notices with masked
// recipients; an SMS the gateway refuses for good fails visibly while the
// e-mail of the same event goes, and the administrator's retry sends it.
func TestNoticesToCitizen(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, w := startNotices(t, e)
			citizen := env.Login(apptest.CitizenA)
			if r := citizen.Raw("PATCH", "/api/v1/me", "application/json", strings.NewReader(
				`{"email":"an@example.vn","notifications":["progress.email","progress.sms","progress.zalo","result.email"]}`), nil); r.Status != 200 {
				t.Fatalf("choosing channels: %d %s", r.Status, r.Body)
			}
			d := citizen.Submit(apptest.HangTrong)
			desk := env.Login("ht.receptionist")
			desk.MustAct(&d, "receive", nil)

			waitFor(t, "the three notices of the reception", func() bool {
				return len(w.mail.To("an@example.vn")) == 1 && len(w.sms.Requests()) == 1 && len(w.zns.Requests()) == 1
			})
			m := w.mail.To("an@example.vn")[0]
			if !strings.Contains(m.Subject, d.Code) || !strings.Contains(string(m.Raw), "X-Motcua-Ref: N") {
				t.Errorf("e-mail subject %q / headers: want the code and our reference\n%s", m.Subject, m.Raw)
			}
			var sms struct{ To, Text, Ref string }
			if err := w.sms.Requests()[0].JSON(&sms); err != nil {
				t.Fatal(err)
			}
			if sms.To != "84912345678" || !strings.Contains(sms.Text, d.Code) || !strings.Contains(sms.Text, "Bộ phận một cửa đã tiếp nhận hồ sơ") {
				t.Errorf("SMS %+v: want An's number, the code and the timeline's sentence", sms)
			}
			var zraw map[string]any
			if err := w.zns.Requests()[0].JSON(&zraw); err != nil {
				t.Fatal(err)
			}
			if zraw["phone"] != "84912345678" || zraw["template_id"] != "231001" || !strings.HasPrefix(fmt.Sprint(zraw["tracking_id"]), "N") || zraw["tracking_id"] == sms.Ref {
				t.Errorf("ZNS request %v: want An's number, the receive template and the Zalo notice's own reference (the SMS had %s)", zraw, sms.Ref)
			}
			if h := w.zns.Requests()[0].Header.Get("access_token"); h != "oa-token" {
				t.Errorf("ZNS access_token header %q", h)
			}

			staff := env.Browser()
			if p := staff.Do("POST", "/dang-nhap", url.Values{"username": {"ht.receptionist"}, "password": {apptest.Password}}, staff.SameSite()); p.Status != 303 {
				t.Fatalf("staff login: %d", p.Status)
			}
			waitFor(t, "the notices recorded as sent", func() bool {
				p := staff.Do("GET", "/can-bo/ho-so/"+d.Code, nil, nil)
				return strings.Count(p.Body, "Đã gửi") >= 3
			})
			page := staff.Do("GET", "/can-bo/ho-so/"+d.Code, nil, nil).Body
			for _, want := range []string{"Thông báo đã gửi công dân", "Thư điện tử", "Tin nhắn SMS", "Zalo", "a***@example.vn", "***678", "zmsg-1", "GW-1"} {
				if !strings.Contains(page, want) {
					t.Errorf("the staff's dossier page lacks %q", want)
				}
			}

			// The gateway refuses the next SMS for good: it fails at once,
			// the e-mail of the same event still goes.
			w.smsRefuse.Store(true)
			env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			env.Login("ht.specialist").MustAct(&d, "request_supplement", map[string]any{"documents": []string{"giay_xac_nhan"}, "reason": "Bản chụp mờ"})
			waitFor(t, "the supplementation e-mail and the refused SMS", func() bool {
				p := staff.Do("GET", "/can-bo/ho-so/"+d.Code, nil, nil)
				return len(w.mail.To("an@example.vn")) == 2 && strings.Contains(p.Body, "Gửi không được")
			})
			if n := len(w.sms.Requests()); n != 2 {
				t.Errorf("%d SMS requests, want the reception's and one refused attempt", n)
			}
			admin := env.Browser()
			if p := admin.Do("POST", "/dang-nhap", url.Values{"username": {"city.admin"}, "password": {apptest.Password}}, admin.SameSite()); p.Status != 303 {
				t.Fatalf("admin login: %d", p.Status)
			}
			// River records the job's end a moment after the notice's.
			var jobs apptest.Page
			waitFor(t, "the refused SMS's job on the jobs page", func() bool {
				jobs = admin.Do("GET", "/can-bo/quan-tri/tac-vu", nil, nil)
				return jobs.Status != 200 || strings.Contains(jobs.Body, "bị từ chối")
			})
			if jobs.Status != 200 || !strings.Contains(jobs.Body, "Gửi thông báo cho công dân") || !strings.Contains(jobs.Body, "bị từ chối") {
				t.Fatalf("the jobs page does not list the refused SMS: %d %.2000s\n%s", jobs.Status, jobs.Body, lastLines(env.Logs.String(), 20))
			}
			if p := staff.Do("GET", "/can-bo/quan-tri/tac-vu", nil, nil); p.Status != 403 {
				t.Errorf("a receptionist opens the jobs page: %d", p.Status)
			}
			id := between(jobs.Body, `<tr class="job-row" id="job-`, `"`)
			if p := admin.Do("POST", "/can-bo/quan-tri/tac-vu", url.Values{"id": {"zz"}}, admin.SameSite()); p.Status != 400 {
				t.Errorf("retrying job zz: %d", p.Status)
			}
			if p := admin.Do("POST", "/can-bo/quan-tri/tac-vu", url.Values{"id": {"987654321"}}, admin.SameSite()); p.Status != 404 {
				t.Errorf("retrying an unknown job: %d", p.Status)
			}
			// The number is fixed at the gateway; the administrator's retry
			// sends the failed notice, once.
			w.smsRefuse.Store(false)
			if p := admin.Do("POST", "/can-bo/quan-tri/tac-vu", url.Values{"id": {id}}, admin.SameSite()); p.Status != 303 {
				t.Fatalf("retrying job %s: %d %s", id, p.Status, p.Body)
			}
			waitFor(t, "the retried SMS", func() bool {
				p := staff.Do("GET", "/can-bo/ho-so/"+d.Code, nil, nil)
				return len(w.sms.Requests()) == 3 && !strings.Contains(p.Body, "Gửi không được")
			})
			if p := admin.Do("GET", "/can-bo/quan-tri/tac-vu", nil, nil); strings.Contains(p.Body, `id="job-`+id+`"`) {
				t.Errorf("job %s still listed after its retry succeeded", id)
			}
		})
	}
}

// between returns the text of s between the first from and the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	j := strings.Index(s, to)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// lastLines returns the last n lines of s (the server's log, on failure).
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestWebhookOnEvent, on both engines: a subscriber registered on the
// administrators' page receives the reception of a dossier, signed with
// the secret the page showed once.
func TestWebhookOnEvent(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, _ := startNotices(t, e)
			hook := apptest.StartEndpoint(t, nil)
			admin := env.Browser()
			if p := admin.Do("POST", "/dang-nhap", url.Values{"username": {"city.admin"}, "password": {apptest.Password}}, admin.SameSite()); p.Status != 303 {
				t.Fatalf("admin login: %d", p.Status)
			}
			p := admin.Do("POST", "/can-bo/quan-tri/webhook", url.Values{"action": {"add"}, "name": {"Cổng tích hợp"}, "url": {hook.URL + "/events"}, "actions": {"receive"}}, admin.SameSite())
			secret := between(p.Body, `<code id="secret">`, `</code>`)
			if p.Status != 200 || secret == "" {
				t.Fatalf("registering the subscriber: %d, secret %q", p.Status, secret)
			}
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			env.Login("ht.receptionist").MustAct(&d, "receive", nil)
			waitFor(t, "the webhook delivery", func() bool { return len(hook.Requests()) >= 1 })
			time.Sleep(500 * time.Millisecond)
			got := hook.Requests()
			if len(got) != 1 {
				t.Fatalf("%d deliveries, want the reception's only (the filter leaves the submission out)", len(got))
			}
			r := got[0]
			if !webhook.Verify(secret, r.Header.Get("X-Motcua-Timestamp"), string(r.Body), r.Header.Get("X-Motcua-Signature")) {
				t.Errorf("the signature does not verify with the secret shown: %v", r.Header)
			}
			if !strings.Contains(string(r.Body), d.Code) || !strings.Contains(string(r.Body), `"dossier.receive"`) || strings.Contains(string(r.Body), apptest.CitizenA) {
				t.Errorf("delivery body %s: want the code and the event, no ID number", r.Body)
			}
		})
	}
}

// TestNationalPortalSync, on both engines: a received dossier is created at
// the national portal with its process log, and its sync state is on the
// staff's dossier page; a refusal by the portal shows there and in the
// administrators' backlog; the portal's inbound delivery, authenticated by
// the configured token, enters the desk queue at status 1.
func TestNationalPortalSync(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			var refuse atomic.Bool
			portal := apptest.StartEndpoint(t, func(r apptest.Request) (int, string) {
				if refuse.Load() {
					return 200, `{"error_code":"5","message":"Mã thủ tục không đúng"}`
				}
				return 200, `{"error_code":"0","message":"Thành công"}`
			})
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) {
				c.DVCQG = config.DVCQG{URL: portal.URL, CreatePath: "/hoso/create", UpdatePath: "/hoso/update", ProgressPath: "/hoso/progress",
					Token: "portal-secret", InboundToken: "inbound-secret"}
				c.Jobs = config.Jobs{RetryBase: 100 * time.Millisecond, Poll: 100 * time.Millisecond}
			})
			stop, err := env.App.StartJobs(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = stop() })
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			env.Login("ht.receptionist").MustAct(&d, "receive", nil)
			staff := env.Browser()
			if p := staff.Do("POST", "/dang-nhap", url.Values{"username": {"ht.receptionist"}, "password": {apptest.Password}}, staff.SameSite()); p.Status != 303 {
				t.Fatalf("staff login: %d", p.Status)
			}
			waitFor(t, "the dossier synced", func() bool {
				return strings.Contains(staff.Do("GET", "/can-bo/ho-so/"+d.Code, nil, nil).Body, "Đã đồng bộ đến sự kiện 2/2.")
			})
			// Created once (at its submission, or at its reception when the
			// job ran after both), and the last push says status 2.
			var created, pushed []map[string]any
			for _, r := range portal.Requests() {
				var list []map[string]any
				switch r.Path {
				case "/hoso/create":
					_ = r.JSON(&list)
					created = append(created, list...)
					pushed = append(pushed, list...)
				case "/hoso/update":
					_ = r.JSON(&list)
					pushed = append(pushed, list...)
				}
				if r.Header.Get("Authorization") != "Bearer portal-secret" {
					t.Errorf("%s without the portal's token", r.Path)
				}
			}
			if len(created) != 1 || created[0]["MaHoSo"] != d.Code {
				t.Errorf("created at the portal: %v", created)
			}
			if n := len(pushed); n == 0 || pushed[n-1]["MaHoSo"] != d.Code || fmt.Sprint(pushed[n-1]["TrangThaiHoSo"]) != "2" {
				t.Errorf("the last push to the portal: %v", pushed)
			}
			refuse.Store(true)
			env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			waitFor(t, "the refusal on the dossier page", func() bool {
				return strings.Contains(staff.Do("GET", "/can-bo/ho-so/"+d.Code, nil, nil).Body, "Mã thủ tục không đúng")
			})
			admin := env.Browser()
			if p := admin.Do("POST", "/dang-nhap", url.Values{"username": {"city.admin"}, "password": {apptest.Password}}, admin.SameSite()); p.Status != 303 {
				t.Fatalf("admin login: %d", p.Status)
			}
			if p := admin.Do("GET", "/can-bo/quan-tri/tac-vu", nil, nil); !strings.Contains(p.Body, `<a href="/can-bo/ho-so/`+d.Code+`">`) {
				t.Errorf("the backlog does not list %s:\n%.3000s", d.Code, p.Body)
			}

			// Inbound: the configured token, one dossier of the portal's.
			in := `[{"MaHoSo":"G22.99-261205-0001","MaTTHC":"` + apptest.Marriage + `","TenTTHC":"Đăng ký kết hôn","KenhThucHien":"2","ChuHoSo":"Lê Văn Công","LoaiDoiTuong":"1",
				"DinhDanhCHS":[{"LoaiDinhDanh":"1","SoDinhDanh":"001090009999"}],"NgayNopHoSo":"20261205090000","DonViXuLy":"` + apptest.HangTrong + `"}]`
			if r := env.Anon().Raw("POST", "/api/v1/inbound/dvcqg", "application/json", strings.NewReader(in), map[string]string{"Authorization": "Bearer wrong"}); r.Status != 401 {
				t.Errorf("inbound with a wrong token: %d", r.Status)
			}
			r := env.Anon().Raw("POST", "/api/v1/inbound/dvcqg", "application/json", strings.NewReader(in), map[string]string{"Authorization": "Bearer inbound-secret"})
			if r.Status != 200 || !strings.Contains(string(r.Body), `"error_code":"0"`) {
				t.Fatalf("inbound: %d %s", r.Status, r.Body)
			}
			if q := staff.Do("GET", "/can-bo/tiep-nhan", nil, nil); !strings.Contains(q.Body, "Lê Văn Công") {
				t.Errorf("the inbound dossier is not in the desk queue")
			}
		})
	}
}
