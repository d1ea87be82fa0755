package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

// postMultipart sends a multipart form as a browser would.
func (b *browser) postMultipart(path string, fields map[string]string, files []apptest.File, header map[string]string) page {
	b.t.Helper()
	return pageOf(b.ab.PostMultipart(path, fields, files, header))
}

// dossiersOf lists the citizen's dossiers from the store.
func dossiersOf(t *testing.T, env *apptest.Env, id string) []dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	a, err := env.DB.AccountByUsername(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := env.DB.ListDossiers(ctx, dossier.Actor{AccountID: a.ID, Username: id, Citizen: true, IDNumber: id}, dossier.Filter{Now: time.Now().Add(time.Hour), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

var (
	tokenRE   = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)
	confirmRE = regexp.MustCompile(`<form method="post" action="([^"]+/xac-nhan)">\s*<input type="hidden" name="token" value="([0-9a-f]{32})">\s*<input type="hidden" name="stamp" value="([^"]+)">`)
)

// reviewForm reads the confirmation form of a review page: its action and
// fields.
func reviewForm(t *testing.T, p page) (string, url.Values) {
	t.Helper()
	if p.status != http.StatusOK {
		t.Fatalf("review page: %d\n%s", p.status, p.body)
	}
	m := confirmRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no confirmation form on the review page:\n%s", p.body)
	}
	return m[1], url.Values{"token": {m[2]}, "stamp": {m[3]}}
}

// confirmReview presses "Xác nhận nộp hồ sơ" on a review page.
func confirmReview(t *testing.T, b *browser, p page) page {
	t.Helper()
	action, form := reviewForm(t, p)
	return b.post(action, form)
}

func TestSubmit(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		path := "/thu-tuc/" + apptest.Marriage + "/nop-ho-so"
		fields := func() map[string]string {
			return map[string]string{"unit": apptest.HangTrong, "chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Bích", "so_ban_sao": "2"}
		}
		pdfs := func() []apptest.File {
			return []apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: apptest.PDF("to khai", 0)},
				{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", 0)}}
		}
		loggedIn := func(id string) *browser {
			b := newBrowser(t, env)
			wantRedirect(t, "login "+id, b.post("/dang-nhap", login(id)), http.StatusSeeOther, "/ho-so")
			return b
		}
		a := loggedIn(apptest.CitizenA)

		t.Run("login required", func(t *testing.T) {
			anon := newBrowser(t, env)
			wantRedirect(t, "anonymous GET", anon.get(path), http.StatusSeeOther, "/dang-nhap?next="+path)
			p := anon.postMultipart(path, fields(), pdfs(), nil)
			wantRedirect(t, "anonymous POST", p, http.StatusSeeOther, "/dang-nhap?next="+path)
		})

		t.Run("the page", func(t *testing.T) {
			p := a.get(path)
			checkHTML(t, path, p, "vi")
			wantPage(t, "submission page", p, 200, []string{
				`enctype="multipart/form-data"`, `action="` + path + `"`,
				`<option value="` + apptest.HangTrong + `">Phường Hàng Trống</option>`,
				`<option value="` + apptest.HangBac + `">Phường Hàng Bạc</option>`,
				`<label for="field-chong_ho_ten"><span lang="vi">Họ và tên chồng</span> (bắt buộc)</label>`,
				`<label for="field-so_ban_sao"><span lang="vi">Số bản sao</span></label>`, `type="number"`,
				`name="doc.to_khai"`, `name="doc.giay_xac_nhan"`, `accept=".pdf,.jpg,.jpeg,.png"`,
				"Giấy xác nhận tình trạng hôn nhân", "1 bản chính, 0 bản sao", "Bắt buộc", "Nộp hồ sơ",
			}, []string{`name="unit_q"`})
			en := loggedIn(apptest.CitizenA)
			p, _ = en.do("GET", path+"?lang=en", nil, nil)
			checkHTML(t, path+"?lang=en", p, "en")
			wantPage(t, "english page", p, 200, []string{"Husband's full name", "(required)", "Submit"}, nil)
			// The units' name filter the page offers past 40 units.
			ctx := context.Background()
			proc, err := env.DB.ProcedureInForce(ctx, apptest.Marriage, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			us, err := env.DB.SubmissionUnits(ctx, proc.ID, time.Now(), 10)
			if us = org.Search(us, "hang BAC"); err != nil || len(us) != 1 || us[0].Code != apptest.HangBac {
				t.Fatalf("units matching «hang BAC»: %v %v", us, err)
			}
			// Unknown procedure, staff.
			wantPage(t, "unknown procedure", a.get("/thu-tuc/9.999999/nop-ho-so"), 404, []string{"9.999999"}, nil)
			staff := newBrowser(t, env)
			wantRedirect(t, "staff login", staff.post("/dang-nhap", login("ht.receptionist")), http.StatusSeeOther, "/ho-so")
			wantPage(t, "staff", staff.get(path), 403, []string{"Chỉ công dân"}, []string{`name="doc.to_khai"`})
		})

		t.Run("missing document: nothing stored", func(t *testing.T) {
			p := a.postMultipart(path, fields(), pdfs()[:1], nil)
			wantPage(t, "missing document", p, 400, []string{"Chưa đính kèm giấy tờ bắt buộc «Giấy xác nhận tình trạng hôn nhân».",
				`<a href="#doc-giay_xac_nhan">`, `value="Lê Thị Bích"`, `<option value="` + apptest.HangTrong + `" selected>`},
				[]string{"Chưa đính kèm giấy tờ bắt buộc «Tờ khai»"})
			checkHTML(t, "missing document", p, "vi")
			if n := len(dossiersOf(t, env, apptest.CitizenA)); n != 0 {
				t.Fatalf("%d dossiers stored", n)
			}
		})

		t.Run("text file named .pdf: nothing stored", func(t *testing.T) {
			files := pdfs()
			files[0].Content = []byte("chỉ là văn bản, không phải PDF\n")
			p := a.postMultipart(path, fields(), files, nil)
			wantPage(t, "not a pdf", p, http.StatusUnsupportedMediaType, []string{"Tệp «to-khai.pdf» không phải PDF, JPEG hoặc PNG.",
				`id="doc-to_khai-error"`, `aria-describedby="doc-to_khai-hint doc-to_khai-error"`, `<a href="#doc-to_khai">`}, nil)
			if n := len(dossiersOf(t, env, apptest.CitizenA)); n != 0 {
				t.Fatalf("%d dossiers stored", n)
			}
		})

		t.Run("missing field: inline error", func(t *testing.T) {
			f := fields()
			delete(f, "vo_ho_ten")
			f["so_ban_sao"] = "hai"
			p := a.postMultipart(path, f, pdfs(), nil)
			wantPage(t, "missing field", p, 400, []string{"Trường «Họ và tên vợ» là bắt buộc.", `<a href="#field-vo_ho_ten">`,
				`id="field-vo_ho_ten-error"`, `aria-describedby="field-vo_ho_ten-error" aria-invalid="true"`, `<a href="#field-so_ban_sao">`,
				`value="Nguyễn Văn An"`}, nil)
			checkHTML(t, "missing field", p, "vi")
			// No unit chosen.
			f = fields()
			f["unit"] = ""
			p = a.postMultipart(path, f, pdfs(), nil)
			wantPage(t, "no unit", p, 400, []string{"Vui lòng chọn đơn vị tiếp nhận hồ sơ.", `<a href="#unit">`}, nil)
			if n := len(dossiersOf(t, env, apptest.CitizenA)); n != 0 {
				t.Fatalf("%d dossiers stored", n)
			}
		})

		t.Run("cross-site POST", func(t *testing.T) {
			p := a.postMultipart(path, fields(), pdfs(), map[string]string{"Sec-Fetch-Site": "cross-site"})
			wantPage(t, "cross-site", p, http.StatusForbidden, []string{"được gửi từ một trang web khác"}, nil)
			if n := len(dossiersOf(t, env, apptest.CitizenA)); n != 0 {
				t.Fatalf("%d dossiers stored", n)
			}
		})

		t.Run("submit, confirm, only the owner", func(t *testing.T) {
			form := fields()
			m := tokenRE.FindStringSubmatch(a.get(path).body)
			if m == nil {
				t.Fatal("no submission token on the page")
			}
			form["token"] = m[1]
			p := a.postMultipart(path, form, pdfs(), nil)
			wantPage(t, "review", p, 200, []string{"Xác nhận nộp hồ sơ", "Lê Thị Bích", "to-khai.pdf", "xac-nhan.pdf"}, nil)
			if n := len(dossiersOf(t, env, apptest.CitizenA)); n != 0 {
				t.Fatalf("%d dossiers stored before confirmation", n)
			}
			action, cf := reviewForm(t, p)
			p = a.post(action, cf)
			if p.status != http.StatusSeeOther {
				t.Fatalf("submission: %d\n%s", p.status, p.body)
			}
			loc := p.header.Get("Location")
			ds := dossiersOf(t, env, apptest.CitizenA)
			if len(ds) != 1 {
				t.Fatalf("%d dossiers stored", len(ds))
			}
			code := ds[0].Code
			if loc != "/ho-so/"+code+"/da-nop" {
				t.Fatalf("redirect to %q, dossier %s", loc, code)
			}
			// Pressing the button twice files one dossier.
			wantPage(t, "again", a.post(action, cf), http.StatusConflict, []string{"Không có hồ sơ nào đang chờ xác nhận"}, nil)
			if n := len(dossiersOf(t, env, apptest.CitizenA)); n != 1 {
				t.Fatalf("%d dossiers after a double submission", n)
			}
			d, err := env.App.Dossiers.Get(context.Background(), dossier.Actor{AccountID: ds[0].OwnerID, Citizen: true}, code)
			if err != nil {
				t.Fatal(err)
			}
			if d.Channel != dossier.ChannelOnline || d.Status != dossier.StatusSubmitted || len(d.Documents) != 2 {
				t.Fatalf("dossier: channel %s, status %d, %d documents", d.Channel, d.Status, len(d.Documents))
			}
			for _, doc := range d.Documents {
				if doc.Kind != dossier.DocApplication || doc.ContentType != "application/pdf" || (doc.DocKey != "to_khai" && doc.DocKey != "giay_xac_nhan") {
					t.Errorf("document %+v", doc)
				}
			}
			if d.Form["vo_ho_ten"] != "Lê Thị Bích" || d.Applicant.IDNumber != apptest.CitizenA {
				t.Errorf("form %v, applicant %+v", d.Form, d.Applicant)
			}
			p = a.get(loc)
			checkHTML(t, loc, p, "vi")
			wantPage(t, "confirmation", p, 200, []string{code, `class="code dossier-code"`, `<img class="qr" src="data:image/png;base64,`,
				"Hồ sơ của bạn đã được gửi. Bộ phận một cửa sẽ kiểm tra và tiếp nhận trong 4 giờ làm việc.",
				"5 ngày làm việc", `href="/tra-cuu/` + code + `"`, `href="/ho-so"`}, nil)
			wantPage(t, "confirmation (lowercase code)", a.get("/ho-so/"+strings.ToLower(code)+"/da-nop"), 200, []string{code}, nil)
			b := loggedIn(apptest.CitizenB)
			wantPage(t, "B opens A's confirmation", b.get(loc), 404, nil, []string{"Hồ sơ của bạn đã được gửi", "data:image/png"})
			wantRedirect(t, "anonymous confirmation", newBrowser(t, env).get(loc), http.StatusSeeOther, "/dang-nhap?next="+loc)
			// The citizen's page lists it.
			wantPage(t, "profile", a.get("/ho-so"), 200, []string{code}, nil)
		})
	})
}
