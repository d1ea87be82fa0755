package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/dossier"
)

// TestReview: a valid submission page is kept in the citizen's draft and
// reviewed; only the confirmation files the dossier, once, from the draft
// the citizen reviewed, and only for its owner.
func TestReview(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		path := "/thu-tuc/" + apptest.Marriage + "/nop-ho-so"
		loggedIn := func(id string) *browser {
			b := newBrowser(t, env)
			wantRedirect(t, "login "+id, b.post("/dang-nhap", login(id)), http.StatusSeeOther, "/ho-so")
			return b
		}
		fields := func(token string) map[string]string {
			return map[string]string{"unit": apptest.HangTrong, "chong_ho_ten": "Trần Văn Hùng", "vo_ho_ten": "Vũ Thị Mai",
				"so_ban_sao": "3", "token": token}
		}
		pdfs := []apptest.File{{Field: "doc.to_khai", Name: "to-khai-hung-mai.pdf", Content: apptest.PDF("to khai hung mai", 2000)},
			{Field: "doc.giay_xac_nhan", Name: "xac-nhan-mai.pdf", Content: apptest.PDF("xac nhan mai", 0)}}
		token := func(b *browser) string {
			m := tokenRE.FindStringSubmatch(b.get(path).body)
			if m == nil {
				t.Fatal("no submission token on the page")
			}
			return m[1]
		}
		count := func(id string) int { return len(dossiersOf(t, env, id)) }
		a := loggedIn(apptest.CitizenA)

		t.Run("confirm without a draft", func(t *testing.T) {
			p := a.post(path+"/xac-nhan", url.Values{"token": {newTokenForTest()}, "stamp": {"1-abc"}})
			wantPage(t, "no draft", p, http.StatusConflict, []string{"Không có hồ sơ nào đang chờ xác nhận", `name="doc.to_khai"`,
				`enctype="multipart/form-data"`}, nil)
			checkHTML(t, "no draft", p, "vi")
			if n := count(apptest.CitizenA); n != 0 {
				t.Fatalf("%d dossiers", n)
			}
		})

		t.Run("review, edit, stale stamp, confirm, twice", func(t *testing.T) {
			tok := token(a)
			p := a.postMultipart(path, fields(tok), pdfs, nil)
			checkHTML(t, "review", p, "vi")
			wantPage(t, "review", p, http.StatusOK, []string{"Kiểm tra lại hồ sơ", "Hồ sơ chưa được nộp", "Phường Hàng Trống",
				"<dt lang=\"vi\">Họ và tên chồng</dt><dd>Trần Văn Hùng</dd>", "<dd>Vũ Thị Mai</dd>", "<dd>3</dd>",
				"to-khai-hung-mai.pdf (", "xac-nhan-mai.pdf (", "5 ngày làm việc", "Xác nhận nộp hồ sơ",
				`action="` + path + `/xac-nhan"`, `href="` + path + `">Sửa lại</a>`},
				[]string{"field-error", `name="doc.to_khai"`})
			if n := count(apptest.CitizenA); n != 0 {
				t.Fatalf("%d dossiers stored by the review", n)
			}
			// The page posted carries no storage key.
			_, cf := reviewForm(t, p)
			if len(cf) != 2 || cf.Get("token") != tok {
				t.Fatalf("confirmation form %v", cf)
			}
			// "Sửa lại" shows the page with the values, and offers to keep
			// the files.
			edit := a.get(path)
			checkHTML(t, "edit", edit, "vi")
			wantPage(t, "edit", edit, http.StatusOK, []string{`value="Trần Văn Hùng"`, `value="Vũ Thị Mai"`,
				`<option value="` + apptest.HangTrong + `" selected>`, "Đã khôi phục bản nháp",
				`name="keep.doc.to_khai" value="1" checked`, "Giữ tệp đã đính kèm: to-khai-hung-mai.pdf (",
				"Giữ tệp đã đính kèm: xac-nhan-mai.pdf ("}, nil)

			// Another tab changes the draft, keeping the files: the first
			// review is stale.
			clk.advance(time.Second)
			f := fields(tok)
			f["vo_ho_ten"] = "Vũ Thị Lan"
			f["keep.doc.to_khai"], f["keep.doc.giay_xac_nhan"] = "1", "1"
			p2 := a.postMultipart(path, f, nil, nil)
			wantPage(t, "second review", p2, http.StatusOK, []string{"<dd>Vũ Thị Lan</dd>", "to-khai-hung-mai.pdf (", "xac-nhan-mai.pdf ("}, nil)
			stale := confirmReview(t, a, p)
			wantPage(t, "stale", stale, http.StatusConflict, []string{"Bản nháp đã thay đổi", `value="Vũ Thị Lan"`}, nil)
			if n := count(apptest.CitizenA); n != 0 {
				t.Fatalf("%d dossiers after a stale confirmation", n)
			}

			// Another citizen cannot confirm A's draft: they have none.
			b := loggedIn(apptest.CitizenB)
			action, cf := reviewForm(t, p2)
			wantPage(t, "B confirms A's draft", b.post(action, cf), http.StatusConflict, []string{"Không có hồ sơ nào đang chờ xác nhận"},
				[]string{"Vũ Thị Lan"})
			if n := count(apptest.CitizenA) + count(apptest.CitizenB); n != 0 {
				t.Fatalf("%d dossiers after B's confirmation", n)
			}
			// Keeping files is only ever from one's own draft.
			wantPage(t, "B keeps files", b.postMultipart(path, f, nil, nil), http.StatusBadRequest,
				[]string{"Chưa đính kèm giấy tờ bắt buộc «Tờ khai»."}, []string{"to-khai-hung-mai.pdf"})
			// Cross-site confirmation.
			p, _ = a.do("POST", action, cf, map[string]string{"Sec-Fetch-Site": "cross-site"})
			wantPage(t, "cross-site", p, http.StatusForbidden, []string{"được gửi từ một trang web khác"}, nil)

			// Confirmed: one dossier with the two documents, the draft gone.
			p = a.post(action, cf)
			if p.status != http.StatusSeeOther {
				t.Fatalf("confirmation: %d\n%s", p.status, p.body)
			}
			ds := dossiersOf(t, env, apptest.CitizenA)
			if len(ds) != 1 || p.header.Get("Location") != "/ho-so/"+ds[0].Code+"/da-nop" {
				t.Fatalf("%d dossiers, redirect to %q", len(ds), p.header.Get("Location"))
			}
			d, err := env.App.Dossiers.Get(context.Background(), dossier.Actor{AccountID: ds[0].OwnerID, Citizen: true}, ds[0].Code)
			if err != nil {
				t.Fatal(err)
			}
			if d.Form["vo_ho_ten"] != "Vũ Thị Lan" || len(d.Documents) != 2 {
				t.Fatalf("form %v, %d documents", d.Form, len(d.Documents))
			}
			names := map[string]string{}
			for _, doc := range d.Documents {
				names[doc.DocKey] = doc.Filename
			}
			if names["to_khai"] != "to-khai-hung-mai.pdf" || names["giay_xac_nhan"] != "xac-nhan-mai.pdf" {
				t.Errorf("documents %v", names)
			}
			wantPage(t, "after", a.get(path), http.StatusOK, nil, []string{"Đã khôi phục bản nháp", `value="Vũ Thị Lan"`})

			// Confirming again: nothing more is filed.
			wantPage(t, "again", a.post(action, cf), http.StatusConflict, []string{"Không có hồ sơ nào đang chờ xác nhận"}, nil)
			// The same page posted and confirmed again (the same token): the
			// same dossier.
			p = confirmReview(t, a, a.postMultipart(path, f, pdfs, nil))
			wantRedirect(t, "same token", p, http.StatusSeeOther, "/ho-so/"+ds[0].Code+"/da-nop")
			if n := count(apptest.CitizenA); n != 1 {
				t.Fatalf("%d dossiers after confirming twice", n)
			}
		})
	})
}

// newTokenForTest is a well-formed submission token no page gave.
func newTokenForTest() string { return "0123456789abcdef0123456789abcdef" }
