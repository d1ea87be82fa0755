package dossier

import (
	"fmt"

	"github.com/motcua/motcua/internal/apperr"
)

// Check answers the error Apply would give the actor for the action on the
// dossier as it stands (role, status, sub-state), leaving out the command's
// arguments and version; nil if the action is open. A page that does not
// offer an action tells with it why, in the lifecycle's own words.
func Check(d *Dossier, a Actor, act Action) error {
	if _, known := rules[act]; !known {
		return apperr.Newf(apperr.Invalid, "unknown_action", "Thao tác «%s» không tồn tại.", "Unknown action %q.", act)
	}
	role, statusOK := Allowed(d, a, act)
	if role == "" {
		return errRole(act)
	}
	if !statusOK {
		return errTransition(act, d.Status)
	}
	return precondition(d, a, role, act)
}

// errRole is the 403 of an actor whose roles do not permit the action.
func errRole(act Action) error {
	return apperr.Newf(apperr.Forbidden, "role_not_allowed",
		"Vai trò của bạn tại đơn vị này không được thực hiện thao tác «%s».",
		"Your role in this unit may not perform %q.", act)
}

// errTransition is the 422 of an action the dossier's status does not
// allow.
func errTransition(act Action, s Status) error {
	return apperr.New(apperr.Unprocessable, "invalid_transition",
		fmt.Sprintf("Không thể thực hiện «%s» khi hồ sơ đang ở trạng thái «%s».", act, s.Label("vi")),
		fmt.Sprintf("Cannot %s a dossier whose status is %q.", act, s.Label("en")))
}
