package backoffice

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/receipt"
	"github.com/motcua/motcua/internal/slips"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// Frame is what every back-office page shows above its content.
type Frame struct {
	Staff *staff
	Path  string // the page's path, for the unit switcher
}

// Several reports whether the member acts for more than one unit.
func (f Frame) Several() bool { return len(f.Staff.Units) > 1 }

type listView struct {
	Frame
	Title string
	// Search is the staff search's text, shown back in its box.
	Search    string
	Reception bool
	Dossiers  []dossier.Dossier
	Next      string // URL of the next page, if any
	Batch     bool   // the reception queue's batch receive
	// Subtree lists the units below too (read-only for the reader);
	// Scopes are the links between the two views, for roles that see
	// the subtree.
	Subtree bool
	Scopes  []tabView
}

// queue lists the acting unit's online dossiers awaiting reception, oldest
// first; ?sau=ID continues after that id.
func (h *Handler) queue(w http.ResponseWriter, r *http.Request, s *staff) error {
	after, err := afterParam(r.URL.Query().Get("sau"))
	if err != nil {
		return err
	}
	ds, next, err := h.Store.ReceptionQueue(r.Context(), s.Unit.UnitID, after, pageSize)
	if err != nil {
		return err
	}
	v := &listView{Frame: Frame{s, "/can-bo/tiep-nhan"}, Title: h.t(r, "queue.title"), Reception: true, Dossiers: ds,
		Batch: s.mayIntake()}
	if next != 0 {
		v.Next = "/can-bo/tiep-nhan?sau=" + strconv.FormatInt(next, 10)
	}
	h.web.Render(w, r, web.View{Name: "list", NoIndex: true, Data: v})
	return nil
}

// list lists the acting unit's dossiers in progress (?loai=dang-xu-ly) or
// overdue (?loai=qua-han), newest first; ?truoc=ID continues below that id.
// ?pham-vi=cap-duoi adds the units below for roles that see them (a
// district's leader follows its communes, read-only).
func (h *Handler) list(w http.ResponseWriter, r *http.Request, s *staff) error {
	q := r.URL.Query()
	f := dossier.Filter{UnitCode: s.Unit.UnitCode, Now: h.now(), Limit: pageSize}
	kind := q.Get("loai")
	title := ""
	// A search (?q= code, name, ID number or phone) looks through every
	// status, delivered and refused ones included: the desk's archive.
	search := strings.TrimSpace(q.Get("q"))
	if search != "" && kind == "" {
		kind = "tim-kiem"
	}
	f.Q = search
	switch kind {
	case "tim-kiem":
		title = h.t(r, "list.search", search)
	case "dang-xu-ly", "":
		kind = "dang-xu-ly"
		f.Statuses = []dossier.Status{dossier.StatusReceived, dossier.StatusProcessing, dossier.StatusSupplement, dossier.StatusFee}
		title = h.t(r, "list.in_progress")
	case "qua-han":
		f.Overdue = true
		title = h.t(r, "list.overdue")
	default:
		return apperr.New(apperr.Invalid, "kind_invalid", "Tham số «loai» không hợp lệ.", "The «loai» parameter is invalid.")
	}
	cursor, err := cursorParam(q.Get("truoc"))
	if err != nil {
		return err
	}
	f.Cursor = cursor
	seesBelow := s.seesBelow()
	subtree := false
	switch q.Get("pham-vi") {
	case "":
	case "cap-duoi":
		if !seesBelow {
			return apperr.New(apperr.Forbidden, "scope_forbidden", "Vai trò của bạn không được xem hồ sơ của các đơn vị trực thuộc.", "Your role may not see the dossiers of the units below.")
		}
		subtree = true
	default:
		return apperr.New(apperr.Invalid, "scope_invalid", "Tham số «pham-vi» không hợp lệ.", "The «pham-vi» parameter is invalid.")
	}
	ds, next, err := h.Store.ListDossiers(r.Context(), s.unitActor(), f)
	if err != nil {
		return err
	}
	var shown []dossier.Dossier
	for _, d := range ds {
		if subtree || d.UnitID == s.Unit.UnitID {
			shown = append(shown, d)
		}
	}
	base := "/can-bo/ho-so?loai=" + kind
	if subtree {
		base += "&pham-vi=cap-duoi"
	}
	if search != "" {
		base += "&q=" + url.QueryEscape(search)
	}
	v := &listView{Frame: Frame{s, base}, Title: title, Dossiers: shown, Subtree: subtree, Search: search}
	if seesBelow {
		v.Scopes = []tabView{
			{Label: h.t(r, "list.scope.own"), URL: "/can-bo/ho-so?loai=" + kind, Current: !subtree},
			{Label: h.t(r, "list.scope.below"), URL: "/can-bo/ho-so?loai=" + kind + "&pham-vi=cap-duoi", Current: subtree},
		}
	}
	if next != 0 {
		v.Next = base + "&truoc=" + strconv.FormatInt(next, 10)
	}
	h.web.Render(w, r, web.View{Name: "list", NoIndex: true, Data: v})
	return nil
}

// formValue is one answer of the application form with its label.
// formValue is one answer of the form; Origin, when set, is where the
// platform filled it from and the applicant kept it (dossier.Origin).
type formValue struct{ Label, Value, Origin string }

// docView is one attached document.
type docView struct {
	dossier.Document
	Name  string // the catalogue's name of the document, if known
	URL   string
	PDF   bool
	Image bool
}

// dossierView is the data of the dossier page.
type dossierView struct {
	Frame
	D         *dossier.Dossier
	Version   *catalog.Version
	Form      []formValue
	Documents []docView
	// Receipts are the dossier's e-receipts, each with its download;
	// Payments its payment requests.
	Receipts []receiptView
	Payments []paymentView
	// Outbound is what left the building about the dossier (outbound.go).
	Outbound outboundView
	Preview  *docView
	Actions  map[string]bool
	// Done is the action just completed (the success notice), Slip the slip
	// it issued.
	Done    string
	Slip    string
	Slips   []string // slips that apply now
	Stale   bool
	Error   string // the message of a failed action
	ErrorOf string
	Values  map[string]string
	Picked  map[string]bool // documents ticked for supplementation
	// Specialists are the assignment form's choices.
	Specialists []store.StaffMember
	Due         Deadline
	// ApologyBy is set (dd/mm/yyyy) when the leader is warned that the
	// dossier falls due within two working days: the last day to send the
	// apology and new date.
	ApologyBy string
	// Ordered are the actions offered, in the order their forms are
	// shown: Suggested (dossier.Suggested, "" if none) first, then the
	// others in pageOrder.
	Ordered   []string
	Suggested string
	// ResultFiles are the dossier's documents of kind result: the draft's
	// file the leader reads before approving.
	ResultFiles []docView
	// Draft is the result drafted and not yet issued, if any.
	Draft *dossier.Result
	// ConsultDays is the consultation form's time to answer unless the
	// officer changes it: the deployment's default.
	ConsultDays int
	// Pickers choose the unit of the transfer and consultation forms, by
	// action (pick.go).
	Pickers map[string]*unitPicker
	// Tampered is set when the dossier's history no longer verifies: an
	// event was changed or deleted outside the application.
	Tampered bool
	// Kiosk: the desk may open the rating screen for the applicant now.
	Kiosk bool
}

// HasActions reports whether any action form is shown.
func (v *dossierView) HasActions() bool { return len(v.Actions) > 0 }

// Opened reports whether the form of act is shown unfolded: the form that
// just failed (with its error), otherwise the suggested next step. A stale
// page's error is about the whole page, not a form.
func (v *dossierView) Opened(act string) bool {
	if v.ErrorOf != "" && !v.Stale {
		return act == v.ErrorOf
	}
	return act == v.Suggested
}

// pageOrder is the order of the action forms on the dossier page, after
// the suggested one: the lifecycle's main line, then the side steps, the
// reschedule and the stop last.
var pageOrder = []dossier.Action{dossier.ActReceive, dossier.ActRequestSupplement, dossier.ActRefuse,
	dossier.ActAssign, dossier.ActRequestFee, dossier.ActFeePaid, dossier.ActAnswerConsult, dossier.ActDraftResult,
	dossier.ActApproveDraft, dossier.ActFinish, dossier.ActReturnDraft, dossier.ActReturnResult, dossier.ActDeliver, dossier.ActTransfer,
	dossier.ActConsult, dossier.ActReschedule, dossier.ActStop, dossier.ActRevokeResult}

// shownActions are the actions the dossier page offers forms for.
var shownActions = []dossier.Action{dossier.ActReceive, dossier.ActRequestSupplement, dossier.ActRefuse,
	dossier.ActAssign, dossier.ActTransfer, dossier.ActConsult, dossier.ActAnswerConsult, dossier.ActRequestFee,
	dossier.ActFeePaid, dossier.ActDraftResult, dossier.ActApproveDraft, dossier.ActReturnDraft, dossier.ActFinish, dossier.ActReturnResult,
	dossier.ActDeliver, dossier.ActStop, dossier.ActReschedule, dossier.ActRevokeResult}

// resultActions are the actions whose form may carry the result file.
var resultActions = []dossier.Action{dossier.ActDraftResult, dossier.ActFinish}

// actionSlip is the slip each action issues.
var actionSlip = map[dossier.Action]string{dossier.ActReceive: "01", dossier.ActRequestSupplement: "02",
	dossier.ActRefuse: "03", dossier.ActReschedule: "04", dossier.ActStop: "05", dossier.ActFinish: "08"}

// shown reports whether the page offers a form for act.
func shown(act dossier.Action) bool { return slices.Contains(shownActions, act) }

func (h *Handler) load(r *http.Request, s *staff) (*dossierView, error) {
	d, err := h.Dossiers.Get(r.Context(), s.Actor, r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	v, err := h.Store.Version(r.Context(), d.ProcedureVersionID)
	if err != nil {
		return nil, err
	}
	lang := web.LangOf(r)
	view := &dossierView{Frame: Frame{s, "/can-bo/ho-so/" + d.Code}, D: d, Version: v,
		Actions: map[string]bool{}, Values: map[string]string{}, Picked: map[string]bool{}}
	// The delivery form starts at what the applicant chose.
	view.Values["method.deliver"] = d.Delivery.Method
	// A few dozen events: cheap enough to check on every view.
	problems, err := h.Store.VerifyDossier(r.Context(), d.ID)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		view.Tampered = true
		h.Log.WarnContext(r.Context(), "dossier history does not verify", "dossier", d.Code, "findings", len(problems))
	}
	origins := d.FormSources()
	for _, f := range v.Form.Fields {
		val, ok := d.Form[f.Name]
		if !ok || val == nil || val == "" {
			continue
		}
		text := web.AnswerText(f, val, lang, func(b bool) string { return h.t(r, "bool."+strconv.FormatBool(b)) })
		view.Form = append(view.Form, formValue{f.LabelIn(lang), text, string(origins[f.Name])})
	}
	if h.Payments != nil {
		// d was read with the officer's rights above.
		ps, err := h.Payments.RequestsOf(r.Context(), d)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			view.Payments = append(view.Payments, paymentView{Request: p, Amount: web.Money(p.Amount, lang)})
		}
	}
	if h.Receipts != nil {
		rs, err := h.Receipts.Of(r.Context(), d)
		if err != nil {
			return nil, err
		}
		for _, c := range rs {
			view.Receipts = append(view.Receipts, receiptView{Receipt: c, Amount: web.Money(c.Total, lang),
				URL: fmt.Sprintf("/can-bo/ho-so/%s/bien-lai/%d", d.Code, c.ID)})
		}
	}
	if view.Outbound, err = h.outboundOf(r, d); err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, doc := range v.Documents {
		names[doc.Key] = doc.Name
	}
	for _, doc := range d.Documents {
		dv := docView{Document: doc, Name: names[doc.DocKey], URL: fmt.Sprintf("/can-bo/ho-so/%s/tai-lieu/%d", d.Code, doc.ID)}
		dv.PDF, dv.Image = inlineKind(doc.ContentType)
		view.Documents = append(view.Documents, dv)
	}
	// A PDF is previewed only when asked for (?xem=ID): Chromium's PDF
	// viewer takes the focus and scrolls to itself once loaded, which would
	// pull the officer out of the form being filled. An image is shown at
	// once.
	if id := r.URL.Query().Get("xem"); id != "" {
		doc, ok := d.Document(id)
		if !ok {
			return nil, apperr.New(apperr.NotFound, "document_not_found", "Không có giấy tờ này trong hồ sơ.", "The dossier has no such document.")
		}
		for i := range view.Documents {
			if view.Documents[i].ID == doc.ID && (view.Documents[i].PDF || view.Documents[i].Image) {
				view.Preview = &view.Documents[i]
			}
		}
	} else {
		for i := range view.Documents {
			if view.Documents[i].Image {
				view.Preview = &view.Documents[i]
				break
			}
		}
	}
	var offered []dossier.Action
	for _, act := range dossier.NextActions(d, s.Actor) {
		if shown(act) {
			view.Actions[string(act)] = true
			offered = append(offered, act)
		}
	}
	view.Suggested = string(dossier.Suggested(d, s.Actor, offered))
	if view.Suggested != "" {
		view.Ordered = append(view.Ordered, view.Suggested)
	}
	for _, act := range pageOrder {
		if view.Actions[string(act)] && string(act) != view.Suggested {
			view.Ordered = append(view.Ordered, string(act))
		}
	}
	for _, dv := range view.Documents {
		if dv.Kind == dossier.DocResult {
			view.ResultFiles = append(view.ResultFiles, dv)
		}
	}
	view.Kiosk = dossier.Check(d, s.Actor, dossier.ActRate) == nil
	if d.Status == dossier.StatusProcessing && d.Result != nil {
		view.Draft = d.Result
	}
	view.ConsultDays = h.consultDays()
	if err := h.fillPickers(r, view); err != nil {
		return nil, err
	}
	if view.Actions[string(dossier.ActAssign)] {
		if view.Specialists, err = h.Store.UnitStaff(r.Context(), d.UnitID, org.RoleSpecialist); err != nil {
			return nil, err
		}
	}
	cal, err := h.calendar(r.Context(), d.UnitPath)
	if err != nil {
		return nil, err
	}
	now := h.now()
	view.Due = h.deadline(lang, cal, d, now)
	if view.Actions[string(dossier.ActReschedule)] && dossier.ApologyWarning(d, now, cal) {
		view.ApologyBy = dossier.ApologyLastDay(*d.LegalDueAt, cal).In(cal.Location()).Format("02/01/2006")
	}
	for _, no := range slips.Numbers {
		if slips.Applies(no, d) == nil {
			view.Slips = append(view.Slips, no)
		}
	}
	return view, nil
}

// consultDays is the time a consulted unit is given unless the officer
// says otherwise: the deployment's (dossier.Service.ConsultDays), else
// dossier.DefaultConsultDays.
func (h *Handler) consultDays() int {
	if ds, ok := h.Dossiers.(*dossier.Service); ok && ds.ConsultDays > 0 {
		return ds.ConsultDays
	}
	return dossier.DefaultConsultDays
}

// inlineKind reports whether a content type is shown in the browser: PDFs
// and raster images (never SVG, which may carry scripts).
func inlineKind(ct string) (pdf, image bool) {
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "application/pdf":
		return true, false
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return false, true
	}
	return false, false
}

func (h *Handler) dossierPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	v, err := h.load(r, s)
	if err != nil {
		return err
	}
	if done := dossier.Action(r.URL.Query().Get("xong")); shown(done) || done == "refund" {
		v.Done = string(done)
		if no := actionSlip[done]; no != "" && slips.Applies(no, v.D) == nil {
			v.Slip = actionSlip[done]
		}
	}
	h.web.Render(w, r, web.View{Name: "dossier", NoIndex: true, Data: v})
	return nil
}

// formError is a form value the page rejects before the service sees it.
func formError(key string, vi, en string) error { return apperr.New(apperr.Invalid, key, vi, en) }

// readAction reads the posted form (urlencoded, or multipart for the finish
// form's result file) into a command and the result documents.
// The files are staged in *uploads: the caller keeps them once the action
// is accepted and discards them otherwise.
func (h *Handler) readAction(w http.ResponseWriter, r *http.Request, s *staff, uploads **files.Multipart) (dossier.Command, []dossier.Document, map[string]string, error) {
	var cmd dossier.Command
	fields := map[string]string{}
	var docs []dossier.Document
	var documents []string
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		// Check visibility before accepting any file.
		if _, err := h.Dossiers.Get(r.Context(), s.Actor, r.PathValue("code")); err != nil {
			return cmd, nil, fields, err
		}
		m, err := files.ReadMultipart(w, r, h.Files, h.Limits, false)
		if err != nil {
			return cmd, nil, fields, err
		}
		*uploads = m
		fields = m.Fields
		for _, u := range m.Uploads {
			docs = append(docs, dossier.Document{Kind: dossier.DocResult, Filename: u.Filename, ContentType: u.ContentType,
				Size: u.Size, SHA256: u.SHA256, StorageKey: u.Key, UploadedAt: h.now(), Content: u.Open})
		}
	} else {
		if err := web.ParseForm(w, r, maxForm); err != nil {
			return cmd, nil, fields, err
		}
		for k := range r.PostForm {
			fields[k] = r.PostForm.Get(k)
		}
		documents = r.PostForm["documents"]
	}
	act := dossier.Action(fields["action"])
	if !shown(act) {
		return cmd, nil, fields, apperr.New(apperr.Invalid, "unknown_action", "Thao tác không hợp lệ.", "Unknown action.")
	}
	version, err := strconv.Atoi(fields["version"])
	if err != nil {
		return cmd, nil, fields, apperr.New(apperr.Invalid, "version_invalid", "Thiếu phiên bản hồ sơ; vui lòng tải lại trang.", "The dossier version is missing; reload the page.")
	}
	cmd = dossier.Command{Action: act, Version: version, Reason: strings.TrimSpace(fields["reason"])}
	if len(docs) > 0 && !slices.Contains(resultActions, act) {
		return cmd, nil, fields, formError("file_not_allowed", "Chỉ được đính kèm tệp kết quả khi dự thảo hoặc phê duyệt kết quả.", "Files may only be attached to a draft or an issued result.")
	}
	switch act {
	case dossier.ActRequestSupplement:
		cmd.Documents = documents
	case dossier.ActAssign:
		cmd.Assignee = strings.TrimSpace(fields["assignee"])
	case dossier.ActTransfer, dossier.ActConsult:
		// The service says when none is chosen, and when the code is
		// not a unit's.
		cmd.ToUnit = strings.TrimSpace(fields["to_unit"])
		if raw := strings.TrimSpace(fields["reply_days"]); act == dossier.ActConsult && raw != "" {
			// The range is the service's rule; here only the number.
			n, err := strconv.Atoi(raw)
			if err != nil {
				return cmd, nil, fields, formError("reply_days_invalid", "Thời hạn trả lời phải là một số ngày làm việc.", "The time to answer must be a number of working days.")
			}
			cmd.ReplyDays = n
		}
	case dossier.ActRequestFee:
		raw := strings.NewReplacer(".", "", ",", "", " ", "", "\u00a0", "").Replace(strings.TrimSpace(fields["amount"]))
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n <= 0 {
			return cmd, nil, fields, formError("amount_invalid", "Số tiền phải là số nguyên dương, tính bằng đồng.", "The amount must be a positive whole number of đồng.")
		}
		cmd.Amount = n
	case dossier.ActFinish, dossier.ActDraftResult:
		res := &dossier.Result{Number: strings.TrimSpace(fields["result_number"]), Summary: strings.TrimSpace(fields["summary"])}
		if act == dossier.ActFinish && res.Number == "" && res.Summary == "" && fields["granted"] == "" && len(docs) == 0 {
			// The approval form of a pending draft sends no result: the
			// service issues the draft (or says there is none).
			break
		}
		switch fields["granted"] {
		case "yes":
			res.Granted = true
		case "no":
		default:
			return cmd, nil, fields, formError("granted_required", "Vui lòng chọn kết quả giải quyết: đồng ý hoặc không.", "Say whether the request is granted.")
		}
		cmd.Result = res
	case dossier.ActDeliver:
		cmd.Method = fields["method"]
	case dossier.ActReschedule:
		cmd.NewDue = strings.TrimSpace(fields["new_due"])
		if cmd.NewDue == "" && cmd.Reason != "" {
			return cmd, nil, fields, formError("new_due_required", "Vui lòng nhập ngày hẹn trả mới.", "Enter the new due date.")
		}
	}
	return cmd, docs, fields, nil
}

// act runs one action posted from the dossier page; the service checks
// role, status, version and arguments.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, s *staff) error {
	if done, err := h.findUnit(w, r, s); done {
		return err
	}
	code := r.PathValue("code")
	var uploads *files.Multipart
	defer func() { uploads.Discard() }()
	cmd, docs, fields, err := h.readAction(w, r, s, &uploads)
	if err == nil {
		_, _, err = h.Dossiers.Act(r.Context(), s.Actor, code, cmd, docs)
	}
	if err == nil {
		if err := uploads.Keep(r.Context()); err != nil {
			h.Log.ErrorContext(r.Context(), "keeping uploaded files", "err", err)
		}
		http.Redirect(w, r, "/can-bo/ho-so/"+code+"?xong="+string(cmd.Action), http.StatusSeeOther)
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.NotFound || cmd.Action == "" {
		return err
	}
	switch e.Kind {
	case apperr.Internal, apperr.Unauthorized, apperr.TooMany:
		return err // not about the form: the error page
	}
	v, lerr := h.load(r, s)
	if lerr != nil {
		return lerr
	}
	status := e.Kind.Status()
	v.Stale = e.Kind == apperr.Conflict
	act := string(cmd.Action)
	v.Error, v.ErrorOf = e.Message(web.LangOf(r)), act
	for k, val := range fields {
		if k != "action" && k != "version" {
			v.Values[k+"."+act] = val
		}
	}
	for _, k := range cmd.Documents {
		v.Picked[k] = true
	}
	h.web.Render(w, r, web.View{Name: "dossier", Status: status, NoIndex: true, Data: v})
	return nil
}

// document serves one of the dossier's files: PDFs and raster images
// inline (for the preview), anything else as a download.
func (h *Handler) document(w http.ResponseWriter, r *http.Request, s *staff) error {
	d, err := h.Dossiers.Get(r.Context(), s.Actor, r.PathValue("code"))
	if err != nil {
		return err
	}
	doc, ok := d.Document(r.PathValue("id"))
	if !ok {
		return apperr.ErrNotFound
	}
	dl := files.Download{Key: doc.StorageKey, ContentType: doc.ContentType, Filename: doc.Filename, Size: doc.Size,
		CSP: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"}
	if pdf, img := inlineKind(dl.ContentType); pdf || img {
		dl.Inline = true
	} else {
		dl.ContentType = "application/octet-stream"
	}
	return files.Serve(r.Context(), w, h.Files, dl)
}

// slip serves slips 01–06 and 08 of a dossier as PDF.
func (h *Handler) slip(w http.ResponseWriter, r *http.Request, s *staff) error {
	d, err := h.Dossiers.Get(r.Context(), s.Actor, r.PathValue("code"))
	if err != nil {
		return err
	}
	no := r.PathValue("no")
	pdf, err := slips.DossierSlip(r.Context(), no, d, h.Store, slips.Input{Issuer: slips.IssuerOf(r.Context(), h.Store, d.UnitCode),
		TrackingURL: web.PublicURL(h.BaseURL, r, slips.QRPath(no, d.Code)), Now: h.now(), Lang: web.LangOf(r)})
	if err != nil {
		return err
	}
	web.ServePDF(w, "phieu-"+no+"-"+d.Code+".pdf", pdf)
	return nil
}

// receiptView is one e-receipt on the dossier page.
type receiptView struct {
	*receipt.Receipt
	Amount, URL string
}

// receiptPDF serves an e-receipt of a dossier the officer may read.
func (h *Handler) receiptPDF(w http.ResponseWriter, r *http.Request, s *staff) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 || h.Receipts == nil {
		return apperr.ErrNotFound
	}
	name, data, err := h.Receipts.PDF(r.Context(), s.Actor, r.PathValue("code"), id)
	if err != nil {
		return err
	}
	web.ServePDF(w, name, data)
	return nil
}

// paymentView is one payment request on the dossier page.
type paymentView struct {
	payment.Request
	Amount string
}

// refundPost records that the unit paid back a payment flagged for refund
// (payment.Service.RecordRefund: the unit's leaders and receptionists).
func (h *Handler) refundPost(w http.ResponseWriter, r *http.Request, s *staff) error {
	if err := web.ParseForm(w, r, maxForm); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostForm.Get("request"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.New(apperr.Invalid, "request_required", "Thiếu khoản nộp cần ghi nhận hoàn phí.", "The payment to record the refund of is missing.")
	}
	if h.Payments == nil {
		return apperr.ErrNotFound
	}
	code := r.PathValue("code")
	if err := h.Payments.RecordRefund(r.Context(), s.Actor, code, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/can-bo/ho-so/"+url.PathEscape(code)+"?xong=refund", http.StatusSeeOther)
	return nil
}
