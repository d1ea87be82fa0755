package portal

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/web"
)

// maxCode bounds a dossier code typed into the tracking form.
const maxCode = 64

type trackView struct {
	Code     string // what the form shows
	NotFound bool
	Error    string
	D        *dossier.Public
	Overdue  bool
}

// trackForm is the tracking form; submitting it (?ma=CODE) redirects to the
// dossier's own address, which is also what the slips' QR codes open.
func (h *Handler) trackForm(w http.ResponseWriter, r *http.Request) error {
	code := normaliseCode(r.URL.Query().Get("ma"))
	if code != "" && utf8.RuneCountInString(code) <= maxCode {
		http.Redirect(w, r, "/tra-cuu/"+url.PathEscape(code), http.StatusSeeOther)
		return nil
	}
	v := trackView{Code: code}
	view := web.View{Name: "track", Nav: "track", Data: &v}
	if code != "" {
		v.Code = string([]rune(code)[:maxCode])
		v.Error = h.t(r, "track.toolong", maxCode)
		view.Status, view.NoIndex = http.StatusBadRequest, true
	}
	h.web.Render(w, r, view)
	return nil
}

// track shows the public view of a dossier: status, procedure, unit and
// dates, never the applicant. An unknown code answers 404 with the form.
func (h *Handler) track(w http.ResponseWriter, r *http.Request) error {
	code := normaliseCode(r.PathValue("code"))
	v := trackView{Code: code}
	view := web.View{Name: "track", Nav: "track", NoIndex: true, Data: &v}
	if utf8.RuneCountInString(code) > maxCode {
		v.Code = string([]rune(code)[:maxCode])
		v.Error = h.t(r, "track.toolong", maxCode)
		view.Status = http.StatusBadRequest
		h.web.Render(w, r, view)
		return nil
	}
	d, err := h.Tracker.Track(r.Context(), code, web.LangOf(r))
	if apperr.Is(err, apperr.NotFound) {
		v.NotFound = true
		v.Error = h.t(r, "track.notfound", clip(code))
		view.Status = http.StatusNotFound
		h.web.Render(w, r, view)
		return nil
	}
	if err != nil {
		return err
	}
	v.D = d
	v.Overdue = d.DueAt != nil && d.Status.Open() && h.now().After(*d.DueAt)
	h.web.Render(w, r, view)
	return nil
}

// normaliseCode trims a typed code and upper-cases it: agency identifiers
// end in an upper-case block (H26), and people type codes in lower case.
func normaliseCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}
