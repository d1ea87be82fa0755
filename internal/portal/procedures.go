package portal

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/slips"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
	"github.com/motcua/motcua/internal/web"
)

// pageSize is how many procedures one catalogue page lists.
const pageSize = 20

// procedureCode is the shape of a catalogue code (the keyset cursor).
var procedureCode = regexp.MustCompile(`^\d\.\d{6}(\.[A-Z]\d{2})?$`)

var (
	classes    = []string{string(catalog.ClassFull), string(catalog.ClassPartial), string(catalog.ClassInfo)}
	unitLevels = []string{string(catalog.LevelProvince), string(catalog.LevelDistrict), string(catalog.LevelCommune)}
)

// option is one entry of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

type proceduresView struct {
	Q           string
	Cursor      string
	Filtered    bool // a search text or a filter is set
	FiltersOpen bool // a filter (not only a search text) is set
	Errors      []string
	Fields      []option
	Classes     []option
	UnitLevels  []option
	LifeEvents  []option
	Results     []catalog.Procedure
	Count       int
	MoreURL     string
	StartURL    string
}

// procedures is the catalogue: accent-insensitive search, filters, and a
// keyset "show more" link. A bad filter answers 400 with the form and a
// message naming the value.
func (h *Handler) procedures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(vn.NFC(q.Get(k))) }
	f := store.PortalFilter{
		ProcedureFilter: store.ProcedureFilter{Q: get("q"), Field: get("field"), Level: get("class"), Cursor: get("cursor"), Limit: pageSize, At: h.now()},
		UnitLevel:       get("unit_level"), LifeEvent: get("life_event"),
	}
	s, err := h.snapshot(r.Context(), false)
	if err != nil {
		return err
	}
	// A field or life event missing from a cached snapshot may be new in
	// the catalogue: look again before calling it unknown.
	if (f.Field != "" && !hasFacet(s.facets.Fields, f.Field)) || (f.LifeEvent != "" && !hasFacet(s.facets.LifeEvents, f.LifeEvent)) {
		if s, err = h.snapshot(r.Context(), true); err != nil {
			return err
		}
	}
	v := proceduresView{Q: f.Q, Cursor: f.Cursor}
	if !vn.QueryFits(f.Q) {
		// Search with the text cut to the limits every surface shares.
		v.Errors = append(v.Errors, h.t(r, "err.q_long", vn.MaxQueryRunes, vn.MaxQueryWords))
		f.Q = vn.ClipQuery(f.Q)
		v.Q = f.Q
	}
	if f.Field != "" && !hasFacet(s.facets.Fields, f.Field) {
		v.Errors = append(v.Errors, h.t(r, "err.field", clip(f.Field)))
	}
	if f.Level != "" && !contains(classes, f.Level) {
		v.Errors = append(v.Errors, h.t(r, "err.class", clip(f.Level)))
	}
	if f.UnitLevel != "" && !contains(unitLevels, f.UnitLevel) {
		v.Errors = append(v.Errors, h.t(r, "err.unit_level", clip(f.UnitLevel)))
	}
	if f.LifeEvent != "" && !hasFacet(s.facets.LifeEvents, f.LifeEvent) {
		v.Errors = append(v.Errors, h.t(r, "err.life_event", clip(f.LifeEvent)))
	}
	if f.Cursor != "" && !procedureCode.MatchString(f.Cursor) {
		v.Errors = append(v.Errors, h.t(r, "err.cursor", clip(f.Cursor)))
	}
	lang := web.LangOf(r)
	all := h.web.T(lang, "filter.all")
	v.Fields = []option{{Label: all}}
	for _, fc := range s.facets.Fields {
		v.Fields = append(v.Fields, option{Value: fc.Key, Label: fc.Key, Selected: fc.Key == f.Field})
	}
	v.Classes = []option{{Label: all}}
	for _, c := range classes {
		v.Classes = append(v.Classes, option{Value: c, Label: h.web.T(lang, "class."+c), Selected: c == f.Level})
	}
	v.UnitLevels = []option{{Label: all}}
	for _, l := range unitLevels {
		v.UnitLevels = append(v.UnitLevels, option{Value: l, Label: h.web.T(lang, "unit."+l), Selected: l == f.UnitLevel})
	}
	v.LifeEvents = []option{{Label: all}}
	for _, e := range s.facets.LifeEvents {
		v.LifeEvents = append(v.LifeEvents, option{Value: e.Key, Label: lifeEventLabel(lang, e.Key, h.web), Selected: e.Key == f.LifeEvent})
	}
	v.FiltersOpen = f.Field != "" || f.Level != "" || f.UnitLevel != "" || f.LifeEvent != "" || len(v.Errors) > 0
	v.Filtered = f.Q != "" || v.FiltersOpen
	view := web.View{Name: "procedures", Nav: "procedures", Data: &v}
	if len(v.Errors) > 0 {
		view.Status, view.NoIndex = http.StatusBadRequest, true
		h.web.Render(w, r, view)
		return nil
	}
	ps, next, err := h.Catalogue.PortalProcedures(r.Context(), f)
	if err != nil {
		return err
	}
	if v.Count, err = h.Catalogue.CountPortalProcedures(r.Context(), f); err != nil {
		return err
	}
	v.Results = ps
	params := url.Values{}
	for k, val := range map[string]string{"q": f.Q, "field": f.Field, "class": f.Level, "unit_level": f.UnitLevel, "life_event": f.LifeEvent} {
		if val != "" {
			params.Set(k, val)
		}
	}
	v.StartURL = "/thu-tuc"
	if len(params) > 0 {
		v.StartURL += "?" + params.Encode()
	}
	if next != "" {
		params.Set("cursor", next)
		v.MoreURL = "/thu-tuc?" + params.Encode()
	}
	h.web.Render(w, r, view)
	return nil
}

func hasFacet(fs []store.FacetCount, key string) bool {
	for _, f := range fs {
		if f.Key == key {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clip shortens a value echoed in a message.
func clip(s string) string {
	const most = 60
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	return string([]rune(s)[:most]) + "…"
}

type procedureView struct {
	P         *catalog.Procedure
	V         *catalog.Version
	UnitCount int
	UnitNames []string // set when few units offer it
	CanApply  bool
	ApplyURL  string
	FormURL   string // the blank declaration form, PDF
}

// unitNamesShown is how many offering units the page names; more are
// counted instead.
const unitNamesShown = 3

// procedure is one procedure's page.
func (h *Handler) procedure(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	now := h.now()
	p, err := h.Catalogue.ProcedureInForce(r.Context(), code, now)
	if apperr.Is(err, apperr.NotFound) {
		h.web.Error(w, r, http.StatusNotFound, h.t(r, "proc.notfound", clip(code)))
		return nil
	}
	if err != nil {
		return err
	}
	n, names, err := h.Catalogue.OfferingUnits(r.Context(), p.ID, now, unitNamesShown)
	if err != nil {
		return err
	}
	v := procedureView{P: p, V: p.Current, UnitCount: n, FormURL: blankFormURL(p.Code)}
	if n <= unitNamesShown {
		v.UnitNames = names
	}
	// Levels 3 and 4 take dossiers online.
	if p.Current.LegacyLevel >= 3 && n > 0 {
		v.CanApply = true
		v.ApplyURL = "/thu-tuc/" + url.PathEscape(p.Code) + "/nop-ho-so"
	}
	h.web.Render(w, r, web.View{Name: "procedure", Nav: "procedures", Data: v})
	return nil
}

// blankFormURL is where the blank declaration form of a procedure is.
func blankFormURL(code string) string {
	return "/thu-tuc/" + url.PathEscape(code) + "/mau-to-khai.pdf"
}

// blankForm serves the typed form of the version in force as a paper form
// to print and fill in by hand. It stands for the template forms the
// documents table names.
func (h *Handler) blankForm(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	now := h.now()
	p, err := h.Catalogue.ProcedureInForce(r.Context(), code, now)
	if apperr.Is(err, apperr.NotFound) {
		h.web.Error(w, r, http.StatusNotFound, h.t(r, "proc.notfound", clip(code)))
		return nil
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := slips.BlankForm(&buf, slips.BlankFormInput{ProcedureCode: p.Code, ProcedureName: p.Name, Version: p.Current, Now: now}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="mau-to-khai-`+blankFormName.Replace(p.Code)+`.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = buf.WriteTo(w)
	if err != nil {
		h.Log.DebugContext(r.Context(), "blank form not sent", "err", err)
	}
	return nil
}

// blankFormName keeps a procedure code safe inside a quoted file name.
var blankFormName = strings.NewReplacer(`"`, "", `\`, "", "/", "-", "\r", "", "\n", "")
