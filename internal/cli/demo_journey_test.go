package cli_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/demo"
)

// criminalRecord is a demo procedure whose form asks for the applicant's
// identity and residence, each with its source.
const criminalRecord = "2.000488"

// demoEIDJourney is the newcomer's first visit to `serve --demo`: the
// e-ID button, the sandbox provider's page (labelled as a test
// environment), a demo person's login, and the submission form the login
// came back to, filled from the e-ID; then, with consent, from the
// sandbox population registry.
func demoEIDJourney(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(req *http.Request) (*http.Response, string) {
		t.Helper()
		res, err := c.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	get := func(u string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return do(req)
	}
	form := "/thu-tuc/" + criminalRecord + "/nop-ho-so"
	res, body := get(base + form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/dang-nhap?next=") {
		t.Fatalf("the form before logging in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = get(base + res.Header.Get("Location"))
	m := regexp.MustCompile(`id="eid-login" href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no e-ID button on the demo's login page:\n%s", body)
	}
	res, _ = get(base + strings.ReplaceAll(m[1], "&amp;", "&"))
	authorize := res.Header.Get("Location")
	if !strings.HasPrefix(authorize, base+"/sandbox/vneid/") {
		t.Fatalf("the e-ID button leads to %q", authorize)
	}
	res, body = get(authorize)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "THỬ NGHIỆM") || !strings.Contains(body, "Lê Thị Cúc") {
		t.Fatalf("the sandbox provider's page: %d\n%s", res.StatusCode, body)
	}
	au, _ := url.Parse(authorize)
	q := au.Query()
	q.Set("sub", "demo-new") // Lê Thị Cúc, who has no account yet
	req, _ := http.NewRequest(http.MethodPost, base+"/sandbox/vneid/authorize", strings.NewReader(q.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ = do(req)
	res, body = get(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != form {
		t.Fatalf("the e-ID callback: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	res, body = get(base + form)
	for _, want := range []string{
		`name="applicant_full_name" value="Lê Thị Cúc"`, `name="applicant_id_number" value="001199012345"`,
		`name="applicant_birth_date" value="02/09/1999"`, "Điền sẵn từ định danh điện tử VNeID của bạn.",
		`name="population_consent"`,
	} {
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("the prefilled form: %d, missing %q\n%s", res.StatusCode, want, body)
		}
	}

	// The population database fills the residence, with consent.
	token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
	if token == nil {
		t.Fatal("no token on the form")
	}
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"token": token[1], "applicant_full_name": "Lê Thị Cúc", "applicant_id_number": "001199012345",
		"applicant_birth_date": "02/09/1999", "population": "1", "population_consent": "1"} {
		_ = mw.WriteField(k, v)
	}
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, base+form, strings.NewReader(buf.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", base)
	res, body = do(req)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `origin--population" id="field-applicant_residence-origin"`) {
		t.Fatalf("the population lookup: %d\n%s", res.StatusCode, body)
	}
}

// demoPayJourney is the level-4 journey on `serve --demo`: Nguyễn Văn An's
// dossier waiting for its fee is paid at the sandbox VNPay; the e-receipt
// downloads; once the ward's leader decides and the desk delivers online,
// the signed result downloads and its verification page says it is valid.
func demoPayJourney(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, u, ct string, body io.Reader, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, u, body)
		if err != nil {
			t.Fatal(err)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Origin", base)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, u, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	token := func(user string) map[string]string {
		t.Helper()
		res, body := do("POST", base+"/api/v1/auth/token", "application/json",
			strings.NewReader(`{"username":"`+user+`","password":"`+demo.Password+`"}`), nil)
		var tok struct {
			Token string `json:"token"`
		}
		if err := json.Unmarshal([]byte(body), &tok); err != nil || res.StatusCode != 200 {
			t.Fatalf("token of %s: %d %s", user, res.StatusCode, body)
		}
		return map[string]string{"Authorization": "Bearer " + tok.Token}
	}
	an := demo.Citizens[0].IDNumber
	_, body := do("GET", base+"/api/v1/dossiers?status=6&limit=100", "", nil, token(an))
	var list struct {
		Dossiers []struct {
			Code    string `json:"code"`
			Status  int    `json:"status"`
			Unit    string `json:"unit"`
			Version int    `json:"version"`
		} `json:"items"`
	}
	_ = json.Unmarshal([]byte(body), &list)
	code := ""
	for _, d := range list.Dossiers {
		if d.Status == 6 {
			code = d.Code
		}
	}
	if code == "" {
		t.Fatalf("the demo has no dossier of %s waiting for its fee:\n%.2000s", an, body)
	}
	if res, _ := do("POST", base+"/dang-nhap", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"username": {an}, "password": {demo.Password}}.Encode()), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("An's login: %d", res.StatusCode)
	}
	page := base + "/ho-so/" + code
	_, body = do("POST", page+"/thanh-toan", "application/x-www-form-urlencoded", strings.NewReader("gateway=vnpay"), nil)
	m := regexp.MustCompile(`id="gateway-link" href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("paying:\n%s", body)
	}
	payURL := html.UnescapeString(m[1])
	_, body = do("GET", payURL, "", nil, nil)
	f := regexp.MustCompile(`<form method="post" action="([^"]+)">\s*<input type="hidden" name="q" value="([^"]*)">`).FindStringSubmatch(body)
	if f == nil || !strings.Contains(body, "THỬ NGHIỆM") {
		t.Fatalf("the sandbox VNPay's page:\n%s", body)
	}
	pu, _ := url.Parse(payURL)
	choose, _ := pu.Parse(html.UnescapeString(f[1]))
	res, _ := do("POST", choose.String(), "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"q": {html.UnescapeString(f[2])}, "choice": {"success"}}.Encode()), nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the sandbox's success: %d", res.StatusCode)
	}
	if res, body = do("GET", res.Header.Get("Location"), "", nil, nil); !strings.Contains(body, "Thanh toán thành công") {
		t.Fatalf("the return page: %d\n%s", res.StatusCode, body)
	}
	_, body = do("GET", page, "", nil, nil)
	rm := regexp.MustCompile(`<a href="(/ho-so/[^"]+/bien-lai/\d+)">`).FindStringSubmatch(body)
	if rm == nil {
		t.Fatalf("no receipt on the dossier page:\n%s", body)
	}
	if res, body = do("GET", base+rm[1], "", nil, nil); res.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("the receipt: %d", res.StatusCode)
	}

	// The ward decides; the desk delivers online.
	act := func(user, action string, args map[string]any) {
		t.Helper()
		h := token(user)
		_, body := do("GET", base+"/api/v1/dossiers/"+code, "", nil, h)
		var d struct {
			Version int `json:"version"`
		}
		_ = json.Unmarshal([]byte(body), &d)
		cmd := map[string]any{"action": action, "version": d.Version}
		for k, v := range args {
			cmd[k] = v
		}
		b, _ := json.Marshal(cmd)
		if res, body := do("POST", base+"/api/v1/dossiers/"+code+"/actions", "application/json", strings.NewReader(string(b)), h); res.StatusCode != 200 {
			t.Fatalf("%s by %s: %d %s", action, user, res.StatusCode, body)
		}
	}
	act("hangtrong.lanhdao", "finish", map[string]any{"result": map[string]any{"number": "01/2026/KQ", "summary": "Đồng ý", "granted": true}})
	act("hangtrong.tiepnhan", "deliver", map[string]any{"method": "online"})
	_, body = do("GET", page, "", nil, nil)
	dm := regexp.MustCompile(`<a href="(/ho-so/[^"]+/tai-lieu/\d+)" download>ket-qua-`).FindStringSubmatch(body)
	if dm == nil {
		t.Fatalf("no signed result on the dossier page:\n%s", body)
	}
	if res, body = do("GET", base+dm[1], "", nil, nil); res.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("the result: %d", res.StatusCode)
	}
	if out := apptest.PDFSig(t, []byte(body)); !strings.Contains(out, "Signature is Valid") {
		t.Fatalf("pdfsig on the demo's result:\n%s", out)
	}
	if res, body = do("GET", base+"/xac-thuc/"+code, "", nil, nil); !strings.Contains(body, "verdict--valid") {
		t.Fatalf("the verification page: %d\n%s", res.StatusCode, body)
	}
}

// demoOutboundJourney: the receptionist of Hàng Trống receives Bình's
// dossier waiting at the desk; her e-mail appears in the sandbox mail
// catcher, her SMS at the sandbox gateway and the dossier at the sandbox
// national portal, once each.
func demoOutboundJourney(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	mine := login(t, ctx, base, binhID).waiting()
	if len(mine) == 0 {
		t.Fatal("the demo has no dossier of Bình's waiting at the desk")
	}
	d := mine[0]
	login(t, ctx, base, "hangtrong.tiepnhan").receive(d)
	page := func(path string) string {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for _, sb := range []struct{ path, label string }{{"/sandbox/thu/", "e-mail"}, {"/sandbox/sms/", "SMS"}, {"/sandbox/dvcqg/", "national portal"}} {
		eventually(t, ctx, "the "+sb.label+" of "+d.Code+" in the sandbox", func() bool { return strings.Contains(page(sb.path), d.Code) })
		p := page(sb.path)
		if !strings.Contains(p, "THỬ NGHIỆM") {
			t.Errorf("%s does not say it is a sandbox", sb.path)
		}
		if strings.Contains(p, "0987654321") || strings.Contains(p, "84987654321") {
			t.Errorf("%s shows Bình's phone number in full", sb.path)
		}
	}
	if n := strings.Count(page("/sandbox/sms/"), d.Code); n != 1 {
		t.Errorf("the SMS gateway shows %s %d times, want one message", d.Code, n)
	}
}

// demoStatsJourney: the city's administrator opens /can-bo/thong-ke, sees
// the city's figures, follows Quận Hoàn Kiếm, then Phường Hàng Trống, then
// its overdue dossiers, whose list has as many dossiers as the figure
// says; then downloads form II.06a as .xlsx, which opens with its
// Vietnamese text intact.
func demoStatsJourney(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, form url.Values) (int, string, http.Header) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequestWithContext(ctx, method, base+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", base)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	if code, _, _ := do("POST", "/dang-nhap", url.Values{"username": {"hanoi.quantri"}, "password": {"motcua-demo"}}); code != http.StatusSeeOther {
		t.Fatalf("the city administrator's login: %d", code)
	}
	follow := func(page, label string, re *regexp.Regexp) string {
		t.Helper()
		m := re.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no link to %s on the page", label)
		}
		code, body, _ := do("GET", html.UnescapeString(m[1]), nil)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", label, code)
		}
		return body
	}
	code, city, _ := do("GET", "/can-bo/thong-ke", nil)
	if code != http.StatusOK || !strings.Contains(city, "Thành phố Hà Nội") || !strings.Contains(city, `id="h-received"`) {
		t.Fatalf("the city's statistics: %d", code)
	}
	district := follow(city, "Quận Hoàn Kiếm", regexp.MustCompile(`<a href="([^"]+)">Quận Hoàn Kiếm</a>`))
	ward := follow(district, "Phường Hàng Trống", regexp.MustCompile(`<a href="([^"]+)">Phường Hàng Trống</a>`))
	m := regexp.MustCompile(`id="h-overdue"><a href="([^"]+)">([0-9.]+)</a>`).FindStringSubmatch(ward)
	if m == nil {
		t.Fatal("no overdue figure with its link on the ward's page")
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[2], ".", ""))
	overdue := follow(ward, "the ward's overdue dossiers", regexp.MustCompile(`id="h-overdue"><a href="([^"]+)">`))
	if got := strings.Count(overdue, `href="/can-bo/ho-so/`); got != n && n <= 50 {
		t.Errorf("the overdue list of Hàng Trống has %d dossiers, the figure says %d", got, n)
	}
	code, xlsx, h := do("GET", "/can-bo/bao-cao?bao-cao=ii06a&dinh-dang=xlsx", nil)
	if code != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("downloading II.06a: %d %v", code, h)
	}
	f, err := excelize.OpenReader(strings.NewReader(xlsx))
	if err != nil {
		t.Fatalf("the II.06a spreadsheet does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	for _, want := range []string{"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Thành phố Hà Nội", "Số hồ sơ nhận giải quyết", "Cấp xã", "Hộ tịch"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the II.06a spreadsheet lacks %q:\n%.3000s", want, text.String())
		}
	}
}
