package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Step actions: the lifecycle hand-overs that end a process step (the
// action names of package dossier, which imports this one).
const (
	StepReceive      = "receive"       // the desk receives the dossier and issues slip 01
	StepTransfer     = "transfer"      // the desk passes it to the processing unit
	StepAssign       = "assign"        // the leader assigns a specialist
	StepDraftResult  = "draft_result"  // the examination ends with the draft result
	StepApproveDraft = "approve_draft" // the head of office checks and initials the draft (optional)
	StepFinish       = "finish"        // the leader approves and signs the result
	StepReturnResult = "return_result" // the processing unit sends the result back to the desk
	StepDeliver      = "deliver"       // the desk hands the result to the applicant
)

// StepActions lists the hand-overs a step may name, in lifecycle order: a
// template's steps name them in this order, each at most once.
var StepActions = []string{StepReceive, StepTransfer, StepAssign, StepDraftResult, StepApproveDraft, StepFinish, StepReturnResult, StepDeliver}

// RequiredStepActions are the hand-overs every dossier goes through, so
// every template has a step for each. A transfer (the desk and the
// processing unit are one unit), the head of office's review of the draft
// and a separate return of the result to the desk are optional.
var RequiredStepActions = []string{StepReceive, StepAssign, StepDraftResult, StepFinish, StepDeliver}

// stepActionNames are the usual names of the step each hand-over ends,
// for the import errors that ask for a missing one.
var stepActionNames = map[string]string{
	StepReceive:      "Tiếp nhận hồ sơ",
	StepTransfer:     "Chuyển hồ sơ đến bộ phận giải quyết",
	StepAssign:       "Phân công xử lý",
	StepDraftResult:  "Thẩm định, xử lý hồ sơ, dự thảo kết quả",
	StepApproveDraft: "Trưởng phòng kiểm tra, duyệt dự thảo",
	StepFinish:       "Phê duyệt, ký kết quả",
	StepReturnResult: "Chuyển kết quả về bộ phận một cửa",
	StepDeliver:      "Vào sổ, trả kết quả",
}

// checkStepActions returns the problems of the steps' hand-overs: unknown,
// repeated or out of lifecycle order; a required one with no step; a step
// after the last hand-over, which nothing would ever end.
func checkStepActions(steps []Step) []string {
	var out []string
	last, lastKey := -1, ""
	seen := map[string]bool{}
	for _, st := range steps {
		if st.Action == "" {
			continue
		}
		pos := slices.Index(StepActions, st.Action)
		switch {
		case pos < 0:
			out = append(out, fmt.Sprintf("step %q: unknown action %q (want one of %s)", st.Key, st.Action, strings.Join(StepActions, ", ")))
			continue
		case seen[st.Action]:
			out = append(out, fmt.Sprintf("step %q: action %q already ends an earlier step", st.Key, st.Action))
			continue
		case pos < last:
			out = append(out, fmt.Sprintf("step %q: action %q comes after step %q (action %q); steps follow the lifecycle: %s",
				st.Key, st.Action, lastKey, StepActions[last], strings.Join(StepActions, ", ")))
		}
		if st.Action == StepApproveDraft && st.Role != RoleHead {
			// Only a head of office takes the action (package dossier's
			// rules); another role on the step would leave it unended.
			out = append(out, fmt.Sprintf("step %q: action %q is the head of office's: its role must be %q, not %q",
				st.Key, st.Action, RoleHead, st.Role))
		}
		seen[st.Action] = true
		last, lastKey = max(last, pos), st.Key
	}
	for _, act := range RequiredStepActions {
		if !seen[act] {
			out = append(out, fmt.Sprintf("no process step for the hand-over %q: add the step %q with \"action\": %q",
				act, stepActionNames[act], act))
		}
	}
	if n := len(steps); n > 0 && steps[n-1].Action == "" {
		out = append(out, fmt.Sprintf("step %q comes after the last hand-over, so nothing would end it: give it an action", steps[n-1].Key))
	}
	return out
}

// stepActions returns the hand-over that ends each step. A version stored
// before steps named their hand-over (none does) gets them inferred, the
// way its template was read then (see inferStepActions); the import of a
// catalogue file refuses such a template instead (Spec.Check).
func (v *Version) stepActions() []string {
	acts := make([]string, len(v.Process))
	explicit := false
	for i, st := range v.Process {
		acts[i] = st.Action
		explicit = explicit || st.Action != ""
	}
	if explicit {
		return acts
	}
	return inferStepActions(v.Process)
}

// inferStepActions reads the hand-overs of a template written without
// them: the first step is the reception and the last the delivery; the
// leaders' last step is the approval; the first specialist step ends with
// the draft; a leader's step before it is the assignment, and a desk step
// between the reception and the assignment the transfer. A template
// without a leader step before the examination has no assignment step:
// the assignment then ends none, rather than the approval.
func inferStepActions(steps []Step) []string {
	acts := make([]string, len(steps))
	n := len(steps)
	if n == 0 {
		return acts
	}
	acts[0] = StepReceive
	if n == 1 {
		return acts
	}
	acts[n-1] = StepDeliver
	finish := -1
	for i := n - 2; i > 0; i-- {
		if steps[i].Role == RoleLeader {
			finish = i
			acts[i] = StepFinish
			break
		}
	}
	draft := -1
	for i := 1; i < n-1 && (finish < 0 || i < finish); i++ {
		if steps[i].Role == RoleSpecialist {
			draft = i
			acts[i] = StepDraftResult
			break
		}
	}
	assign := -1
	for i := 1; i < draft; i++ {
		if steps[i].Role == RoleLeader {
			assign = i
			acts[i] = StepAssign
			break
		}
	}
	for i := 1; i < max(assign, draft); i++ {
		if steps[i].Role == RoleReceptionist {
			acts[i] = StepTransfer
			break
		}
	}
	return acts
}

// HasStep reports whether the version's process has a step that the
// hand-over action ends: HasStep(StepApproveDraft) says the leader signs
// only a draft the head of office has approved.
func (v *Version) HasStep(action string) bool {
	return slices.Contains(v.stepActions(), action)
}

// StepEndedBy returns the index of the step that the hand-over action
// ends, looking from step from on: the first step at or after from that
// names it. It returns -1 when none does: the template has no such step
// (an optional transfer), or the dossier is past it (a second assignment,
// a redraft after the leader's return), and then the hand-over ends no
// step.
func (v *Version) StepEndedBy(action string, from int) int {
	acts := v.stepActions()
	for i := max(from, 0); i < len(acts); i++ {
		if acts[i] == action {
			return i
		}
	}
	return -1
}
