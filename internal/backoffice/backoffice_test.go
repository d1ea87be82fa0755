package backoffice_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

type page struct {
	status int
	header http.Header
	body   string
}

// browser is apptest's page client with the test's own shorthand.
type browser struct {
	t   *testing.T
	env *apptest.Env
	c   *apptest.Browser
}

func newBrowser(t *testing.T, env *apptest.Env) *browser {
	return &browser{t: t, env: env, c: env.Browser()}
}

func pageOf(p apptest.Page) page { return page{p.Status, p.Header, p.Body} }

func (b *browser) do(method, path string, form url.Values, header map[string]string) page {
	b.t.Helper()
	return pageOf(b.c.Do(method, path, form, header))
}

func (b *browser) get(path string) page { b.t.Helper(); return b.do("GET", path, nil, nil) }

// post sends a form with the headers a browser sends from this site.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	return b.do("POST", path, form, b.c.SameSite())
}

func login(t *testing.T, env *apptest.Env, username string) *browser {
	t.Helper()
	b := newBrowser(t, env)
	p := b.post("/dang-nhap", url.Values{"username": {username}, "password": {apptest.Password}, "next": {"/can-bo/"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/can-bo/" {
		t.Fatalf("login %s: %d to %q\n%s", username, p.status, p.header.Get("Location"), p.body)
	}
	return b
}

func want(t *testing.T, what string, p page, status int, wants ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, p.body)
	}
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Fatalf("%s: missing %q\n%s", what, w, p.body)
		}
	}
}

func statusOf(t *testing.T, env *apptest.Env, code string) int {
	t.Helper()
	var d apptest.Dossier
	if st := env.Login("ht.receptionist").Do("GET", "/api/v1/dossiers/"+code, nil, &d); st != 200 {
		t.Fatalf("reading %s: %d", code, st)
	}
	return d.Status
}

func act(action string, version int, extra url.Values) url.Values {
	f := url.Values{"action": {action}, "version": {strconv.Itoa(version)}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func TestReception(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			citizen := env.Login(apptest.CitizenA)
			d1 := citizen.Submit(apptest.HangTrong)
			d2 := citizen.Submit(apptest.HangTrong)
			d3 := citizen.Submit(apptest.HangTrong)

			anon := newBrowser(t, env)
			p := anon.get("/can-bo/")
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/dang-nhap?next=/can-bo/" {
				t.Fatalf("anonymous: %d to %q", p.status, p.header.Get("Location"))
			}

			cb := newBrowser(t, env)
			if p := cb.post("/dang-nhap", url.Values{"username": {apptest.CitizenA}, "password": {apptest.Password}}); p.status != http.StatusSeeOther {
				t.Fatalf("citizen login: %d", p.status)
			}
			want(t, "citizen", cb.get("/can-bo/"), http.StatusForbidden)

			rec := login(t, env, "ht.receptionist")
			want(t, "dashboard", rec.get("/can-bo/"), 200, "Phường Hàng Trống", `id="count-waiting">3</a>`)
			q := rec.get("/can-bo/tiep-nhan")
			want(t, "queue", q, 200, d1.Code, d2.Code, d3.Code, "Nguyễn Văn An", "Đăng ký kết hôn")
			if i1, i2, i3 := strings.Index(q.body, d1.Code), strings.Index(q.body, d2.Code), strings.Index(q.body, d3.Code); !(i1 < i2 && i2 < i3) {
				t.Fatalf("queue not oldest first: %d %d %d", i1, i2, i3)
			}
			if p := rec.get("/can-bo/tiep-nhan?lang=en"); !strings.Contains(p.body, "Dossiers awaiting reception") {
				t.Fatalf("english queue:\n%s", p.body)
			}
			rec.get("/can-bo/?lang=vi")

			path1 := "/can-bo/ho-so/" + d1.Code
			want(t, "dossier", rec.get(path1), 200, "Họ và tên chồng", "Lê Thị Cúc", "Tờ khai", "Giấy xác nhận tình trạng hôn nhân",
				`name="version" value="1"`, `value="receive"`, `value="request_supplement"`, `value="refuse"`, "Nộp hồ sơ")

			// Two officers act on the same version: one wins, the other is told.
			leader := login(t, env, "ht.leader")
			want(t, "leader view", leader.get(path1), 200, `value="receive"`)
			p = rec.post(path1, act("receive", d1.Version, nil))
			if p.status != http.StatusSeeOther || p.header.Get("Location") != path1+"?xong=receive" {
				t.Fatalf("receive: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
			}
			want(t, "stale receive", leader.post(path1, act("receive", d1.Version, nil)), http.StatusConflict,
				"Hồ sơ vừa được người khác thay đổi", `href="`+path1+`"`)
			want(t, "received", rec.get(path1+"?xong=receive"), 200, "Đã tiếp nhận hồ sơ.", "In giấy tiếp nhận (mẫu 01)", path1+"/phieu/01")
			if s := statusOf(t, env, d1.Code); s != 2 {
				t.Fatalf("status after receive: %d", s)
			}
			slip := rec.get(path1 + "/phieu/01")
			if slip.status != 200 || slip.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(slip.body, "%PDF") {
				t.Fatalf("slip 01: %d %q", slip.status, slip.header.Get("Content-Type"))
			}

			// Supplementation with a document and a reason.
			path2 := "/can-bo/ho-so/" + d2.Code
			want(t, "supplement without documents", rec.post(path2, act("request_supplement", d2.Version, url.Values{"reason": {"Thiếu"}})),
				http.StatusBadRequest, "Vui lòng chọn các giấy tờ cần bổ sung.")
			p = rec.post(path2, act("request_supplement", d2.Version, url.Values{"documents": {"giay_xac_nhan"}, "reason": {"Giấy xác nhận đã hết hạn"}}))
			if p.status != http.StatusSeeOther {
				t.Fatalf("request supplement: %d\n%s", p.status, p.body)
			}
			want(t, "supplement requested", rec.get(path2+"?xong=request_supplement"), 200, path2+"/phieu/02")
			if s := statusOf(t, env, d2.Code); s != 5 {
				t.Fatalf("status after supplement request: %d", s)
			}
			if p := rec.get(path2 + "/phieu/02"); p.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("slip 02: %d %s", p.status, p.header.Get("Content-Type"))
			}

			// Refusal needs a reason.
			path3 := "/can-bo/ho-so/" + d3.Code
			want(t, "refuse without reason", rec.post(path3, act("refuse", d3.Version, nil)), http.StatusBadRequest, "Vui lòng nêu lý do.")
			if p := rec.post(path3, act("refuse", d3.Version, url.Values{"reason": {"Không thuộc thẩm quyền"}})); p.status != http.StatusSeeOther {
				t.Fatalf("refuse: %d\n%s", p.status, p.body)
			}
			want(t, "refused", rec.get(path3+"?xong=refuse"), 200, path3+"/phieu/03", "Không thuộc thẩm quyền")
			if s := statusOf(t, env, d3.Code); s != 3 {
				t.Fatalf("status after refusal: %d", s)
			}
			want(t, "queue emptied", rec.get("/can-bo/tiep-nhan"), 200, "Không có hồ sơ nào đang chờ tiếp nhận.")
			want(t, "in progress", rec.get("/can-bo/ho-so?loai=dang-xu-ly"), 200, d1.Code, d2.Code)

			// Another commune sees nothing of it.
			d4 := citizen.Submit(apptest.HangTrong)
			hb := login(t, env, "hb.receptionist")
			want(t, "other commune", hb.get("/can-bo/ho-so/"+d4.Code), http.StatusNotFound)
			want(t, "unknown code", hb.get("/can-bo/ho-so/KHONG-CO"), http.StatusNotFound)
			want(t, "other commune slip", hb.get("/can-bo/ho-so/"+d1.Code+"/phieu/01"), http.StatusNotFound)
			want(t, "other commune queue", hb.get("/can-bo/tiep-nhan"), 200, "Không có hồ sơ nào đang chờ tiếp nhận.")
			want(t, "foreign unit", hb.get("/can-bo/?don-vi="+apptest.HangTrong), http.StatusForbidden)

			// Cross-site POST.
			p = rec.do("POST", "/can-bo/ho-so/"+d4.Code, act("receive", d4.Version, nil), map[string]string{"Sec-Fetch-Site": "cross-site"})
			want(t, "cross-site", p, http.StatusForbidden)
			if s := statusOf(t, env, d4.Code); s != 1 {
				t.Fatalf("cross-site post changed the dossier: %d", s)
			}
		})
	}
}
