package backoffice_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestDocumentPreview: staff of the unit get a dossier's PDF inline for the
// preview, byte for byte; staff of another commune get 404.
func TestDocumentPreview(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			pdf := apptest.PDF("to khai", 1500)
			ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
				"form": `{"chong_ho_ten":"Nguyễn Văn An","vo_ho_ten":"Lê Thị Cúc"}`},
				[]apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: pdf},
					{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", 1500)}})
			r := env.Login(apptest.CitizenA).Raw("POST", "/api/v1/dossiers", ct, body, nil)
			var d apptest.Dossier
			if r.Status != 201 || json.Unmarshal(r.Body, &d) != nil || len(d.Documents) != 2 || d.Documents[0].DocKey != "to_khai" {
				t.Fatalf("submit: %d %s", r.Status, r.Body)
			}
			// The page embeds the PDF only when asked: Chromium's viewer
			// would take the focus from the form being filled.
			page := "/can-bo/ho-so/" + d.Code
			rec := login(t, env, "ht.receptionist")
			if p := rec.get(page); p.status != 200 || strings.Contains(p.body, "<iframe") || !strings.Contains(p.body, fmt.Sprintf("?xem=%d#preview", d.Documents[0].ID)) {
				t.Fatalf("the page embeds the PDF or offers no preview link: %d", p.status)
			}
			want(t, "asked preview", rec.get(fmt.Sprintf("%s?xem=%d", page, d.Documents[0].ID)), 200,
				fmt.Sprintf(`<iframe src="/can-bo/ho-so/%s/tai-lieu/%d"`, d.Code, d.Documents[0].ID), `id="preview"`)
			want(t, "unknown preview", rec.get(page+"?xem=999999"), 404)
			want(t, "bad preview", rec.get(page+"?xem=abc"), 404)
			path := fmt.Sprintf("/can-bo/ho-so/%s/tai-lieu/%d", d.Code, d.Documents[0].ID)
			p := login(t, env, "ht.receptionist").get(path)
			if p.status != 200 || p.header.Get("Content-Type") != "application/pdf" ||
				!strings.HasPrefix(p.header.Get("Content-Disposition"), "inline") || p.body != string(pdf) {
				t.Fatalf("preview: %d %q %q", p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
			}
			if p := login(t, env, "hb.receptionist").get(path); p.status != 404 {
				t.Fatalf("other commune: %d", p.status)
			}
			if p := login(t, env, "ht.receptionist").get(fmt.Sprintf("/can-bo/ho-so/%s/tai-lieu/x", d.Code)); p.status != 404 {
				t.Fatalf("bad id: %d", p.status)
			}
		})
	}
}
