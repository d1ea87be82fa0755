package backoffice

import (
	"mime"
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
	"github.com/motcua/motcua/internal/web"
)

// The unit pickers of the transfer and consultation forms: a search box
// and a list of units by full name and code, instead of a box for a raw
// agency identifier. Without JavaScript the search button posts the
// action's form with find_unit, and the page comes back with the units
// found and everything typed (findUnit); with htmx the search box asks the
// dossier page for ?tim-don-vi=ACTION&unit_q=… and swaps the list in.
// Whatever is posted, the dossier service resolves the code and answers an
// unknown one with a 400 in both languages.

// pickerForms are the actions whose form chooses a unit.
var pickerForms = []dossier.Action{dossier.ActTransfer, dossier.ActConsult}

// Bounds of the pickers: the units found are listed up to maxPicked, a
// search text is cut at maxPickQuery characters.
const (
	maxPicked    = 50
	maxPickQuery = 100
)

// unitPicker is one picker on the dossier page.
type unitPicker struct {
	Form    string // the action: transfer, consult
	Code    string // the dossier's code, for the search's address
	Label   string
	Q       string
	Found   bool // a search was made: Count says how many units matched
	Count   int
	Shown   int // of which the first Shown are listed
	Options []pickOption
}

// pickOption is one unit of a picker: "Phường Quang Trung, Quận Đống Đa
// (000.30.06.H26)".
type pickOption struct {
	Value, Label string
	Selected     bool
}

// pickRequest is what a request asks of a picker: the form searched in,
// the text searched and the unit chosen so far. A GET carries them in the
// query (?tim-don-vi=transfer&unit_q=…&to_unit=…), a POST of an action's
// form in the form.
func pickRequest(r *http.Request) (form, q, chosen string) {
	vals := r.URL.Query()
	form = vals.Get("tim-don-vi")
	if r.Method == http.MethodPost {
		vals, form = r.PostForm, r.PostForm.Get("action")
	}
	q = strings.TrimSpace(vn.NFC(vals.Get("unit_q")))
	if len([]rune(q)) > maxPickQuery {
		q = string([]rune(q)[:maxPickQuery])
	}
	return form, q, strings.TrimSpace(vals.Get("to_unit"))
}

// fillPickers builds the pickers of the page's transfer and consultation
// forms. Before any search a picker lists the units a dossier is most
// often passed to (nearby); a search lists the units in force whose
// full name or code matches (org.Search, the portal's search too). The
// dossier's own unit is never offered.
func (h *Handler) fillPickers(r *http.Request, v *dossierView) error {
	var shownForms []string
	for _, act := range pickerForms {
		if v.Actions[string(act)] {
			shownForms = append(shownForms, string(act))
		}
	}
	if len(shownForms) == 0 {
		return nil
	}
	ctx := r.Context()
	all, err := h.Store.UnitChoices(ctx, h.now())
	if err != nil {
		return err
	}
	byCode := make(map[string]org.Choice, len(all))
	for _, c := range all {
		byCode[c.Code] = c
	}
	near, err := h.nearby(r, v.D.UnitCode)
	if err != nil {
		return err
	}
	var suggested []org.Choice
	for _, u := range near {
		if c, ok := byCode[u.Code]; ok {
			suggested = append(suggested, c)
		}
	}
	wanted, q, chosen := pickRequest(r)
	// A transfer goes only to a unit that offers the procedure (the
	// service's competence rule): its picker offers no other.
	var competent map[string]bool
	if v.Actions[string(dossier.ActTransfer)] {
		if competent, err = h.competentUnits(r, v.D); err != nil {
			return err
		}
	}
	v.Pickers = map[string]*unitPicker{}
	for _, form := range shownForms {
		p := &unitPicker{Form: form, Code: v.D.Code, Label: h.t(r, "pick.label."+form)}
		list := suggested
		if form == wanted && q != "" {
			p.Q, p.Found = q, true
			list = org.Search(all, q)
		}
		if form == string(dossier.ActTransfer) {
			list = competentFirst(list, all, competent, p.Found)
		}
		sel := ""
		if form == wanted {
			sel = chosen
		}
		listed := false
		for _, c := range list {
			if c.Code == v.D.UnitCode {
				continue
			}
			if p.Found {
				p.Count++
				if p.Count > maxPicked {
					continue
				}
				p.Shown++
			}
			listed = listed || c.Code == sel
			p.Options = append(p.Options, pickOption{Value: c.Code, Label: c.FullName() + " (" + c.Code + ")", Selected: c.Code == sel})
		}
		// The unit chosen before the search stays chosen.
		if c, ok := byCode[sel]; ok && !listed && sel != v.D.UnitCode {
			p.Options = append([]pickOption{{Value: c.Code, Label: c.FullName() + " (" + c.Code + ")", Selected: true}}, p.Options...)
		}
		v.Pickers[form] = p
	}
	return nil
}

// nearby suggests the units a dossier of unit code is most often passed
// to: its parent, the units below it and the departments under the root.
func (h *Handler) nearby(r *http.Request, code string) ([]org.Unit, error) {
	ctx := r.Context()
	u, err := h.Store.UnitByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	var out []org.Unit
	root := u
	for i := 0; i < 8 && root.ParentCode != ""; i++ {
		p, err := h.Store.UnitByCode(ctx, root.ParentCode)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			out = append(out, *p)
		}
		root = p
	}
	below, err := h.Store.Units(ctx, store.UnitFilter{Parent: u.Code, At: h.now(), Limit: 200})
	if err != nil {
		return nil, err
	}
	out = append(out, below...)
	top, err := h.Store.Units(ctx, store.UnitFilter{Parent: root.Code, At: h.now(), Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, t := range top {
		if t.Kind == org.KindDepartment && t.Code != u.Code {
			out = append(out, t)
		}
	}
	return out, nil
}

// findUnit answers the search button of a picker (find_unit, posted with
// the transfer or consultation form when JavaScript is off): the dossier
// page again, 200, with the units found and what was typed in the form.
// Nothing is changed. done is false when the request is not such a
// search, for act to handle.
func (h *Handler) findUnit(w http.ResponseWriter, r *http.Request, s *staff) (done bool, err error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return false, nil
	}
	if err := web.ParseForm(w, r, maxForm); err != nil {
		return true, err
	}
	act := r.PostForm.Get("action")
	isPicker := false
	for _, f := range pickerForms {
		isPicker = isPicker || string(f) == act
	}
	if r.PostForm.Get("find_unit") == "" || !isPicker {
		return false, nil
	}
	v, err := h.load(r, s)
	if err != nil {
		return true, err
	}
	if !v.Actions[act] {
		// Not this member's action now: act answers as for the action.
		return false, nil
	}
	for k, vals := range r.PostForm {
		if k != "action" && k != "version" && k != "find_unit" && len(vals) > 0 {
			v.Values[k+"."+act] = vals[0]
		}
	}
	h.web.Render(w, r, web.View{Name: "dossier", NoIndex: true, Data: v})
	return true, nil
}

// maxTransferSuggestions bounds the transfer picker before a search: a
// commune-level procedure is offered by hundreds of wards.
const maxTransferSuggestions = 100

// competentFirst keeps the units of list that are competent; before a
// search it adds the other competent units after the nearby ones, up to
// maxTransferSuggestions, so that a procedure no nearby unit offers still
// has its targets listed.
func competentFirst(list, all []org.Choice, competent map[string]bool, searched bool) []org.Choice {
	var out []org.Choice
	seen := map[string]bool{}
	for _, c := range list {
		if competent[c.Code] && !seen[c.Code] {
			seen[c.Code] = true
			out = append(out, c)
		}
	}
	if searched {
		return out
	}
	for _, c := range all {
		if len(out) >= maxTransferSuggestions {
			break
		}
		if competent[c.Code] && !seen[c.Code] {
			seen[c.Code] = true
			out = append(out, c)
		}
	}
	return out
}
