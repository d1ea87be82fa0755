package api

import (
	"net/http"
	"strconv"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/slips"
	"github.com/motcua/motcua/internal/web"
)

// recordWalkIn records the guidance (slip 02) or refusal (slip 03) given
// at the desk to a walk-in applicant, without a dossier; the dossier
// service holds the rules, as for the back office.
func (h *Handler) recordWalkIn(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	var in dossier.WalkInInput
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	wi, err := h.Dossiers.RecordWalkIn(r.Context(), a, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/walkins/"+strconv.FormatInt(wi.ID, 10))
	writeJSON(w, http.StatusCreated, wi)
	return nil
}

// walkIn reads one walk-in record and walkInID its id from the path:
// unknown, malformed and forbidden ids answer the same 404.
func (h *Handler) walkIn(r *http.Request) (*dossier.WalkIn, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.ErrNotFound
	}
	return h.Dossiers.GetWalkIn(r.Context(), actorFrom(r.Context()), id)
}

// getWalkIn answers a walk-in record to the staff of its unit.
func (h *Handler) getWalkIn(w http.ResponseWriter, r *http.Request) error {
	wi, err := h.walkIn(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wi)
	return nil
}

// walkInSlip prints the slip of a walk-in record (02 or 03) again.
func (h *Handler) walkInSlip(w http.ResponseWriter, r *http.Request) error {
	wi, err := h.walkIn(r)
	if err != nil {
		return err
	}
	pdf, err := slips.WalkInPDF(slips.WalkInInput{WalkIn: wi, Issuer: slips.IssuerOf(r.Context(), h.Store, wi.UnitCode), Now: h.now(), Lang: Lang(r)})
	if err != nil {
		return err
	}
	web.ServePDF(w, "phieu-"+slips.WalkInNumber(wi)+"-huong-dan-"+strconv.FormatInt(wi.ID, 10)+".pdf", pdf)
	return nil
}
