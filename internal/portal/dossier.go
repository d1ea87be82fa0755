package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/notice"
	"github.com/motcua/motcua/internal/web"
)

// maxComment bounds the rating comment and the reasons typed on the
// dossier page (the lifecycle allows 2000 characters for a comment).
const maxComment = 2000

// okMessages are the success notes a redirect may ask for (?ok=…).
var okMessages = map[string]string{"bo-sung": "mine.ok.supplement", "rut": "mine.ok.withdraw", "danh-gia": "mine.ok.rate"}

// timelineItem is one event told in plain words.
type timelineItem struct {
	At   time.Time
	Text string
}

// fileLink is one downloadable document of the dossier.
type fileLink struct {
	URL      string
	Name     string // the document's name in the procedure's list, if any
	Filename string
	Size     string
}

// mineView is the citizen's page of one of their dossiers, with the forms
// the dossier's status allows.
type mineView struct {
	D          *dossier.Dossier
	StatusText string
	Timeline   []timelineItem
	Docs       []fileLink
	Results    []fileLink
	OK         string
	Errors     []formError
	Version    int
	MaxFileMB  int64

	// Supplementation (status 5).
	Supplement    bool
	SupReason     string
	Requested     []docView
	Note          string
	SupplementURL string

	// Withdrawal.
	CanWithdraw    bool
	WithdrawURL    string
	WithdrawReason string
	ReasonError    string
	Confirmed      bool
	ConfirmError   string

	// Fees: every item of the version with what it costs or why it is
	// exempt, the payments made and, while the dossier waits for its fee
	// (status 6), the gateways to pay with (pay.go).
	Fees      []feeLine
	Payments  []paymentLine
	PayURL    string
	PayAmount string
	Gateways  []Gateway
	PayError  string
	Receipts  []receiptLink

	// Rating (status 10, not yet rated).
	CanRate     bool
	RateURL     string
	Ratings     []option
	RatingError string
	Comment     string
	Rated       string // the rating given, in words
}

// ratingValues are the rating choices, best first.
var ratingValues = []string{dossier.RatingVerySatisfied, dossier.RatingSatisfied, dossier.RatingDissatisfied}

// ownDossier loads the logged-in citizen's dossier named in the path. It
// answers for everyone else: the login page for nobody, the 404 page for
// staff, other citizens and unknown codes alike; ok is false then.
func (h *Handler) ownDossier(w http.ResponseWriter, r *http.Request) (*account.Account, *dossier.Dossier, bool, error) {
	code := normaliseCode(r.PathValue("code"))
	a := accountOf(r)
	if a == nil {
		back := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			back = "/ho-so/" + url.PathEscape(code)
		}
		http.Redirect(w, r, loginURL(back), http.StatusSeeOther)
		return nil, nil, false, nil
	}
	if a.Kind != account.KindCitizen || code == "" || len(code) > maxCode {
		return nil, nil, false, h.notFound(w, r)
	}
	d, err := h.Dossiers.Get(r.Context(), citizenActor(a), code)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil, false, h.notFound(w, r)
	}
	if err != nil {
		return nil, nil, false, err
	}
	return a, d, true, nil
}

// dossierPage shows a citizen their own dossier: where it stands in plain
// words, its dates, what happened so far, its documents and the forms its
// status allows (supplementation, withdrawal, rating).
func (h *Handler) dossierPage(w http.ResponseWriter, r *http.Request) error {
	a, d, ok, err := h.ownDossier(w, r)
	if !ok {
		return err
	}
	v, err := h.mineView(r, a, d)
	if err != nil {
		return err
	}
	if k, ok := okMessages[r.URL.Query().Get("ok")]; ok {
		v.OK = h.t(r, k)
	}
	h.render(w, r, v, http.StatusOK)
	return nil
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, v *mineView, status int) {
	h.web.Render(w, r, web.View{Name: "dossier", NoIndex: true, Status: status, Data: v})
}

// mineView builds the page of d for its owner a.
func (h *Handler) mineView(r *http.Request, a *account.Account, d *dossier.Dossier) (*mineView, error) {
	lang := web.LangOf(r)
	ver, err := h.Catalogue.Version(r.Context(), d.ProcedureVersionID)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return nil, err
	}
	d.StatusLabel = d.Status.Label(lang)
	base := "/ho-so/" + url.PathEscape(d.Code)
	v := &mineView{D: d, StatusText: h.t(r, fmt.Sprintf("mine.status.%d", int(d.Status))), Version: d.Version,
		MaxFileMB: h.Limits.File >> 20, SupplementURL: base + "/bo-sung", WithdrawURL: base + "/rut", RateURL: base + "/danh-gia"}
	for _, ev := range d.Events {
		v.Timeline = append(v.Timeline, timelineItem{At: ev.At, Text: h.eventText(r, ev, ver)})
	}
	for _, doc := range d.Documents {
		l := fileLink{URL: base + "/tai-lieu/" + strconv.FormatInt(doc.ID, 10), Name: docName(ver, doc.DocKey),
			Filename: doc.Filename, Size: sizeWords(doc.Size, lang)}
		if doc.Kind == dossier.DocResult {
			v.Results = append(v.Results, l)
		} else {
			v.Docs = append(v.Docs, l)
		}
	}
	for _, act := range dossier.NextActions(d, citizenActor(a)) {
		switch act {
		case dossier.ActSupplement:
			if d.Supplement == nil {
				continue
			}
			v.Supplement, v.SupReason = true, d.Supplement.Reason
			for _, k := range d.Supplement.Documents {
				// A paper shown at the desk is shown again there, not
				// uploaded; a declaration asked again is uploaded, the
				// form being closed once submitted.
				v.Requested = append(v.Requested, docView{ID: "sup-" + k, Input: "doc." + k, Name: docName(ver, k), Required: true,
					Present: docPresent(ver, k)})
			}
		case dossier.ActWithdraw:
			v.CanWithdraw = true
		case dossier.ActRate:
			v.CanRate = true
		}
	}
	if err := h.fees(r, v, d); err != nil {
		return nil, err
	}
	if v.Receipts, err = h.receiptLinks(r, d); err != nil {
		return nil, err
	}
	for _, rv := range ratingValues {
		v.Ratings = append(v.Ratings, option{Value: rv, Label: h.t(r, "rating."+rv)})
	}
	if d.Rating != "" {
		v.Rated = h.t(r, "rating."+d.Rating)
	}
	return v, nil
}

// docPresent reports whether the document of key is shown at the desk.
func docPresent(ver *catalog.Version, key string) bool {
	if ver == nil {
		return false
	}
	for _, d := range ver.Documents {
		if d.Key == key {
			return d.Present
		}
	}
	return false
}

// docName names a document of the procedure's list by its key; the key
// itself when it is empty or unknown.
func docName(ver *catalog.Version, key string) string {
	if ver == nil || key == "" {
		return key
	}
	for _, d := range ver.Documents {
		if d.Key == key {
			return d.Name
		}
	}
	return key
}

// sizeWords states a file size: "12 KB", "1,5 MB".
func sizeWords(n int64, lang string) string {
	if n < 1<<20 {
		return web.Number((n+1023)>>10, lang) + " KB"
	}
	s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	if lang != web.EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " MB"
}

// eventText tells one event in the reader's language, in the words of
// package notice, which the e-mail, SMS and Zalo notices use too.
func (h *Handler) eventText(r *http.Request, ev dossier.Event, ver *catalog.Version) string {
	return notice.EventText(ev, ver, web.LangOf(r))
}

// act runs the citizen's command and answers: 303 to the dossier page with
// the success note, or the page again with the error (409 for a stale
// page, with the dossier as it is now).
func (h *Handler) act(w http.ResponseWriter, r *http.Request, a *account.Account, d *dossier.Dossier, cmd dossier.Command,
	docs []dossier.Document, uploads *files.Multipart, ok string, onErr func(v *mineView, e *apperr.Error)) error {
	lang := web.LangOf(r)
	out, _, err := h.Dossiers.Act(r.Context(), citizenActor(a), d.Code, cmd, docs)
	if err == nil {
		// Accepted: the files are the dossier's now.
		if err := uploads.Keep(r.Context()); err != nil {
			h.Log.ErrorContext(r.Context(), "keeping uploaded files", "err", err)
		}
		h.Log.InfoContext(r.Context(), "citizen action", "code", out.Code, "action", cmd.Action, "account", a.ID)
		http.Redirect(w, r, "/ho-so/"+url.PathEscape(out.Code)+"?ok="+ok, http.StatusSeeOther)
		return nil
	}
	e, isApp := apperr.As(err)
	if !isApp {
		return err
	}
	if e.Kind == apperr.NotFound {
		return h.notFound(w, r)
	}
	if e.Kind == apperr.Conflict {
		return h.stale(w, r, a, d.Code)
	}
	fresh, gerr := h.Dossiers.Get(r.Context(), citizenActor(a), d.Code)
	if gerr != nil {
		return gerr
	}
	v, verr := h.mineView(r, a, fresh)
	if verr != nil {
		return verr
	}
	onErr(v, e)
	if len(v.Errors) == 0 {
		v.Errors = append(v.Errors, formError{Field: "status", Message: e.Message(lang)})
	}
	h.render(w, r, v, e.Kind.Status())
	return nil
}

// stale answers 409 with the dossier as it is now and a note to reload.
func (h *Handler) stale(w http.ResponseWriter, r *http.Request, a *account.Account, code string) error {
	d, err := h.Dossiers.Get(r.Context(), citizenActor(a), code)
	if apperr.Is(err, apperr.NotFound) {
		return h.notFound(w, r)
	}
	if err != nil {
		return err
	}
	v, err := h.mineView(r, a, d)
	if err != nil {
		return err
	}
	v.Errors = append(v.Errors, formError{Field: "status", Message: h.t(r, "mine.stale")})
	h.render(w, r, v, http.StatusConflict)
	return nil
}

// formVersion reads the dossier version a form was rendered with; 0 when
// missing or malformed.
func formVersion(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// supplement answers a supplementation request: one file for each
// requested document, an optional note. Nothing is recorded while a
// requested document is missing or refused. Answers: 303 to the dossier
// page; the page again with 400 (missing documents), 413, 415, or 409 for a
// page older than the dossier.
func (h *Handler) supplement(w http.ResponseWriter, r *http.Request) error {
	a, d, ok, err := h.ownDossier(w, r)
	if !ok {
		return err
	}
	lang := web.LangOf(r)
	m, err := files.ReadMultipart(w, r, h.Files, h.Limits, true)
	if err != nil {
		e, isApp := apperr.As(err)
		if !isApp {
			return err
		}
		v, verr := h.mineView(r, a, d)
		if verr != nil {
			return verr
		}
		v.Errors = append(v.Errors, formError{Field: "supplement", Message: e.Message(lang)})
		h.render(w, r, v, e.Kind.Status())
		return nil
	}
	defer m.Discard()
	if formVersion(m.Fields["version"]) != d.Version {
		return h.stale(w, r, a, d.Code)
	}
	v, err := h.mineView(r, a, d)
	if err != nil {
		return err
	}
	if !v.Supplement {
		// The status no longer asks for documents: the page has changed.
		return h.stale(w, r, a, d.Code)
	}
	v.Note = strings.TrimSpace(m.Fields["note"])
	status := http.StatusBadRequest
	if len([]rune(v.Note)) > maxComment {
		v.Errors = append(v.Errors, formError{Field: "sup-note", Message: h.t(r, "mine.err.too_long", maxComment)})
	}
	attached := map[string][]files.Upload{} // several files for one document
	for _, u := range m.Uploads {
		attached[u.Field] = append(attached[u.Field], u)
	}
	var docs []dossier.Document
	fileStatus := 0
	for i := range v.Requested {
		rd := &v.Requested[i]
		if err := m.Rejected[rd.Input]; err != nil {
			e, _ := apperr.As(err)
			rd.Error = e.Message(lang)
			if fileStatus == 0 || e.Kind.Status() == http.StatusUnsupportedMediaType {
				fileStatus = e.Kind.Status()
			}
		} else if rd.Present {
			continue
		} else if ups := attached[rd.Input]; len(ups) > 0 {
			for _, u := range ups {
				docs = append(docs, dossier.Document{Kind: dossier.DocSupplement, DocKey: strings.TrimPrefix(u.Field, "doc."),
					Filename: u.Filename, ContentType: u.ContentType, Size: u.Size, SHA256: u.SHA256, StorageKey: u.Key, UploadedAt: h.now()})
			}
		} else {
			rd.Error = h.t(r, "mine.err.missing", rd.Name)
		}
		if rd.Error != "" {
			v.Errors = append(v.Errors, formError{Field: rd.ID, Message: rd.Error})
		}
	}
	if fileStatus != 0 {
		status = fileStatus
	}
	if len(v.Errors) > 0 {
		h.render(w, r, v, status)
		return nil
	}
	cmd := dossier.Command{Action: dossier.ActSupplement, Version: d.Version, Reason: v.Note}
	note := v.Note
	return h.act(w, r, a, d, cmd, docs, m, "bo-sung", func(v *mineView, e *apperr.Error) {
		v.Note = note
		v.Errors = append(v.Errors, formError{Field: "supplement", Message: e.Message(lang)})
	})
}

// ownForm reads a URL-encoded form posted on the owner's dossier page at
// the version it showed; ok is false once it has answered (not the owner,
// bad form, stale version).
func (h *Handler) ownForm(w http.ResponseWriter, r *http.Request) (*account.Account, *dossier.Dossier, url.Values, *mineView, bool, error) {
	a, d, ok, err := h.ownDossier(w, r)
	if !ok {
		return nil, nil, nil, nil, false, err
	}
	if err := parseForm(w, r); err != nil {
		return nil, nil, nil, nil, false, err
	}
	f := r.PostForm
	if formVersion(f.Get("version")) != d.Version {
		return nil, nil, nil, nil, false, h.stale(w, r, a, d.Code)
	}
	v, err := h.mineView(r, a, d)
	if err != nil {
		return nil, nil, nil, nil, false, err
	}
	return a, d, f, v, true, nil
}

// withdraw withdraws the dossier at the citizen's request: a reason (the
// lifecycle's rule, dossier.CheckWithdrawal) and a confirmation are
// required. Answers: 303 to the dossier page; the page again with 400 or
// 409.
func (h *Handler) withdraw(w http.ResponseWriter, r *http.Request) error {
	a, d, f, v, ok, err := h.ownForm(w, r)
	if !ok {
		return err
	}
	if !v.CanWithdraw {
		return h.stale(w, r, a, d.Code)
	}
	v.WithdrawReason = strings.TrimSpace(f.Get("reason"))
	v.Confirmed, _ = web.CheckboxOn(f.Get("confirm"))
	if err := dossier.CheckWithdrawal(v.WithdrawReason); err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		v.ReasonError = e.Message(web.LangOf(r))
	} else if len([]rune(v.WithdrawReason)) > maxComment {
		v.ReasonError = h.t(r, "mine.err.too_long", maxComment)
	}
	if v.ReasonError != "" {
		v.Errors = append(v.Errors, formError{Field: "withdraw-reason", Message: v.ReasonError})
	}
	if !v.Confirmed {
		v.ConfirmError = h.t(r, "mine.err.confirm")
		v.Errors = append(v.Errors, formError{Field: "withdraw-confirm", Message: v.ConfirmError})
	}
	if len(v.Errors) > 0 {
		h.render(w, r, v, http.StatusBadRequest)
		return nil
	}
	cmd := dossier.Command{Action: dossier.ActWithdraw, Version: d.Version, Reason: v.WithdrawReason}
	reason := v.WithdrawReason
	return h.act(w, r, a, d, cmd, nil, nil, "rut", func(v *mineView, e *apperr.Error) {
		v.WithdrawReason, v.Confirmed = reason, true
		v.ReasonError = e.Message(web.LangOf(r))
		v.Errors = append(v.Errors, formError{Field: "withdraw-reason", Message: v.ReasonError})
	})
}

// rate records the citizen's rating of a delivered dossier. Answers: 303
// to the dossier page; the page again with 400 or 409.
func (h *Handler) rate(w http.ResponseWriter, r *http.Request) error {
	a, d, f, v, ok, err := h.ownForm(w, r)
	if !ok {
		return err
	}
	if !v.CanRate {
		return h.stale(w, r, a, d.Code)
	}
	rating := f.Get("rating")
	v.Comment = strings.TrimSpace(f.Get("comment"))
	known := false
	for i := range v.Ratings {
		if v.Ratings[i].Value == rating {
			v.Ratings[i].Selected, known = true, true
		}
	}
	if !known {
		v.RatingError = h.t(r, "mine.err.rating")
		v.Errors = append(v.Errors, formError{Field: "rating-" + ratingValues[0], Message: v.RatingError})
	}
	if len([]rune(v.Comment)) > maxComment {
		v.Errors = append(v.Errors, formError{Field: "rate-comment", Message: h.t(r, "mine.err.too_long", maxComment)})
	}
	if len(v.Errors) > 0 {
		h.render(w, r, v, http.StatusBadRequest)
		return nil
	}
	cmd := dossier.Command{Action: dossier.ActRate, Version: d.Version, Rating: rating, Comment: v.Comment}
	return h.act(w, r, a, d, cmd, nil, nil, "danh-gia", func(v *mineView, e *apperr.Error) {
		v.RatingError = e.Message(web.LangOf(r))
		v.Errors = append(v.Errors, formError{Field: "rating-" + ratingValues[0], Message: v.RatingError})
	})
}

// document streams one document of the citizen's own dossier as an
// attachment; any other document, or anyone else, gets the 404 page.
func (h *Handler) document(w http.ResponseWriter, r *http.Request) error {
	_, d, ok, err := h.ownDossier(w, r)
	if !ok {
		return err
	}
	doc, ok := d.Document(r.PathValue("id"))
	if !ok {
		return h.notFound(w, r)
	}
	return files.Serve(r.Context(), w, h.Files, files.Download{Key: doc.StorageKey, ContentType: doc.ContentType, Filename: doc.Filename, Size: doc.Size})
}
