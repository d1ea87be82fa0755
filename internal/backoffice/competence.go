package backoffice

import (
	"net/http"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range competenceMessages {
		messages[k] = v
	}
}

// competenceMessages are the texts of reception outside the unit's
// competence (docs/competence.md).
var competenceMessages = web.Messages{
	"in.procedure.anywhere": {"tiếp nhận tại đây, chuyển đơn vị có thẩm quyền giải quyết", "received here, transferred to a competent unit"},
	"d.transfer.competence": {"Đơn vị không giải quyết thủ tục này: hồ sơ phải được chuyển đến một đơn vị có thẩm quyền giải quyết.",
		"This unit does not offer the procedure: the dossier must be transferred to a unit that does."},
}

// maxTransferChoices bounds the transfer suggestions: a commune-level
// procedure is offered by hundreds of wards, and the officer may still
// type any unit's identifier.
const maxTransferChoices = 100

// transferChoices lists the units a dossier may be transferred to: those
// that offer its procedure (the dossier service refuses any other), the
// nearby ones first (parent, units below, departments), then the others
// in tree order, without the unit holding it.
func (h *Handler) transferChoices(r *http.Request, d *dossier.Dossier, nearby []org.Unit) ([]store.UnitChoice, error) {
	ctx := r.Context()
	var out []store.UnitChoice
	seen := map[string]bool{d.UnitCode: true}
	for _, u := range nearby {
		if seen[u.Code] {
			continue
		}
		ok, err := h.Store.OffersProcedure(ctx, d.ProcedureCode, u.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			seen[u.Code] = true
			out = append(out, store.UnitChoice{Code: u.Code, Name: u.Name})
		}
	}
	p, err := h.Store.ProcedureInForce(ctx, d.ProcedureCode, h.now())
	if apperr.Is(err, apperr.NotFound) {
		// No version in force any more: only the nearby ones are known.
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	rest, err := h.Store.SubmissionUnits(ctx, p.ID, h.now(), "", maxTransferChoices+1)
	if err != nil {
		return nil, err
	}
	for _, u := range rest {
		if len(out) >= maxTransferChoices {
			break
		}
		if !seen[u.Code] {
			seen[u.Code] = true
			out = append(out, u)
		}
	}
	return out, nil
}
