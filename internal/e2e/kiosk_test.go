package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestRatingKioskInBrowser: the receptionist opens the rating screen from
// the dossier page of a result handed over in person; on a 360 px phone
// the three large buttons stack and nothing scrolls sideways, on a tablet
// they stand side by side; the officer's account menu is hidden; the
// applicant taps "Hài lòng" and is thanked, and the rating is recorded.
func TestRatingKioskInBrowser(t *testing.T) {
	b := newBrowser(t)
	env := b.env
	rec, lead := env.Login("ht.receptionist"), env.Login("ht.leader")
	var d apptest.Dossier
	if st := rec.Do("POST", "/api/v1/dossiers", map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
		"form": apptest.MarriageForm(), "applicant": map[string]any{"id_number": "001085012345", "full_name": "Phạm Văn Đức"},
		"received": apptest.MarriageReceived()}, &d); st != 201 {
		t.Fatalf("counter intake: %d", st)
	}
	lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
	lead.MustAct(&d, "finish", map[string]any{"result": map[string]any{"summary": "Cấp giấy chứng nhận kết hôn", "granted": true}})
	rec.MustAct(&d, "deliver", map[string]any{"method": "in_person"})

	desk := b.staffBrowser("ht.receptionist")
	path := "/can-bo/danh-gia/" + d.Code
	desk.open("/can-bo/ho-so/" + d.Code)
	desk.follow(path, chromedp.Click(chromedp.CSS("#kiosk-link")))
	desk.contains("main h1", "Đánh giá sự hài lòng")
	desk.fits("the rating kiosk")
	type box struct{ Top, Height, Width float64 }
	boxes := func() []box {
		return eval[[]box](desk, `Array.from(document.querySelectorAll(".kiosk__choice")).map(e => { const r = e.getBoundingClientRect(); return {Top: r.top, Height: r.height, Width: r.width} })`)
	}
	phone := boxes()
	if len(phone) != 3 {
		t.Fatalf("%d buttons, want 3", len(phone))
	}
	for i, bx := range phone {
		if bx.Height < 64 || bx.Width < 300 {
			t.Errorf("button %d is %.0f×%.0f px on a phone, want a large target (≥ 300×64)", i, bx.Width, bx.Height)
		}
		if i > 0 && bx.Top <= phone[i-1].Top {
			t.Errorf("on a phone the buttons stack: button %d at %.0f, the one before at %.0f", i, bx.Top, phone[i-1].Top)
		}
	}
	if shown := eval[string](desk, `getComputedStyle(document.querySelector(".account-nav")).display`); shown != "none" {
		t.Errorf("the officer's account menu shows on the kiosk (display %s)", shown)
	}

	// A tablet in landscape: three side by side, still large.
	desk.do(chromedp.EmulateViewport(1024, 768))
	tablet := boxes()
	for i, bx := range tablet {
		if bx.Height < 64 || bx.Width < 200 || bx.Top != tablet[0].Top {
			t.Errorf("tablet button %d: %.0f×%.0f at %.0f, want one row of large buttons", i, bx.Width, bx.Height, bx.Top)
		}
	}
	if w := eval[int](desk, "document.documentElement.scrollWidth"); w > 1024 {
		t.Errorf("the kiosk is %d px wide on a 1024 px tablet", w)
	}

	desk.submit(path, "#rate-satisfied")
	desk.contains("#kiosk-thanks", "Cảm ơn ông/bà đã đánh giá.")
	desk.contains("#kiosk-thanks", "Ông/bà đã chọn: Hài lòng.")
	var got apptest.Dossier
	if st := rec.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &got); st != 200 || got.Rating != "satisfied" {
		t.Fatalf("after the tap: %d, rating %q", st, got.Rating)
	}
}
