package dossier

import (
	"slices"

	"github.com/motcua/motcua/internal/org"
)

// Suggested picks, among the actions offered to the actor now (what
// NextActions returns, or a page's subset of it), the one the process
// expects of them next, so that a page can show it first and fold the
// others away. It returns "" when no step is waiting on this actor (a
// specialist looking at a draft with the leader, a dossier waiting for the
// applicant's documents): offering a drastic action such as stop first
// would be worse than offering none.
//
// The choice, by status:
//
//   - an open consultation addressed to the actor's unit: answer it (that
//     is why a consulted unit opens the dossier at all);
//   - 1 submitted: receive (refusal and supplementation are the
//     exceptions the reception check finds);
//   - 2 received: the leader assigns; the desk and specialists wait;
//   - 4 processing: a draft awaiting the head of office's review → the
//     head approves it (approve_draft); a draft awaiting approval → the
//     leader approves (finish); no assignee yet → the leader assigns; otherwise the
//     specialist drafts the result (the leader waits for it);
//   - 6 fee requested: record the fee as paid;
//   - 9 finished: deliver at the desk that received it, else return the
//     result to that desk;
//   - anything else: nothing.
func Suggested(d *Dossier, a Actor, offered []Action) Action {
	pick := func(act Action) Action {
		if slices.Contains(offered, act) {
			return act
		}
		return ""
	}
	if act := pick(ActAnswerConsult); act != "" {
		return act
	}
	leader := slices.Contains(a.rolesIn(d.UnitID), org.RoleLeader)
	switch d.Status {
	case StatusSubmitted:
		return pick(ActReceive)
	case StatusReceived:
		if leader {
			return pick(ActAssign)
		}
	case StatusProcessing:
		switch {
		case d.Substate == SubReviewPending:
			// With the head of office; the leader and the specialist wait.
			if slices.Contains(a.rolesIn(d.UnitID), org.RoleHead) {
				return pick(ActApproveDraft)
			}
		case d.Substate == SubResultDrafted:
			if leader {
				return pick(ActFinish)
			}
		case leader && d.AssigneeID == 0:
			return pick(ActAssign)
		case !leader:
			return pick(ActDraftResult)
		}
	case StatusFee:
		return pick(ActFeePaid)
	case StatusFinished:
		if act := pick(ActDeliver); act != "" {
			return act
		}
		return pick(ActReturnResult)
	}
	return ""
}
