package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/vn"
	"github.com/motcua/motcua/internal/web"
)

// Dossiers submits, reads and acts on dossiers (dossier.Service).
type Dossiers interface {
	Submit(ctx context.Context, a dossier.Actor, in dossier.SubmitInput) (*dossier.Dossier, bool, error)
	Get(ctx context.Context, a dossier.Actor, code string) (*dossier.Dossier, error)
	Act(ctx context.Context, a dossier.Actor, code string, cmd dossier.Command, docs []dossier.Document) (*dossier.Dossier, *dossier.Event, error)
}

// Units to submit to: more than unitFilterFrom offering units, or units
// under more than one district (or department), add the picker's controls
// to the page: first the district, then the unit, or a search by name
// (unit_group, unit_q); at most maxUnitChoices are listed.
const (
	unitFilterFrom = 40
	maxUnitChoices = 1000
	maxUnitQuery   = 100
)

// citizenActor is the dossier actor of a citizen account.
func citizenActor(a *account.Account) dossier.Actor { return auth.CitizenActor(a) }

// fieldView is one control of the procedure's form (web.FormFields).
type fieldView = web.FormField

// docView is one document of the checklist, with its file input.
type docView struct {
	ID, Input string // control id and name ("doc.<key>")
	Name      string
	Originals int
	Copies    int
	Required  bool
	Template  string
	Error     string
	// Present is a paper shown at the desk and Declaration the one the
	// online form stands for: neither has a file input
	// (catalog.Document.Upload).
	Present, Declaration bool
	// Kept are the files attached earlier and kept in the draft; the
	// citizen keeps each with its box, and may add more.
	Kept []keptFile
}

// keptFile is one file of the draft offered again with its "keep" box.
type keptFile struct {
	ID, Name string // the box's id and name
	Label    string // file name and size
}

// keepName is the name of the "keep" box of the i-th (from 0) file of the
// document with input: keep.doc.<key> for the first, as when a document
// had one file, then keep.doc.<key>.2, .3…
func keepName(input string, i int) string {
	if i == 0 {
		return "keep." + input
	}
	return "keep." + input + "." + strconv.Itoa(i+1)
}

// Upload reports whether the document takes files on the page.
func (d *docView) Upload() bool { return !d.Present && !d.Declaration }

type submitView struct {
	P      *catalog.Procedure
	V      *catalog.Version
	Action string
	Token  string
	Units  []option
	UnitQ  string
	// UnitFilter shows the picker's controls: many units, or units under
	// several districts (or departments).
	UnitFilter bool
	// Groups is the picker's first step, the districts (or departments)
	// the offering units belong to, when there is more than one; UnitGroup
	// is the one chosen.
	Groups    []option
	UnitGroup string
	// UnitCount is how many units the narrowed list holds.
	UnitCount int
	UnitError string
	// all are every unit offering the procedure now: the check of the unit
	// chosen does not depend on how the list was narrowed.
	all       []org.Choice
	Fields    []fieldView
	Docs      []docView
	Errors    []formError
	MaxFileMB int64
	// Notice says a draft was saved or restored.
	Notice string
	// PopulationOffer shows the button that fills the form from the
	// national population database (with the citizen's consent);
	// PopulationVerify says instead that a verified account is needed;
	// PopulationError is why the last lookup gave nothing.
	PopulationOffer, PopulationVerify bool
	PopulationError                   string
	// Delivery is the applicant's choice of how to receive the result;
	// DeliveryMethods those the procedure offers.
	Delivery        dossier.Delivery
	DeliveryMethods []string
	DeliveryError   string
	AddressError    string
}

// setDelivery fills the delivery choice, at the desk unless chosen.
func (v *submitView) setDelivery(d dossier.Delivery) {
	if d.Method == "" {
		d.Method = dossier.DeliverInPerson
	}
	v.Delivery = d
	v.DeliveryMethods = dossier.DeliveryMethodsFor(v.V)
}

// deliveryErrors puts the service's delivery errors beside their fields;
// it reports whether there were any.
func (v *submitView) deliveryErrors(err error, lang string) bool {
	e, ok := apperr.As(err)
	if !ok {
		return false
	}
	found := false
	for _, fe := range e.Fields {
		switch fe.Name {
		case "delivery.method":
			v.DeliveryError = fe.In(lang)
			v.Errors = append(v.Errors, formError{Field: "delivery-" + v.Delivery.Method, Message: v.DeliveryError})
			found = true
		case "delivery.address":
			v.AddressError = fe.In(lang)
			v.Errors = append(v.Errors, formError{Field: "delivery-address", Message: v.AddressError})
			found = true
		}
	}
	return found
}

// draft is what a saved draft keeps: the unit and the typed values; once
// the page was posted valid, also the accepted files waiting for the
// citizen's confirmation on the review page. The files' storage keys are
// only ever written by the server: the client never names one.
type draft struct {
	Unit     string            `json:"unit"`
	Values   map[string]string `json:"values"`
	Files    []pendingFile     `json:"files,omitempty"`
	Delivery dossier.Delivery  `json:"delivery"`
	// Population holds, per form field, what the citizen's own lookup in
	// the population database gave, and PopulationAt when: the values
	// the submission records as the population's (dossier.Sources).
	Population   map[string]string `json:"population,omitempty"`
	PopulationAt *time.Time        `json:"population_at,omitempty"`
}

// pendingFile is an accepted upload kept in a draft until confirmation.
type pendingFile struct {
	Field       string `json:"field"` // "doc.<key>"
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Key         string `json:"key"`
}

// submittable loads a procedure that takes dossiers online now. It answers
// the 404 page for an unknown code and 400 for a procedure that cannot be
// submitted online (level below 3, or no unit takes it); ok is false then.
func (h *Handler) submittable(w http.ResponseWriter, r *http.Request) (p *catalog.Procedure, units int, ok bool, err error) {
	code := r.PathValue("code")
	p, err = h.Catalogue.ProcedureInForce(r.Context(), code, h.now())
	if apperr.Is(err, apperr.NotFound) {
		h.web.Error(w, r, http.StatusNotFound, h.t(r, "proc.notfound", clip(code)))
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	n, _, err := h.Catalogue.OfferingUnits(r.Context(), p.ID, h.now(), 0)
	if err != nil {
		return nil, 0, false, err
	}
	if p.Current == nil || p.Current.LegacyLevel < 3 || n == 0 {
		h.web.Error(w, r, http.StatusBadRequest, h.t(r, "submit.not_online", p.Name))
		return nil, 0, false, nil
	}
	return p, n, true, nil
}

// citizenOnly answers for a visitor who may not submit: the login page for
// nobody, 403 for a staff account. ok is true for a citizen.
func (h *Handler) citizenOnly(w http.ResponseWriter, r *http.Request, back string) (*account.Account, bool) {
	a := accountOf(r)
	if a == nil {
		http.Redirect(w, r, loginURL(back), http.StatusSeeOther)
		return nil, false
	}
	if a.Kind != account.KindCitizen {
		h.web.Error(w, r, http.StatusForbidden, h.t(r, "submit.staff"))
		return nil, false
	}
	return a, true
}

// newToken returns a random submission token, the idempotency key of the
// submission: pressing the button twice files one dossier.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// submitForm shows the online submission page of a procedure.
func (h *Handler) submitForm(w http.ResponseWriter, r *http.Request) error {
	a, ok := h.citizenOnly(w, r, r.URL.RequestURI())
	if !ok {
		return nil
	}
	p, n, ok, err := h.submittable(w, r)
	if !ok {
		return err
	}
	q := r.URL.Query()
	return h.draftForm(w, r, a, p, n, unitPickOf(q.Get), http.StatusOK, "")
}

// unitPick is how the citizen narrowed the list of units: a district (or
// department) chosen first, a search text, and, for the picker's
// JavaScript refresh, the unit chosen so far.
type unitPick struct {
	Group, Q, Unit string
}

// unitPickOf reads the picker's fields (unit_group, unit_q, unit).
func unitPickOf(get func(string) string) unitPick {
	clean := func(k string) string { return strings.TrimSpace(vn.NFC(get(k))) }
	return unitPick{Group: clean("unit_group"), Q: clean("unit_q"), Unit: clean("unit")}
}

// draftForm renders the submission page filled from the citizen's draft,
// if any, with status and, when not empty, msg in place of the notice.
func (h *Handler) draftForm(w http.ResponseWriter, r *http.Request, a *account.Account, p *catalog.Procedure, n int, pick unitPick, status int, msg string) error {
	// A draft saved earlier (by the button, or by a submission that had
	// errors) fills the page again: drafts survive a closed browser.
	dr, at, _, found, err := h.loadDraft(r.Context(), a, p.Code)
	if err != nil {
		return err
	}
	unit := dr.Unit
	if pick.Unit != "" {
		unit = pick.Unit
	}
	// What the platform holds fills what the citizen has not typed yet.
	k := known(a, dr)
	values := prefillValues(p.Current.Form, k, dr.Values)
	v, err := h.submitView(r, p, n, pick, unit, values)
	if err != nil {
		return err
	}
	h.markOrigins(r, v, a, k, values)
	h.offerPopulation(v, a)
	v.keep(dr.Files, web.LangOf(r))
	v.setDelivery(dr.Delivery)
	if found {
		key := "submit.draft.restored"
		if len(dr.Files) > 0 {
			key = "submit.draft.restored.files"
		}
		v.Notice = h.t(r, key, at.Format("15:04")+" "+web.Date(at))
	}
	if msg != "" {
		v.Notice = msg
	}
	v.Token = newToken()
	h.web.Render(w, r, web.View{Name: "submit", Nav: "procedures", NoIndex: true, Status: status, Data: v})
	return nil
}

// loadDraft reads the citizen's draft of a procedure, when it was saved
// and its version stamp; an unreadable one counts as none.
func (h *Handler) loadDraft(ctx context.Context, a *account.Account, code string) (dr draft, at time.Time, stamp string, found bool, err error) {
	raw, at, found, err := h.Accounts.Draft(ctx, a.ID, code)
	if err != nil {
		return draft{}, time.Time{}, "", false, err
	}
	if found && json.Unmarshal(raw, &dr) != nil {
		found, dr = false, draft{}
	}
	if dr.Values == nil {
		dr.Values = map[string]string{}
	}
	if !found {
		return dr, time.Time{}, "", false, nil
	}
	return dr, at, draftStamp(raw, at), true, nil
}

// draftStamp is the version of a draft the review page shows: its
// updated_at, with its content so that two saves within the clock's
// resolution still differ.
func draftStamp(raw []byte, at time.Time) string {
	sum := sha256.Sum256(append([]byte(at.UTC().Format(time.RFC3339Nano)+"|"), raw...))
	return strconv.FormatInt(at.Unix(), 10) + "-" + hex.EncodeToString(sum[:12])
}

// formData is what the form validator reads: the typed values, without
// the unchecked checkboxes.
func formData(ver *catalog.Version, values map[string]string) map[string]any {
	data := map[string]any{}
	for _, fd := range ver.Form.Fields {
		if s, ok := values[fd.Name]; ok {
			if fd.Type == catalog.FieldCheckbox && s == "" {
				continue
			}
			data[fd.Name] = s
		}
	}
	return data
}

// submitView builds the page with the values typed so far; pick narrows
// the list of units (org's grouping and search, the same as the back
// office's), which keeps the unit chosen even when the narrowing hides it.
func (h *Handler) submitView(r *http.Request, p *catalog.Procedure, n int, pick unitPick, unit string, values map[string]string) (*submitView, error) {
	lang := web.LangOf(r)
	if len([]rune(pick.Q)) > maxUnitQuery {
		pick.Q = string([]rune(pick.Q)[:maxUnitQuery])
	}
	v := &submitView{P: p, V: p.Current, Action: "/thu-tuc/" + url.PathEscape(p.Code) + "/nop-ho-so", MaxFileMB: h.Limits.File >> 20}
	all, err := h.Catalogue.SubmissionUnits(r.Context(), p.ID, h.now(), maxUnitChoices)
	if err != nil {
		return nil, err
	}
	v.all = all
	groups := org.Groups(all)
	v.UnitFilter = n > unitFilterFrom || len(groups) > 1
	list := all
	if v.UnitFilter {
		if len(groups) > 1 {
			v.Groups = append(v.Groups, option{Label: h.t(r, "submit.unit_group.all")})
			for _, g := range groups {
				if g.Code == pick.Group {
					v.UnitGroup = g.Code
				}
				v.Groups = append(v.Groups, option{Value: g.Code, Label: g.Name, Selected: g.Code == pick.Group})
			}
		}
		v.UnitQ = pick.Q
		list = org.Search(org.InGroup(all, v.UnitGroup), v.UnitQ)
	}
	v.UnitCount = len(list)
	if c, ok := v.offered(unit); ok && !slices.ContainsFunc(list, func(x org.Choice) bool { return x.Code == unit }) {
		list = append([]org.Choice{c}, list...)
	}
	if len(list) != 1 {
		v.Units = append(v.Units, option{Label: h.t(r, "submit.unit.choose")})
	}
	for _, c := range list {
		// The unit's own name is enough where its district goes without
		// saying: one district in all, or the district chosen first.
		label := c.FullName()
		if len(groups) <= 1 || c.GroupCode() == v.UnitGroup {
			label = c.Name
		}
		v.Units = append(v.Units, option{Value: c.Code, Label: label, Selected: c.Code == unit})
	}
	v.Fields = web.FormFields(p.Current.Form, values, lang, h.t(r, "submit.choose"))
	for _, d := range p.Current.Documents {
		v.Docs = append(v.Docs, docView{ID: "doc-" + d.Key, Input: "doc." + d.Key, Name: d.Name, Originals: d.Originals,
			Copies: d.Copies, Required: d.Required, Template: d.Template, Present: d.Present, Declaration: d.Declaration})
	}
	return v, nil
}

// offered returns the unit of code among those offering the procedure now.
func (v *submitView) offered(code string) (org.Choice, bool) {
	for _, c := range v.all {
		if code != "" && c.Code == code {
			return c, true
		}
	}
	return org.Choice{}, false
}

func (v *submitView) field(name string) *fieldView {
	for i := range v.Fields {
		if v.Fields[i].Name == name {
			return &v.Fields[i]
		}
	}
	return nil
}

// keep offers the draft's files on the page, each with its box.
func (v *submitView) keep(files []pendingFile, lang string) {
	for _, f := range files {
		if d := v.upload(f.Field); d != nil {
			i := len(d.Kept)
			id := d.ID + "-keep"
			if i > 0 {
				id += "-" + strconv.Itoa(i+1)
			}
			d.Kept = append(d.Kept, keptFile{ID: id, Name: keepName(d.Input, i), Label: f.Filename + " (" + fileSize(f.Size, lang) + ")"})
		}
	}
}

func (v *submitView) doc(input string) *docView {
	for i := range v.Docs {
		if v.Docs[i].Input == input {
			return &v.Docs[i]
		}
	}
	return nil
}

// upload is doc for a document that takes files online; nil for the
// others (shown at the desk, the declaration).
func (v *submitView) upload(input string) *docView {
	if d := v.doc(input); d != nil && d.Upload() {
		return d
	}
	return nil
}

// submit checks the page: the unit, the form checked by the catalogue's
// validator, and one file per document, each checked by content and size.
// Every problem comes back at once on the page with the values typed.
// Valid, nothing is filed yet: the values and the accepted files are kept
// in the citizen's draft and the review page (200) asks for confirmation
// (see confirm). Otherwise the page again with 400 (invalid input, missing
// documents), 413 (a file too large) or 415 (not a PDF, JPEG or PNG).
func (h *Handler) submit(w http.ResponseWriter, r *http.Request) error {
	a, ok := h.citizenOnly(w, r, r.URL.Path)
	if !ok {
		return nil
	}
	p, n, ok, err := h.submittable(w, r)
	if !ok {
		return err
	}
	lang := web.LangOf(r)
	ver := p.Current
	m, err := files.ReadMultipart(w, r, h.Files, h.Limits, true)
	if err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		// The body could not be read whole: the page again, empty.
		v, verr := h.submitView(r, p, n, unitPick{}, "", map[string]string{})
		if verr != nil {
			return verr
		}
		v.Token = newToken()
		v.Errors = append(v.Errors, formError{Field: "documents", Message: e.Message(lang)})
		h.web.Render(w, r, web.View{Name: "submit", Nav: "procedures", NoIndex: true, Status: e.Kind.Status(), Data: v})
		return nil
	}
	defer m.Discard()
	unit := strings.TrimSpace(m.Fields["unit"])
	values := map[string]string{}
	for _, fd := range ver.Form.Fields {
		if s, ok := m.Fields[fd.Name]; ok {
			values[fd.Name] = s
		}
	}
	data := formData(ver, values)
	v, err := h.submitView(r, p, n, unitPickOf(func(k string) string { return m.Fields[k] }), unit, values)
	if err != nil {
		return err
	}
	v.Token = m.Fields["token"]
	if len(v.Token) != 32 {
		v.Token = newToken()
	}
	delivery := dossier.Delivery{Method: strings.TrimSpace(m.Fields["delivery.method"]), Address: vn.NFC(m.Fields["delivery.address"])}
	v.setDelivery(delivery)
	status := http.StatusBadRequest
	// The files: those accepted now, and those of the draft the citizen
	// chose to keep (by document; the storage keys come from the draft,
	// never from the client).
	prev, _, _, _, err := h.loadDraft(r.Context(), a, p.Code)
	if err != nil {
		return err
	}
	// A document may have several files: those of the draft whose box
	// is ticked, then those attached now; the same content twice for one
	// document is kept once.
	var pending []pendingFile
	fresh := map[string]bool{}
	keptTemp := map[string]bool{} // the uploads the draft refers to
	seenFile := map[string]bool{}
	add := func(f pendingFile) bool {
		if seenFile[f.Field+"|"+f.SHA256] {
			return false
		}
		seenFile[f.Field+"|"+f.SHA256] = true
		fresh[f.Field] = true
		pending = append(pending, f)
		return true
	}
	nth := map[string]int{}
	for _, f := range prev.Files {
		if v.upload(f.Field) == nil {
			continue
		}
		i := nth[f.Field]
		nth[f.Field]++
		if m.Fields[keepName(f.Field, i)] != "" {
			add(f)
		}
	}
	for _, u := range m.Uploads {
		if v.upload(u.Field) != nil && add(pendingFile{Field: u.Field, Filename: u.Filename, ContentType: u.ContentType,
			Size: u.Size, SHA256: u.SHA256, Key: u.Key}) {
			keptTemp[u.Staged.Temp] = true
		}
	}
	v.keep(pending, lang)
	h.markOrigins(r, v, a, known(a, prev), values)
	h.offerPopulation(v, a)
	// The files the draft refers to are kept before it is saved; the
	// others go (the sweeper takes what an unsaved draft leaves).
	keepFiles := func() {
		if err := m.KeepSome(r.Context(), func(u files.Upload) bool { return keptTemp[u.Staged.Temp] }); err != nil {
			h.Log.ErrorContext(r.Context(), "keeping uploaded files", "err", err)
		}
	}
	saveDraft := func() error {
		b, err := json.Marshal(draft{Unit: unit, Values: values, Files: pending, Delivery: delivery,
			Population: prev.Population, PopulationAt: prev.PopulationAt})
		if err != nil {
			return err
		}
		keepFiles()
		return h.Accounts.SaveDraft(r.Context(), a.ID, p.Code, b, h.now())
	}
	if m.Fields["save"] != "" {
		if err := saveDraft(); err != nil {
			return err
		}
		v.Notice = h.t(r, "submit.draft.saved")
		if len(pending) > 0 {
			v.Notice = h.t(r, "submit.draft.saved.files")
		}
		h.web.Render(w, r, web.View{Name: "submit", Nav: "procedures", NoIndex: true, Data: v})
		return nil
	}
	if m.Fields["population"] != "" {
		// The citizen asks the population database to fill the form.
		return h.populationPost(w, r, a, p, n, m.Fields, &prev, values, pending, delivery, saveDraft)
	}
	if m.Fields["pick_unit"] != "" {
		// The picker's button (the page without JavaScript): the list of
		// units narrowed, everything typed and attached kept, the files
		// in the draft, offered again with their "keep" boxes.
		if err := saveDraft(); err != nil {
			return err
		}
		h.web.Render(w, r, web.View{Name: "submit", Nav: "procedures", NoIndex: true, Data: v})
		return nil
	}

	// The unit: one that offers the procedure now.
	if _, ok := v.offered(unit); !ok {
		v.UnitError = h.t(r, "submit.err.unit")
		v.Errors = append(v.Errors, formError{Field: "unit", Message: v.UnitError})
	}
	// How to receive the result, with the service's rule.
	if _, err := dossier.CheckDelivery(ver, &delivery); err != nil && !v.deliveryErrors(err, lang) {
		return err
	}
	// The form, with the validator the API uses.
	_, ferrs := ver.Form.Validate(data, h.now())
	seen := map[string]bool{}
	for _, fe := range ferrs {
		f := v.field(fe.Field)
		if f == nil || seen[fe.Field] {
			continue
		}
		seen[fe.Field] = true
		f.Error = fe.Message(lang, ver.Form)
		v.Errors = append(v.Errors, formError{Field: f.ID, Message: f.Error})
	}
	// The documents: files refused by type or size, then required ones
	// missing (the catalogue's rule, which the dossier service applies
	// again when the dossier is filed).
	attached := fresh
	missing := map[string]bool{}
	for _, md := range ver.MissingDocuments(func(key string) bool { return attached["doc."+key] }) {
		missing["doc."+md.Key] = true
	}
	// Several files per document, within the service's caps.
	tooMany := map[string]string{}
	if err := dossier.CheckFiles(ver, nil, pendingDocuments(pending, h.now())); err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		for _, f := range e.Fields {
			tooMany[f.Name] = e.Message(lang)
		}
		if len(e.Fields) == 0 {
			v.Errors = append(v.Errors, formError{Field: "documents", Message: e.Message(lang)})
		}
	}
	fileStatus := 0
	for i := range v.Docs {
		d := &v.Docs[i]
		if msg := tooMany[d.Input]; msg != "" {
			d.Error = msg
		} else if err := m.Rejected[d.Input]; err != nil && d.Upload() {
			e, _ := apperr.As(err)
			d.Error = e.Message(lang)
			if fileStatus == 0 || e.Kind.Status() == http.StatusUnsupportedMediaType {
				fileStatus = e.Kind.Status()
			}
		} else if missing[d.Input] {
			d.Error = h.t(r, "submit.err.missing", d.Name)
		}
		if d.Error != "" {
			v.Errors = append(v.Errors, formError{Field: d.ID, Message: d.Error})
		}
	}
	if fileStatus != 0 {
		status = fileStatus
	}
	if len(v.Errors) == 0 {
		// Valid: keep everything server-side and show the review page;
		// the dossier is filed when the citizen confirms it.
		dr := draft{Unit: unit, Values: values, Files: pending, Delivery: delivery,
			Population: prev.Population, PopulationAt: prev.PopulationAt}
		b, err := json.Marshal(dr)
		if err != nil {
			return err
		}
		keepFiles()
		if err := h.Accounts.SaveDraft(r.Context(), a.ID, p.Code, b, h.now()); err != nil {
			return err
		}
		raw, at, found, err := h.Accounts.Draft(r.Context(), a.ID, p.Code)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("draft of %s vanished after saving", p.Code)
		}
		return h.review(w, r, p, v, dr, v.Token, draftStamp(raw, at))
	}
	// Keep what was typed, in case the browser is closed before a retry.
	if err := saveDraft(); err != nil {
		return err
	}
	h.web.Render(w, r, web.View{Name: "submit", Nav: "procedures", NoIndex: true, Status: status, Data: v})
	return nil
}

// reviewItem is one answer of the form on the review page.
type reviewItem struct{ Label, Value string }

// reviewDoc is one document of the checklist on the review page, with
// its files ("name (size)"); a paper shown at the desk and the declaration
// have none.
type reviewDoc struct {
	Name                 string
	Files                []string
	Required             bool
	Present, Declaration bool
}

type reviewView struct {
	P      *catalog.Procedure
	V      *catalog.Version
	Action string // the confirmation
	Back   string // the page, to change something
	Token  string
	Stamp  string // the draft's version
	Unit   string
	// Delivery is how the result will be received.
	Delivery dossier.Delivery
	Fields   []reviewItem
	Docs     []reviewDoc
}

// review shows what is about to be filed, kept in the draft whose version
// is stamp, and asks for confirmation.
func (h *Handler) review(w http.ResponseWriter, r *http.Request, p *catalog.Procedure, v *submitView, dr draft, token, stamp string) error {
	lang := web.LangOf(r)
	base := "/thu-tuc/" + url.PathEscape(p.Code) + "/nop-ho-so"
	rv := &reviewView{P: p, V: p.Current, Action: base + "/xac-nhan", Back: base, Token: token, Stamp: stamp, Unit: dr.Unit,
		Delivery: dr.Delivery}
	if rv.Delivery.Method == "" {
		rv.Delivery.Method = dossier.DeliverInPerson
	}
	if c, ok := v.offered(dr.Unit); ok {
		rv.Unit = c.FullName()
	}
	for _, fd := range p.Current.Form.Fields {
		s := web.AnswerText(fd, dr.Values[fd.Name], lang, func(b bool) string {
			if b {
				return h.t(r, "submit.yes")
			}
			return h.t(r, "submit.no")
		})
		if s == "" {
			s = h.t(r, "submit.review.blank")
		}
		rv.Fields = append(rv.Fields, reviewItem{Label: fd.LabelIn(lang), Value: s})
	}
	for _, d := range v.Docs {
		rd := reviewDoc{Name: d.Name, Required: d.Required, Present: d.Present, Declaration: d.Declaration}
		for _, f := range dr.Files {
			if f.Field == d.Input && d.Upload() {
				rd.Files = append(rd.Files, h.t(r, "submit.review.file", f.Filename, fileSize(f.Size, lang)))
			}
		}
		rv.Docs = append(rv.Docs, rd)
	}
	h.web.Render(w, r, web.View{Name: "review", Nav: "procedures", NoIndex: true, Data: rv})
	return nil
}

// pendingDocuments are the draft's files as the dossier's documents.
func pendingDocuments(fs []pendingFile, now time.Time) []dossier.Document {
	docs := make([]dossier.Document, 0, len(fs))
	for _, f := range fs {
		docs = append(docs, dossier.Document{Kind: dossier.DocApplication, DocKey: strings.TrimPrefix(f.Field, "doc."),
			Filename: f.Filename, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256, StorageKey: f.Key, UploadedAt: now})
	}
	return docs
}

// fileSize states a file's size: "820 B", "12 KB", "1,5 MB".
func fileSize(n int64, lang string) string {
	var s string
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	default:
		s = strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	if lang != web.EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// validToken reports whether s is a token newToken made.
func validToken(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// confirm files the dossier the review page showed: the one in the
// citizen's draft, if it is still the version reviewed (stamp); the token
// is the idempotency key, so confirming twice files one dossier. Checked
// again (the service checks everything too), filed, the draft deleted:
// 303 to the confirmation. No draft, or one changed since (in another
// tab): the page again, from the draft, with a message (409).
func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) error {
	a, ok := h.citizenOnly(w, r, "/thu-tuc/"+url.PathEscape(r.PathValue("code"))+"/nop-ho-so")
	if !ok {
		return nil
	}
	p, n, ok, err := h.submittable(w, r)
	if !ok {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<12)
	token, stamp := r.PostFormValue("token"), r.PostFormValue("stamp")
	dr, _, cur, found, err := h.loadDraft(r.Context(), a, p.Code)
	if err != nil {
		return err
	}
	if !found {
		return h.draftForm(w, r, a, p, n, unitPick{}, http.StatusConflict, h.t(r, "submit.review.none"))
	}
	if stamp != cur || !validToken(token) {
		return h.draftForm(w, r, a, p, n, unitPick{}, http.StatusConflict, h.t(r, "submit.review.stale"))
	}
	lang := web.LangOf(r)
	ver := p.Current
	v, err := h.submitView(r, p, n, unitPick{}, dr.Unit, dr.Values)
	if err != nil {
		return err
	}
	v.Token = token
	v.setDelivery(dr.Delivery)
	if _, ok := v.offered(dr.Unit); !ok {
		v.UnitError = h.t(r, "submit.err.unit")
		v.Errors = append(v.Errors, formError{Field: "unit", Message: v.UnitError})
	}
	clean, ferrs := ver.Form.Validate(formData(ver, dr.Values), h.now())
	seen := map[string]bool{}
	for _, fe := range ferrs {
		f := v.field(fe.Field)
		if f == nil || seen[fe.Field] {
			continue
		}
		seen[fe.Field] = true
		f.Error = fe.Message(lang, ver.Form)
		v.Errors = append(v.Errors, formError{Field: f.ID, Message: f.Error})
	}
	hash := sha256.New()
	fmt.Fprintf(hash, "%q|%q|%q|%q", p.Code, dr.Unit, dr.Delivery.Method, dr.Delivery.Address)
	names := make([]string, 0, len(dr.Values))
	for k := range dr.Values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(hash, "|%q=%q", k, dr.Values[k])
	}
	var kept []pendingFile
	for _, f := range dr.Files {
		if v.upload(f.Field) != nil {
			kept = append(kept, f)
			fmt.Fprintf(hash, "|%s=%s", f.Field, f.SHA256)
		}
	}
	docs := pendingDocuments(kept, h.now())
	status := http.StatusBadRequest
	if len(v.Errors) == 0 {
		in := dossier.SubmitInput{Procedure: p.Code, Unit: dr.Unit, Form: clean, Documents: docs, Delivery: &dr.Delivery,
			Account: &dossier.Applicant{FullName: a.FullName, IDNumber: a.Username, Phone: a.Phone, Email: a.Email},
			IdemKey: "portal:" + token, RequestHash: hex.EncodeToString(hash.Sum(nil))}
		k := known(a, dr)
		in.Known = &k
		d, _, err := h.Dossiers.Submit(r.Context(), citizenActor(a), in)
		if err == nil {
			h.Log.InfoContext(r.Context(), "dossier submitted online", "code", d.Code, "account", a.ID)
			if err := h.Accounts.DeleteDraft(r.Context(), a.ID, p.Code); err != nil {
				h.Log.ErrorContext(r.Context(), "deleting draft", "err", err)
			}
			http.Redirect(w, r, "/ho-so/"+url.PathEscape(d.Code)+"/da-nop", http.StatusSeeOther)
			return nil
		}
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		// A delivery error is shown at its fields; the others at theirs.
		if !v.deliveryErrors(err, lang) {
			for _, fe := range e.Fields {
				msg := fe.In(lang)
				id := fe.Name
				if f := v.field(fe.Name); f != nil {
					f.Error, id = msg, f.ID
				} else if d := v.doc(fe.Name); d != nil {
					// A required document missing (the service's rule).
					d.Error, id = msg, d.ID
				}
				v.Errors = append(v.Errors, formError{Field: id, Message: msg})
			}
			if len(e.Fields) == 0 {
				v.Errors = append(v.Errors, formError{Field: "unit", Message: e.Message(lang)})
			}
		}
		status = e.Kind.Status()
	}
	// The draft stays: the page again, with what went wrong.
	h.web.Render(w, r, web.View{Name: "submit", Nav: "procedures", NoIndex: true, Status: status, Data: v})
	return nil
}

type submittedView struct {
	D       *dossier.Dossier
	V       *catalog.Version
	Receive string // how long reception takes, in words
	URL     string // the public tracking address
	QR      template.URL
}

// submitted confirms a submission to its owner: the code, a QR code of the
// public tracking address, the time limit and what happens next. Anyone
// else gets the 404 page.
func (h *Handler) submitted(w http.ResponseWriter, r *http.Request) error {
	a := accountOf(r)
	if a == nil {
		http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	if a.Kind != account.KindCitizen {
		return h.notFound(w, r)
	}
	d, err := h.Dossiers.Get(r.Context(), citizenActor(a), normaliseCode(r.PathValue("code")))
	if apperr.Is(err, apperr.NotFound) {
		return h.notFound(w, r)
	}
	if err != nil {
		return err
	}
	v := &submittedView{D: d}
	if p, err := h.Catalogue.ProcedureInForce(r.Context(), d.ProcedureCode, h.now()); err == nil {
		v.V = p.Current
	} else if !apperr.Is(err, apperr.NotFound) {
		return err
	}
	hours := 8.0 // one working day unless the process says otherwise
	if v.V != nil && len(v.V.Process) > 0 && v.V.Process[0].BudgetHours > 0 {
		hours = v.V.Process[0].BudgetHours
	}
	if hours >= 8 && int(hours)%8 == 0 {
		v.Receive = h.plural(r, "limit.working_days", int(hours)/8, int(hours)/8)
	} else {
		v.Receive = h.plural(r, "limit.working_hours", int(hours+0.5), int(hours+0.5))
	}
	v.URL = web.PublicURL(h.BaseURL, r, "/tra-cuu/"+url.PathEscape(d.Code))
	png, err := qrcode.Encode(v.URL, qrcode.Medium, 256)
	if err != nil {
		return fmt.Errorf("drawing QR code: %w", err)
	}
	v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	h.web.Render(w, r, web.View{Name: "submitted", NoIndex: true, Data: v})
	return nil
}

// plural translates key, or key.one for a count of one.
func (h *Handler) plural(r *http.Request, key string, n int, args ...any) string {
	if n == 1 && h.web.Has(key+".one") {
		return h.t(r, key+".one", args...)
	}
	return h.t(r, key, args...)
}
