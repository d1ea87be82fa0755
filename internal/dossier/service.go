package dossier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/vn"
)

// Catalog is what the service needs to know about procedures.
type Catalog interface {
	ProcedureInForce(ctx context.Context, code string, at time.Time) (*catalog.Procedure, error)
	Offers(ctx context.Context, procedureID, unitID int64) (bool, error)
	// OffersProcedure is Offers for the procedure with the code, which is
	// what a stored dossier carries.
	OffersProcedure(ctx context.Context, code string, unitID int64) (bool, error)
	Version(ctx context.Context, id int64) (*catalog.Version, error)
}

// Directory is what the service needs to know about units and staff.
type Directory interface {
	UnitByCode(ctx context.Context, code string) (*org.Unit, error)
	UnitByID(ctx context.Context, id int64) (*org.Unit, error)
	StaffWithRole(ctx context.Context, username string, unitID int64, role org.Role) (int64, string, error)
	OwnerByIDNumber(ctx context.Context, idNumber string) (int64, error)
}

// Service runs the dossier lifecycle: it loads, checks authorization,
// applies transitions and stores the outcome.
type Service struct {
	Store     Store
	Catalog   Catalog
	Directory Directory
	// Clock returns the calendar in force at the unit with the materialised
	// path (administrators may change it, for every unit or for one).
	Clock func(ctx context.Context, unitPath string) (Clock, error)
	Now   func() time.Time
	// ConsultDays is the deployment's default time for a consulted unit
	// to answer, in working days, when the officer asking gives none; 0
	// leaves it to DefaultConsultDays.
	ConsultDays int
	// WalkIns keeps the guidance and refusals given at the desk without a
	// dossier (RecordWalkIn).
	WalkIns WalkInStore
	// Results, when set, issues the electronic result of a decision
	// (finish): rendered, signed with the unit's key, stored.
	Results ResultIssuer
	// Fees, when set, records the fee an officer marks paid (fee_paid) as
	// a cash payment at the desk, with its receipts.
	Fees FeeRecorder
}

// FeeRecorder records the money of an officer's fee_paid
// (payment.Service); the system actor's fee_paid comes from a payment
// already recorded.
type FeeRecorder interface {
	RecordCash(ctx context.Context, d *Dossier, at time.Time) error
}

// ResultIssuer issues the electronic result of a decision and returns the
// documents to add to the dossier with it (result.Issuer).
type ResultIssuer interface {
	Issue(ctx context.Context, d *Dossier, a Actor, now time.Time, docs []Document) ([]Document, error)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// SubmitInput is a new dossier as asked for by a citizen (online) or a
// receptionist (counter intake).
type SubmitInput struct {
	Procedure string         `json:"procedure"`
	Unit      string         `json:"unit"`
	Form      map[string]any `json:"form"`
	Applicant *Applicant     `json:"applicant,omitempty"`
	Channel   Channel        `json:"channel,omitempty"` // counter intake may say "post"
	// Delivery is how the applicant wants the result; none means at the desk.
	Delivery *Delivery `json:"delivery,omitempty"`
	// Received is the counter's reception checklist: which documents of
	// the published list the desk received (see checklist).
	Received []ReceivedDocument `json:"received,omitempty"`
	// Documents were already written to the file store by the caller.
	Documents []Document `json:"-"`
	// Durable, if set, makes the documents' files durable before the
	// dossier is committed (NewDossier.Durable).
	Durable Durable `json:"-"`
	// Citizen's own data, filled by the caller from the account.
	Account     *Applicant `json:"-"`
	IdemKey     string     `json:"-"`
	RequestHash string     `json:"-"`
	// Known is what the platform holds about the applicant (the account's
	// identity, a population lookup made for this dossier), filled by the
	// caller; the submission records which form values kept it (Sources).
	Known *Known `json:"-"`
}

func badInput(code, vi, en string, args ...any) error {
	return apperr.Newf(apperr.Invalid, code, vi, en, args...)
}

// Submit checks and stores a new dossier. A citizen's submission is online
// and waits for reception (status 1); a receptionist's is counter intake,
// received at once (status 2) with its due date.
func (s *Service) Submit(ctx context.Context, a Actor, in SubmitInput) (*Dossier, bool, error) {
	now := s.now()
	p, u, ok, err := s.target(ctx, in.Procedure, in.Unit, now)
	if err != nil {
		return nil, false, err
	}
	v := p.Current
	// A desk may take at the counter a procedure its unit does not offer
	// when the version says any desk may receive it (Decree
	// 118/2025/NĐ-CP); it then transfers the dossier to a unit that does.
	// Online, the applicant chooses an offering unit.
	if !ok && (a.Citizen || !v.ReceiveAnywhere) {
		return nil, false, apperr.Newf(apperr.Unprocessable, "not_offered",
			"«%s» không giải quyết thủ tục «%s».", "%s does not offer %q.", u.Name, p.Name)
	}
	form, ferrs := v.Form.Validate(in.Form, now)
	if len(ferrs) > 0 {
		e := apperr.New(apperr.Invalid, "form_invalid", "Thông tin trong tờ khai chưa hợp lệ.", "The form has invalid fields.")
		for _, fe := range ferrs {
			e.Fields = append(e.Fields, apperr.Field{Name: fe.Field, Code: fe.Code, Message: fe.Message("vi", v.Form), MessageEN: fe.Message("en", v.Form)})
		}
		return nil, false, e
	}
	delivery, err := CheckDelivery(v, in.Delivery)
	if err != nil {
		return nil, false, err
	}
	if err := CheckFiles(v, nil, in.Documents); err != nil {
		return nil, false, err
	}
	d := &Dossier{
		ProcedureCode: p.Code, ProcedureName: p.Name, ProcedureVersionID: v.ID,
		UnitID: u.ID, UnitCode: u.Code, UnitName: u.Name, UnitPath: u.Path, ReceivedUnitID: u.ID,
		Form: form, Delivery: delivery, SubmittedAt: now, StepStartedAt: now, UpdatedAt: now, Version: 1,
	}
	ev := &Event{At: now, ActorID: a.AccountID, ActorName: a.Name, UnitID: u.ID, UnitCode: u.Code}
	if a.Citizen {
		if v.LegacyLevel < 3 {
			return nil, false, apperr.Newf(apperr.Unprocessable, "not_online",
				"Thủ tục «%s» chưa cung cấp dịch vụ nộp hồ sơ trực tuyến.", "%q cannot be submitted online.", p.Name)
		}
		app, err := citizenApplicant(in.Account, in.Applicant, now)
		if err != nil {
			return nil, false, err
		}
		d.Applicant = app
		if err := requiredDocuments(v, in.Documents); err != nil {
			return nil, false, err
		}
		d.OwnerID = a.AccountID
		d.Channel = ChannelOnline
		d.Status = StatusSubmitted
		ev.Role, ev.Action = RoleApplicant, ActSubmit
		if in.Known != nil {
			if src := Sources(v.Form, form, *in.Known); src != nil {
				ev.Data = SubmitData{Sources: src}
			}
		}
	} else {
		role := ""
		for _, r := range a.rolesIn(u.ID) {
			if r == org.RoleReceptionist || r == org.RoleLeader {
				role = string(r)
			}
		}
		if role == "" {
			return nil, false, apperr.New(apperr.Forbidden, "not_receptionist",
				"Chỉ cán bộ tiếp nhận của đơn vị mới được tiếp nhận hồ sơ trực tiếp.", "Only the unit's receptionists take counter dossiers.")
		}
		if in.Applicant == nil {
			return nil, false, badInput("applicant_required", "Vui lòng nhập thông tin người nộp hồ sơ.", "The applicant is required.")
		}
		app, err := checkApplicant(*in.Applicant, now)
		if err != nil {
			return nil, false, err
		}
		d.Applicant = app
		recv, err := checklist(v, in.Received, in.Documents)
		if err != nil {
			return nil, false, err
		}
		rd := ReceiveData{Documents: recv}
		if in.Known != nil {
			rd.Sources = Sources(v.Form, form, *in.Known)
		}
		ev.Data = rd
		if s.Directory != nil {
			// The applicant's own account, if any, may follow the dossier online.
			if id, err := s.Directory.OwnerByIDNumber(ctx, app.IDNumber); err == nil {
				d.OwnerID = id
			}
		}
		d.Channel = ChannelCounter
		if in.Channel == ChannelPost {
			d.Channel = ChannelPost
		}
		clk, err := s.Clock(ctx, u.Path)
		if err != nil {
			return nil, false, err
		}
		due, err := clk.Due(now, v.LimitAmount, string(v.LimitKind), v.SameDayCutoff)
		if err != nil {
			return nil, false, fmt.Errorf("computing due date: %w", err)
		}
		d.Status = StatusReceived
		d.ReceivedAt, d.LegalDueAt, d.AppointedDueAt = &now, &due, &due
		ev.Role, ev.Action = role, ActReceive
		closeStep(d, v, ev, now, clk)
	}
	ev.From, ev.To = 0, d.Status
	d.StatusLabel = d.Status.Label("vi")
	out, replayed, err := s.Store.CreateDossier(ctx, &NewDossier{
		Dossier: d, UnitCode: u.Code, Documents: in.Documents, Event: ev,
		IdemAccount: a.AccountID, IdemKey: in.IdemKey, RequestHash: in.RequestHash, Durable: in.Durable,
	})
	if err != nil {
		return nil, false, fmt.Errorf("storing dossier: %w", err)
	}
	if !a.Citizen {
		// A replayed request answers the dossier first stored, which may
		// sit elsewhere by now.
		if err := s.markCompetence(ctx, out); err != nil {
			return nil, false, err
		}
	}
	return out, replayed, nil
}

// target makes the checks every new dossier goes through, whatever its
// surface (Submit, SubmitExternal): a procedure in force now, a unit that
// exists and receives dossiers now. offered reports whether the unit
// offers the procedure; what follows when it does not is the caller's rule.
func (s *Service) target(ctx context.Context, procedure, unit string, now time.Time) (p *catalog.Procedure, u *org.Unit, offered bool, err error) {
	if strings.TrimSpace(procedure) == "" {
		return nil, nil, false, badInput("procedure_required", "Vui lòng chọn thủ tục.", "The procedure is required.")
	}
	if strings.TrimSpace(unit) == "" {
		return nil, nil, false, badInput("unit_required", "Vui lòng chọn đơn vị tiếp nhận.", "The unit is required.")
	}
	p, err = s.Catalog.ProcedureInForce(ctx, procedure, now)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil, false, badInput("unknown_procedure", "Không có thủ tục «%s».", "There is no procedure %q.", procedure)
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("loading procedure: %w", err)
	}
	u, err = s.Directory.UnitByCode(ctx, unit)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil, false, badInput("unknown_unit", "Không có đơn vị «%s».", "There is no unit %q.", unit)
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("loading unit: %w", err)
	}
	if u.ValidTo != nil && now.After(*u.ValidTo) || u.ValidFrom != nil && now.Before(*u.ValidFrom) {
		return nil, nil, false, badInput("unit_not_in_force", "Đơn vị «%s» không còn tiếp nhận hồ sơ.", "Unit %q no longer receives dossiers.", u.Name)
	}
	if offered, err = s.Catalog.Offers(ctx, p.ID, u.ID); err != nil {
		return nil, nil, false, fmt.Errorf("checking the unit offers the procedure: %w", err)
	}
	return p, u, offered, nil
}

// requiredDocuments refuses an online submission without a file for every
// required document of the version (catalog.Version.MissingDocuments): the
// desk cannot ask an online applicant across the counter, so the API, the
// portal and any other surface refuse it alike (400, each missing document
// named in a field "doc.<key>").
func requiredDocuments(v *catalog.Version, docs []Document) error {
	missing := v.MissingDocuments(func(key string) bool {
		for _, d := range docs {
			if d.DocKey == key {
				return true
			}
		}
		return false
	})
	if len(missing) == 0 {
		return nil
	}
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = "«" + m.Name + "»"
	}
	e := apperr.Newf(apperr.Invalid, "documents_missing", "Chưa đính kèm giấy tờ bắt buộc: %s.",
		"Required documents are not attached: %s.", strings.Join(names, "; "))
	for _, m := range missing {
		e.Fields = append(e.Fields, apperr.Field{Name: "doc." + m.Key, Code: "document_required",
			Message:   fmt.Sprintf("Chưa đính kèm giấy tờ bắt buộc «%s».", m.Name),
			MessageEN: fmt.Sprintf("The required document “%s” is not attached.", m.Name)})
	}
	return e
}

// citizenApplicant builds the applicant snapshot of an online submission:
// who the person is comes from the account (never from the request); what
// they act for (a business, an organisation, someone they represent) may
// come from the request.
func citizenApplicant(acct, req *Applicant, now time.Time) (Applicant, error) {
	if acct == nil {
		return Applicant{}, errors.New("citizen submission without account data")
	}
	app := *acct
	app.Kind = ApplicantCitizen
	if req != nil {
		if req.Kind != "" {
			app.Kind = req.Kind
		}
		app.Address = strings.TrimSpace(req.Address)
		app.OrgName = strings.TrimSpace(req.OrgName)
		app.TaxCode = strings.TrimSpace(req.TaxCode)
		app.OnBehalfOf = req.OnBehalfOf
		if req.Phone != "" {
			app.Phone = req.Phone
		}
		if req.Email != "" {
			app.Email = req.Email
		}
	}
	return checkApplicant(app, now)
}

// checkApplicant validates and normalises an applicant snapshot.
func checkApplicant(app Applicant, now time.Time) (Applicant, error) {
	e := apperr.New(apperr.Invalid, "applicant_invalid", "Thông tin người nộp hồ sơ chưa hợp lệ.", "The applicant's details are invalid.")
	add := func(field, code string) {
		e.Fields = append(e.Fields, apperr.Field{Name: "applicant." + field, Code: code, Message: applicantMessage(code, "vi"), MessageEN: applicantMessage(code, "en")})
	}
	if app.Kind == "" {
		app.Kind = ApplicantCitizen
	}
	app.FullName = strings.Join(strings.Fields(vn.NFC(app.FullName)), " ")
	app.IDNumber = strings.TrimSpace(app.IDNumber)
	app.Address = vn.NFC(strings.TrimSpace(app.Address))
	app.OrgName = vn.NFC(strings.TrimSpace(app.OrgName))
	if app.FullName == "" || len([]rune(app.FullName)) > 200 {
		add("full_name", "name_required")
	}
	if err := vn.CheckIDNumber(app.IDNumber, now); err != nil {
		var ie *vn.IDError
		code := "id_invalid"
		if errors.As(err, &ie) {
			code = ie.Code
		}
		add("id_number", code)
	}
	if app.Phone != "" {
		if err := vn.CheckPhone(app.Phone); err != nil {
			add("phone", "phone_invalid")
		} else {
			app.Phone = vn.NormalizePhone(app.Phone)
		}
	}
	if app.Email != "" {
		if err := vn.CheckEmail(app.Email); err != nil {
			add("email", "email_invalid")
		}
	}
	switch app.Kind {
	case ApplicantCitizen:
	case ApplicantBusiness:
		if app.OrgName == "" {
			add("org_name", "org_name_required")
		}
		if !taxCodeOK(app.TaxCode) {
			add("tax_code", "tax_code_invalid")
		}
	case ApplicantOrganisation:
		if app.OrgName == "" {
			add("org_name", "org_name_required")
		}
	default:
		add("kind", "applicant_kind_invalid")
	}
	if len(e.Fields) > 0 {
		return app, e
	}
	return app, nil
}

// taxCodeOK accepts a 10-digit enterprise tax code or a 13-digit branch code
// ("0101234567-001").
func taxCodeOK(s string) bool {
	s = strings.TrimSpace(s)
	digits := strings.ReplaceAll(s, "-", "")
	if len(digits) != 10 && len(digits) != 13 {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Get returns a dossier the actor may see, with its events and documents.
// Unknown and forbidden codes answer the same apperr.ErrNotFound.
func (s *Service) Get(ctx context.Context, a Actor, code string) (*Dossier, error) {
	d, err := s.load(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if d.Events, err = s.Store.Events(ctx, d.ID); err != nil {
		return nil, err
	}
	if d.Documents, err = s.Store.Documents(ctx, d.ID); err != nil {
		return nil, err
	}
	if a.Citizen {
		d.HideUnreleased()
	}
	return d, nil
}

// GetHeld returns the dossier as Get does, but only to staff holding a
// role in the unit that holds it now: the desk screens that act for that
// unit (the rating kiosk). Anyone else, a consulted unit or a leader who
// reads the subtree included, gets the same apperr.ErrNotFound as for an
// unknown code.
func (s *Service) GetHeld(ctx context.Context, a Actor, code string) (*Dossier, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if !a.Holds(d) {
		return nil, apperr.ErrNotFound
	}
	return d, nil
}

// load reads a dossier the actor may see, with its consultations for
// staff (a consulted unit may read the dossier it was asked about).
func (s *Service) load(ctx context.Context, a Actor, code string) (*Dossier, error) {
	d, err := s.Store.DossierByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if !a.Citizen {
		if d.Consultations, err = s.Store.Consultations(ctx, d.ID); err != nil {
			return nil, err
		}
	}
	if !a.CanSee(d) {
		return nil, apperr.ErrNotFound
	}
	if !a.Citizen {
		if err := s.markCompetence(ctx, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// MarkCompetence sets OutsideCompetence on dossiers listed for staff (a
// list is read straight from the store), so that the actions offered with
// each row are those Act would allow.
func (s *Service) MarkCompetence(ctx context.Context, a Actor, ds []Dossier) error {
	if a.Citizen {
		return nil
	}
	for i := range ds {
		if err := s.markCompetence(ctx, &ds[i]); err != nil {
			return err
		}
	}
	return nil
}

// markCompetence sets d.OutsideCompetence from the catalogue as it is now:
// competence is the unit's offering of the procedure at the time of the
// action, not at reception (docs/competence.md).
func (s *Service) markCompetence(ctx context.Context, d *Dossier) error {
	ok, err := s.Catalog.OffersProcedure(ctx, d.ProcedureCode, d.UnitID)
	if err != nil {
		return fmt.Errorf("checking competence: %w", err)
	}
	d.OutsideCompetence = !ok
	return nil
}

// Act applies a lifecycle command for the actor and stores the outcome with
// its event; docs are files the action brings (supplement, result).
func (s *Service) Act(ctx context.Context, a Actor, code string, cmd Command, docs []Document) (*Dossier, *Event, error) {
	d, err := s.load(ctx, a, code)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.Catalog.Version(ctx, d.ProcedureVersionID)
	if err != nil {
		return nil, nil, err
	}
	switch cmd.Action {
	case ActAssign:
		if cmd.Assignee != "" {
			id, name, err := s.Directory.StaffWithRole(ctx, cmd.Assignee, d.UnitID, org.RoleSpecialist)
			if err != nil {
				return nil, nil, err
			}
			cmd.ResolvedAssigneeID, cmd.ResolvedAssigneeName = id, name
		}
	case ActReturnResult:
		u, err := s.Directory.UnitByID(ctx, d.ReceivedUnitID)
		if err != nil {
			return nil, nil, fmt.Errorf("loading the receiving unit: %w", err)
		}
		cmd.ResolvedUnitID, cmd.ResolvedUnitCode, cmd.ResolvedUnitName, cmd.ResolvedUnitPath = u.ID, u.Code, u.Name, u.Path
	case ActTransfer, ActConsult:
		if cmd.ToUnit != "" {
			u, err := s.Directory.UnitByCode(ctx, cmd.ToUnit)
			if apperr.Is(err, apperr.NotFound) {
				return nil, nil, badInput("unknown_unit", "Không có đơn vị «%s».", "There is no unit %q.", cmd.ToUnit)
			}
			if err != nil {
				return nil, nil, err
			}
			if !u.ActiveOn(s.now()) {
				// A unit dissolved by a reorganisation neither takes nor
				// advises on dossiers.
				return nil, nil, badInput("unit_not_in_force", "Đơn vị «%s» không còn hoạt động.", "Unit %q is no longer in force.", u.Name)
			}
			cmd.ResolvedUnitID, cmd.ResolvedUnitCode, cmd.ResolvedUnitName, cmd.ResolvedUnitPath = u.ID, u.Code, u.Name, u.Path
			if cmd.Action == ActTransfer {
				// Apply refuses a transfer to a unit that does not offer
				// the procedure; a consultation may ask any unit.
				if cmd.ResolvedUnitCompetent, err = s.Catalog.OffersProcedure(ctx, d.ProcedureCode, u.ID); err != nil {
					return nil, nil, fmt.Errorf("checking competence: %w", err)
				}
			}
		}
	}
	if cmd.Action == ActConsult && cmd.ReplyDays == 0 {
		cmd.ReplyDays = s.ConsultDays
	}
	if len(docs) > 0 {
		have, err := s.Store.Documents(ctx, d.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("loading documents: %w", err)
		}
		if err := CheckFiles(v, have, docs); err != nil {
			return nil, nil, err
		}
	}
	if cmd.Action == ActRevokeResult {
		// The revocation needs the result file, and the history to refuse
		// revoking twice.
		if d.Documents, err = s.Store.Documents(ctx, d.ID); err != nil {
			return nil, nil, fmt.Errorf("loading documents: %w", err)
		}
		if d.Events, err = s.Store.Events(ctx, d.ID); err != nil {
			return nil, nil, fmt.Errorf("loading events: %w", err)
		}
	}
	if cmd.Action == ActDeliver && (cmd.Method == DeliverOnline || cmd.Method == "" && d.Delivery.Method == DeliverOnline) {
		// Online delivery needs an electronic result among the files.
		have, err := s.Store.Documents(ctx, d.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("loading documents: %w", err)
		}
		d.Documents = append(have, docs...)
	}
	// The working days are those of the unit holding the dossier.
	clk, err := s.Clock(ctx, d.UnitPath)
	if err != nil {
		return nil, nil, err
	}
	old := d.Version
	ev, err := Apply(d, v, a, cmd, s.now(), clk)
	if err != nil {
		return nil, nil, err
	}
	if (cmd.Action == ActFinish || cmd.Action == ActDraftResult) && s.Results != nil {
		// The decision's electronic result, signed with the unit's key,
		// joins the dossier with the decision.
		extra, err := s.Results.Issue(ctx, d, a, ev.At, docs)
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, extra...)
	}
	if err := s.Store.UpdateDossier(ctx, d, old, ev, docs); err != nil {
		return nil, nil, err
	}
	if cmd.Action == ActFeePaid && !a.System && s.Fees != nil {
		if err := s.Fees.RecordCash(ctx, d, ev.At); err != nil {
			return nil, nil, fmt.Errorf("recording the cash payment: %w", err)
		}
	}
	if !a.Citizen {
		// A transfer or a returned result moved the dossier: the actions
		// answered next depend on its new holder's competence.
		if err := s.markCompetence(ctx, d); err != nil {
			return nil, nil, err
		}
	}
	return d, ev, nil
}

// Public is what anyone may see of a dossier from its code (the tracking
// page and the QR target): no personal data.
type Public struct {
	Code          string     `json:"code"`
	Status        Status     `json:"status"`
	StatusLabel   string     `json:"status_label"`
	Procedure     string     `json:"procedure"`
	ProcedureName string     `json:"procedure_name"`
	Unit          string     `json:"unit"`
	UnitName      string     `json:"unit_name"`
	SubmittedAt   time.Time  `json:"submitted_at"`
	ReceivedAt    *time.Time `json:"received_at"`
	// DueAt is the appointment given to the applicant.
	DueAt      *time.Time `json:"due_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// Track returns the public view of a dossier.
func (s *Service) Track(ctx context.Context, code, lang string) (*Public, error) {
	d, err := s.Store.TrackDossier(ctx, code)
	if err != nil {
		return nil, err
	}
	return &Public{Code: d.Code, Status: d.Status, StatusLabel: d.Status.Label(lang), Procedure: d.ProcedureCode,
		ProcedureName: d.ProcedureName, Unit: d.UnitCode, UnitName: d.UnitName, SubmittedAt: d.SubmittedAt,
		ReceivedAt: d.ReceivedAt, DueAt: d.Appointment(), FinishedAt: d.FinishedAt}, nil
}

var applicantMessages = map[string][2]string{
	"name_required":          {"Vui lòng nhập họ và tên (tối đa 200 ký tự).", "Enter the full name (200 characters at most)."},
	"org_name_required":      {"Vui lòng nhập tên doanh nghiệp hoặc tổ chức.", "Enter the business or organisation name."},
	"tax_code_invalid":       {"Mã số thuế phải gồm 10 chữ số (hoặc 13 chữ số với chi nhánh).", "The tax code must have 10 digits (13 for a branch)."},
	"applicant_kind_invalid": {"Loại người nộp phải là công dân, doanh nghiệp hoặc tổ chức.", "The applicant kind must be citizen, business or organisation."},
}

func applicantMessage(code, lang string) string {
	if m, ok := applicantMessages[code]; ok {
		if lang == "en" {
			return m[1]
		}
		return m[0]
	}
	return vn.Message(code, lang)
}

// CheckFiles is the rule for files brought to a dossier of version v that
// holds have: each names a document of the published list (400
// document_not_in_list), and together they stay within the caps
// (checkFileCount). A document may have several files (the two sides of
// a card, the pages of a book). Submit and Act apply it; a form that
// gathers files over several requests (the portal's draft) asks it before
// the dossier exists, with have empty, to show the problem at the document.
func CheckFiles(v *catalog.Version, have, add []Document) error {
	if err := checkFileCount(have, add); err != nil {
		return err
	}
	for _, doc := range add {
		if doc.DocKey != "" && !hasDocument(v, doc.DocKey) {
			return badInput("document_not_in_list", "Giấy tờ «%s» không thuộc thành phần hồ sơ của thủ tục.",
				"Document %q is not part of this procedure.", doc.DocKey)
		}
	}
	return nil
}

// checkFileCount refuses documents that would give the dossier, which
// holds have, more than files.MaxPerDossier files in all or more than
// files.MaxPerDocument for one document of the list; the error of the
// latter names the document in a field "doc.<key>".
func checkFileCount(have, add []Document) error {
	if len(have)+len(add) > files.MaxPerDossier {
		return files.TooManyFiles()
	}
	per := map[string]int{}
	for _, list := range [][]Document{have, add} {
		for _, d := range list {
			if d.DocKey == "" {
				continue
			}
			if per[d.Kind+"/"+d.DocKey]++; per[d.Kind+"/"+d.DocKey] > files.MaxPerDocument {
				err := files.TooManyFiles()
				if e, ok := apperr.As(err); ok {
					e.Fields = append(e.Fields, apperr.Field{Name: "doc." + d.DocKey, Code: "too_many_files",
						Message:   fmt.Sprintf("Mỗi giấy tờ có tối đa %d tệp.", files.MaxPerDocument),
						MessageEN: fmt.Sprintf("A document has %d files at most.", files.MaxPerDocument)})
				}
				return err
			}
		}
	}
	return nil
}
