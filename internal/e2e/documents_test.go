package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestTwoFilesForOneDocument: the citizen picks the two sides of a paper
// in one file input (multiple); the review page lists both, and both are
// filed under that document. Back on the page, each has its own box.
func TestTwoFilesForOneDocument(t *testing.T) {
	b := newBrowser(t)
	b.login(apptest.CitizenA, apptest.Password)
	b.open(submitPath)
	if !eval[bool](b, `document.querySelector('input[type="file"][name="doc.giay_xac_nhan"]').multiple`) {
		t.Fatal("the file input does not take several files")
	}
	b.fillSubmission(map[string]string{"doc.to_khai": writeFile(t, "to-khai.pdf", apptest.PDF("to khai", 2000))})
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"][name="doc.giay_xac_nhan"]`),
		[]string{writeFile(t, "mat-truoc.pdf", apptest.PDF("mat truoc", 2000)), writeFile(t, "mat-sau.pdf", apptest.PDF("mat sau", 2000))}))
	if n := eval[int](b, `document.querySelector('input[type="file"][name="doc.giay_xac_nhan"]').files.length`); n != 2 {
		t.Fatalf("%d files in the input, want 2", n)
	}
	b.submit(submitPath, `main form[enctype="multipart/form-data"] button.button--go`)
	b.contains("main h1", "Kiểm tra lại hồ sơ")
	items := b.text("main ul.files")
	if !strings.Contains(items, "mat-truoc.pdf") || !strings.Contains(items, "mat-sau.pdf") {
		t.Fatalf("the review lists %q", items)
	}
	b.fits("the review page with two files for one document")

	// "Sửa lại": one box per file, both ticked.
	b.follow(submitPath, chromedp.Click(chromedp.CSS(`main a.button--secondary`)))
	b.contains(`label[for="doc-giay_xac_nhan-keep"]`, "mat-truoc.pdf")
	b.contains(`label[for="doc-giay_xac_nhan-keep-2"]`, "mat-sau.pdf")
	if !eval[bool](b, `document.getElementById("doc-giay_xac_nhan-keep").checked && document.getElementById("doc-giay_xac_nhan-keep-2").checked`) {
		t.Fatal("the files kept are not ticked")
	}
	code := b.fileAndConfirm("Phường Hàng Trống")
	d := dossierOf(t, b.env.Login(apptest.CitizenA), code)
	n := 0
	for _, doc := range d.Documents {
		if doc.DocKey == "giay_xac_nhan" {
			n++
		}
	}
	if len(d.Documents) != 3 || n != 2 {
		t.Fatalf("%d documents, %d of them for giay_xac_nhan; want 3 and 2", len(d.Documents), n)
	}
}
