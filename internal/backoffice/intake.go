package backoffice

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range intakeMessages {
		messages[k] = v
	}
}

var intakeMessages = web.Messages{
	"bo.nav.intake":       {"Tiếp nhận trực tiếp", "Counter intake"},
	"in.title":            {"Tiếp nhận hồ sơ trực tiếp", "Counter intake"},
	"in.procedure":        {"Thủ tục", "Procedure"},
	"in.procedure.choose": {"— Chọn thủ tục —", "— Choose a procedure —"},
	"in.procedure.go":     {"Chọn", "Choose"},
	"in.procedure.none":   {"Đơn vị không giải quyết thủ tục nào.", "The unit offers no procedure."},
	"in.applicant":        {"Người nộp hồ sơ", "Applicant"},
	"in.lookup":           {"Tìm", "Look up"},
	"in.lookup.found":     {"Đã điền thông tin từ tài khoản công dân có số định danh này.", "Filled in from the citizen account with this ID number."},
	"in.lookup.none":      {"Không có tài khoản công dân với số định danh này.", "No citizen account has this ID number."},
	"in.form":             {"Tờ khai", "Application form"},
	"in.documents":        {"Thành phần hồ sơ: đánh dấu giấy tờ đã nhận", "Documents: tick those received"},
	"in.required":         {"(bắt buộc)", "(required)"},
	"in.doc.present":      {"xuất trình để đối chiếu", "shown for comparison"},
	"in.submit":           {"Tiếp nhận hồ sơ", "Receive the dossier"},
	"in.choose":           {"— Chọn —", "— Choose —"},
	"in.error":            {"Hồ sơ chưa được tiếp nhận. Vui lòng kiểm tra các thông tin được đánh dấu.", "The dossier was not received. Check the marked fields."},
	"b.title":             {"Kết quả xử lý hàng loạt", "Batch results"},
	"b.ok":                {"Thành công", "Done"},
	"b.summary":           {"%d thành công, %d không thực hiện được.", "%d done, %d failed."},
	"b.col.result":        {"Kết quả", "Result"},
	"b.pick":              {"Chọn", "Select"},
	"b.receive":           {"Tiếp nhận các hồ sơ đã chọn", "Receive the selected dossiers"},
	"b.assign":            {"Phân công cho", "Assign to"},
	"b.finish":            {"Phê duyệt", "Approve"},
	"b.finish.hint":       {"Mỗi hồ sơ được chọn được ban hành theo dự thảo kết quả của chính nó.", "Each dossier selected is issued with its own draft result."},
	"b.back":              {"Quay lại", "Back"},
	"b.stale":             {"Hồ sơ đã được người khác thay đổi; vui lòng tải lại trang.", "The dossier was changed by someone else; reload the page."},
	"b.forbidden":         {"Bạn không được phép thực hiện thao tác này với hồ sơ.", "You are not allowed to do this to the dossier."},
	"b.notfound":          {"Không tìm thấy hồ sơ.", "No such dossier."},
	"b.internal":          {"Lỗi hệ thống; vui lòng thử lại.", "Internal error; try again."},
}

// intakeDoc is one line of the intake checklist: the document, what the
// officer entered and the error to show beside it.
type intakeDoc struct {
	Key, ID, Input, Name, Error string
	Required, Received          bool
	// Present is a paper the applicant shows (xuất trình): ticked once
	// the officer has compared it.
	Present                 bool
	Originals, Copies, Note string
}

type intakeView struct {
	Frame
	Procedures []option
	P          *catalog.Procedure
	Applicant  dossier.Applicant
	AppErrors  map[string]string
	Lookup     string // message of the "Tìm" lookup
	Fields     []web.FormField
	Docs       []intakeDoc
	Reason     string // of a refusal
	ReasonErr  string
	Error      string
	// Delivery is how the applicant asks to receive the result, with the
	// methods the procedure allows and the errors of each field.
	Delivery        dossier.Delivery
	DeliveryMethods []string
	DeliveryErrors  map[string]string
	// Other is the form refusing a procedure the unit does not offer.
	Other otherRefusal
	// PopLookup shows the population-database lookup button; Filled marks
	// the inputs (by name) the lookup filled (population.go).
	PopLookup bool
	Filled    map[string]bool
}

// mayIntake reports whether the member receives counter dossiers for the
// acting unit (receptionist or leader there).
func (s *staff) mayIntake() bool {
	roles := s.rolesIn(s.Unit.UnitID)
	return slices.Contains(roles, org.RoleReceptionist) || slices.Contains(roles, org.RoleLeader)
}

func errNoIntake() error {
	return apperr.New(apperr.Forbidden, "not_receptionist",
		"Chỉ cán bộ tiếp nhận hoặc lãnh đạo của đơn vị mới được tiếp nhận hồ sơ trực tiếp.", "Only the unit's receptionists and leaders take counter dossiers.")
}

// intakeView builds the counter-intake page for the procedure code (may be
// empty: only the procedure select is shown).
func (h *Handler) intakeView(r *http.Request, s *staff, code string, values map[string]string) (*intakeView, error) {
	lang := web.LangOf(r)
	v := &intakeView{Frame: Frame{s, "/can-bo/tiep-nhan/truc-tiep"}, AppErrors: map[string]string{}, PopLookup: h.Population.enabled()}
	choices, err := h.Store.UnitProcedures(r.Context(), s.Unit.UnitID, h.now())
	if err != nil {
		return nil, err
	}
	offered := false
	for _, c := range choices {
		label := c.Name
		if !c.Offered {
			// Received here under receive_anywhere, decided elsewhere.
			label += " — " + h.t(r, "in.procedure.anywhere")
		}
		v.Procedures = append(v.Procedures, option{Value: c.Code, Label: label, Selected: c.Code == code})
		offered = offered || c.Code == code
	}
	if code == "" {
		return v, nil
	}
	if !offered {
		return nil, apperr.Newf(apperr.Invalid, "not_offered", "Đơn vị không giải quyết thủ tục «%s».", "The unit does not offer %q.", code)
	}
	p, err := h.Store.ProcedureInForce(r.Context(), code, h.now())
	if err != nil {
		return nil, err
	}
	v.P = p
	v.Delivery = dossier.Delivery{Method: values["delivery.method"], Address: values["delivery.address"]}
	if v.Delivery.Method == "" {
		v.Delivery.Method = dossier.DeliverInPerson
	}
	v.DeliveryErrors = map[string]string{}
	v.DeliveryMethods = dossier.DeliveryMethodsFor(p.Current)
	v.Applicant = dossier.Applicant{FullName: values["applicant.full_name"], IDNumber: values["applicant.id_number"],
		Phone: values["applicant.phone"], Email: values["applicant.email"], Address: values["applicant.address"]}
	// The same controls as the portal's (min/max, inputmode, help…).
	v.Fields = web.FormFields(p.Current.Form, values, lang, h.t(r, "in.choose"))
	v.Reason = values["reason"]
	for _, d := range p.Current.Documents {
		line := intakeDoc{Key: d.Key, ID: "doc-" + d.Key, Input: "doc." + d.Key, Name: d.Name, Required: d.Required, Present: d.Present,
			Originals: strconv.Itoa(d.Originals), Copies: strconv.Itoa(d.Copies), Note: values["note."+d.Key]}
		if o, ok := values["orig."+d.Key]; ok {
			line.Originals = o
		}
		if c, ok := values["copy."+d.Key]; ok {
			line.Copies = c
		}
		line.Received = values["recv."+d.Key] != ""
		v.Docs = append(v.Docs, line)
	}
	return v, nil
}

// intakeForm serves GET /can-bo/tiep-nhan/truc-tiep: ?thu-tuc=CODE chooses
// the procedure; ?tim=1 with id_number looks the applicant up.
func (h *Handler) intakeForm(w http.ResponseWriter, r *http.Request, s *staff) error {
	if !s.mayIntake() {
		return errNoIntake()
	}
	q := r.URL.Query()
	values := map[string]string{}
	for k := range q {
		if len(q.Get(k)) <= 1000 {
			values[k] = q.Get(k)
		}
	}
	code := strings.TrimSpace(q.Get("thu-tuc"))
	if len(code) > 100 {
		return apperr.New(apperr.Invalid, "query_too_long", "Mã thủ tục quá dài.", "The procedure code is too long.")
	}
	id := strings.TrimSpace(q.Get("applicant.id_number"))
	if code != "" && q.Get("tim") != "" && id != "" {
		// Only name, phone and e-mail ever come from the account.
		a, err := h.Store.AccountByUsername(r.Context(), id)
		switch {
		case err == nil && a.Kind == account.KindCitizen && !a.Disabled:
			values["applicant.full_name"], values["applicant.phone"], values["applicant.email"] = a.FullName, a.Phone, a.Email
			values["lookup"] = h.t(r, "in.lookup.found")
		case err == nil || apperr.Is(err, apperr.NotFound):
			values["lookup"] = h.t(r, "in.lookup.none")
		default:
			return err
		}
	}
	v, err := h.intakeView(r, s, code, values)
	if err != nil {
		return err
	}
	if code != "" {
		v.Lookup = values["lookup"]
	}
	h.web.Render(w, r, web.View{Name: "intake", NoIndex: true, Data: v})
	return nil
}

// intakePost serves the counter's three outcomes (multipart, button
// "outcome"): receive the dossier with its checklist (the default),
// record a guidance to complete the papers (slip 02) or a refusal (slip
// 03). The rules are the dossier service's: Submit checks the checklist,
// RecordWalkIn the guidance and the refusal; the page only maps their
// errors back onto the fields.
func (h *Handler) intakePost(w http.ResponseWriter, r *http.Request, s *staff) error {
	if !s.mayIntake() {
		return errNoIntake()
	}
	// The files sync with the dossier's group commit (in.Durable below);
	// the other outcomes keep none.
	m, err := files.ReadMultipart(w, r, h.Files, h.Limits, true, files.DeferSync)
	if err != nil {
		return err
	}
	defer m.Discard()
	code := strings.TrimSpace(m.Fields["thu-tuc"])
	if code == "" {
		return apperr.New(apperr.Invalid, "procedure_required", "Vui lòng chọn thủ tục.", "The procedure is required.")
	}
	v, err := h.intakeView(r, s, code, m.Fields)
	if err != nil {
		return err
	}
	lang := web.LangOf(r)
	applicant := dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: v.Applicant.FullName, IDNumber: v.Applicant.IDNumber,
		Phone: strings.TrimSpace(v.Applicant.Phone), Email: strings.TrimSpace(v.Applicant.Email), Address: v.Applicant.Address}
	switch outcome := m.Fields["outcome"]; outcome {
	case "", "receive":
	case "lookup":
		return h.intakeLookup(w, r, s, v, m.Fields) // population.go
	case string(dossier.WalkInGuidance), string(dossier.WalkInRefusal):
		in := dossier.WalkInInput{Procedure: v.P.Code, Unit: s.Unit.UnitCode, Outcome: dossier.WalkInOutcome(outcome), Applicant: applicant}
		if in.Outcome == dossier.WalkInRefusal {
			in.Reason = v.Reason
		} else {
			// Every document with a note, and every required one not
			// ticked: the service asks for the reason of each.
			for _, d := range v.Docs {
				if strings.TrimSpace(d.Note) != "" || d.Required && !d.Received {
					in.Documents = append(in.Documents, dossier.WalkInDocument{Key: d.Key, Reason: d.Note})
				}
			}
		}
		wi, err := h.Dossiers.RecordWalkIn(r.Context(), s.Actor, in)
		if err == nil {
			http.Redirect(w, r, walkInsPath+"?xong="+strconv.FormatInt(wi.ID, 10), http.StatusSeeOther)
			return nil
		}
		if err := h.formErrors(v, err, lang); err != nil {
			return err
		}
		h.web.Render(w, r, web.View{Name: "intake", Status: apperr.Status(err), NoIndex: true, Data: v})
		return nil
	default:
		return apperr.New(apperr.Invalid, "outcome_invalid", "Kết quả phải là tiếp nhận, hướng dẫn bổ sung hoặc từ chối tiếp nhận.",
			"The outcome must be receive, guidance or refusal.")
	}
	bad := false
	docs := []dossier.Document{}
	var received []dossier.ReceivedDocument
	for i := range v.Docs {
		d := &v.Docs[i]
		received = append(received, dossier.ReceivedDocument{Key: d.Key, Received: d.Received,
			Originals: count(d.Originals), Copies: count(d.Copies), Note: d.Note})
		if e, ok := m.Rejected[d.Input]; ok {
			d.Error, bad = e.Error(), true
			if ae, ok := apperr.As(e); ok {
				d.Error = ae.Message(lang)
			}
			continue
		}
		// Every scan of the document (both sides of a card, the pages of
		// a book); the service caps them.
		for _, u := range m.Uploads {
			if u.Field == d.Input {
				docs = append(docs, dossier.Document{Kind: dossier.DocApplication, DocKey: d.Key,
					Filename: u.Filename, ContentType: u.ContentType, Size: u.Size, SHA256: u.SHA256, StorageKey: u.Key, UploadedAt: h.now()})
			}
		}
	}
	form := map[string]any{}
	for _, fd := range v.P.Current.Form.Fields {
		if val, ok := m.Fields[fd.Name]; ok {
			if fd.Type == catalog.FieldCheckbox && val == "" {
				continue
			}
			form[fd.Name] = val
		}
	}
	in := dossier.SubmitInput{Procedure: v.P.Code, Unit: s.Unit.UnitCode, Form: form, Documents: docs, Received: received, Delivery: &v.Delivery, Applicant: &applicant}
	in.Known = h.intakeKnown(r, v.P.Code, applicant.IDNumber)
	if !bad {
		in.Durable = m.Durable()
		d, _, err := h.Dossiers.Submit(r.Context(), s.Actor, in)
		if err == nil {
			if err := m.Keep(r.Context()); err != nil {
				h.Log.ErrorContext(r.Context(), "keeping uploaded files", "err", err)
			}
			http.Redirect(w, r, "/can-bo/ho-so/"+url.PathEscape(d.Code)+"?xong=receive", http.StatusSeeOther)
			return nil
		}
		if err := h.formErrors(v, err, lang); err != nil {
			return err
		}
	} else {
		v.Error = h.t(r, "in.error")
	}
	h.web.Render(w, r, web.View{Name: "intake", Status: http.StatusBadRequest, NoIndex: true, Data: v})
	return nil
}

// count reads a number of originals or copies as typed; anything but a
// whole number is -1, which the service refuses with its own message.
func count(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// formErrors puts a refusal of the dossier service onto the intake page:
// the message on top, each field's beside it. An error that is not about
// the input is returned for the error page.
func (h *Handler) formErrors(v *intakeView, err error, lang string) error {
	e, ok := apperr.As(err)
	if !ok || (e.Kind != apperr.Invalid && e.Kind != apperr.Unprocessable) {
		return err
	}
	v.Error = e.Message(lang)
	for _, f := range e.Fields {
		msg := f.In(lang)
		switch {
		case strings.HasPrefix(f.Name, "delivery."):
			if v.DeliveryErrors == nil {
				v.DeliveryErrors = map[string]string{}
			}
			v.DeliveryErrors[strings.TrimPrefix(f.Name, "delivery.")] = msg
		case strings.HasPrefix(f.Name, "applicant."):
			v.AppErrors[strings.TrimPrefix(f.Name, "applicant.")] = msg
		case strings.HasPrefix(f.Name, "doc."):
			for i := range v.Docs {
				if v.Docs[i].Input == f.Name {
					v.Docs[i].Error = msg
				}
			}
		case f.Name == "reason":
			v.ReasonErr = msg
		default:
			for i := range v.Fields {
				if v.Fields[i].Name == f.Name {
					v.Fields[i].Error = msg
				}
			}
		}
	}
	return nil
}

// Received is the reception checklist of a counter dossier, for the
// dossier page; nil for a dossier received without one.
func (v *dossierView) Received() []dossier.ReceivedDocument {
	list, _ := v.D.ReceivedDocuments()
	return list
}
