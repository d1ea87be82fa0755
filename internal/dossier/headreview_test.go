package dossier

import (
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
)

// headedVersion is testVersion with the head of office's review between
// the specialist's draft and the leader's signature.
func headedVersion() *catalog.Version {
	v := testVersion()
	p := v.Process
	v.Process = append(append(append([]catalog.Step{}, p[:3]...),
		catalog.Step{Key: "truong_phong", Name: "Trưởng phòng duyệt dự thảo", Role: "head", Action: "approve_draft", BudgetHours: 4}), p[3:]...)
	return v
}

// TestHeadReview walks the draft through the head of office's review, with
// and without the template's step: who may do what at each sub-state, what
// is refused (422, in both languages) and what each step leaves behind.
func TestHeadReview(t *testing.T) {
	specialist := staff(2, unitX, org.RoleSpecialist)
	leader := staff(3, unitX, org.RoleLeader)
	head := staff(11, unitX, org.RoleHead)
	headY := staff(12, unitY, org.RoleHead)
	draft := Command{Action: ActDraftResult, Result: &Result{Number: "12/QĐ", Summary: "Cấp giấy", Granted: true}}
	approve := Command{Action: ActApproveDraft, Reason: "Đồng ý trình ký"}
	finish := Command{Action: ActFinish}
	ret := Command{Action: ActReturnDraft, Reason: "Bổ sung căn cứ pháp lý"}
	type step struct {
		a   Actor
		cmd Command
		// want is the sub-state after the step, or the error code when
		// the step is refused.
		want    string
		refused bool
	}
	ok := func(a Actor, cmd Command, sub string) step { return step{a: a, cmd: cmd, want: sub} }
	no := func(a Actor, cmd Command, code string) step { return step{a: a, cmd: cmd, want: code, refused: true} }
	tests := []struct {
		name   string
		headed bool
		steps  []step
	}{
		{"without the step: as before, the leader signs the draft", false, []step{
			ok(specialist, draft, SubResultDrafted),
			no(head, approve, "no_draft_to_review"),
			no(head, ret, "no_draft"),
			ok(leader, finish, ""),
		}},
		{"with the step: finish refused until the head approves", true, []step{
			ok(specialist, draft, SubReviewPending),
			no(leader, finish, "review_pending"),
			no(leader, Command{Action: ActFinish, Result: &Result{Summary: "Kết quả của lãnh đạo"}}, "review_pending"),
			no(specialist, draft, "review_pending_head"),
			no(specialist, Command{Action: ActConsult, Reason: "?", ResolvedUnitID: unitY, ResolvedUnitCode: "Y", ResolvedUnitPath: "/1/20/"}, "review_pending_head"),
			no(leader, approve, "role_not_allowed"),
			no(headY, approve, "role_not_allowed"),
			ok(head, approve, SubResultDrafted),
			no(head, approve, "no_draft_to_review"),
			ok(leader, finish, ""),
		}},
		{"the head returns; the redraft needs a new review", true, []step{
			ok(specialist, draft, SubReviewPending),
			no(head, Command{Action: ActReturnDraft}, "reason_required"),
			ok(head, ret, SubDraftReturned),
			no(leader, finish, "review_required"),
			ok(specialist, draft, SubReviewPending),
			no(leader, finish, "review_pending"),
			ok(head, approve, SubResultDrafted),
			ok(leader, finish, ""),
		}},
		{"the leader returns a reviewed draft; the redraft goes to the head again", true, []step{
			ok(specialist, draft, SubReviewPending),
			ok(head, approve, SubResultDrafted),
			no(head, ret, "no_draft"),
			ok(leader, ret, SubDraftReturned),
			ok(specialist, draft, SubReviewPending),
			no(leader, finish, "review_pending"),
			ok(head, approve, SubResultDrafted),
			ok(leader, finish, ""),
		}},
		{"the leader may return a draft still under review", true, []step{
			ok(specialist, draft, SubReviewPending),
			ok(leader, ret, SubDraftReturned),
			no(head, approve, "no_draft_to_review"),
		}},
		{"with the step, no draft at all: the leader may not sign a result of their own", true, []step{
			no(leader, Command{Action: ActFinish, Result: &Result{Summary: "Kết quả của lãnh đạo"}}, "review_required"),
		}},
	}
	clk := testClock(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := testVersion()
			if tt.headed {
				v = headedVersion()
			}
			d := dossierIn(StatusProcessing)
			d.AssigneeID = 2
			d.StepIndex = 2 // the examination
			now := time.Date(2025, 3, 4, 9, 0, 0, 0, ict)
			for i, st := range tt.steps {
				now = now.Add(time.Hour)
				st.cmd.Version = d.Version
				before := *d
				ev, err := Apply(d, v, st.a, st.cmd, now, clk)
				if st.refused {
					e, isApp := apperr.As(err)
					if !isApp || e.Code != st.want || (e.Kind != apperr.Unprocessable && e.Kind != apperr.Forbidden && e.Kind != apperr.Invalid) {
						t.Fatalf("step %d %s by %s: want %s, got %v", i, st.cmd.Action, st.a.Name, st.want, err)
					}
					if e.Message("vi") == e.Message("en") || e.Message("vi") == "" {
						t.Errorf("step %d: message not in both languages: %q / %q", i, e.Message("vi"), e.Message("en"))
					}
					if d.Version != before.Version || d.Substate != before.Substate {
						t.Fatalf("step %d: a refused action changed the dossier", i)
					}
					if slices.Contains(NextActions(&before, st.a), st.cmd.Action) && st.want != "review_required" && st.want != "reason_required" {
						t.Errorf("step %d: NextActions offers %s, which is refused", i, st.cmd.Action)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d %s by %s: %v", i, st.cmd.Action, st.a.Name, err)
				}
				if d.Substate != st.want {
					t.Fatalf("step %d %s: substate %q, want %q", i, st.cmd.Action, d.Substate, st.want)
				}
				if st.cmd.Action == ActApproveDraft {
					if ev.Role != string(org.RoleHead) || ev.Note != "Đồng ý trình ký" {
						t.Errorf("approval event: role %q note %q", ev.Role, ev.Note)
					}
					if rd, _ := ev.Data.(ResultData); rd.ResultNumber != "12/QĐ" {
						t.Errorf("approval event data %#v, want the draft's number", ev.Data)
					}
				}
				if st.cmd.Action == ActFinish {
					if d.Status != StatusFinished || d.Result == nil || d.Result.Summary != "Cấp giấy" || d.Result.SignedBy != leader.Name {
						t.Fatalf("finish: status %d result %+v", d.Status, d.Result)
					}
				}
			}
		})
	}
}

// TestHeadReviewSteps: on a template with the head's step, the first
// approval ends that step (slip 06 prints it under the step's name), the
// leader's signature ends the approval step alone, and a second approval
// after a return ends none.
func TestHeadReviewSteps(t *testing.T) {
	clk := testClock(t)
	v := headedVersion()
	d := dossierIn(StatusProcessing)
	d.AssigneeID, d.StepIndex = 2, 2
	now := time.Date(2025, 3, 4, 9, 0, 0, 0, ict)
	act := func(a Actor, cmd Command) *Event {
		t.Helper()
		now = now.Add(time.Hour)
		cmd.Version = d.Version
		ev, err := Apply(d, v, a, cmd, now, clk)
		if err != nil {
			t.Fatalf("%s: %v", cmd.Action, err)
		}
		return ev
	}
	draft := Command{Action: ActDraftResult, Result: &Result{Summary: "Cấp giấy", Granted: true}}
	if ev := act(staff(2, unitX, org.RoleSpecialist), draft); ev.StepKey != "tham_dinh" {
		t.Fatalf("draft ends %q, want tham_dinh", ev.StepKey)
	}
	ev := act(staff(11, unitX, org.RoleHead), Command{Action: ActApproveDraft})
	if ev.StepKey != "truong_phong" || ev.BudgetHours != 4 || ev.Verdict == "" {
		t.Fatalf("head's approval: step %q budget %v verdict %q", ev.StepKey, ev.BudgetHours, ev.Verdict)
	}
	act(staff(3, unitX, org.RoleLeader), Command{Action: ActReturnDraft, Reason: "Sửa trích yếu"})
	if ev := act(staff(2, unitX, org.RoleSpecialist), draft); ev.StepKey != "" {
		t.Fatalf("redraft ends %q, want none", ev.StepKey)
	}
	if ev := act(staff(11, unitX, org.RoleHead), Command{Action: ActApproveDraft}); ev.StepKey != "" {
		t.Fatalf("second approval ends %q, want none", ev.StepKey)
	}
	if ev := act(staff(3, unitX, org.RoleLeader), Command{Action: ActFinish}); ev.StepKey != "phe_duyet" || ev.BudgetHours != 4 {
		t.Fatalf("signature: step %q budget %v", ev.StepKey, ev.BudgetHours)
	}
}
