package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestNotices: every change the administration makes to a citizen's
// dossier arrives in their inbox in plain words, marked new until read; the
// citizen's own actions and other citizens' dossiers are not there.
func TestNotices(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			rec, spec, lead := env.Login("ht.receptionist"), env.Login("ht.specialist"), env.Login("ht.leader")
			rec.MustAct(&d, "receive", nil)
			lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			spec.MustAct(&d, "request_supplement", map[string]any{"documents": []string{"giay_xac_nhan"}, "reason": "Giấy xác nhận đã hết hạn"})

			a := loggedIn(t, env, apptest.CitizenA)
			wantPage(t, "profile", a.get("/ho-so"), http.StatusOK, []string{"Thông báo (3 mới)"}, nil)
			first := a.get("/thong-bao")
			wantPage(t, "inbox", first, http.StatusOK, []string{d.Code, "Bộ phận một cửa đã tiếp nhận hồ sơ.", "Giấy xác nhận tình trạng hôn nhân",
				"Giấy xác nhận đã hết hạn", "Mới"}, []string{"Bạn đã nộp hồ sơ"})
			if got := strings.Count(first.body, ">Mới<"); got != 3 {
				t.Errorf("%d items marked new, want 3", got)
			}
			// Read: nothing new any more, on the inbox or the profile.
			wantPage(t, "inbox read", a.get("/thong-bao"), http.StatusOK, []string{d.Code}, []string{">Mới<"})
			wantPage(t, "profile read", a.get("/ho-so"), http.StatusOK, []string{">Thông báo<"}, []string{"mới)"})
			// Another citizen's inbox does not hold A's dossier.
			b := loggedIn(t, env, apptest.CitizenB)
			wantPage(t, "other inbox", b.get("/thong-bao"), http.StatusOK, []string{"Bạn chưa có thông báo nào."}, []string{d.Code})
			// Anonymous visitors are sent to log in.
			anon := newBrowser(t, env)
			p, resp := anon.do("GET", "/thong-bao", nil, nil)
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/dang-nhap") {
				t.Fatalf("anonymous: %d %s", resp.StatusCode, p.body[:min(len(p.body), 80)])
			}
			// English.
			wantPage(t, "english", a.get("/thong-bao?lang=en"), http.StatusOK, []string{"Notifications", "The one-stop desk received the dossier."}, nil)
		})
	}
}
