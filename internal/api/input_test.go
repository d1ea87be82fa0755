package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestInputThatBroke sends the text that used to answer 500 on PostgreSQL
// (NUL, invalid UTF-8 in the path, the query, JSON strings, multipart
// fields and file names), over-long searches and broken multipart bodies:
// each is a 400 naming the field, on both engines, in both languages, and
// stores nothing — no dossier, no file.
func TestInputThatBroke(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		rec := env.Login("ht.receptionist")
		admin := env.Login("city.admin")
		anon := env.Anon()
		d := citizen.Submit(apptest.HangTrong)
		pdf := apptest.PDF("ok", 1000)
		form := `{"chong_ho_ten":"A","vo_ho_ten":"B"}`
		mp := func(fields map[string]string, files ...apptest.File) func() (string, *bytes.Buffer) {
			return func() (string, *bytes.Buffer) {
				all := map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": form}
				for k, v := range fields {
					all[k] = v
				}
				return apptest.Multipart(all, files)
			}
		}
		// raw builds a multipart body by hand, for what mime/multipart
		// would not write.
		raw := func(body string) func() (string, *bytes.Buffer) {
			return func() (string, *bytes.Buffer) {
				return "multipart/form-data; boundary=XX", bytes.NewBufferString(strings.ReplaceAll(body, "\n", "\r\n"))
			}
		}
		head := "--XX\nContent-Disposition: form-data; name=\"procedure\"\n\n" + apptest.Marriage +
			"\n--XX\nContent-Disposition: form-data; name=\"unit\"\n\n" + apptest.HangTrong +
			"\n--XX\nContent-Disposition: form-data; name=\"form\"\n\n" + form + "\n"
		many := func(n int, field string) []apptest.File {
			var fs []apptest.File
			for i := range n {
				fs = append(fs, apptest.File{Field: field, Name: fmt.Sprintf("%d.pdf", i), Content: apptest.PDF(fmt.Sprint(i), 400)})
			}
			return fs
		}
		words := strings.Repeat("dang ky ", 600) // 1,200 words
		type tc struct {
			name   string
			c      *apptest.Client
			method string
			path   string
			ct     string
			body   string
			multi  func() (string, *bytes.Buffer)
			status int
			code   string
			field  string
		}
		cases := []tc{
			{name: "NUL in the path", c: anon, method: "GET", path: "/api/v1/track/%00", status: 400, code: "bad_text", field: "path"},
			{name: "invalid UTF-8 in the path", c: anon, method: "GET", path: "/api/v1/track/%C3%28", status: 400, code: "bad_text", field: "path"},
			{name: "NUL in q", c: anon, method: "GET", path: "/api/v1/procedures?q=%00", status: 400, code: "bad_text", field: "q"},
			{name: "invalid UTF-8 in q", c: rec, method: "GET", path: "/api/v1/dossiers?q=%FF", status: 400, code: "bad_text", field: "q"},
			{name: "NUL in a query name", c: anon, method: "GET", path: "/api/v1/units?x%00=1&all=1", status: 400, code: "bad_text"},
			{name: "NUL in a unit search", c: anon, method: "GET", path: "/api/v1/units?q=a%00", status: 400, code: "bad_text", field: "q"},
			{name: "NUL in the login username", c: anon, method: "POST", path: "/api/v1/auth/token", ct: "application/json", body: `{"username":"\u0000","password":"x"}`, status: 400, code: "bad_text", field: "username"},
			{name: "invalid UTF-8 in the login username", c: anon, method: "POST", path: "/api/v1/auth/token", ct: "application/json", body: "{\"username\":\"a\xff\",\"password\":\"x\"}", status: 400, code: "bad_text", field: "username"},
			{name: "NUL in a registration", c: anon, method: "POST", path: "/api/v1/citizens", ct: "application/json", body: `{"id_number":"001090009999","full_name":"A\u0000","phone":"0912345678","password":"12345678"}`, status: 400, code: "bad_text", field: "full_name"},
			{name: "NUL in a form field", c: citizen, method: "POST", path: "/api/v1/dossiers", ct: "application/json", body: `{"procedure":"1.000894","unit":"` + apptest.HangTrong + `","form":{"chong_ho_ten":"A\u0000","vo_ho_ten":"B"}}`, status: 400, code: "bad_text", field: "form.chong_ho_ten"},
			{name: "NUL in a reason", c: rec, method: "POST", path: "/api/v1/dossiers/" + d.Code + "/actions", ct: "application/json", body: fmt.Sprintf(`{"action":"refuse","version":%d,"reason":"x\u0000y"}`, d.Version), status: 400, code: "bad_text", field: "reason"},
			{name: "NUL in a calendar note", c: admin, method: "PUT", path: "/api/v1/calendar/overrides/2025-03-03", ct: "application/json", body: `{"kind":"off","reason":"Nghỉ\u0000"}`, status: 400, code: "bad_text", field: "reason"},
			{name: "NUL in a list item", c: rec, method: "POST", path: "/api/v1/dossiers/" + d.Code + "/actions", ct: "application/json", body: fmt.Sprintf(`{"action":"request_supplement","version":%d,"reason":"x","documents":["to_khai","\u0000"]}`, d.Version), status: 400, code: "bad_text", field: "documents[1]"},
			{name: "1,200 words in q", c: anon, method: "GET", path: "/api/v1/procedures?q=" + url.QueryEscape(words), status: 400, code: "query_too_long", field: "q"},
			{name: "60 KB q on the dossier list", c: rec, method: "GET", path: "/api/v1/dossiers?q=" + strings.Repeat("a", 60<<10), status: 400, code: "query_too_long", field: "q"},
			{name: "201 characters in q", c: anon, method: "GET", path: "/api/v1/units?q=" + strings.Repeat("ă", 201), status: 400, code: "query_too_long", field: "q"},
			{name: "unterminated multipart", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: raw(head + "--XX\nContent-Disposition: form-data; name=\"channel\"\n\nonl"), status: 400, code: "bad_multipart"},
			{name: "multipart cut inside a file", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: raw(head + "--XX\nContent-Disposition: form-data; name=\"doc.to_khai\"; filename=\"a.pdf\"\nContent-Type: application/pdf\n\n" + string(pdf)), status: 400, code: "bad_multipart"},
			{name: "multipart without its closing boundary after a file", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: raw(head + "--XX\nContent-Disposition: form-data; name=\"doc.to_khai\"; filename=\"a.pdf\"\n\n" + string(pdf) + "\n--X"), status: 400, code: "bad_multipart"},
			{name: "garbled multipart headers", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: raw("--XX\nno colon here\n\nx\n--XX--\n"), status: 400, code: "bad_multipart"},
			{name: "NUL in a multipart field", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: mp(map[string]string{"channel": "on\x00line"}), status: 400, code: "bad_text", field: "channel"},
			{name: "escaped NUL in the multipart form", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: mp(map[string]string{"form": `{"chong_ho_ten":"A\u0000","vo_ho_ten":"B"}`}, apptest.File{Field: "doc.to_khai", Name: "a.pdf", Content: pdf}), status: 400, code: "bad_text", field: "form.chong_ho_ten"},
			{name: "invalid UTF-8 in a file name", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: mp(nil, apptest.File{Field: "doc.to_khai", Name: "t\xe1.pdf", Content: pdf}), status: 400, code: "bad_text", field: "doc.to_khai"},
			{name: "eleven files for one document", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: mp(nil, many(11, "doc.to_khai")...), status: 400, code: "too_many_files"},
			{name: "form invalid with files", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: mp(map[string]string{"form": `{"chong_ho_ten":"A"}`}, apptest.File{Field: "doc.to_khai", Name: "a.pdf", Content: pdf}), status: 400, code: "form_invalid"},
			{name: "file too large after a good one", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: mp(nil, apptest.File{Field: "doc.to_khai", Name: "a.pdf", Content: pdf}, apptest.File{Field: "doc.giay_xac_nhan", Name: "b.pdf", Content: apptest.PDF("big", 1<<20+10)}), status: 413, code: "file_too_large"},
			{name: "dossier too large", c: citizen, method: "POST", path: "/api/v1/dossiers", multi: mp(nil, apptest.File{Field: "doc.to_khai", Name: "1.pdf", Content: apptest.PDF("1", 1<<20-100)},
				apptest.File{Field: "doc.to_khai", Name: "2.pdf", Content: apptest.PDF("2", 1<<20-100)}, apptest.File{Field: "doc.giay_xac_nhan", Name: "3.pdf", Content: apptest.PDF("3", 1<<20-100)},
				apptest.File{Field: "doc.giay_xac_nhan", Name: "4.pdf", Content: apptest.PDF("4", 1<<20-100)}), status: 413, code: "dossier_too_large"},
			{name: "supplement files on a refused action", c: rec, method: "POST", path: "/api/v1/dossiers/" + d.Code + "/actions", multi: mp(map[string]string{"command": fmt.Sprintf(`{"action":"deliver","version":%d}`, d.Version)}, apptest.File{Field: "doc.to_khai", Name: "a.pdf", Content: pdf}), status: 422, code: "invalid_transition"},
		}
		before, filesBefore := countDossiers(t, env), env.StoredFiles()
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				for _, lang := range []string{"", "en"} {
					tc.c.Lang = lang
					ct, body := tc.ct, bytes.NewBufferString(tc.body)
					if tc.multi != nil {
						ct, body = tc.multi()
					}
					r := tc.c.Raw(tc.method, tc.path, ct, body, nil)
					tc.c.Lang = ""
					if r.Status != tc.status {
						t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
					}
					e := r.DecodeError(t)
					if tc.code != "" && e.Error.Code != tc.code {
						t.Fatalf("code %q, want %q (%s)", e.Error.Code, tc.code, e.Error.Message)
					}
					if tc.field != "" && !slices.ContainsFunc(e.Error.Fields, func(f struct {
						Field   string `json:"field"`
						Code    string `json:"code"`
						Message string `json:"message"`
					}) bool {
						return f.Field == tc.field
					}) {
						t.Fatalf("fields %+v do not name %q", e.Error.Fields, tc.field)
					}
					vietnamese := strings.ContainsAny(e.Error.Message, "ăâđêôơưáàảãạếềểễệóòỏõọíìỉĩịúùủũụ")
					if lang == "" && !vietnamese {
						t.Errorf("default message not Vietnamese: %q", e.Error.Message)
					}
					if lang == "en" && vietnamese && tc.code != "bad_json" && tc.code != "form_invalid" {
						t.Errorf("English message has Vietnamese: %q", e.Error.Message)
					}
				}
			})
		}
		if after := countDossiers(t, env); after != before {
			t.Errorf("refused input stored dossiers: %d → %d", before, after)
		}
		if after := env.StoredFiles(); !slices.Equal(after, filesBefore) {
			t.Errorf("refused uploads left files: %v → %v", filesBefore, after)
		}
		if strings.Contains(env.Logs.String(), "api request failed") {
			t.Errorf("a refused input was logged as a failure:\n%s", env.Logs.String())
		}
	})
}

// TestUploadsKeptOnlyWhenAccepted: an accepted submission keeps its files
// (under their key, nothing left in tmp) and a Vietnamese file name over
// 200 bytes is cut between characters.
func TestUploadsKeptOnlyWhenAccepted(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		name := strings.Repeat("Giấy xác nhận tình trạng hôn nhân ", 8) + ".pdf" // > 200 bytes
		ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": `{"chong_ho_ten":"A","vo_ho_ten":"B"}`},
			[]apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: apptest.PDF("a", 900)}, {Field: "doc.giay_xac_nhan", Name: name, Content: apptest.PDF("b", 900)}})
		r := citizen.Raw("POST", "/api/v1/dossiers", ct, body, nil)
		if r.Status != 201 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		var d struct {
			Documents []struct {
				Filename string `json:"filename"`
			} `json:"documents"`
		}
		if err := json.Unmarshal(r.Body, &d); err != nil {
			t.Fatal(err)
		}
		cut := false
		for _, doc := range d.Documents {
			if !utf8.ValidString(doc.Filename) || len(doc.Filename) > 200 {
				t.Errorf("file name %q: %d bytes, valid UTF-8 %v", doc.Filename, len(doc.Filename), utf8.ValidString(doc.Filename))
			}
			cut = cut || strings.HasPrefix(name, doc.Filename) && doc.Filename != name
		}
		if !cut {
			t.Errorf("no file name cut from %q in %+v", name, d.Documents)
		}
		stored := env.StoredFiles()
		inPlace := 0
		for _, f := range stored {
			if strings.HasPrefix(f, "tmp") {
				t.Errorf("accepted upload left %s", f)
			} else {
				inPlace++
			}
		}
		if inPlace != 2 {
			t.Errorf("stored files %v, want the two documents", stored)
		}
	})
}

// TestPagesRefuseBrokenText: the portal and the back office answer their
// 400 page (HTML, in the reader's language) to the same text.
func TestPagesRefuseBrokenText(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		anon := env.Anon()
		for _, tc := range []struct {
			method, path, ct, body, lang, want string
		}{
			{"GET", "/tra-cuu/%00", "", "", "", "Trường «path» chứa ký tự không hợp lệ"},
			{"GET", "/thu-tuc?q=%FF", "", "", "en", `Field &#34;q&#34; holds an invalid character`},
			{"GET", "/can-bo/?q=%00", "", "", "", "Trường «q» chứa ký tự không hợp lệ"},
			{"POST", "/dang-nhap", "application/x-www-form-urlencoded", "username=%00&password=x", "", "Trường «username» chứa ký tự không hợp lệ"},
			{"POST", "/dang-nhap", "application/x-www-form-urlencoded", "username=a%E1&password=x", "en", `Field &#34;username&#34; holds an invalid character`},
		} {
			anon.Lang = tc.lang
			r := anon.Raw(tc.method, tc.path, tc.ct, strings.NewReader(tc.body), nil)
			if r.Status != 400 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.Body), tc.want) {
				t.Errorf("%s %s: %d %s, want the 400 page with %q", tc.method, tc.path, r.Status, r.Header.Get("Content-Type"), tc.want)
			}
		}
	})
}

// TestPagesRefuseBrokenBodies: the portal's submission and supplement and
// the back office's intake and action forms answer 400 to a multipart body
// cut short and to a NUL in a field, and store nothing.
func TestPagesRefuseBrokenBodies(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		signIn := func(user string) *apptest.Browser {
			b := env.Browser()
			p := b.Do("POST", "/dang-nhap", url.Values{"username": {user}, "password": {apptest.Password}}, nil)
			if p.Status != 303 {
				t.Fatalf("login %s: %d", user, p.Status)
			}
			return b
		}
		citizen, rec := signIn(apptest.CitizenA), signIn("ht.receptionist")
		d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
		cut := func(fields map[string]string) (string, *bytes.Buffer) {
			ct, b := apptest.Multipart(fields, []apptest.File{{Field: "doc.to_khai", Name: "a.pdf", Content: apptest.PDF("x", 3000)}})
			return ct, bytes.NewBuffer(b.Bytes()[:b.Len()-1500])
		}
		before, filesBefore := countDossiers(t, env), env.StoredFiles()
		for _, tc := range []struct {
			name string
			b    *apptest.Browser
			path string
			send func() (string, *bytes.Buffer)
			want string
		}{
			{"portal submission cut short", citizen, "/thu-tuc/" + apptest.Marriage + "/nop-ho-so",
				func() (string, *bytes.Buffer) { return cut(map[string]string{"unit": apptest.HangTrong}) }, "Dữ liệu multipart không hợp lệ."},
			{"portal submission with a NUL", citizen, "/thu-tuc/" + apptest.Marriage + "/nop-ho-so",
				func() (string, *bytes.Buffer) {
					return apptest.Multipart(map[string]string{"unit": apptest.HangTrong, "chong_ho_ten": "A\x00"}, nil)
				}, "Trường «chong_ho_ten» chứa ký tự không hợp lệ"},
			{"portal supplement cut short", citizen, "/ho-so/" + d.Code + "/bo-sung",
				func() (string, *bytes.Buffer) { return cut(map[string]string{"version": fmt.Sprint(d.Version)}) }, ""},
			{"back-office intake cut short", rec, "/can-bo/tiep-nhan/truc-tiep",
				func() (string, *bytes.Buffer) { return cut(map[string]string{"thu-tuc": apptest.Marriage}) }, "Dữ liệu multipart không hợp lệ."},
			{"back-office action cut short", rec, "/can-bo/ho-so/" + d.Code,
				func() (string, *bytes.Buffer) {
					return cut(map[string]string{"action": "finish", "version": fmt.Sprint(d.Version)})
				}, "Dữ liệu multipart không hợp lệ."},
			{"back-office reason with a NUL", rec, "/can-bo/ho-so/" + d.Code,
				func() (string, *bytes.Buffer) {
					return "application/x-www-form-urlencoded", bytes.NewBufferString("action=refuse&version=" + fmt.Sprint(d.Version) + "&reason=x%00")
				}, "Trường «reason» chứa ký tự không hợp lệ"},
		} {
			ct, body := tc.send()
			p := tc.b.Send("POST", tc.path, ct, body, tc.b.SameSite())
			if p.Status != 400 || !strings.Contains(p.Body, tc.want) {
				t.Errorf("%s: %d, want 400 with %q\n%.2000s", tc.name, p.Status, tc.want, p.Body)
			}
		}
		if after := countDossiers(t, env); after != before {
			t.Errorf("refused input stored dossiers: %d → %d", before, after)
		}
		if after := env.StoredFiles(); !slices.Equal(after, filesBefore) {
			t.Errorf("refused uploads left files: %v → %v", filesBefore, after)
		}
	})
}
