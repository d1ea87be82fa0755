package portal_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestBlankFormDownload: the procedure page offers the blank declaration
// form of the version in force as a PDF to download; an unknown procedure
// has none.
func TestBlankFormDownload(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			b := newBrowser(t, env)
			link := "/thu-tuc/" + apptest.Marriage + "/mau-to-khai.pdf"
			wantPage(t, "procedure", b.get("/thu-tuc/"+apptest.Marriage), http.StatusOK,
				[]string{`href="` + link + `"`, "Tải mẫu tờ khai (PDF)", "Mẫu do hệ thống tạo từ tờ khai điện tử"}, nil)

			p := b.get(link)
			if p.status != http.StatusOK {
				t.Fatalf("blank form: status %d\n%s", p.status, p.body[:min(len(p.body), 300)])
			}
			if ct := p.header.Get("Content-Type"); ct != "application/pdf" {
				t.Errorf("Content-Type %q, want application/pdf", ct)
			}
			want := `attachment; filename="mau-to-khai-` + apptest.Marriage + `.pdf"`
			if cd := p.header.Get("Content-Disposition"); cd != want {
				t.Errorf("Content-Disposition %q, want %q", cd, want)
			}
			if !strings.HasPrefix(p.body, "%PDF-") {
				t.Errorf("body is not a PDF: %q", p.body[:min(len(p.body), 16)])
			}

			// A document that names a template links its name to the form.
			spec := apptest.Spec("1.000999", "Đăng ký lại kết hôn", catalog.LevelCommune, "all_communes", 5)
			spec.Version.Documents[0].Template = "Tờ khai đăng ký lại kết hôn (mẫu TP/HT-2020)"
			if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{spec}); err != nil || len(rep.Rejected) > 0 {
				t.Fatalf("import: %v %v", err, rep.Rejected)
			}
			wantPage(t, "template", b.get("/thu-tuc/1.000999"), http.StatusOK,
				[]string{`<a href="/thu-tuc/1.000999/mau-to-khai.pdf" download lang="vi">Tờ khai đăng ký lại kết hôn (mẫu TP/HT-2020)</a>`}, nil)

			wantPage(t, "unknown", b.get("/thu-tuc/9.999999/mau-to-khai.pdf"), http.StatusNotFound, []string{"9.999999"}, nil)
			wantPage(t, "english", b.get("/thu-tuc/"+apptest.Marriage+"?lang=en"), http.StatusOK, []string{"Download the blank form (PDF)"}, nil)
		})
	}
}

// TestSameDayLimitInWords: a procedure decided on the day of receipt is
// said so in a sentence, not as "Thời hạn giải quyết là Trong ngày".
func TestSameDayLimitInWords(t *testing.T) {
	env := apptest.Start(t, storetest.Engines[0], app.Options{})
	spec := apptest.Spec("9.000001", "Xác nhận trong ngày", catalog.LevelCommune, "all_communes", 3)
	spec.Version.LimitAmount = 0 // decided the day it is received
	for i := range spec.Version.Process {
		spec.Version.Process[i].BudgetHours = 1
	}
	if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{spec}); err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("import: %v %v", err, rep.Rejected)
	}
	citizen := env.Login(apptest.CitizenA)
	ct, body := apptest.Multipart(map[string]string{"procedure": "9.000001", "unit": apptest.HangTrong,
		"form": `{"chong_ho_ten":"A","vo_ho_ten":"B"}`}, apptest.MarriageDocuments())
	r := citizen.Raw("POST", "/api/v1/dossiers", ct, body, nil)
	if r.Status != 201 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	code := strings.SplitN(strings.SplitN(string(r.Body), `"code":"`, 2)[1], `"`, 2)[0]
	b := loggedIn(t, env, apptest.CitizenA)
	wantPage(t, "confirmation", b.get("/ho-so/"+code+"/da-nop"), http.StatusOK,
		[]string{"Hồ sơ được giải quyết trong ngày tiếp nhận."}, []string{"là Trong ngày"})
}

// TestMostUsedOnlineFirst: the home page's "most used" list puts the
// procedures that can be submitted online before more used ones that
// cannot, on both engines.
func TestMostUsedOnlineFirst(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			ctx := context.Background()
			spec := apptest.Spec("9.000002", "Thủ tục chỉ nộp trực tiếp", catalog.LevelCommune, "all_communes", 3)
			spec.Version.LegacyLevel, spec.Version.Class = 2, catalog.ClassInfo
			if rep, err := env.DB.ImportCatalogue(ctx, []catalog.Spec{spec}); err != nil || len(rep.Rejected) > 0 {
				t.Fatalf("import: %v %v", err, rep.Rejected)
			}
			desk := env.Login("ht.receptionist")
			for range 3 {
				body := map[string]any{"procedure": "9.000002", "unit": apptest.HangTrong, "form": apptest.MarriageForm(),
					"applicant": map[string]string{"id_number": "001301099999", "full_name": "Lê Thị Cúc", "phone": "0912000111"},
					"received":  apptest.MarriageReceived()}
				if st := desk.Do("POST", "/api/v1/dossiers", body, nil); st != 201 {
					t.Fatalf("counter intake: %d", st)
				}
			}
			env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			top, err := env.DB.MostUsedProcedures(ctx, time.Now().AddDate(-1, 0, 0), time.Now(), 10)
			if err != nil || len(top) != 2 || top[0].Code != apptest.Marriage || top[1].Code != "9.000002" || top[1].Dossiers != 3 {
				t.Fatalf("most used %+v %v", top, err)
			}
		})
	}
}
