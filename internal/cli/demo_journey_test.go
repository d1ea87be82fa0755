package cli_test

import (
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
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
