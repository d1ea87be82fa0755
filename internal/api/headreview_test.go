package api_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestHeadReviewOverAPI walks a dossier of a procedure whose process has
// the head of office's step, on both stores: the specialist's draft waits
// for the head (the leader's finish is refused, 422 in both languages);
// the head returns it, the redraft needs a new review, the head approves
// it and the leader signs; slip 06 has the head's row under the step's
// name. A dossier of a procedure without the step goes from the draft to
// the leader as before.
func TestHeadReviewOverAPI(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		env.AddHeadReview()
		citizen := env.Login(apptest.CitizenA)
		rec, lead, spec := env.Login("ht.receptionist"), env.Login("ht.leader"), env.Login("ht.specialist")
		head, otherHead := env.Login("ht.head"), env.Login("hb.head")
		d := citizen.SubmitProcedure(apptest.HeadReviewed, apptest.HangTrong)
		rec.MustAct(&d, "receive", nil)
		lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
		draft := map[string]any{"result": map[string]any{"number": "7/QĐ-UBND", "summary": "Đăng ký lại kết hôn", "granted": true}}
		spec.MustAct(&d, "draft_result", draft)
		if d.Substate != "review_pending" {
			t.Fatalf("after the draft: substate %q, want review_pending", d.Substate)
		}

		// The leader may not sign before the head's review.
		r := lead.Act(&d, "finish", nil)
		if r.Status != 422 || r.DecodeError(t).Error.Code != "review_pending" || !strings.Contains(r.DecodeError(t).Error.Message, "trưởng phòng") {
			t.Fatalf("finish before the review: %d %s", r.Status, r.Body)
		}
		lead.Lang = "en"
		if r := lead.Act(&d, "finish", nil); r.Status != 422 || !strings.Contains(r.DecodeError(t).Error.Message, "head of office") {
			t.Fatalf("finish before the review, in English: %d %s", r.Status, r.Body)
		}
		lead.Lang = ""
		var seen apptest.Dossier
		if st := lead.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &seen); st != 200 || slices.Contains(seen.NextActions, "finish") {
			t.Fatalf("the leader is offered %v (%d)", seen.NextActions, st)
		}
		if st := head.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &seen); st != 200 || !slices.Contains(seen.NextActions, "approve_draft") ||
			!slices.Contains(seen.NextActions, "return_draft") {
			t.Fatalf("the head is offered %v (%d)", seen.NextActions, st)
		}
		// Another unit's head neither sees nor reviews it: the same 404.
		if st := otherHead.Do("GET", "/api/v1/dossiers/"+d.Code, nil, nil); st != 404 {
			t.Errorf("another unit's head reads the dossier: %d", st)
		}
		if r := otherHead.Act(&d, "approve_draft", nil); r.Status != 404 {
			t.Errorf("another unit's head approves: %d %s", r.Status, r.Body)
		}
		if r := spec.Act(&d, "approve_draft", nil); r.Status != 403 {
			t.Errorf("the specialist approves the draft: %d %s", r.Status, r.Body)
		}

		// The head sends it back; the redraft goes to the head again.
		if r := head.Act(&d, "return_draft", nil); r.Status != 400 || r.DecodeError(t).Error.Code != "reason_required" {
			t.Fatalf("return without a reason: %d %s", r.Status, r.Body)
		}
		head.MustAct(&d, "return_draft", map[string]any{"reason": "Bổ sung căn cứ pháp lý vào trích yếu."})
		if d.Substate != "draft_returned" {
			t.Fatalf("after the head's return: substate %q", d.Substate)
		}
		if r := lead.Act(&d, "finish", map[string]any{"result": map[string]any{"summary": "Kết quả của lãnh đạo", "granted": true}}); r.Status != 422 ||
			r.DecodeError(t).Error.Code != "review_required" {
			t.Fatalf("the leader's own result without the head's review: %d %s", r.Status, r.Body)
		}
		draft["result"].(map[string]any)["summary"] = "Đăng ký lại kết hôn, căn cứ Luật Hộ tịch 2014"
		spec.MustAct(&d, "draft_result", draft)
		if d.Substate != "review_pending" {
			t.Fatalf("after the redraft: substate %q, want review_pending", d.Substate)
		}
		if r := lead.Act(&d, "finish", nil); r.Status != 422 {
			t.Fatalf("finish before the second review: %d %s", r.Status, r.Body)
		}
		head.MustAct(&d, "approve_draft", map[string]any{"reason": "Đồng ý trình ký."})
		if d.Substate != "result_drafted" {
			t.Fatalf("after the head's approval: substate %q", d.Substate)
		}
		if r := head.Act(&d, "approve_draft", nil); r.Status != 422 || r.DecodeError(t).Error.Code != "no_draft_to_review" {
			t.Fatalf("a second approval: %d %s", r.Status, r.Body)
		}
		lead.MustAct(&d, "finish", nil)
		if d.Status != 9 || d.Result == nil || d.Result.Summary != "Đăng ký lại kết hôn, căn cứ Luật Hộ tịch 2014" || d.Result.DraftedBy == "" {
			t.Fatalf("after finish: status %d result %+v", d.Status, d.Result)
		}
		rec.MustAct(&d, "deliver", map[string]any{"method": "in_person"})

		// The history: the head's first approval ended the head's step;
		// the leader's signature its own.
		if st := rec.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &d); st != 200 {
			t.Fatal(st)
		}
		var acts, steps []string
		for _, ev := range d.Events {
			acts = append(acts, ev.Action)
			if ev.Step != "" {
				steps = append(steps, ev.Action+":"+ev.Step)
			}
		}
		if want := "submit receive assign draft_result return_draft draft_result approve_draft finish deliver"; strings.Join(acts, " ") != want {
			t.Errorf("events %q, want %q", strings.Join(acts, " "), want)
		}
		if want := "receive:tiep_nhan assign:phan_cong draft_result:tham_dinh approve_draft:truong_phong finish:phe_duyet deliver:tra_ket_qua"; strings.Join(steps, " ") != want {
			t.Errorf("steps ended %q, want %q", strings.Join(steps, " "), want)
		}
		// Slip 06 prints the head's row under the step's name.
		text := pdfText(t, rec.Raw("GET", "/api/v1/dossiers/"+d.Code+"/slips/06", "", nil, nil).Body)
		// The layout wraps the step's name in its column: find the row
		// by its second line, and the head as the receiver of the draft.
		if !regexp.MustCompile(`(?m)^\s*\d+\s+Trưởng phòng\s`).MatchString(text) || !strings.Contains(text, "kiểm tra, duyệt") {
			t.Errorf("slip 06 lacks the head's step:\n%s", text)
		}

		// Without the step, nothing changes: the draft goes to the leader.
		m := citizen.Submit(apptest.HangTrong)
		rec.MustAct(&m, "receive", nil)
		lead.MustAct(&m, "assign", map[string]any{"assignee": "ht.specialist"})
		spec.MustAct(&m, "draft_result", draft)
		if m.Substate != "result_drafted" {
			t.Fatalf("marriage draft: substate %q", m.Substate)
		}
		if r := head.Act(&m, "approve_draft", nil); r.Status != 422 || r.DecodeError(t).Error.Code != "no_draft_to_review" {
			t.Fatalf("the head approves a draft of a procedure without the step: %d %s", r.Status, r.Body)
		}
		lead.MustAct(&m, "finish", nil)
	})
}
