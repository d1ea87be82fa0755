package portal_test

import (
	"net/http"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestDrafts: what a citizen typed on the submission page survives a closed
// browser (a new session), whether saved with the button or left by a
// submission that had errors; a successful submission clears it.
func TestDrafts(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		path := "/thu-tuc/" + apptest.Marriage + "/nop-ho-so"
		loggedIn := func() *browser {
			b := newBrowser(t, env)
			wantRedirect(t, "login", b.post("/dang-nhap", login(apptest.CitizenA)), http.StatusSeeOther, "/ho-so")
			return b
		}
		a := loggedIn()
		p := a.postMultipart(path, map[string]string{"unit": apptest.HangBac, "chong_ho_ten": "Phạm Văn Đức", "save": "1"}, nil, nil)
		wantPage(t, "save draft", p, http.StatusOK, []string{"Đã lưu nháp", `value="Phạm Văn Đức"`}, []string{"Chưa đính kèm"})
		if n := len(dossiersOf(t, env, apptest.CitizenA)); n != 0 {
			t.Fatalf("saving a draft stored %d dossiers", n)
		}
		// A new browser session finds it again.
		b := loggedIn()
		wantPage(t, "restored", b.get(path), http.StatusOK, []string{"Đã khôi phục bản nháp", `value="Phạm Văn Đức"`,
			`<option value="` + apptest.HangBac + `" selected>`}, nil)
		// A submission with errors keeps the latest values too.
		p = b.postMultipart(path, map[string]string{"unit": apptest.HangTrong, "chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"}, nil, nil)
		if p.status != http.StatusBadRequest {
			t.Fatalf("submission without documents: %d", p.status)
		}
		c := loggedIn()
		wantPage(t, "restored after errors", c.get(path), http.StatusOK, []string{`value="Hoàng Thị Én"`}, nil)
		// Submitted: the draft is gone.
		files := []apptest.File{{Field: "doc.to_khai", Name: "a.pdf", Content: apptest.PDF("a", 0)},
			{Field: "doc.giay_xac_nhan", Name: "b.pdf", Content: apptest.PDF("b", 0)}}
		p = c.postMultipart(path, map[string]string{"unit": apptest.HangTrong, "chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"}, files, nil)
		p = confirmReview(t, c, p)
		if p.status != http.StatusSeeOther {
			t.Fatalf("submission: %d", p.status)
		}
		wantPage(t, "after submission", loggedIn().get(path), http.StatusOK, nil, []string{"Đã khôi phục bản nháp", `value="Hoàng Thị Én"`})
	})
}
