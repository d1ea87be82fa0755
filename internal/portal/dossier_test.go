package portal_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/web"
)

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// loggedIn returns a browser logged in as id.
func loggedIn(t *testing.T, env *apptest.Env, id string) *browser {
	t.Helper()
	b := newBrowser(t, env)
	wantRedirect(t, "login "+id, b.post("/dang-nhap", login(id)), http.StatusSeeOther, "/ho-so")
	return b
}

// submitOnline files the marriage dossier through the portal with two
// PDFs and returns its code and the PDFs.
func submitOnline(t *testing.T, env *apptest.Env, b *browser) (string, map[string][]byte) {
	t.Helper()
	path := "/thu-tuc/" + apptest.Marriage + "/nop-ho-so"
	m := tokenRE.FindStringSubmatch(b.get(path).body)
	if m == nil {
		t.Fatal("no submission token on the page")
	}
	pdfs := map[string][]byte{"to_khai": apptest.PDF("to khai "+m[1], 0), "giay_xac_nhan": apptest.PDF("xac nhan "+m[1], 0)}
	p := b.postMultipart(path, map[string]string{"unit": apptest.HangTrong, "chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Bích", "token": m[1]},
		[]apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: pdfs["to_khai"]},
			{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: pdfs["giay_xac_nhan"]}}, nil)
	p = confirmReview(t, b, p)
	if p.status != http.StatusSeeOther {
		t.Fatalf("submission: %d\n%s", p.status, p.body)
	}
	code := strings.TrimSuffix(strings.TrimPrefix(p.header.Get("Location"), "/ho-so/"), "/da-nop")
	return code, pdfs
}

// apiDossier reads the dossier through the API as staff, for MustAct.
func apiDossier(t *testing.T, c *apptest.Client, code string) *apptest.Dossier {
	t.Helper()
	var d apptest.Dossier
	if st := c.Do("GET", "/api/v1/dossiers/"+code, nil, &d); st != 200 {
		t.Fatalf("GET dossier %s: %d", code, st)
	}
	return &d
}

// stored reads the dossier from the service as its owner.
func stored(t *testing.T, env *apptest.Env, owner, code string) *dossier.Dossier {
	t.Helper()
	a, err := env.DB.AccountByUsername(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	d, err := env.App.Dossiers.Get(context.Background(), dossier.Actor{AccountID: a.ID, Citizen: true}, code)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func pageVersion(t *testing.T, p page) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no version field on the page\n%s", p.body)
	}
	return m[1]
}

func TestCitizenDossier(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		a := loggedIn(t, env, apptest.CitizenA)
		b := loggedIn(t, env, apptest.CitizenB)
		reception := env.Login("ht.receptionist")
		leader := env.Login("ht.leader")
		specialist := env.Login("ht.specialist")

		t.Run("owner only, timeline, downloads", func(t *testing.T) {
			code, pdfs := submitOnline(t, env, a)
			path := "/ho-so/" + code
			d := apiDossier(t, reception, code)
			reception.MustAct(d, "receive", nil)

			p := a.get(path)
			checkHTML(t, path, p, "vi")
			today := web.Date(clk.now())
			wantPage(t, "owner", p, 200, []string{code, "Đăng ký kết hôn", "Phường Hàng Trống", "Được tiếp nhận",
				"Hồ sơ của bạn đã được tiếp nhận và đang được chuyển đến cán bộ giải quyết.",
				"Bạn đã nộp hồ sơ trực tuyến.", "Bộ phận một cửa đã tiếp nhận hồ sơ.", today,
				`action="` + path + `/rut"`, "Giấy xác nhận tình trạng hôn nhân", "xac-nhan.pdf"},
				[]string{`action="` + path + `/bo-sung"`, `action="` + path + `/danh-gia"`, apptest.CitizenA})
			wantPage(t, "profile links here", a.get("/ho-so"), 200, []string{`href="/ho-so/` + code + `"`}, []string{`href="/tra-cuu/` + code + `"`})
			wantPage(t, "lowercase code", a.get("/ho-so/"+strings.ToLower(code)), 200, []string{"Bộ phận một cửa đã tiếp nhận hồ sơ."}, nil)
			p, _ = loggedIn(t, env, apptest.CitizenA).do("GET", path+"?lang=en", nil, nil)
			checkHTML(t, path+"?lang=en", p, "en")
			wantPage(t, "english", p, 200, []string{"The one-stop desk received the dossier.", "Withdraw the dossier"}, nil)

			// Someone else's dossier and an unknown code look the same.
			other := b.get(path)
			unknown := b.get("/ho-so/H26.000000.999999")
			if other.status != 404 || unknown.status != 404 {
				t.Fatalf("B: %d, unknown: %d", other.status, unknown.status)
			}
			if strings.ReplaceAll(other.body, code, "X") != strings.ReplaceAll(unknown.body, "H26.000000.999999", "X") {
				t.Errorf("B's 404 differs from an unknown code's:\n%s\n---\n%s", other.body, unknown.body)
			}
			contains(t, "B", other.body, nil, []string{"Bộ phận một cửa đã tiếp nhận", "xac-nhan.pdf"})
			wantRedirect(t, "anonymous", newBrowser(t, env).get(path), http.StatusSeeOther, "/dang-nhap?next="+path)
			staff := loggedIn(t, env, "ht.receptionist")
			wantPage(t, "staff", staff.get(path), 404, nil, []string{"xac-nhan.pdf"})

			// Downloads.
			sd := stored(t, env, apptest.CitizenA, code)
			if len(sd.Documents) != 2 {
				t.Fatalf("%d documents", len(sd.Documents))
			}
			for _, doc := range sd.Documents {
				link := path + "/tai-lieu/" + strconv.FormatInt(doc.ID, 10)
				if !strings.Contains(p.body, `href="`+link+`"`) {
					t.Errorf("no link %s", link)
				}
				req, _ := http.NewRequest("GET", env.URL+link, nil)
				resp, err := a.ab.Client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Equal(body, pdfs[doc.DocKey]) {
					t.Errorf("download %s: %d, %d bytes", link, resp.StatusCode, len(body))
				}
				if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
					t.Errorf("Content-Disposition %q", cd)
				}
				if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Type") != "application/pdf" {
					t.Errorf("headers %v", resp.Header)
				}
				wantPage(t, "B downloads A's document", b.get(link), 404, nil, []string{"%PDF"})
			}
			wantPage(t, "unknown document", a.get(path+"/tai-lieu/999999"), 404, nil, nil)
			wantPage(t, "bad document id", a.get(path+"/tai-lieu/abc"), 404, nil, nil)
		})

		t.Run("supplementation", func(t *testing.T) {
			code, _ := submitOnline(t, env, a)
			path := "/ho-so/" + code
			d := apiDossier(t, reception, code)
			reception.MustAct(d, "receive", nil)
			specialist.MustAct(d, "request_supplement", map[string]any{"documents": []string{"giay_xac_nhan"}, "reason": "Giấy xác nhận đã hết hạn"})

			p := a.get(path)
			checkHTML(t, path, p, "vi")
			wantPage(t, "form", p, 200, []string{`action="` + path + `/bo-sung"`, `enctype="multipart/form-data"`,
				`name="doc.giay_xac_nhan" accept=".pdf,.jpg,.jpeg,.png" multiple required`, `<label for="sup-giay_xac_nhan" lang="vi">Giấy xác nhận tình trạng hôn nhân (bắt buộc)</label>`,
				"Cơ quan yêu cầu bổ sung giấy tờ: Giấy xác nhận tình trạng hôn nhân. Lý do: Giấy xác nhận đã hết hạn",
				"Cơ quan giải quyết đề nghị bạn bổ sung giấy tờ."}, []string{`name="doc.to_khai"`})
			version := pageVersion(t, p)
			pdf := apptest.PDF("giay xac nhan moi", 0)
			file := []apptest.File{{Field: "doc.giay_xac_nhan", Name: "xac-nhan-moi.pdf", Content: pdf}}
			unchanged := func(what string) {
				t.Helper()
				sd := stored(t, env, apptest.CitizenA, code)
				if sd.Status != dossier.StatusSupplement || len(sd.Documents) != 2 || strconv.Itoa(sd.Version) != version {
					t.Fatalf("%s: status %d, %d documents, version %d", what, sd.Status, len(sd.Documents), sd.Version)
				}
			}

			// No file: the missing document named, nothing recorded.
			p = a.postMultipart(path+"/bo-sung", map[string]string{"version": version, "note": "Gửi lại"}, nil, nil)
			wantPage(t, "missing file", p, 400, []string{"Chưa đính kèm giấy tờ «Giấy xác nhận tình trạng hôn nhân».",
				`<a href="#sup-giay_xac_nhan">`, `id="sup-giay_xac_nhan-error"`, "Gửi lại"}, nil)
			checkHTML(t, "missing file", p, "vi")
			unchanged("missing file")

			// A page older than the dossier.
			old, _ := strconv.Atoi(version)
			p = a.postMultipart(path+"/bo-sung", map[string]string{"version": strconv.Itoa(old - 1)}, file, nil)
			wantPage(t, "stale", p, http.StatusConflict, []string{"Hồ sơ vừa thay đổi, vui lòng tải lại trang"}, nil)
			unchanged("stale")

			// Cross-site, another citizen, nobody.
			p = a.postMultipart(path+"/bo-sung", map[string]string{"version": version}, file, map[string]string{"Sec-Fetch-Site": "cross-site"})
			wantPage(t, "cross-site", p, http.StatusForbidden, []string{"được gửi từ một trang web khác"}, nil)
			wantPage(t, "B answers", b.postMultipart(path+"/bo-sung", map[string]string{"version": version}, file, nil), 404, nil, nil)
			wantRedirect(t, "anonymous", newBrowser(t, env).postMultipart(path+"/bo-sung", map[string]string{"version": version}, file, nil),
				http.StatusSeeOther, "/dang-nhap?next="+path)
			unchanged("refused posts")

			// The answer, in two files (a document may have several).
			two := append(file, apptest.File{Field: "doc.giay_xac_nhan", Name: "xac-nhan-trang-2.pdf", Content: apptest.PDF("trang 2", 0)})
			p = a.postMultipart(path+"/bo-sung", map[string]string{"version": version, "note": "Đã xin cấp lại"}, two, nil)
			wantRedirect(t, "supplement", p, http.StatusSeeOther, path+"?ok=bo-sung")
			sd := stored(t, env, apptest.CitizenA, code)
			if sd.Status != dossier.StatusProcessing || len(sd.Documents) != 4 || sd.Documents[3].Filename != "xac-nhan-trang-2.pdf" {
				t.Fatalf("after supplement: status %d, %d documents", sd.Status, len(sd.Documents))
			}
			found := false
			for _, doc := range sd.Documents {
				found = found || doc.Kind == dossier.DocSupplement && doc.DocKey == "giay_xac_nhan" && doc.Filename == "xac-nhan-moi.pdf"
			}
			if !found {
				t.Errorf("no supplement document: %+v", sd.Documents)
			}
			wantPage(t, "after", a.get(path+"?ok=bo-sung"), 200, []string{"Đã gửi giấy tờ bổ sung.",
				"Giấy tờ bổ sung đã được nộp; hồ sơ được tiếp tục giải quyết. Ghi chú: Đã xin cấp lại", "Hồ sơ của bạn đang được xử lý."},
				[]string{`action="` + path + `/bo-sung"`})
		})

		t.Run("withdraw", func(t *testing.T) {
			code, _ := submitOnline(t, env, a)
			path := "/ho-so/" + code
			p := a.get(path)
			version := pageVersion(t, p)
			p = a.post(path+"/rut", url.Values{"version": {version}, "reason": {"  "}})
			wantPage(t, "no reason", p, 400, []string{"Vui lòng nêu lý do rút hồ sơ.", "Vui lòng đánh dấu xác nhận rút hồ sơ.",
				`<a href="#withdraw-reason">`, `<a href="#withdraw-confirm">`}, nil)
			checkHTML(t, "no reason", p, "vi")
			p = a.post(path+"/rut", url.Values{"version": {version}, "reason": {"Nộp nhầm thủ tục"}})
			wantPage(t, "not confirmed", p, 400, []string{"Vui lòng đánh dấu xác nhận rút hồ sơ.", "Nộp nhầm thủ tục"}, []string{"Vui lòng nêu lý do"})
			if sd := stored(t, env, apptest.CitizenA, code); sd.Status != dossier.StatusSubmitted {
				t.Fatalf("status %d after refused withdrawals", sd.Status)
			}
			p = a.post(path+"/rut", url.Values{"version": {version}, "reason": {"Nộp nhầm thủ tục"}, "confirm": {"true"}})
			wantRedirect(t, "withdraw", p, http.StatusSeeOther, path+"?ok=rut")
			if sd := stored(t, env, apptest.CitizenA, code); sd.Status != dossier.StatusWithdrawn {
				t.Fatalf("status %d after withdrawal", sd.Status)
			}
			wantPage(t, "withdrawn", a.get(path+"?ok=rut"), 200, []string{"Hồ sơ đã được rút theo yêu cầu của bạn.",
				"Hồ sơ đã được rút. Lý do: Nộp nhầm thủ tục", "Hồ sơ của bạn đã được rút và không còn được giải quyết."},
				[]string{`action="` + path + `/rut"`})
			// Again, from the old page: it changed.
			p = a.post(path+"/rut", url.Values{"version": {version}, "reason": {"x"}, "confirm": {"true"}})
			wantPage(t, "stale withdrawal", p, http.StatusConflict, []string{"Hồ sơ vừa thay đổi"}, nil)
		})

		t.Run("rate after delivery", func(t *testing.T) {
			code, _ := submitOnline(t, env, a)
			path := "/ho-so/" + code
			d := apiDossier(t, reception, code)
			reception.MustAct(d, "receive", nil)
			leader.MustAct(d, "assign", map[string]any{"assignee": "ht.specialist"})
			leader.MustAct(d, "finish", map[string]any{"result": map[string]any{"summary": "Cấp giấy chứng nhận kết hôn", "granted": true}})
			wantPage(t, "finished", a.get(path), 200, []string{"Đã có kết quả giải quyết."}, []string{`action="` + path + `/danh-gia"`})
			reception.MustAct(d, "deliver", map[string]any{"method": "in_person"})

			p := a.get(path)
			checkHTML(t, path, p, "vi")
			wantPage(t, "delivered", p, 200, []string{"Đã trả kết quả.", "Kết quả giải quyết đã được trả cho bạn.",
				`action="` + path + `/danh-gia"`, "<legend>", `type="radio"`, "Rất hài lòng", "Hài lòng", "Không hài lòng"},
				[]string{`action="` + path + `/rut"`})
			version := pageVersion(t, p)
			p = a.post(path+"/danh-gia", url.Values{"version": {version}, "rating": {"tuyet_voi"}})
			wantPage(t, "bad rating", p, 400, []string{"Vui lòng chọn mức độ hài lòng."}, nil)
			checkHTML(t, "bad rating", p, "vi")
			wantPage(t, "cross-site", func() page {
				p, _ := a.do("POST", path+"/danh-gia", url.Values{"version": {version}, "rating": {"satisfied"}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
				return p
			}(), http.StatusForbidden, nil, nil)
			if sd := stored(t, env, apptest.CitizenA, code); sd.Rating != "" {
				t.Fatalf("rated %q too early", sd.Rating)
			}
			p = a.post(path+"/danh-gia", url.Values{"version": {version}, "rating": {"satisfied"}, "comment": {"Cán bộ nhiệt tình"}})
			wantRedirect(t, "rate", p, http.StatusSeeOther, path+"?ok=danh-gia")
			if sd := stored(t, env, apptest.CitizenA, code); sd.Rating != dossier.RatingSatisfied || sd.RatingComment != "Cán bộ nhiệt tình" {
				t.Fatalf("rating %q %q", sd.Rating, sd.RatingComment)
			}
			wantPage(t, "rated", a.get(path+"?ok=danh-gia"), 200, []string{"Cảm ơn bạn đã đánh giá.", "Bạn đã đánh giá: Hài lòng.",
				"Nhận xét của bạn: Cán bộ nhiệt tình"}, []string{`action="` + path + `/danh-gia"`})
		})
	})
}
