package backoffice

import (
	"net/http"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
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

// competentUnits reports the codes of the units that offer the dossier's
// procedure now: the only transfer targets the dossier service accepts
// (not_competent otherwise), so the transfer picker offers no other.
func (h *Handler) competentUnits(r *http.Request, d *dossier.Dossier) (map[string]bool, error) {
	ctx := r.Context()
	out := map[string]bool{}
	p, err := h.Store.ProcedureInForce(ctx, d.ProcedureCode, h.now())
	if apperr.Is(err, apperr.NotFound) {
		// No version in force any more: no unit may take it.
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	units, err := h.Store.SubmissionUnits(ctx, p.ID, h.now(), 100000)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		out[u.Code] = true
	}
	return out, nil
}
