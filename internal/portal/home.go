package portal

import (
	"net/http"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

type homeView struct {
	Top        []store.ProcedureUse
	TopByUse   bool
	LifeEvents []store.FacetCount
	Fields     []store.FacetCount
	Total      int
}

// home is the front page: one search box, the most used procedures, and
// entry points by life event and by field.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	s, err := h.snapshot(r.Context(), false)
	if err != nil {
		return err
	}
	h.web.Render(w, r, web.View{Name: "home", Nav: "home", Data: homeView{
		Top: s.top, TopByUse: s.byUse, LifeEvents: s.facets.LifeEvents, Fields: s.facets.Fields, Total: s.facets.Total,
	}})
	return nil
}
