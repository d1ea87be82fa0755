package dossier

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
)

// ExternalInput is a dossier submitted on another system, the national
// public service portal, and delivered to us to receive and process.
type ExternalInput struct {
	// ExternalCode is the sender's code of the dossier (MaHoSo): the
	// dossier keeps it, and a second delivery of it files nothing.
	ExternalCode string
	Procedure    string // our procedure code (the national catalogue's)
	Unit         string // agency identifier of the receiving unit
	Applicant    Applicant
	// Source names the sending system in the event log.
	Source string
	// Note is recorded with the submission event (the dossier's summary).
	Note string
}

// ExternalStore finds a dossier by the code another system gave it; the
// service's Store must implement it for SubmitExternal (store.DB does).
type ExternalStore interface {
	DossierByExternalCode(ctx context.Context, code string) (*Dossier, error)
}

// maxExternalNote bounds the submission event's note, in characters.
const maxExternalNote = 1000

// MaxExternalCode bounds an external code, in bytes.
const MaxExternalCode = 100

// SubmitExternal files a dossier delivered by another system: online, at
// status 1 (submitted, waiting for the unit's reception, where the desk
// checks it as any online dossier), at a unit that offers the procedure.
// It is idempotent on the external code: a dossier already filed under it
// is answered with duplicate set, and nothing is created, including when
// two deliveries of it race.
//
// What an online submission of ours requires beyond that is not asked: the
// applicant's account and files are the sender's, and the form is not
// ours; the desk's reception is where the dossier is judged complete.
func (s *Service) SubmitExternal(ctx context.Context, in ExternalInput) (d *Dossier, duplicate bool, err error) {
	xs, ok := s.Store.(ExternalStore)
	if !ok {
		return nil, false, errors.New("submitting an external dossier: the store cannot find dossiers by external code")
	}
	code := strings.TrimSpace(in.ExternalCode)
	if code == "" || len(code) > MaxExternalCode {
		return nil, false, badInput("external_code_invalid", "Mã hồ sơ (MaHoSo) phải có và dài tối đa %d ký tự.",
			"The dossier code (MaHoSo) is required, %d characters at most.", MaxExternalCode)
	}
	if prev, err := xs.DossierByExternalCode(ctx, code); err == nil {
		return prev, true, nil
	} else if !apperr.Is(err, apperr.NotFound) {
		return nil, false, fmt.Errorf("looking for the external dossier: %w", err)
	}
	now := s.now()
	p, u, offered, err := s.target(ctx, in.Procedure, in.Unit, now)
	if err != nil {
		return nil, false, err
	}
	if !offered {
		// Online, a dossier goes to a unit that offers the procedure
		// (ReceiveAnywhere is for a desk's counter only).
		return nil, false, apperr.Newf(apperr.Unprocessable, "not_offered",
			"«%s» không giải quyết thủ tục «%s».", "%s does not offer %q.", u.Name, p.Name)
	}
	app, err := checkApplicant(in.Applicant, now)
	if err != nil {
		return nil, false, err
	}
	v := p.Current
	d = &Dossier{
		ProcedureCode: p.Code, ProcedureName: p.Name, ProcedureVersionID: v.ID,
		UnitID: u.ID, UnitCode: u.Code, UnitName: u.Name, UnitPath: u.Path, ReceivedUnitID: u.ID,
		Applicant: app, Channel: ChannelOnline, Status: StatusSubmitted, Form: map[string]any{},
		Delivery:    Delivery{Method: DeliverInPerson},
		SubmittedAt: now, StepStartedAt: now, UpdatedAt: now, Version: 1,
	}
	d.StatusLabel = d.Status.Label("vi")
	if s.Directory != nil {
		// The applicant's verified account, if any, follows the dossier
		// online as it follows a counter dossier.
		if id, err := s.Directory.OwnerByIDNumber(ctx, app.IDNumber); err == nil {
			d.OwnerID = id
		}
	}
	source := strings.TrimSpace(in.Source)
	if source == "" {
		source = "hệ thống khác"
	}
	note := fmt.Sprintf("Nộp qua %s, mã hồ sơ %s", source, code)
	if extra := strings.TrimSpace(in.Note); extra != "" {
		note += ": " + extra
	}
	if r := []rune(note); len(r) > maxExternalNote {
		note = string(r[:maxExternalNote])
	}
	ev := &Event{At: now, ActorName: app.FullName, Role: RoleApplicant, Action: ActSubmit, From: 0, To: StatusSubmitted,
		UnitID: u.ID, UnitCode: u.Code, Note: note}
	out, _, err := s.Store.CreateDossier(ctx, &NewDossier{Dossier: d, UnitCode: u.Code, Event: ev, ExternalCode: code})
	if err != nil {
		// A twin delivery filed it first: the unique external code
		// refused ours. Answer the twin's dossier.
		if prev, lerr := xs.DossierByExternalCode(ctx, code); lerr == nil {
			return prev, true, nil
		}
		return nil, false, fmt.Errorf("storing the external dossier: %w", err)
	}
	return out, false, nil
}
