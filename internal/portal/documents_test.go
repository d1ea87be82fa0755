package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
)

// birth is a procedure of the test whose declaration is the online form
// and whose identity card is shown at the desk; only the birth
// certificate is uploaded.
const birth = "1.001193"

func importBirth(t *testing.T, env *apptest.Env) {
	t.Helper()
	s := apptest.Spec(birth, "Đăng ký khai sinh", catalog.LevelCommune, "all_communes", 5)
	s.Version.Documents = []catalog.Document{
		{Key: "to_khai", Name: "Tờ khai đăng ký khai sinh (theo mẫu)", Originals: 1, Required: true, Declaration: true},
		{Key: "cccd", Name: "Thẻ căn cước của người yêu cầu (xuất trình)", Originals: 1, Required: true, Present: true},
		{Key: "chung_sinh", Name: "Giấy chứng sinh", Originals: 1, Required: true},
	}
	if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{s}); err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("importing %s: %v %v", birth, err, rep.Rejected)
	}
}

// TestDocumentsOnline: a paper shown at the desk and the declaration have
// no file input and are never missing; one document takes several files,
// kept file by file through the draft and the review, and filed together.
func TestDocumentsOnline(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		importBirth(t, env)
		path := "/thu-tuc/" + birth + "/nop-ho-so"
		a := newBrowser(t, env)
		wantRedirect(t, "login", a.post("/dang-nhap", login(apptest.CitizenA)), http.StatusSeeOther, "/ho-so")

		p := a.get(path)
		checkHTML(t, "form", p, "vi")
		wantPage(t, "form", p, http.StatusOK, []string{
			"Tờ khai điện tử — điền ở mục Tờ khai", `href="#to-khai"`, `<h2 id="to-khai">`,
			"Xuất trình bản chính tại bộ phận một cửa khi nhận kết quả",
			`name="doc.chung_sinh" accept=".pdf,.jpg,.jpeg,.png" multiple required`,
		}, []string{`name="doc.to_khai"`, `name="doc.cccd"`})

		fields := func(tok string) map[string]string {
			return map[string]string{"unit": apptest.HangTrong, "chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Bích", "token": tok}
		}
		pdf := func(name string) apptest.File {
			return apptest.File{Field: "doc.chung_sinh", Name: name, Content: apptest.PDF(name, 0)}
		}
		// Without the certificate: only it is missing.
		p = a.postMultipart(path, fields(""), nil, nil)
		wantPage(t, "nothing attached", p, http.StatusBadRequest, []string{"Chưa đính kèm giấy tờ bắt buộc «Giấy chứng sinh»."},
			[]string{"Chưa đính kèm giấy tờ bắt buộc «Tờ khai", "Chưa đính kèm giấy tờ bắt buộc «Thẻ căn cước"})
		// Two files for it: the review lists both, and says how the other
		// two are given.
		tok := tokenRE.FindStringSubmatch(p.body)[1]
		p = a.postMultipart(path, fields(tok), []apptest.File{pdf("mat-truoc.pdf"), pdf("mat-sau.pdf")}, nil)
		checkHTML(t, "review", p, "vi")
		wantPage(t, "review", p, http.StatusOK, []string{"<li>mat-truoc.pdf (", "<li>mat-sau.pdf (",
			"Tờ khai điện tử — điền ở mục Tờ khai", "Xuất trình bản chính"}, []string{"Không đính kèm"})

		// Back to the page: one box per file.
		edit := a.get(path)
		checkHTML(t, "edit", edit, "vi")
		wantPage(t, "edit", edit, http.StatusOK, []string{
			`name="keep.doc.chung_sinh" value="1" checked`, "Giữ tệp đã đính kèm: mat-truoc.pdf (",
			`name="keep.doc.chung_sinh.2" value="1" checked`, "Giữ tệp đã đính kèm: mat-sau.pdf (",
			`name="doc.chung_sinh" accept=".pdf,.jpg,.jpeg,.png" multiple`}, []string{"multiple required"})

		// Untick the second, add a third: the first and the third.
		f := fields(tok)
		f["keep.doc.chung_sinh"] = "1"
		p = a.postMultipart(path, f, []apptest.File{pdf("trang-3.pdf")}, nil)
		wantPage(t, "second review", p, http.StatusOK, []string{"<li>mat-truoc.pdf (", "<li>trang-3.pdf ("}, []string{"mat-sau.pdf"})

		// Keeping both and adding more than a document holds: refused at
		// the document, with the service's cap.
		var more []apptest.File
		for i := range 9 {
			more = append(more, pdf(fmt.Sprintf("them-%d.pdf", i)))
		}
		f["keep.doc.chung_sinh.2"] = "1"
		over := a.postMultipart(path, f, more, nil)
		wantPage(t, "over the cap", over, http.StatusBadRequest, []string{"Quá nhiều tệp: mỗi giấy tờ tối đa 10 tệp", "them-8.pdf"}, nil)

		// The refused page kept everything in the draft, each file with
		// its box; the citizen keeps only the first two.
		f = fields(tok)
		f["keep.doc.chung_sinh"], f["keep.doc.chung_sinh.2"] = "1", "1"
		p = a.postMultipart(path, f, nil, nil)
		wantPage(t, "third review", p, http.StatusOK, []string{"<li>mat-truoc.pdf (", "<li>trang-3.pdf ("}, []string{"them-"})
		if p = confirmReview(t, a, p); p.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", p.status, p.body)
		}
		ds := dossiersOf(t, env, apptest.CitizenA)
		if len(ds) != 1 {
			t.Fatalf("%d dossiers", len(ds))
		}
		d, err := env.App.Dossiers.Get(context.Background(), dossier.Actor{AccountID: ds[0].OwnerID, Citizen: true}, ds[0].Code)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, doc := range d.Documents {
			got = append(got, doc.DocKey+"="+doc.Filename)
		}
		if strings.Join(got, ",") != "chung_sinh=mat-truoc.pdf,chung_sinh=trang-3.pdf" {
			t.Errorf("documents filed: %v", got)
		}
		wantPage(t, "form in English", a.get(path+"?lang=en"), http.StatusOK, []string{
			"Electronic declaration: fill it in under Application form", "Show the original at the one-stop desk"}, nil)
	})
}
