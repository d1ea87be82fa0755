package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStaffSearchInBrowser: at the ward's desk, an officer types the
// applicant's phone number into the dossier list's search box and finds a
// dossier already delivered (the archive, not only the open ones). That an
// officer never finds another ward's dossiers is backoffice.TestStaffSearch.
func TestStaffSearchInBrowser(t *testing.T) {
	b := newBrowser(t)
	d := submitWithDocuments(t, b.env)
	rec, lead := b.env.Login("ht.receptionist"), b.env.Login("ht.leader")
	rec.MustAct(&d, "receive", nil)
	lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
	lead.MustAct(&d, "finish", map[string]any{"result": map[string]any{"summary": "Cấp giấy chứng nhận kết hôn", "granted": true}})
	rec.MustAct(&d, "deliver", map[string]any{"method": "in_person"})

	row := fmt.Sprintf(`!!document.querySelector('a.code[href="/can-bo/ho-so/%s"]')`, d.Code)
	b.staffLogin("ht.receptionist")
	b.open("/can-bo/ho-so")
	b.do(chromedp.SendKeys(chromedp.CSS("#q"), "0912345678"), chromedp.Submit(chromedp.CSS("#q")))
	b.waitFor("the delivered dossier found by phone", row)
	b.contains("main", "Đã trả kết quả")
}
