package payment_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/receipt"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// fakeGateway records what it was asked and answers as told.
type fakeGateway struct {
	mu     sync.Mutex
	begun  []payment.Begin
	down   atomic.Bool
	answer map[string]payment.Settlement // Query's answers by ref
}

func (g *fakeGateway) Begin(_ context.Context, b payment.Begin) (string, error) {
	if g.down.Load() {
		return "", errors.New("connection refused")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.begun = append(g.begun, b)
	return "https://gateway.example/pay?ref=" + b.Ref, nil
}

func (g *fakeGateway) Query(_ context.Context, a payment.Attempt) (payment.Settlement, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.answer[a.Ref]
	return s, ok, nil
}

// env is a running app with a payment service over its store.
type env struct {
	*apptest.Env
	svc *payment.Service
	gw  *fakeGateway
	now time.Time
}

func start(t *testing.T, e store.Dialect) *env {
	t.Helper()
	x := &env{Env: apptest.Start(t, e, app.Options{}), gw: &fakeGateway{answer: map[string]payment.Settlement{}}, now: time.Now()}
	issuer, err := receipt.NewLocal(x.DB, receipt.Options{Now: func() time.Time { return x.now }})
	if err != nil {
		t.Fatal(err)
	}
	x.svc = &payment.Service{Store: x.DB, Dossiers: x.App.Dossiers, Versions: x.DB, Receipts: issuer,
		Gateways: map[string]payment.Gateway{"fake": x.gw}, Now: func() time.Time { return x.now }}
	return x
}

// feeRequested submits a dossier as citizen A and takes it to status 6
// with a fee of amount.
func (x *env) feeRequested(t *testing.T, amount int64) apptest.Dossier {
	t.Helper()
	d := x.Login(apptest.CitizenA).Submit(apptest.HangTrong)
	x.Login("ht.receptionist").MustAct(&d, "receive", nil)
	x.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
	x.Login("ht.specialist").MustAct(&d, "request_fee", map[string]any{"amount": amount})
	if d.Status != int(dossier.StatusFee) {
		t.Fatalf("status %d, want 6", d.Status)
	}
	return d
}

func (x *env) actor(t *testing.T, username string) dossier.Actor {
	t.Helper()
	a, err := x.DB.AccountByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	if username == apptest.CitizenA || username == apptest.CitizenB {
		return auth.CitizenActor(a)
	}
	act, err := x.App.Auth.Actor(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return act
}

func (x *env) dossier(t *testing.T, code string) *dossier.Dossier {
	t.Helper()
	d, err := x.App.Dossiers.Get(context.Background(), dossier.SystemActor("test"), code)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPayOnline(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			x := start(t, e)
			ctx := context.Background()
			d := x.feeRequested(t, 50000)
			a := x.actor(t, apptest.CitizenA)

			// Another citizen: the same 404 as an unknown code.
			if _, err := x.svc.Start(ctx, x.actor(t, apptest.CitizenB), d.Code, "fake", "127.0.0.1", "", "vi"); !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("B paying A's dossier: %v", err)
			}
			if _, err := x.svc.Start(ctx, a, d.Code, "nope", "127.0.0.1", "", "vi"); !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("unknown gateway: %v", err)
			}

			// The gateway down: a clear 503, the attempt failed, the
			// request open again; then a retry goes through.
			x.gw.down.Store(true)
			_, err := x.svc.Start(ctx, a, d.Code, "fake", "127.0.0.1", "", "vi")
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.Unavailable || e.Code != "gateway_unavailable" {
				t.Fatalf("gateway down: %v", err)
			}
			x.gw.down.Store(false)
			st, err := x.svc.Start(ctx, a, d.Code, "fake", "127.0.0.1", "https://motcua.example/thanh-toan/vnpay/ket-qua", "vi")
			if err != nil {
				t.Fatal(err)
			}
			if st.Request.Amount != 50000 || st.Attempt.Amount != 50000 || st.Request.State != payment.Pending || len(st.Request.Lines) != 1 {
				t.Fatalf("started: %+v %+v", st.Request, st.Attempt)
			}
			if b := x.gw.begun[0]; b.Ref != st.Attempt.Ref || b.Amount != 50000 || b.Info != "Thanh toan ho so "+d.Code {
				t.Fatalf("asked the gateway: %+v", b)
			}

			// Wrong amount, unknown reference: nothing changes.
			if out, err := x.svc.Settle(ctx, "fake", payment.Settlement{Ref: st.Attempt.Ref, Amount: 5000, Paid: true}); err != nil || out != payment.AmountMismatch {
				t.Fatalf("wrong amount: %v %v", out, err)
			}
			if out, err := x.svc.Settle(ctx, "fake", payment.Settlement{Ref: "MC000000NOPE", Amount: 50000, Paid: true}); err != nil || out != payment.UnknownRef {
				t.Fatalf("unknown ref: %v %v", out, err)
			}
			if got := x.dossier(t, d.Code); got.Status != dossier.StatusFee {
				t.Fatalf("status %d after refused callbacks", got.Status)
			}

			// Eight callbacks at once for the attempt: settled once.
			var settled, already atomic.Int32
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, err := x.svc.Settle(ctx, "fake", payment.Settlement{Ref: st.Attempt.Ref, Amount: 50000, Paid: true, GatewayRef: "14012345", Code: "00", Raw: "vnp_TxnRef=" + st.Attempt.Ref})
					switch {
					case err != nil:
						t.Error(err)
					case out == payment.Settled:
						settled.Add(1)
					case out == payment.AlreadySettled:
						already.Add(1)
					}
				}()
			}
			wg.Wait()
			if settled.Load() != 1 || already.Load() != 7 {
				t.Fatalf("settled %d, already %d", settled.Load(), already.Load())
			}
			got := x.dossier(t, d.Code)
			if got.Status != dossier.StatusProcessing || got.FeePaidAt == nil {
				t.Fatalf("after payment: status %d, paid at %v", got.Status, got.FeePaidAt)
			}
			last := got.Events[len(got.Events)-1]
			if last.Action != dossier.ActFeePaid || last.ActorName != "fake" || last.ActorID != 0 {
				t.Fatalf("the fee_paid event: %+v", last)
			}
			fees := 0
			for _, ev := range got.Events {
				if ev.Action == dossier.ActFeePaid {
					fees++
				}
			}
			if fees != 1 {
				t.Fatalf("%d fee_paid events", fees)
			}
			_, rs, err := x.svc.Requests(ctx, a, d.Code)
			if err != nil || len(rs) != 1 || rs[0].State != payment.Paid || rs[0].Method != payment.MethodOnline || rs[0].PaidAt == nil || rs[0].RefundDue {
				t.Fatalf("requests: %+v %v", rs, err)
			}
			// One receipt, a lệ phí one, numbered 1, for the payment.
			rcs, err := x.DB.DossierReceipts(ctx, d.Code)
			if err != nil || len(rcs) != 1 || rcs[0].Number != 1 || rcs[0].Total != 50000 || rcs[0].PaymentRef != st.Attempt.Ref ||
				rcs[0].Method != receipt.Online || rcs[0].Kind != receipt.Charge || rcs[0].Payer.Name != "Nguyễn Văn An" {
				t.Fatalf("receipts: %+v %v", rcs, err)
			}
			// A replay later: nothing changes.
			if out, _ := x.svc.Settle(ctx, "fake", payment.Settlement{Ref: st.Attempt.Ref, Amount: 50000, Paid: true}); out != payment.AlreadySettled {
				t.Fatalf("replay: %v", out)
			}
			// Nothing is due any more.
			if _, err := x.svc.Start(ctx, a, d.Code, "fake", "127.0.0.1", "", "vi"); !apperr.Is(err, apperr.Unprocessable) {
				t.Fatalf("paying twice: %v", err)
			}
		})
	}
}

func TestPaymentFaults(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			x := start(t, e)
			ctx := context.Background()
			a := x.actor(t, apptest.CitizenA)

			// A failed payment (cancelled at the gateway): recorded, the
			// request open again, the dossier still waiting.
			d := x.feeRequested(t, 30000)
			st, err := x.svc.Start(ctx, a, d.Code, "fake", "127.0.0.1", "", "vi")
			if err != nil {
				t.Fatal(err)
			}
			if out, err := x.svc.Settle(ctx, "fake", payment.Settlement{Ref: st.Attempt.Ref, Amount: 30000, Code: "24"}); err != nil || out != payment.Settled {
				t.Fatalf("cancelled: %v %v", out, err)
			}
			_, rs, _ := x.svc.Requests(ctx, a, d.Code)
			if rs[0].State != payment.Unpaid || x.dossier(t, d.Code).Status != dossier.StatusFee {
				t.Fatalf("after a cancelled payment: %+v", rs[0])
			}

			// Reconciliation: an attempt pending for 20 minutes is asked
			// about; the gateway says it was paid.
			st, err = x.svc.Start(ctx, a, d.Code, "fake", "127.0.0.1", "", "vi")
			if err != nil {
				t.Fatal(err)
			}
			x.gw.answer[st.Attempt.Ref] = payment.Settlement{Ref: st.Attempt.Ref, Amount: 30000, Paid: true, Code: "00"}
			if err := x.svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			if x.dossier(t, d.Code).Status != dossier.StatusFee {
				t.Fatal("reconciled before 15 minutes")
			}
			x.now = x.now.Add(20 * time.Minute)
			if err := x.svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			if got := x.dossier(t, d.Code); got.Status != dossier.StatusProcessing {
				t.Fatalf("after reconciliation: status %d", got.Status)
			}

			// Paid after the citizen withdrew: flagged for refund, the
			// dossier stays withdrawn.
			d2 := x.feeRequested(t, 40000)
			st, err = x.svc.Start(ctx, a, d2.Code, "fake", "127.0.0.1", "", "vi")
			if err != nil {
				t.Fatal(err)
			}
			x.Login(apptest.CitizenA).MustAct(&d2, "withdraw", map[string]any{"reason": "Không còn nhu cầu"})
			if out, err := x.svc.Settle(ctx, "fake", payment.Settlement{Ref: st.Attempt.Ref, Amount: 40000, Paid: true, Code: "00"}); err != nil || out != payment.Settled {
				t.Fatalf("late payment: %v %v", out, err)
			}
			_, rs, _ = x.svc.Requests(ctx, a, d2.Code)
			if rs[0].State != payment.Paid || !rs[0].RefundDue {
				t.Fatalf("late payment's request: %+v", rs[0])
			}
			if got := x.dossier(t, d2.Code); got.Status == dossier.StatusProcessing {
				t.Fatal("a withdrawn dossier moved on")
			}

			// Withdrawn while a payment was open: the sweep cancels the
			// request; money arriving later is flagged for refund.
			d6 := x.feeRequested(t, 25000)
			st, err = x.svc.Start(ctx, a, d6.Code, "fake", "127.0.0.1", "", "vi")
			if err != nil {
				t.Fatal(err)
			}
			x.Login(apptest.CitizenA).MustAct(&d6, "withdraw", map[string]any{"reason": "Nộp nhầm thủ tục"})
			if err := x.svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			_, rs, _ = x.svc.Requests(ctx, a, d6.Code)
			if rs[0].State != payment.Cancelled {
				t.Fatalf("after withdrawal and the sweep: %+v", rs[0])
			}
			if out, err := x.svc.Settle(ctx, "fake", payment.Settlement{Ref: st.Attempt.Ref, Amount: 25000, Paid: true, Code: "00"}); err != nil || out != payment.Settled {
				t.Fatalf("late payment of a cancelled request: %v %v", out, err)
			}
			_, rs, _ = x.svc.Requests(ctx, a, d6.Code)
			if rs[0].State != payment.Cancelled || !rs[0].RefundDue {
				t.Fatalf("late payment of a cancelled request: %+v", rs[0])
			}

			// The unit pays it back: the leader records it, once; the
			// citizen and another ward's officer may not.
			if err := x.svc.RecordRefund(ctx, a, d6.Code, rs[0].ID); !apperr.Is(err, apperr.Forbidden) {
				t.Fatalf("citizen recording a refund: %v", err)
			}
			if err := x.svc.RecordRefund(ctx, x.actor(t, "hb.leader"), d6.Code, rs[0].ID); !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("another ward's refund: %v", err)
			}
			if err := x.svc.RecordRefund(ctx, x.actor(t, "ht.specialist"), d6.Code, rs[0].ID); !apperr.Is(err, apperr.Forbidden) {
				t.Fatalf("a specialist recording a refund: %v", err)
			}
			if err := x.svc.RecordRefund(ctx, x.actor(t, "ht.leader"), d6.Code, rs[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := x.svc.RecordRefund(ctx, x.actor(t, "ht.leader"), d6.Code, rs[0].ID); !apperr.Is(err, apperr.Unprocessable) {
				t.Fatalf("refunding twice: %v", err)
			}
			_, rs, _ = x.svc.Requests(ctx, a, d6.Code)
			if rs[0].State != payment.Refunded {
				t.Fatalf("after the refund: %+v", rs[0])
			}

			// Cash at the desk: an officer's fee_paid, on any surface, is
			// recorded as a cash payment with its receipt; a citizen may
			// not mark the fee paid.
			d3 := x.feeRequested(t, 20000)
			feePaid := func(who dossier.Actor, code string) error {
				cur := x.dossier(t, code)
				_, _, err := x.App.Dossiers.Act(ctx, who, code, dossier.Command{Action: dossier.ActFeePaid, Version: cur.Version}, nil)
				return err
			}
			if err := feePaid(a, d3.Code); !apperr.Is(err, apperr.Forbidden) {
				t.Fatalf("citizen marking the fee paid: %v", err)
			}
			if err := feePaid(x.actor(t, "ht.receptionist"), d3.Code); err != nil {
				t.Fatal(err)
			}
			if got := x.dossier(t, d3.Code); got.Status != dossier.StatusProcessing {
				t.Fatalf("after cash: status %d", got.Status)
			}
			if _, rs, err := x.svc.Requests(ctx, a, d3.Code); err != nil || len(rs) != 1 || rs[0].State != payment.Paid || rs[0].Method != payment.MethodCash || rs[0].Amount != 20000 {
				t.Fatalf("cash: %+v %v", rs, err)
			}
			if rcs, err := x.DB.DossierReceipts(ctx, d3.Code); err != nil || len(rcs) != 1 || rcs[0].Method != receipt.Cash || rcs[0].Total != 20000 {
				t.Fatalf("cash receipts: %+v %v", rcs, err)
			}
			// An officer of another ward: the same 404, nothing recorded.
			d4 := x.feeRequested(t, 20000)
			if _, _, err := x.App.Dossiers.Act(ctx, x.actor(t, "hb.receptionist"), d4.Code, dossier.Command{Action: dossier.ActFeePaid, Version: x.dossier(t, d4.Code).Version}, nil); !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("another ward's cash: %v", err)
			}
			if _, rs, _ := x.svc.Requests(ctx, a, d4.Code); len(rs) != 0 {
				t.Fatalf("another ward's cash recorded: %+v", rs)
			}

			// A receipt that could not be issued at settlement is issued
			// by the sweep, once.
			d5 := x.feeRequested(t, 15000)
			issuer := x.svc.Receipts
			x.svc.Receipts = nil
			st, err = x.svc.Start(ctx, a, d5.Code, "fake", "127.0.0.1", "", "vi")
			if err != nil {
				t.Fatal(err)
			}
			if out, err := x.svc.Settle(ctx, "fake", payment.Settlement{Ref: st.Attempt.Ref, Amount: 15000, Paid: true, Code: "00"}); err != nil || out != payment.Settled {
				t.Fatalf("settle: %v %v", out, err)
			}
			if rcs, _ := x.DB.DossierReceipts(ctx, d5.Code); len(rcs) != 0 {
				t.Fatalf("receipts without an issuer: %+v", rcs)
			}
			x.svc.Receipts = issuer
			for range 2 {
				if err := x.svc.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if rcs, _ := x.DB.DossierReceipts(ctx, d5.Code); len(rcs) != 1 || rcs[0].PaymentRef != st.Attempt.Ref {
				t.Fatalf("receipts after the sweep: %+v", rcs)
			}
		})
	}
}
