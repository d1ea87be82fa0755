package app

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/payment/paygov"
	"github.com/motcua/motcua/internal/payment/vnpay"
	"github.com/motcua/motcua/internal/receipt"
	"github.com/motcua/motcua/internal/sandbox/vnpaygw"
	"github.com/motcua/motcua/internal/store"
)

// sandboxVNPayPath is where --demo serves its sandbox VNPay gateway.
const sandboxVNPayPath = "/sandbox/vnpay"

// payments is the payment domain with its gateways and what the surfaces
// mount: the VNPay IPN, the demo's sandbox gateway, the return page's
// verifier.
type payments struct {
	svc      *payment.Service
	receipts *receipt.Local
	vnpay    *vnpay.Client // nil without VNPay
	ipn      http.Handler  // nil without VNPay
	confirm  http.Handler  // the national platform's CONFIRM; nil without it
	sandbox  http.Handler  // the demo's gateway, nil otherwise
}

// paymentService builds the payment domain over the store and the dossier
// service, with the gateways the configuration names; with --demo and no
// VNPay settings, a sandbox VNPay gateway this process serves, reached
// with the production client.
func paymentService(cfg config.Config, db *store.DB, svc *dossier.Service, log *slog.Logger, now func() time.Time) (*payments, error) {
	issuer, err := receipt.NewLocal(db, receipt.Options{Now: now})
	if err != nil {
		return nil, err
	}
	p := &payments{receipts: issuer,
		svc: &payment.Service{Store: db, Dossiers: svc, Versions: db, Gateways: map[string]payment.Gateway{}, Receipts: issuer, Now: now, Log: log}}
	v := cfg.VNPay
	base := strings.TrimRight(cfg.BaseURL, "/")
	if !v.On() && cfg.Demo {
		// A fresh secret per run: the sandbox and the client share it.
		v = config.VNPay{TmnCode: "MOTCUADEMO", HashSecret: rand.Text(),
			PayURL: base + sandboxVNPayPath + vnpaygw.PayPath, APIURL: base + sandboxVNPayPath + vnpaygw.APIPath}
		p.sandbox = vnpaygw.New(v.TmnCode, v.HashSecret, base+"/api/v1/payments/vnpay/ipn", vnpaygw.WithLogger(log))
	}
	if v.On() {
		p.vnpay = &vnpay.Client{TmnCode: v.TmnCode, HashSecret: v.HashSecret, PayURL: v.PayURL, APIURL: v.APIURL,
			HTTP: &http.Client{Timeout: 20 * time.Second}, Now: now}
		p.svc.Gateways["vnpay"] = vnpayGateway{p.vnpay}
		p.ipn = vnpay.IPNHandler{Secret: v.HashSecret, Settler: vnpaySettler{p.svc}, Log: log}
	}
	if g := cfg.Paygov; g.URL != "" {
		c := &paygov.Client{URL: g.URL, QueryURL: g.QueryURL, BillURL: g.BillURL, Token: g.Token, PartnerCode: g.Partner, Secret: g.Secret,
			HTTP: &http.Client{Timeout: 20 * time.Second}, Now: now}
		p.svc.Gateways[paygov.Gateway] = paygovGateway{c}
		p.confirm = &paygov.ConfirmHandler{PartnerCode: g.Partner, Secret: g.Secret, Settler: paygovSettler{p.svc}, Now: now, Log: log}
	}
	return p, nil
}

// paygovGateway is the national payment platform as a payment.Gateway.
type paygovGateway struct{ c *paygov.Client }

// Begin sends INIT with the receipt's details and returns the payment
// page the platform answers.
func (g paygovGateway) Begin(ctx context.Context, b payment.Begin) (string, error) {
	d := b.Dossier
	r := paygov.Receipt{ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName, AgencyCode: d.UnitCode, AgencyName: d.UnitName,
		DossierCode: d.Code, PayerName: d.Applicant.DisplayName(), PayerID: d.Applicant.IDNumber, PayerAddress: d.Applicant.Address}
	for _, l := range b.Lines {
		r.Fees = append(r.Fees, paygov.Fee{Kind: string(l.Kind), Code: l.Code, Name: l.Name, Amount: l.Amount})
	}
	return g.c.Init(ctx, paygov.InitRequest{Ref: b.Ref, Amount: b.Amount, Info: b.Info, IP: b.IP, Receipt: r})
}

// Query asks the platform what became of an attempt.
func (g paygovGateway) Query(ctx context.Context, a payment.Attempt) (payment.Settlement, bool, error) {
	s, err := g.c.Query(ctx, a.Ref)
	if apperr.Is(err, apperr.NotFound) {
		return payment.Settlement{}, false, nil
	}
	if err != nil {
		return payment.Settlement{}, false, err
	}
	return payment.Settlement(s), true, nil
}

// paygovSettler hands the platform's verified CONFIRM to the domain.
type paygovSettler struct{ svc *payment.Service }

func (s paygovSettler) Settle(ctx context.Context, gateway string, v paygov.Settlement) (paygov.Outcome, error) {
	out, err := s.svc.Settle(ctx, paygov.Gateway, payment.Settlement(v))
	return paygov.Outcome(out), err
}

// vnpayGateway is VNPay as a payment.Gateway.
type vnpayGateway struct{ c *vnpay.Client }

// Begin builds the signed payment URL (VNPay opens nothing server-side).
func (g vnpayGateway) Begin(_ context.Context, b payment.Begin) (string, error) {
	locale := "vn"
	if b.Locale == "en" {
		locale = "en"
	}
	return g.c.PaymentURL(vnpay.PayRequest{Ref: b.Ref, Amount: b.Amount, OrderInfo: b.Info, IP: b.IP, ReturnURL: b.ReturnURL,
		Locale: locale, OrderType: "billpayment"})
}

// Query asks querydr what became of an attempt.
func (g vnpayGateway) Query(ctx context.Context, a payment.Attempt) (payment.Settlement, bool, error) {
	q, err := g.c.QueryDR(ctx, a.Ref, a.CreatedAt)
	if err != nil || !q.Found {
		return payment.Settlement{}, false, err
	}
	return payment.Settlement{Ref: q.Ref, Amount: q.Amount, Paid: q.Paid, GatewayRef: q.GatewayRef, BankCode: q.BankCode,
		PaidAt: q.PaidAt, Code: q.TransactionStatus, Raw: "querydr"}, true, nil
}

// vnpaySettler hands VNPay's verified IPN to the payment domain.
type vnpaySettler struct{ svc *payment.Service }

func (s vnpaySettler) Settle(ctx context.Context, gateway string, v vnpay.Settlement) (vnpay.Outcome, error) {
	out, err := s.svc.Settle(ctx, "vnpay", payment.Settlement{Ref: v.Ref, Amount: v.Amount, Paid: v.Paid, GatewayRef: v.GatewayRef,
		BankCode: v.BankCode, PaidAt: v.PaidAt, Code: v.Code, Raw: v.Raw})
	if err != nil {
		return 0, err
	}
	switch out {
	case payment.UnknownRef:
		return vnpay.UnknownRef, nil
	case payment.AmountMismatch:
		return vnpay.AmountMismatch, nil
	case payment.AlreadySettled:
		return vnpay.AlreadySettled, nil
	}
	return vnpay.Settled, nil
}
