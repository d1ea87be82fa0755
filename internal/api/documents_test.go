package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
)

// TestSeveralPartsPerDocument: a document of several files is sent as
// several parts doc.<key>, all kept; more than a document holds is a 400
// naming it; a paper shown at the desk and the declaration are not
// required online.
func TestSeveralPartsPerDocument(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		a := env.Login(apptest.CitizenA)
		form := `{"chong_ho_ten":"Nguyễn Văn An","vo_ho_ten":"Lê Thị Cúc"}`
		pdf := func(field, name string) apptest.File {
			return apptest.File{Field: field, Name: name, Content: apptest.PDF(name, 0)}
		}
		ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": form},
			[]apptest.File{pdf("doc.to_khai", "to-khai.pdf"), pdf("doc.giay_xac_nhan", "mat-truoc.pdf"), pdf("doc.giay_xac_nhan", "mat-sau.pdf")})
		r := a.Raw("POST", "/api/v1/dossiers", ct, body, nil)
		if r.Status != 201 {
			t.Fatalf("two parts for one document: %d %s", r.Status, r.Body)
		}
		var d struct {
			Documents []struct {
				DocKey   string `json:"doc_key"`
				Filename string `json:"filename"`
			} `json:"documents"`
		}
		if err := json.Unmarshal(r.Body, &d); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, doc := range d.Documents {
			got = append(got, doc.DocKey+"="+doc.Filename)
		}
		if fmt.Sprint(got) != "[to_khai=to-khai.pdf giay_xac_nhan=mat-truoc.pdf giay_xac_nhan=mat-sau.pdf]" {
			t.Errorf("documents: %v", got)
		}

		// Eleven for one document.
		files := []apptest.File{pdf("doc.to_khai", "to-khai.pdf")}
		for i := range 11 {
			files = append(files, pdf("doc.giay_xac_nhan", fmt.Sprintf("trang-%d.pdf", i)))
		}
		ct, body = apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": form}, files)
		r = a.Raw("POST", "/api/v1/dossiers", ct, body, nil)
		if r.Status != 400 || !json.Valid(r.Body) || !strings.Contains(string(r.Body), "too_many_files") {
			t.Fatalf("eleven parts for one document: %d %s", r.Status, r.Body)
		}

		// A procedure whose declaration is the form and whose card is
		// shown: the certificate alone is enough.
		s := apptest.Spec("1.001193", "Đăng ký khai sinh", catalog.LevelCommune, "all_communes", 5)
		s.Version.Documents = []catalog.Document{
			{Key: "to_khai", Name: "Tờ khai đăng ký khai sinh", Originals: 1, Required: true, Declaration: true},
			{Key: "cccd", Name: "Thẻ căn cước (xuất trình)", Originals: 1, Required: true, Present: true},
			{Key: "chung_sinh", Name: "Giấy chứng sinh", Originals: 1, Required: true},
		}
		if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{s}); err != nil || len(rep.Rejected) > 0 {
			t.Fatalf("import: %v %v", err, rep.Rejected)
		}
		ct, body = apptest.Multipart(map[string]string{"procedure": "1.001193", "unit": apptest.HangTrong, "form": form}, nil)
		r = a.Raw("POST", "/api/v1/dossiers", ct, body, nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), `"doc.chung_sinh"`) || strings.Contains(string(r.Body), `"doc.cccd"`) || strings.Contains(string(r.Body), `"doc.to_khai"`) {
			t.Fatalf("nothing attached: %d %s", r.Status, r.Body)
		}
		ct, body = apptest.Multipart(map[string]string{"procedure": "1.001193", "unit": apptest.HangTrong, "form": form},
			[]apptest.File{pdf("doc.chung_sinh", "chung-sinh.pdf")})
		if r = a.Raw("POST", "/api/v1/dossiers", ct, body, nil); r.Status != 201 {
			t.Fatalf("the certificate alone: %d %s", r.Status, r.Body)
		}
		// The catalogue answers the flags.
		var p struct {
			Version struct {
				Documents []struct {
					Key         string `json:"key"`
					Present     bool   `json:"present"`
					Declaration bool   `json:"declaration"`
				} `json:"documents"`
			} `json:"version"`
		}
		if st := a.Do("GET", "/api/v1/procedures/1.001193", nil, &p); st != 200 || len(p.Version.Documents) != 3 ||
			!p.Version.Documents[0].Declaration || !p.Version.Documents[1].Present || p.Version.Documents[2].Present {
			t.Fatalf("procedure: %d %+v", st, p)
		}
	})
}
