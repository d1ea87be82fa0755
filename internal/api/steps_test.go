package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/org"
)

// TestTransferConsultDraftApproveReturn walks the inter-agency path over
// the API on both stores: Hàng Trống's desk receives and hands the dossier
// to Hoàn Kiếm, whose specialist consults the Sở Tư pháp (which reads and
// answers without holding the dossier), drafts the result with its file;
// the leader returns the draft, then approves the second one; the result
// goes back to Hàng Trống's desk, which delivers it. The applicant never
// sees the draft, its file or the consultation.
func TestTransferConsultDraftApproveReturn(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		rec := env.Login("ht.receptionist")
		hkLead, hkSpec := env.Login("hk.leader"), env.Login("hk.specialist")
		stpSpec, hbSpec := env.Login("stp.specialist"), env.Login("hb.specialist")
		env.OfferMarriageAlso("all_districts")
		d := citizen.Submit(apptest.HangTrong)
		rec.MustAct(&d, "receive", nil)
		due := *d.LegalDueAt
		rec.MustAct(&d, "transfer", map[string]any{"to_unit": apptest.HoanKiem, "reason": "Thuộc thẩm quyền của quận"})
		if d.Unit != apptest.HoanKiem || d.Status != 4 {
			t.Fatalf("after the transfer: unit %s status %d", d.Unit, d.Status)
		}
		hkLead.MustAct(&d, "assign", map[string]any{"assignee": "hk.specialist"})

		// Consultation: the dossier stays at Hoàn Kiếm.
		if r := hkSpec.Act(&d, "consult", map[string]any{"to_unit": apptest.SoTuPhap}); r.Status != 400 || r.DecodeError(t).Error.Code != "question_required" {
			t.Fatalf("consult without a question: %d %s", r.Status, r.Body)
		}
		if r := hkSpec.Act(&d, "consult", map[string]any{"to_unit": "000.99.99.H26", "reason": "?"}); r.Status != 400 {
			t.Fatalf("consult an unknown unit: %d %s", r.Status, r.Body)
		}
		// A ward dissolved by a reorganisation is not consulted.
		gone := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		if err := env.DB.UpsertUnits(context.Background(), []org.Unit{{Code: "000.98.02.H26", Name: "Phường Cũ", Kind: org.KindCommune,
			ParentCode: apptest.HoanKiem, ValidTo: &gone}}); err != nil {
			t.Fatal(err)
		}
		if r := hkSpec.Act(&d, "consult", map[string]any{"to_unit": "000.98.02.H26", "reason": "?"}); r.Status != 400 || r.DecodeError(t).Error.Code != "unit_not_in_force" {
			t.Fatalf("consult a dissolved unit: %d %s", r.Status, r.Body)
		}
		const question = "Đề nghị Sở cho ý kiến về việc ghi chú kết hôn."
		for _, days := range []any{31, -1, "năm"} {
			r := hkSpec.Act(&d, "consult", map[string]any{"to_unit": apptest.SoTuPhap, "reason": question, "reply_days": days})
			if r.Status != 400 {
				t.Fatalf("consult with reply_days %v: %d %s", days, r.Status, r.Body)
			}
			if _, isInt := days.(int); isInt && (r.DecodeError(t).Error.Code != "reply_days_invalid" || !strings.Contains(string(r.Body), "ngày làm việc")) {
				t.Errorf("consult with reply_days %v: %s", days, r.Body)
			}
		}
		hkSpec.MustAct(&d, "consult", map[string]any{"to_unit": apptest.SoTuPhap, "reason": question})
		if c := d.Consultations; len(c) != 1 || c[0].ReplyDays != 5 || c[0].ReplyBy == nil || c[0].Verdict != "" {
			t.Fatalf("a consultation without reply_days: %+v", c)
		}
		if d.Unit != apptest.HoanKiem || d.Substate != "consulting" || *d.LegalDueAt != due {
			t.Fatalf("after consult: unit %s substate %s due %s", d.Unit, d.Substate, *d.LegalDueAt)
		}
		if r := hkSpec.Act(&d, "consult", map[string]any{"to_unit": apptest.SoTuPhap, "reason": "lần hai"}); r.Status != 422 {
			t.Fatalf("second open consultation of one unit: %d %s", r.Status, r.Body)
		}
		var seen apptest.Dossier
		if st := stpSpec.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &seen); st != 200 {
			t.Fatalf("the consulted unit reads the dossier: %d", st)
		}
		if !slices.Equal(seen.NextActions, []string{"answer_consult"}) {
			t.Errorf("the consulted specialist is offered %v", seen.NextActions)
		}
		if st := hbSpec.Do("GET", "/api/v1/dossiers/"+d.Code, nil, nil); st != 404 {
			t.Errorf("another commune reads the dossier: %d", st)
		}
		if r := stpSpec.Act(&seen, "request_fee", map[string]any{"amount": 50000}); r.Status != 403 {
			t.Errorf("the consulted unit acts beyond its answer: %d", r.Status)
		}
		stpSpec.MustAct(&seen, "answer_consult", map[string]any{"reason": "Đủ điều kiện ghi chú."})
		hkSpec.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &d)
		if d.Substate != "consulted" || len(d.Consultations) != 1 || d.Consultations[0].Answer != "Đủ điều kiện ghi chú." || d.Consultations[0].AnsweredAt == nil {
			t.Fatalf("after the answer: substate %s consultations %+v", d.Substate, d.Consultations)
		}

		// The draft with its file, returned once, then approved.
		draft := func(number string) {
			t.Helper()
			cmd, _ := json.Marshal(map[string]any{"action": "draft_result", "version": d.Version,
				"result": map[string]any{"number": number, "summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
			ct, body := apptest.Multipart(map[string]string{"command": string(cmd)},
				[]apptest.File{{Field: "result", Name: "gcnkh-" + number + ".pdf", Content: apptest.PDF("ket qua "+number, 1500)}})
			r := hkSpec.Raw("POST", "/api/v1/dossiers/"+d.Code+"/actions", ct, body, nil)
			if r.Status != 200 {
				t.Fatalf("draft %s: %d %s", number, r.Status, r.Body)
			}
			_ = json.Unmarshal(r.Body, &d)
		}
		if r := hkLead.Act(&d, "return_draft", map[string]any{"reason": "x"}); r.Status != 422 {
			t.Fatalf("return without a draft: %d", r.Status)
		}
		draft("01/GCNKH")
		if d.Status != 4 || d.Substate != "result_drafted" || d.Result == nil || d.Result.DraftedBy == "" {
			t.Fatalf("after the draft: %d %s %+v", d.Status, d.Substate, d.Result)
		}
		var mine apptest.Dossier
		citizen.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &mine)
		if mine.Result != nil || mine.Consultations != nil {
			t.Errorf("the applicant sees the draft %+v or the consultation %+v", mine.Result, mine.Consultations)
		}
		for _, doc := range d.Documents {
			if doc.Kind == "result" {
				if st := citizen.Do("GET", fmt.Sprintf("/api/v1/dossiers/%s/documents/%d", d.Code, doc.ID), nil, nil); st != 404 {
					t.Errorf("the applicant downloads the draft's file: %d", st)
				}
			}
		}
		for _, ev := range mine.Events {
			if ev.Action == "consult" || ev.Action == "answer_consult" || ev.Action == "draft_result" {
				t.Errorf("the applicant sees the internal event %s", ev.Action)
			}
		}
		hkLead.MustAct(&d, "return_draft", map[string]any{"reason": "Ghi sai số"})
		draft("02/GCNKH")
		hkLead.MustAct(&d, "finish", nil)
		if d.Status != 9 || d.Result == nil || d.Result.Number != "02/GCNKH" || d.Result.SignedBy == "" {
			t.Fatalf("after approval: %d %+v", d.Status, d.Result)
		}
		citizen.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &mine)
		if mine.Result == nil || mine.Result.Number != "02/GCNKH" {
			t.Errorf("the applicant does not see the issued result: %+v", mine.Result)
		}

		// Back to the desk that received it, then delivered there.
		if r := rec.Act(&d, "deliver", map[string]any{"method": "in_person"}); r.Status != 403 {
			t.Fatalf("delivery before the result is back at the desk: %d %s", r.Status, r.Body)
		}
		hkSpec.MustAct(&d, "return_result", nil)
		if d.Unit != apptest.HangTrong || d.Substate != "returned_to_desk" {
			t.Fatalf("after return_result: unit %s substate %s", d.Unit, d.Substate)
		}
		rec.MustAct(&d, "deliver", map[string]any{"method": "in_person"})
		var acts []string
		for _, e := range d.Events {
			acts = append(acts, e.Action)
		}
		want := "submit receive transfer assign consult answer_consult draft_result return_draft draft_result finish return_result deliver"
		if got := strings.Join(acts, " "); got != want {
			t.Errorf("events %s\nwant   %s", got, want)
		}

		// The citizen's notices leave out the internal steps.
		ns, _, err := env.DB.Notices(context.Background(), accountID(t, env, apptest.CitizenA), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.Event.Action.Internal() {
				t.Errorf("notice of the internal event %s", n.Event.Action)
			}
		}
		if len(ns) < 5 {
			t.Errorf("%d notices, want one per public step", len(ns))
		}
	})
}

func accountID(t *testing.T, env *apptest.Env, username string) int64 {
	t.Helper()
	a, err := env.DB.AccountByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}
