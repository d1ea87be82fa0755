package payment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/receipt"
)

// Store keeps requests and attempts (internal/store).
type Store interface {
	// OpenRequest returns the dossier's open (unpaid or pending) request,
	// inserting r when there is none; one open request per dossier.
	OpenRequest(ctx context.Context, r *Request) (*Request, error)
	// Requests lists a dossier's requests, newest first.
	Requests(ctx context.Context, dossierID int64) ([]Request, error)
	// AddAttempt inserts a pending attempt and marks its request pending.
	AddAttempt(ctx context.Context, a *Attempt) error
	// FailAttempt marks a pending attempt failed (the gateway could not
	// be reached) and its request unpaid again when nothing else is open.
	FailAttempt(ctx context.Context, ref, code string, at time.Time) error
	// SettleAttempt records a settlement atomically: the attempt must
	// exist, have the amount and still be pending, or the outcome says
	// which check failed (in that order) and nothing changes. A paid
	// settlement marks the request paid. It returns the request.
	SettleAttempt(ctx context.Context, s Settlement, at time.Time) (Outcome, *Request, error)
	// PendingAttempts lists attempts still pending that were opened
	// before the time (reconciliation).
	PendingAttempts(ctx context.Context, before time.Time, limit int) ([]Attempt, error)
	// PaidWaiting lists paid requests whose dossier still waits for its
	// fee (status 6), not flagged for refund.
	PaidWaiting(ctx context.Context, limit int) ([]Request, error)
	// FlagRefund marks a paid request for refund.
	FlagRefund(ctx context.Context, requestID int64) error
	// MarkRefunded marks a request of the dossier flagged for refund as
	// refunded; false when there is no such request.
	MarkRefunded(ctx context.Context, dossierID, requestID int64) (bool, error)
	// CancelAbandoned cancels the open requests of dossiers that no longer
	// wait for their fee (withdrawn, stopped) and returns how many.
	CancelAbandoned(ctx context.Context) (int, error)
	// DossierOfRef names the dossier of an attempt; apperr.NotFound for
	// an unknown reference.
	DossierOfRef(ctx context.Context, ref string) (string, error)
	// PaidWithoutReceipt lists paid attempts that have no receipt yet.
	PaidWithoutReceipt(ctx context.Context, limit int) ([]PaidAttempt, error)
}

// PaidAttempt is a paid attempt with its request.
type PaidAttempt struct {
	Attempt Attempt
	Request Request
}

// Dossiers reads dossiers with the reader's rights and applies the
// lifecycle (dossier.Service).
type Dossiers interface {
	Get(ctx context.Context, a dossier.Actor, code string) (*dossier.Dossier, error)
	Act(ctx context.Context, a dossier.Actor, code string, cmd dossier.Command, docs []dossier.Document) (*dossier.Dossier, *dossier.Event, error)
}

// Versions reads the procedure version a dossier was received under.
type Versions interface {
	Version(ctx context.Context, id int64) (*catalog.Version, error)
}

// Begin is what a gateway needs to open a payment.
type Begin struct {
	Ref       string
	Amount    int64
	Info      string // shown to the payer: the dossier code and procedure
	IP        string
	ReturnURL string
	Locale    string // "vi" or "en"
	Dossier   *dossier.Dossier
	Lines     []Line
}

// Gateway is a payment gateway: it opens a payment (the address to send
// the payer to) and, for reconciliation, says what became of one.
type Gateway interface {
	Begin(ctx context.Context, b Begin) (redirect string, err error)
	// Query asks the gateway about an attempt; found is false when the
	// gateway knows nothing of it (never paid).
	Query(ctx context.Context, a Attempt) (s Settlement, found bool, err error)
}

// Receipts issues the e-receipts of a settled payment (receipt.Issuer);
// issuing again for the same payment returns the receipts issued.
type Receipts interface {
	Issue(ctx context.Context, req receipt.IssueRequest) ([]*receipt.Receipt, error)
}

// Service is the payment domain every surface calls.
type Service struct {
	Store    Store
	Dossiers Dossiers
	Versions Versions
	Gateways map[string]Gateway
	// Receipts, when set, issues the receipts of every payment.
	Receipts Receipts
	Now      func() time.Time
	Log      *slog.Logger
	// ReconcileAfter is how long an attempt stays pending before the
	// gateway is asked about it; 0 means 15 minutes.
	ReconcileAfter time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Due returns what the dossier owes item by item (for the dossier page
// and the payment request): every fee item with its amount or why it is
// exempt, computed from the dossier's version, channel and form. Once the
// officer asked for the fee (FeeVND), that amount is what is owed before
// processing: when the items due before processing do not make it up (a
// fee the catalogue does not list yet), one line of the amount asked
// stands in their place.
func (s *Service) Due(ctx context.Context, d *dossier.Dossier) ([]catalog.FeeDue, error) {
	v, err := s.Versions.Version(ctx, d.ProcedureVersionID)
	if err != nil {
		return nil, fmt.Errorf("reading the version of %s: %w", d.Code, err)
	}
	dues := v.FeesDue(string(d.Channel), d.Form)
	if d.FeeVND <= 0 || catalog.Total(dues, catalog.CollectBefore) == d.FeeVND {
		return dues, nil
	}
	out := []catalog.FeeDue{{FeeItem: catalog.FeeItem{Kind: catalog.FeeLevy, Code: askedCode, Name: askedName,
		AmountVND: d.FeeVND, Collect: catalog.CollectBefore}, Amount: d.FeeVND}}
	for _, f := range dues {
		if f.Collect != catalog.CollectBefore {
			out = append(out, f)
		}
	}
	return out, nil
}

// The line of an amount the officer asked that the catalogue's items do
// not make up.
const (
	askedCode = "LP"
	askedName = "Phí, lệ phí theo yêu cầu của cơ quan giải quyết"
)

// linesOf is what the dossier owes now, before processing: the lines of
// its payment request.
func (s *Service) linesOf(ctx context.Context, d *dossier.Dossier) ([]Line, error) {
	dues, err := s.Due(ctx, d)
	if err != nil {
		return nil, err
	}
	return LinesOf(dues, catalog.CollectBefore), nil
}

// errNothingDue is the answer for a dossier that does not wait for a fee.
func errNothingDue() error {
	return apperr.New(apperr.Unprocessable, "nothing_due",
		"Hồ sơ không có khoản phí, lệ phí nào đang chờ nộp.", "The dossier has no fee waiting to be paid.")
}

// Open returns the dossier's open request, creating it from what the
// dossier owes before processing when it waits for its fee (status 6).
// The reader's rights are the dossier service's: an unknown or forbidden
// code is the same 404.
func (s *Service) Open(ctx context.Context, a dossier.Actor, code string) (*dossier.Dossier, *Request, error) {
	d, err := s.Dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, nil, err
	}
	if d.Status != dossier.StatusFee {
		return d, nil, errNothingDue()
	}
	lines, err := s.linesOf(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.Store.OpenRequest(ctx, &Request{DossierID: d.ID, DossierCode: d.Code, UnitID: d.UnitID, Lines: lines,
		Amount: sum(lines), State: Unpaid, CreatedAt: s.now()})
	if err != nil {
		return nil, nil, fmt.Errorf("opening the payment request of %s: %w", d.Code, err)
	}
	return d, r, nil
}

// Started is an attempt opened at a gateway.
type Started struct {
	Attempt  *Attempt
	Request  *Request
	Redirect string
}

// Start opens an attempt to pay the dossier's fee at the gateway: the
// payer is sent to Redirect. Only the dossier's owner (or an officer of
// its unit) may; a gateway that cannot be reached leaves the attempt
// failed and answers 503, so the payer can try again.
func (s *Service) Start(ctx context.Context, a dossier.Actor, code, gateway, ip, returnURL, locale string) (*Started, error) {
	g, ok := s.Gateways[gateway]
	if !ok {
		return nil, apperr.Newf(apperr.Invalid, "unknown_gateway", "Không có cổng thanh toán «%s».", "There is no payment gateway %q.", gateway)
	}
	d, r, err := s.Open(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if r.Amount <= 0 {
		return nil, errNothingDue()
	}
	at := &Attempt{RequestID: r.ID, Gateway: gateway, Ref: newRef(s.now()), Amount: r.Amount, State: AttemptPending, CreatedAt: s.now()}
	if err := s.Store.AddAttempt(ctx, at); err != nil {
		return nil, fmt.Errorf("recording the payment attempt of %s: %w", d.Code, err)
	}
	to, err := g.Begin(ctx, Begin{Ref: at.Ref, Amount: at.Amount, Info: "Thanh toan ho so " + d.Code, IP: ip,
		ReturnURL: returnURL, Locale: locale, Dossier: d, Lines: r.Lines})
	if err != nil {
		if ferr := s.Store.FailAttempt(ctx, at.Ref, "unavailable", s.now()); ferr != nil {
			s.log().ErrorContext(ctx, "marking a payment attempt failed", "ref", at.Ref, "err", ferr)
		}
		if _, ok := apperr.As(err); ok {
			return nil, err
		}
		e := apperr.New(apperr.Unavailable, "gateway_unavailable",
			"Cổng thanh toán tạm thời không phản hồi. Vui lòng thử lại sau ít phút.",
			"The payment gateway is not answering. Please try again in a few minutes.")
		e.Err = err
		return nil, e
	}
	r.State = Pending
	return &Started{Attempt: at, Request: r, Redirect: to}, nil
}

// Settle records what a gateway says of an attempt, once: a replay, a
// duplicate arriving at the same time, an unknown reference or a wrong
// amount changes nothing and says so. A payment moves the dossier on from
// status 6 through the system actor; one that arrives for a dossier no
// longer waiting (withdrawn, stopped) is flagged for refund.
func (s *Service) Settle(ctx context.Context, gateway string, st Settlement) (Outcome, error) {
	out, r, err := s.Store.SettleAttempt(ctx, st, s.now())
	if err != nil {
		return 0, fmt.Errorf("settling payment %s: %w", st.Ref, err)
	}
	s.log().InfoContext(ctx, "payment callback", "gateway", gateway, "ref", st.Ref, "outcome", out.String(), "paid", st.Paid, "code", st.Code)
	if out != Settled || !st.Paid || r == nil {
		return out, nil
	}
	// Past this point the money is recorded; the receipts and moving the
	// dossier on are retried by Sweep if they fail now.
	if err := s.issue(ctx, r, st.Ref, receipt.Online); err != nil {
		s.log().ErrorContext(ctx, "issuing the receipts of a payment", "dossier", r.DossierCode, "ref", st.Ref, "err", err)
	}
	if err := s.advance(ctx, gateway, r); err != nil {
		s.log().ErrorContext(ctx, "moving a paid dossier on", "dossier", r.DossierCode, "err", err)
	}
	return out, nil
}

// issue gives the payment of attempt ref its receipts: one per kind, the
// payer the applicant, the items the request's lines.
func (s *Service) issue(ctx context.Context, r *Request, ref string, method receipt.Method) error {
	if s.Receipts == nil {
		return nil
	}
	d, err := s.Dossiers.Get(ctx, dossier.SystemActor("receipts"), r.DossierCode)
	if err != nil {
		return err
	}
	items := make([]receipt.Item, 0, len(r.Lines))
	for _, l := range r.Lines {
		items = append(items, receipt.Item{Kind: receipt.Kind(l.Kind), Code: l.Code, Name: l.Name, Amount: l.Amount})
	}
	_, err = s.Receipts.Issue(ctx, receipt.IssueRequest{UnitID: d.UnitID, UnitCode: d.UnitCode, UnitName: d.UnitName,
		Payer: receipt.Payer{Name: d.Applicant.DisplayName(), IDNumber: d.Applicant.IDNumber, Address: d.Applicant.Address},
		Items: items, Method: method, PaymentRef: ref, DossierCode: d.Code})
	return err
}

// advance moves the dossier of a paid request on from status 6, or flags
// the request for refund when the dossier no longer waits for it.
func (s *Service) advance(ctx context.Context, gateway string, r *Request) error {
	sys := dossier.SystemActor(gateway)
	d, err := s.Dossiers.Get(ctx, sys, r.DossierCode)
	if err != nil {
		return err
	}
	if d.Status != dossier.StatusFee {
		s.log().WarnContext(ctx, "payment for a dossier no longer waiting for it: refund due", "dossier", d.Code, "status", int(d.Status))
		return s.Store.FlagRefund(ctx, r.ID)
	}
	_, _, err = s.Dossiers.Act(ctx, sys, d.Code, dossier.Command{Action: dossier.ActFeePaid, Version: d.Version,
		Reason: fmt.Sprintf("Đã nộp %d đồng qua %s", r.Amount, gateway)}, nil)
	if apperr.Is(err, apperr.Conflict) {
		// Someone acted meanwhile: read again and decide again.
		return s.advance(ctx, gateway, r)
	}
	return err
}

// Sweep cancels the requests of dossiers no longer waiting for their fee,
// moves on the dossiers whose fee was paid but which still wait
// (the process stopped between recording the payment and acting), and
// asks the gateways about attempts pending for too long.
func (s *Service) Sweep(ctx context.Context) error {
	var errs []error
	// A request its dossier no longer waits for is cancelled; money that
	// still arrives for it is flagged for refund (SettleAttempt).
	if n, err := s.Store.CancelAbandoned(ctx); err != nil {
		errs = append(errs, err)
	} else if n > 0 {
		s.log().InfoContext(ctx, "cancelled payment requests of dossiers no longer waiting", "count", n)
	}
	paid, err := s.Store.PaidWaiting(ctx, 100)
	if err != nil {
		return fmt.Errorf("listing paid dossiers still waiting: %w", err)
	}
	for i := range paid {
		if err := s.advance(ctx, "system", &paid[i]); err != nil {
			errs = append(errs, err)
		}
	}
	unreceipted, err := s.Store.PaidWithoutReceipt(ctx, 100)
	if err != nil {
		return fmt.Errorf("listing payments without receipts: %w", err)
	}
	if s.Receipts != nil {
		for _, u := range unreceipted {
			method := receipt.Online
			if u.Attempt.Gateway == GatewayCash {
				method = receipt.Cash
			}
			if err := s.issue(ctx, &u.Request, u.Attempt.Ref, method); err != nil {
				errs = append(errs, err)
			}
		}
	}
	after := s.ReconcileAfter
	if after == 0 {
		after = 15 * time.Minute
	}
	pending, err := s.Store.PendingAttempts(ctx, s.now().Add(-after), 100)
	if err != nil {
		return fmt.Errorf("listing pending payments: %w", err)
	}
	for _, at := range pending {
		g, ok := s.Gateways[at.Gateway]
		if !ok {
			continue
		}
		st, found, err := g.Query(ctx, at)
		if err != nil {
			errs = append(errs, fmt.Errorf("asking %s about %s: %w", at.Gateway, at.Ref, err))
			continue
		}
		if !found {
			// The payer never paid: the attempt is over.
			st = Settlement{Ref: at.Ref, Amount: at.Amount, Code: "not_found"}
		}
		if _, err := s.Settle(ctx, at.Gateway, st); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RecordCash records the fee an officer marked paid (fee_paid) as paid in
// cash at the desk, with its receipts: the dossier service calls it after
// the officer's fee_paid is stored, whatever the surface
// (dossier.FeeRecorder). A pending online attempt paid later is then
// flagged for refund (SettleAttempt).
func (s *Service) RecordCash(ctx context.Context, d *dossier.Dossier, at time.Time) error {
	lines, err := s.linesOf(ctx, d)
	if err != nil {
		return err
	}
	r, err := s.Store.OpenRequest(ctx, &Request{DossierID: d.ID, DossierCode: d.Code, UnitID: d.UnitID, Lines: lines,
		Amount: sum(lines), State: Unpaid, CreatedAt: at})
	if err != nil {
		return fmt.Errorf("opening the payment request of %s: %w", d.Code, err)
	}
	att := &Attempt{RequestID: r.ID, Gateway: GatewayCash, Ref: newRef(at), Amount: r.Amount, State: AttemptPending, CreatedAt: at}
	if err := s.Store.AddAttempt(ctx, att); err != nil {
		return err
	}
	out, paid, err := s.Store.SettleAttempt(ctx, Settlement{Ref: att.Ref, Amount: att.Amount, Paid: true, Code: "cash", PaidAt: at}, at)
	if err != nil || out != Settled {
		return fmt.Errorf("recording the cash payment of %s: %v %w", d.Code, out, err)
	}
	if err := s.issue(ctx, paid, att.Ref, receipt.Cash); err != nil {
		s.log().ErrorContext(ctx, "issuing the receipts of a cash payment", "dossier", d.Code, "err", err)
	}
	return nil
}

// RequestsOf lists the payment requests of a dossier the caller already
// read with the reader's rights (a dossier page), newest first.
func (s *Service) RequestsOf(ctx context.Context, d *dossier.Dossier) ([]Request, error) {
	return s.Store.Requests(ctx, d.ID)
}

// Requests lists the dossier's payment requests for a reader who may see
// the dossier.
func (s *Service) Requests(ctx context.Context, a dossier.Actor, code string) (*dossier.Dossier, []Request, error) {
	d, err := s.Dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, nil, err
	}
	rs, err := s.Store.Requests(ctx, d.ID)
	return d, rs, err
}

// newRef returns a fresh attempt reference: letters and digits only, as
// every gateway accepts ("MC" + date + 12 random hex digits).
func newRef(now time.Time) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "MC" + now.UTC().Format("060102") + strings.ToUpper(hex.EncodeToString(b))
}

// DossierOfRef names the dossier an attempt's reference pays for (the
// gateway's return page links to it; the dossier page checks the reader).
func (s *Service) DossierOfRef(ctx context.Context, ref string) (string, error) {
	return s.Store.DossierOfRef(ctx, ref)
}

// RecordRefund records that the unit paid back the money of a request
// flagged for refund (a payment for a dossier no longer waiting for it).
// Only an officer of the dossier's unit, at the desk or leading it, may.
func (s *Service) RecordRefund(ctx context.Context, a dossier.Actor, code string, requestID int64) error {
	if a.Citizen || a.System {
		return apperr.New(apperr.Forbidden, "refund_staff_only", "Chỉ cán bộ của đơn vị ghi nhận việc hoàn phí.", "Only the unit's officers record refunds.")
	}
	d, err := s.Dossiers.Get(ctx, a, code)
	if err != nil {
		return err
	}
	allowed := false
	for _, g := range a.Grants {
		if (g.UnitID == d.UnitID || g.UnitID == d.ReceivedUnitID) && (g.Role == org.RoleLeader || g.Role == org.RoleReceptionist) {
			allowed = true
		}
	}
	if !allowed {
		return apperr.New(apperr.Forbidden, "refund_not_allowed", "Chỉ lãnh đạo hoặc cán bộ tiếp nhận của đơn vị ghi nhận việc hoàn phí.",
			"Only the unit's leaders and receptionists record refunds.")
	}
	ok, err := s.Store.MarkRefunded(ctx, d.ID, requestID)
	if err != nil {
		return fmt.Errorf("recording the refund of %s: %w", d.Code, err)
	}
	if !ok {
		return apperr.New(apperr.Unprocessable, "nothing_to_refund", "Không có khoản nộp nào của hồ sơ đang chờ hoàn phí.",
			"No payment of the dossier is waiting for a refund.")
	}
	s.log().InfoContext(ctx, "refund recorded", "dossier", d.Code, "request", requestID, "officer", a.AccountID)
	return nil
}
