package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/receipt"
	"github.com/motcua/motcua/internal/web"
)

// Payments is the payment service as the API uses it (payment.Service).
type Payments interface {
	Start(ctx context.Context, a dossier.Actor, code, gateway, ip, returnURL, locale string) (*payment.Started, error)
	Requests(ctx context.Context, a dossier.Actor, code string) (*dossier.Dossier, []payment.Request, error)
}

// paymentInput is the body of POST /api/v1/dossiers/{code}/payments.
type paymentInput struct {
	Gateway string `json:"gateway"`
}

// paymentStarted is the answer of POST /api/v1/dossiers/{code}/payments.
type paymentStarted struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Amount      int64  `json:"amount"`
	RedirectURL string `json:"redirect_url"`
}

// paymentRequest is one request in GET /api/v1/dossiers/{code}/payments.
type paymentRequest struct {
	ID        int64          `json:"id"`
	Status    string         `json:"status"`
	Amount    int64          `json:"amount"`
	Lines     []payment.Line `json:"lines"`
	Method    string         `json:"method,omitempty"`
	RefundDue bool           `json:"refund_due,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	PaidAt    *time.Time     `json:"paid_at,omitempty"`
}

// paymentReturnPath is the portal's page the gateway sends the payer back
// to (display only: the gateway's server-to-server callback settles).
const paymentReturnPath = "/thanh-toan/vnpay/ket-qua"

// startPayment serves POST /api/v1/dossiers/{code}/payments: the payer
// (the dossier's owner, or an officer of its unit) opens a payment of
// what the dossier owes at a gateway and is sent to redirect_url.
func (h *Handler) startPayment(w http.ResponseWriter, r *http.Request) error {
	if h.Payments == nil {
		return errNoPayments()
	}
	var in paymentInput
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	st, err := h.Payments.Start(r.Context(), actorFrom(r.Context()), r.PathValue("code"), strings.TrimSpace(in.Gateway), web.ClientIP(r),
		web.PublicURL(h.BaseURL, r, paymentReturnPath), Lang(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, paymentStarted{ID: st.Attempt.Ref, Status: string(st.Request.State), Amount: st.Attempt.Amount, RedirectURL: st.Redirect})
	return nil
}

// listPayments serves GET /api/v1/dossiers/{code}/payments: the
// dossier's payment requests, newest first.
func (h *Handler) listPayments(w http.ResponseWriter, r *http.Request) error {
	if h.Payments == nil {
		return errNoPayments()
	}
	_, rs, err := h.Payments.Requests(r.Context(), actorFrom(r.Context()), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]paymentRequest, 0, len(rs))
	for _, q := range rs {
		p := paymentRequest{ID: q.ID, Status: string(q.State), Amount: q.Amount, Lines: q.Lines, Method: q.Method, RefundDue: q.RefundDue,
			CreatedAt: q.CreatedAt.UTC(), PaidAt: q.PaidAt}
		if p.Lines == nil {
			p.Lines = []payment.Line{}
		}
		if p.PaidAt != nil {
			t := p.PaidAt.UTC()
			p.PaidAt = &t
		}
		out = append(out, p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"payments": out})
	return nil
}

// errNoPayments answers where no payment gateway is configured.
func errNoPayments() error {
	return apperr.New(apperr.Unavailable, "payments_not_configured",
		"Thanh toán trực tuyến chưa được kết nối. Vui lòng nộp phí, lệ phí tại bộ phận một cửa.",
		"Online payment is not connected. Please pay the fee at the one-stop desk.")
}

// Receipts reads a dossier's e-receipts with the reader's rights
// (receipt.Access): an unknown or forbidden dossier or receipt is 404.
type Receipts interface {
	DossierReceipts(ctx context.Context, a dossier.Actor, code string) ([]*receipt.Receipt, error)
	PDF(ctx context.Context, a dossier.Actor, code string, id int64) (name string, data []byte, err error)
}

// receiptOut is one receipt in GET /api/v1/dossiers/{code}/receipts.
type receiptOut struct {
	ID         int64          `json:"id"`
	Form       string         `json:"form"`
	Series     string         `json:"series"`
	Number     string         `json:"number"`
	Kind       string         `json:"kind"`
	Total      int64          `json:"total"`
	Method     string         `json:"method"`
	PaymentRef string         `json:"payment_ref,omitempty"`
	IssuedAt   time.Time      `json:"issued_at"`
	Items      []receipt.Item `json:"items"`
	URL        string         `json:"url"`
}

// listReceipts serves GET /api/v1/dossiers/{code}/receipts.
func (h *Handler) listReceipts(w http.ResponseWriter, r *http.Request) error {
	if h.Receipts == nil {
		return apperr.ErrNotFound
	}
	rs, err := h.Receipts.DossierReceipts(r.Context(), actorFrom(r.Context()), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]receiptOut, 0, len(rs))
	for _, c := range rs {
		out = append(out, receiptOut{ID: c.ID, Form: c.Form, Series: c.Series, Number: c.NumberText(), Kind: string(c.Kind), Total: c.Total,
			Method: string(c.Method), PaymentRef: c.PaymentRef, IssuedAt: c.IssuedAt.UTC(), Items: c.Items,
			URL: "/api/v1/dossiers/" + url.PathEscape(c.DossierCode) + "/receipts/" + strconv.FormatInt(c.ID, 10)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"receipts": out})
	return nil
}

// receiptPDF serves GET /api/v1/dossiers/{code}/receipts/{id}: the PDF.
func (h *Handler) receiptPDF(w http.ResponseWriter, r *http.Request) error {
	if h.Receipts == nil {
		return apperr.ErrNotFound
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.ErrNotFound
	}
	name, data, err := h.Receipts.PDF(r.Context(), actorFrom(r.Context()), r.PathValue("code"), id)
	if err != nil {
		return err
	}
	web.ServePDF(w, name, data)
	return nil
}

// callback is a gateway's server-to-server callback, or 503 where the
// gateway is not configured.
func (h *Handler) callback(cb http.Handler) http.Handler {
	if cb == nil {
		return h.wrap(func(http.ResponseWriter, *http.Request) error { return errNoPayments() })
	}
	return cb
}
