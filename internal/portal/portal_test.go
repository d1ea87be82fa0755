package portal_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/web"
)

// clock is a test clock that can jump forward (to expire the home page's
// cached figures).
type clock struct {
	base time.Time
	skew atomic.Int64
}

func (c *clock) now() time.Time          { return c.base.Add(time.Duration(c.skew.Load()) + time.Since(c.base)) }
func (c *clock) advance(d time.Duration) { c.skew.Add(int64(d)) }
func newClock() *clock                   { return &clock{base: time.Now()} }
func (c *clock) options() app.Options    { return app.Options{Now: c.now} }
func each(t *testing.T, body func(t *testing.T, env *apptest.Env, clk *clock)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			clk := newClock()
			body(t, apptest.Start(t, e, clk.options()), clk)
		})
	}
}

// page is one HTML answer.
type page struct {
	status int
	header http.Header
	body   string
}

// get fetches path without following redirects, with the given headers
// and cookies.
func get(t *testing.T, env *apptest.Env, path string, header map[string]string, cookies ...*http.Cookie) page {
	t.Helper()
	req, err := http.NewRequest("GET", env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	client := *env.Server.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

var (
	htmlLang   = regexp.MustCompile(`<html lang="([a-z]+)">`)
	controls   = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	attrID     = regexp.MustCompile(`\sid="([^"]+)"`)
	attrType   = regexp.MustCompile(`\stype="([^"]+)"`)
	anyID      = regexp.MustCompile(`\sid="([^"]+)"`)
	missingKey = regexp.MustCompile(`\[[a-z_]+\.[a-z_.0-9]+\]`)
	h1         = regexp.MustCompile(`<h1[\s>]`)
)

// checkHTML checks what every page must satisfy: the language, one h1,
// every form control labelled, unique ids, no untranslated key, htmx
// loaded with defer.
func checkHTML(t *testing.T, path string, p page, lang string) {
	t.Helper()
	if ct := p.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: content type %q", path, ct)
	}
	if m := htmlLang.FindStringSubmatch(p.body); m == nil || m[1] != lang {
		t.Errorf("%s: <html lang> is %v, want %q", path, m, lang)
	}
	if n := len(h1.FindAllString(p.body, -1)); n != 1 {
		t.Errorf("%s: %d <h1> elements", path, n)
	}
	seen := map[string]bool{}
	for _, m := range anyID.FindAllStringSubmatch(p.body, -1) {
		if seen[m[1]] {
			t.Errorf("%s: id %q used twice", path, m[1])
		}
		seen[m[1]] = true
	}
	for _, c := range controls.FindAllString(p.body, -1) {
		if m := attrType.FindStringSubmatch(c); m != nil && (m[1] == "hidden" || m[1] == "submit" || m[1] == "button") {
			continue
		}
		m := attrID.FindStringSubmatch(c)
		if m == nil {
			t.Errorf("%s: control without id: %s", path, c)
			continue
		}
		if !strings.Contains(p.body, `<label for="`+m[1]+`"`) {
			t.Errorf("%s: control %q has no <label for>", path, m[1])
		}
	}
	if k := missingKey.FindString(p.body); k != "" {
		t.Errorf("%s: untranslated key %s", path, k)
	}
	if !regexp.MustCompile(`<script src="/static/htmx\.min\.js\?v=[0-9a-f]+" defer></script>`).MatchString(p.body) {
		t.Errorf("%s: htmx is not loaded with defer", path)
	}
}

func contains(t *testing.T, path, body string, wants, unwanted []string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", path, w)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s: should not contain %q", path, u)
		}
	}
}

const nbsp = "\u00a0"

func TestPortal(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		t.Run("pages", func(t *testing.T) {
			for _, tc := range []struct {
				path     string
				status   int
				wants    []string
				unwanted []string
			}{
				// No dossier yet: the home page falls back to the catalogue.
				{"/", 200, []string{"Dịch vụ công trực tuyến — motcua", `<label for="home-q">Tìm thủ tục hành chính</label>`,
					`action="/thu-tuc"`, "Thủ tục tiêu biểu", "Đăng ký kết hôn", "Theo lĩnh vực", "Hộ tịch", "2 thủ tục",
					`href="/thu-tuc?field=H%e1%bb%99%20t%e1%bb%8bch"`, "Xem tất cả 2 thủ tục", `aria-current="page">Trang chủ`},
					[]string{"Thủ tục được sử dụng nhiều nhất", "Theo sự kiện trong đời"}},
				{"/thu-tuc", 200, []string{"Thủ tục hành chính", "Tìm thấy 2 thủ tục.", "Đăng ký kết hôn", "1.000894",
					"Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Toàn trình (mức độ 4)", "5 ngày làm việc", "10 ngày làm việc",
					"Miễn phí", "Cấp xã", "Cấp tỉnh", `<option value="Hộ tịch">Hộ tịch</option>`}, []string{"Xem thêm"}},
				// Accent-insensitive search, and the other way round.
				{"/thu-tuc?q=dang+ky+ket+hon", 200, []string{"Đăng ký kết hôn", "Tìm thấy 1 thủ tục.", `value="dang ky ket hon"`},
					[]string{"Cấp Phiếu lý lịch"}},
				{"/thu-tuc?q=" + url.QueryEscape("KẾT HÔN"), 200, []string{"Đăng ký kết hôn"}, []string{"Cấp Phiếu lý lịch"}},
				{"/thu-tuc?q=khong+co+thu+tuc+nay", 200, []string{"Không tìm thấy thủ tục nào phù hợp."}, []string{"1.000894"}},
				{"/thu-tuc?unit_level=province", 200, []string{"Cấp Phiếu lý lịch tư pháp", "Tìm thấy 1 thủ tục."}, []string{">Đăng ký kết hôn<"}},
				{"/thu-tuc?unit_level=commune&class=full&field=" + url.QueryEscape("Hộ tịch"), 200, []string{">Đăng ký kết hôn<",
					`<option value="commune" selected>Cấp xã</option>`, `<option value="full" selected>Toàn trình</option>`}, []string{"Cấp Phiếu lý lịch"}},
				{"/thu-tuc?class=partial", 200, []string{"Không tìm thấy thủ tục nào phù hợp."}, nil},
				{"/thu-tuc?cursor=1.000894", 200, []string{"2.000908", "Về đầu danh sách"}, []string{">Đăng ký kết hôn<"}},
				{"/thu-tuc/" + apptest.Marriage, 200, []string{"<title>Đăng ký kết hôn — Dịch vụ công trực tuyến — motcua</title>",
					"Nộp hồ sơ trực tuyến", `href="/thu-tuc/1.000894/nop-ho-so"`, "Thành phần hồ sơ", "<th scope=\"col\">Tên giấy tờ</th>",
					"Tờ khai", "Giấy xác nhận tình trạng hôn nhân", "Bắt buộc", "Không có", "Toàn trình (mức độ 4)", "5 ngày làm việc",
					"Miễn phí", "Cấp xã: <span lang=\"vi\">Phường Hàng Trống, Phường Hàng Bạc</span>", "áp dụng từ ngày 01/01/2024"}, nil},
				{"/thu-tuc/" + apptest.CriminalRc, 200, []string{"Cấp tỉnh: <span lang=\"vi\">Sở Tư pháp</span>", "10 ngày làm việc", "Nộp hồ sơ trực tuyến"}, nil},
				{"/tra-cuu", 200, []string{"Tra cứu hồ sơ", `<label for="track-code">Mã hồ sơ</label>`, `name="ma"`, `aria-current="page">Tra cứu hồ sơ`}, nil},
			} {
				p := get(t, env, tc.path, nil)
				if p.status != tc.status {
					t.Errorf("%s: status %d, want %d", tc.path, p.status, tc.status)
				}
				checkHTML(t, tc.path, p, "vi")
				contains(t, tc.path, p.body, tc.wants, tc.unwanted)
			}
		})

		t.Run("bad filters answer 400 with the form", func(t *testing.T) {
			for _, tc := range []struct{ path, want string }{
				{"/thu-tuc?class=bad", "Hình thức dịch vụ «bad» không hợp lệ"},
				{"/thu-tuc?class=4", "Hình thức dịch vụ «4» không hợp lệ"},
				{"/thu-tuc?unit_level=village", "Cấp thực hiện «village» không hợp lệ"},
				{"/thu-tuc?field=" + url.QueryEscape("Không có lĩnh vực"), "Lĩnh vực «Không có lĩnh vực» không có trong danh mục thủ tục."},
				{"/thu-tuc?life_event=ket_hon", "Sự kiện trong đời «ket_hon» không có trong danh mục."},
				{"/thu-tuc?cursor=abc", "Tham số phân trang «abc» không hợp lệ."},
				{"/thu-tuc?cursor=" + url.QueryEscape("1' OR 1=1 --"), "Tham số phân trang «1&#39; OR 1=1 --» không hợp lệ."},
				{"/thu-tuc?q=" + strings.Repeat("a", 201), "Từ khóa tìm kiếm quá dài (tối đa 200 ký tự và 20 từ)."},
				{"/thu-tuc?q=" + strings.Repeat("dang+ky+", 600), "Từ khóa tìm kiếm quá dài (tối đa 200 ký tự và 20 từ)."},
				{"/thu-tuc?class=" + url.QueryEscape("<script>"), "«&lt;script&gt;»"},
			} {
				p := get(t, env, tc.path, nil)
				if p.status != 400 {
					t.Errorf("%s: status %d, want 400", tc.path, p.status)
				}
				checkHTML(t, tc.path, p, "vi")
				contains(t, tc.path, p.body, []string{tc.want, "Yêu cầu tìm kiếm có lỗi", `<label for="q">`, "<title>Lỗi: Thủ tục hành chính"}, []string{"<script>"})
			}
		})

		t.Run("unknown addresses answer 404 pages in Vietnamese", func(t *testing.T) {
			for _, tc := range []struct {
				path  string
				wants []string
			}{
				{"/thu-tuc/9.999999", []string{"Không tìm thấy trang", "Không tìm thấy thủ tục có mã «9.999999»", `<label for="error-q">`}},
				{"/thu-tuc/khong-co", []string{"Không tìm thấy thủ tục có mã «khong-co»"}},
				{"/tra-cuu/000.12.02.H26-200101-9999", []string{"Không tìm thấy hồ sơ", "Không tìm thấy hồ sơ có mã «000.12.02.H26-200101-9999»",
					`<label for="track-code">Mã hồ sơ</label>`, `value="000.12.02.H26-200101-9999"`}},
				{"/khong-co-trang-nay", []string{"Không tìm thấy trang", "Mã lỗi 404", "Về trang chủ"}},
				{"/thu-tuc/1.000894/nop-ho-so/khong-co", []string{"Không tìm thấy trang"}},
				{"/static/khong-co.js", []string{"Không tìm thấy trang"}},
			} {
				p := get(t, env, tc.path, nil)
				if p.status != 404 {
					t.Errorf("%s: status %d, want 404", tc.path, p.status)
				}
				checkHTML(t, tc.path, p, "vi")
				contains(t, tc.path, p.body, append(tc.wants, `<meta name="robots" content="noindex">`), nil)
			}
		})

		t.Run("language switch is remembered", func(t *testing.T) {
			p := get(t, env, "/?lang=en", nil)
			checkHTML(t, "/?lang=en", p, "en")
			contains(t, "/?lang=en", p.body, []string{"Online public services — motcua", "Search for a procedure", "Featured procedures",
				`<a href="/?lang=vi" lang="vi" hreflang="vi">Tiếng Việt</a>`}, []string{"Tìm thủ tục hành chính"})
			var cookie *http.Cookie
			for _, c := range (&http.Response{Header: p.header}).Cookies() {
				if c.Name == web.LangCookie {
					cookie = c
				}
			}
			if cookie == nil || cookie.Value != "en" || cookie.Path != "/" || cookie.SameSite != http.SameSiteLaxMode || cookie.MaxAge <= 0 {
				t.Fatalf("lang cookie: %+v (Set-Cookie %q)", cookie, p.header.Values("Set-Cookie"))
			}
			// The next request carries the cookie and stays in English, on
			// every page, and is not told again.
			for _, path := range []string{"/", "/thu-tuc", "/thu-tuc/" + apptest.Marriage, "/tra-cuu", "/khong-co"} {
				p := get(t, env, path, nil, &http.Cookie{Name: cookie.Name, Value: cookie.Value})
				checkHTML(t, path, p, "en")
				if p.header.Get("Set-Cookie") != "" {
					t.Errorf("%s: cookie set again", path)
				}
				if p.header.Get("Content-Language") != "en" {
					t.Errorf("%s: Content-Language %q", path, p.header.Get("Content-Language"))
				}
			}
			p = get(t, env, "/thu-tuc/"+apptest.Marriage, nil, &http.Cookie{Name: "lang", Value: "en"})
			contains(t, "procedure in English", p.body, []string{"Documents required", "Fully online (level 4)", "5 working days", "Free", "Apply online",
				"Commune level", `<h1 lang="vi">Đăng ký kết hôn</h1>`}, []string{"Thành phần hồ sơ"})
			p = get(t, env, "/khong-co", nil, &http.Cookie{Name: "lang", Value: "en"})
			contains(t, "404 in English", p.body, []string{"Page not found"}, nil)
			p = get(t, env, "/thu-tuc?class=bad", nil, &http.Cookie{Name: "lang", Value: "en"})
			contains(t, "400 in English", p.body, []string{"The online service “bad” is not valid."}, nil)

			// ?lang= beats the cookie, the cookie beats Accept-Language,
			// Accept-Language beats the default; unknown values are ignored.
			for _, tc := range []struct {
				path, accept, cookie, want string
			}{
				{"/?lang=vi", "", "en", "vi"},
				{"/", "en-US,en;q=0.9", "", "en"},
				{"/", "fr-FR, en;q=0.5", "", "en"},
				{"/", "en;q=0.3, vi", "", "vi"},
				{"/", "en", "vi", "vi"},
				{"/", "fr", "", "vi"},
				{"/?lang=fr", "", "", "vi"},
				{"/", "", "xx", "vi"},
			} {
				var cs []*http.Cookie
				if tc.cookie != "" {
					cs = append(cs, &http.Cookie{Name: "lang", Value: tc.cookie})
				}
				p := get(t, env, tc.path, map[string]string{"Accept-Language": tc.accept}, cs...)
				if m := htmlLang.FindStringSubmatch(p.body); m == nil || m[1] != tc.want {
					t.Errorf("%+v: got %v", tc, m)
				}
			}
			if p := get(t, env, "/?lang=vi", nil, &http.Cookie{Name: "lang", Value: "en"}); !strings.Contains(p.header.Get("Set-Cookie"), "lang=vi") {
				t.Errorf("switching back to Vietnamese does not update the cookie: %q", p.header.Get("Set-Cookie"))
			}
		})

		t.Run("static files", func(t *testing.T) {
			home := get(t, env, "/", nil)
			src := regexp.MustCompile(`src="(/static/htmx\.min\.js\?v=[0-9a-f]+)"`).FindStringSubmatch(home.body)
			if src == nil {
				t.Fatal("no htmx script on the home page")
			}
			p := get(t, env, src[1], nil)
			if p.status != 200 || p.header.Get("Content-Type") != "text/javascript; charset=utf-8" || !strings.Contains(p.body, `version:"2.0.11"`) {
				t.Fatalf("htmx: %d %q", p.status, p.header.Get("Content-Type"))
			}
			if cc := p.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("versioned htmx Cache-Control %q", cc)
			}
			if cc := get(t, env, "/static/htmx.min.js", nil).header.Get("Cache-Control"); cc != "public, max-age=3600" {
				t.Errorf("unversioned htmx Cache-Control %q", cc)
			}
			etag := p.header.Get("ETag")
			if r := get(t, env, src[1], map[string]string{"If-None-Match": etag}); r.status != 304 {
				t.Errorf("If-None-Match: %d", r.status)
			}
			gz := get(t, env, src[1], map[string]string{"Accept-Encoding": "gzip"})
			if gz.header.Get("Content-Encoding") != "gzip" || len(gz.body) >= len(p.body) {
				t.Errorf("gzip: %q, %d bytes", gz.header.Get("Content-Encoding"), len(gz.body))
			}
			for path, ct := range map[string]string{"/static/site.css": "text/css; charset=utf-8", "/static/favicon.svg": "image/svg+xml",
				"/static/htmx.LICENSE": "text/plain; charset=utf-8"} {
				r := get(t, env, path, nil)
				if r.status != 200 || r.header.Get("Content-Type") != ct {
					t.Errorf("%s: %d %q", path, r.status, r.header.Get("Content-Type"))
				}
			}
			if lic := get(t, env, "/static/htmx.LICENSE", nil); !strings.Contains(lic.body, "Zero-Clause BSD") {
				t.Error("htmx licence missing")
			}
		})

		t.Run("tracking shows the status without personal data", func(t *testing.T) {
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			path := "/tra-cuu/" + d.Code
			today := web.Date(clk.now())
			p := get(t, env, path, nil)
			if p.status != 200 {
				t.Fatalf("%s: %d", path, p.status)
			}
			checkHTML(t, path, p, "vi")
			personal := []string{apptest.CitizenA, "Nguyễn Văn An", "0912345678", "Lê Thị Cúc"}
			contains(t, path, p.body, []string{d.Code, "Mới đăng ký", "đang chờ bộ phận một cửa", "Đăng ký kết hôn", "Phường Hàng Trống",
				"Ngày nộp</dt><dd>" + today, "Ngày tiếp nhận</dt><dd>Chưa có", `<meta name="robots" content="noindex">`}, personal)
			// Typed in lower case, or through the form.
			if p := get(t, env, "/tra-cuu/"+strings.ToLower(d.Code), nil); p.status != 200 || !strings.Contains(p.body, "Mới đăng ký") {
				t.Errorf("lower-case code: %d", p.status)
			}
			r := get(t, env, "/tra-cuu?ma="+url.QueryEscape(" "+d.Code+" "), nil)
			if r.status != http.StatusSeeOther || r.header.Get("Location") != path {
				t.Errorf("form: %d → %q", r.status, r.header.Get("Location"))
			}
			if r := get(t, env, "/tra-cuu?ma="+strings.Repeat("9", 65), nil); r.status != 400 || !strings.Contains(r.body, "Mã hồ sơ quá dài") {
				t.Errorf("over-long code: %d", r.status)
			}
			// Once received: the due date appears.
			var dd apptest.Dossier = d
			env.Login("ht.receptionist").MustAct(&dd, "receive", nil)
			due, err := time.Parse(time.RFC3339, *dd.LegalDueAt)
			if err != nil {
				t.Fatal(err)
			}
			p = get(t, env, path, nil)
			contains(t, path, p.body, []string{"Được tiếp nhận", "Ngày tiếp nhận</dt><dd>" + today, "Ngày hẹn trả kết quả</dt><dd>" + web.Date(due)}, personal)
			p = get(t, env, path+"?lang=en", nil)
			contains(t, path+"?lang=en", p.body, []string{"Received", "Result due on", "Handled by"}, append(personal, "Được tiếp nhận"))
		})

		t.Run("most used procedures count dossiers", func(t *testing.T) {
			clk.advance(2 * time.Minute) // past the cached figures
			p := get(t, env, "/", nil)
			contains(t, "/", p.body, []string{"Thủ tục được sử dụng nhiều nhất", "1 hồ sơ trong 12 tháng qua", "Đăng ký kết hôn"}, []string{"Thủ tục tiêu biểu"})
			p = get(t, env, "/?lang=en", nil)
			contains(t, "/?lang=en", p.body, []string{"Most used procedures", "1 dossier in the last 12 months"}, nil)
		})

		t.Run("life events, levels, limits and paging", func(t *testing.T) {
			ctx := context.Background()
			birth := apptest.Spec("1.001193", "Đăng ký khai sinh", catalog.LevelCommune, "all_communes", 3)
			birth.LifeEvents = []string{"sinh_con", "ket_hon"}
			birth.Version.Class, birth.Version.LegacyLevel, birth.Version.FeeVND = catalog.ClassPartial, 3, 1234567
			info := apptest.Spec("2.000001", "Xác nhận thông tin hộ tịch", catalog.LevelDistrict, "all_districts", 30)
			info.Version.Class, info.Version.LegacyLevel, info.Version.LimitKind = catalog.ClassInfo, 2, catalog.CalendarDays
			specs := []catalog.Spec{birth, info}
			for i := 1; i <= 25; i++ {
				s := apptest.Spec(fmt.Sprintf("3.%06d", i), fmt.Sprintf("Cấp giấy phép thử nghiệm số %d", i), catalog.LevelProvince, "Sở Tư pháp", 5)
				s.Field = "Thử nghiệm"
				specs = append(specs, s)
			}
			if rep, err := env.DB.ImportCatalogue(ctx, specs); err != nil || len(rep.Rejected) > 0 {
				t.Fatalf("import: %v %v", err, rep.Rejected)
			}
			// A new field is found even though the figures are cached.
			first := get(t, env, "/thu-tuc?field="+url.QueryEscape("Thử nghiệm"), nil)
			if first.status != 200 {
				t.Fatalf("new field: %d", first.status)
			}
			checkHTML(t, "page 1", first, "vi")
			contains(t, "page 1", first.body, []string{"Tìm thấy 25 thủ tục.", "3.000001", "3.000020", "Xem thêm",
				`hx-select-oob="#more"`}, []string{"3.000021"})
			more := regexp.MustCompile(`<a class="button button--secondary" href="([^"]+)" hx-get=`).FindStringSubmatch(first.body)
			if more == nil {
				t.Fatal("no Xem thêm link")
			}
			next := html.UnescapeString(more[1])
			second := get(t, env, next, nil)
			contains(t, next, second.body, []string{"3.000021", "3.000025", "Về đầu danh sách"}, []string{"3.000020<", "Xem thêm"})

			for _, tc := range []struct {
				path            string
				wants, unwanted []string
			}{
				{"/thu-tuc?life_event=sinh_con", []string{"Đăng ký khai sinh", `<option value="sinh_con" selected>Sinh con</option>`, "Một phần (mức độ 3)",
					"3 ngày làm việc", "1.234.567" + nbsp + "₫"}, []string{">Đăng ký kết hôn<"}},
				{"/thu-tuc?life_event=ket_hon", []string{"Đăng ký khai sinh"}, nil},
				{"/thu-tuc?unit_level=district", []string{"Xác nhận thông tin hộ tịch", "Cung cấp thông tin (mức độ 2)", "30 ngày", "Cấp huyện"}, []string{"Đăng ký khai sinh"}},
				{"/thu-tuc?class=info", []string{"Xác nhận thông tin hộ tịch", "Tìm thấy 1 thủ tục."}, nil},
				{"/thu-tuc/2.000001", []string{"Thủ tục này chưa nhận hồ sơ trực tuyến", "30 ngày", `Cấp huyện: <span lang="vi">Quận Hoàn Kiếm</span>`}, []string{"nop-ho-so", "Nộp hồ sơ trực tuyến"}},
				{"/thu-tuc/1.001193?lang=en", []string{"Partly online (level 3)", "1,234,567" + nbsp + "₫", "Fill in the form and submit online"}, nil},
			} {
				p := get(t, env, tc.path, nil)
				if p.status != 200 {
					t.Errorf("%s: %d", tc.path, p.status)
				}
				contains(t, tc.path, p.body, tc.wants, tc.unwanted)
			}
			clk.advance(2 * time.Minute)
			home := get(t, env, "/", nil)
			checkHTML(t, "/", home, "vi")
			contains(t, "/", home.body, []string{"Theo sự kiện trong đời", `href="/thu-tuc?life_event=sinh_con">Sinh con`, "Kết hôn", "Xem tất cả 29 thủ tục"}, nil)
		})
	})
}
