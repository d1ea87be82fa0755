package backoffice

import (
	"net/http"
	"strconv"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/slips"
	"github.com/motcua/motcua/internal/web"
)

// walkInsPath lists the guidance and refusals given at the acting unit's
// desk to walk-in applicants; /{id}/phieu prints the slip of one.
const walkInsPath = "/can-bo/tiep-nhan/huong-dan"

// walkInRow is one record of the list with its slip's number.
type walkInRow struct {
	dossier.WalkIn
	Slip string
}

type walkInsView struct {
	Frame
	Rows []walkInRow
	Done *walkInRow // the record just made, when the page follows it
}

// walkInsPage lists the acting unit's walk-in records, newest first, to
// its staff (the dossier service checks the unit).
func (h *Handler) walkInsPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	list, err := h.Dossiers.UnitWalkIns(r.Context(), s.Actor, s.Unit.UnitID, pageSize)
	if err != nil {
		return err
	}
	v := &walkInsView{Frame: Frame{s, walkInsPath}}
	done, _ := strconv.ParseInt(r.URL.Query().Get("xong"), 10, 64)
	for _, wi := range list {
		row := walkInRow{WalkIn: wi, Slip: slips.WalkInNumber(&wi)}
		v.Rows = append(v.Rows, row)
		if wi.ID == done && done > 0 {
			v.Done = &row
		}
	}
	h.web.Render(w, r, web.View{Name: "walkins", NoIndex: true, Data: v})
	return nil
}

// walkInSlip prints slip 02 or 03 of a walk-in record again, for the
// staff of the unit that made it; anyone else gets 404.
func (h *Handler) walkInSlip(w http.ResponseWriter, r *http.Request, s *staff) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.ErrNotFound
	}
	wi, err := h.Dossiers.GetWalkIn(r.Context(), s.Actor, id)
	if err != nil {
		return err
	}
	pdf, err := slips.WalkInPDF(slips.WalkInInput{WalkIn: wi, Issuer: slips.IssuerOf(r.Context(), h.Store, wi.UnitCode),
		Now: h.now(), Lang: web.LangOf(r)})
	if err != nil {
		return err
	}
	web.ServePDF(w, "phieu-"+slips.WalkInNumber(wi)+"-huong-dan-"+strconv.FormatInt(wi.ID, 10)+".pdf", pdf)
	return nil
}
