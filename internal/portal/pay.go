package portal

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/payment/vnpay"
	"github.com/motcua/motcua/internal/receipt"
	"github.com/motcua/motcua/internal/web"
)

// Payments is the payment service as the portal uses it
// (payment.Service); nil when no gateway is configured.
type Payments interface {
	Due(ctx context.Context, d *dossier.Dossier) ([]catalog.FeeDue, error)
	Start(ctx context.Context, a dossier.Actor, code, gateway, ip, returnURL, locale string) (*payment.Started, error)
	// RequestsOf lists the requests of a dossier read with the reader's
	// rights.
	RequestsOf(ctx context.Context, d *dossier.Dossier) ([]payment.Request, error)
	// DossierOfRef names the dossier an attempt's reference pays for.
	DossierOfRef(ctx context.Context, ref string) (string, error)
}

// Gateway is a payment gateway the dossier page offers: its name in the
// payment service and its label.
type Gateway struct{ Name, Label string }

// feeLine is one fee item on the dossier page.
type feeLine struct {
	Name, Kind, Amount, When, Exempt string
}

// paymentLine is one payment request on the dossier page.
type paymentLine struct {
	Amount, State, Method, PaidAt string
	RefundDue                     bool
}

// payReturnPath is where the gateway sends the payer back.
const payReturnPath = "/thanh-toan/vnpay/ket-qua"

// fees fills the dossier page's fee section: every item with what it
// costs or why it is exempt, the payments made, and the gateways to pay
// with while the dossier waits for its fee.
func (h *Handler) fees(r *http.Request, v *mineView, d *dossier.Dossier) error {
	if h.Payments == nil {
		return nil
	}
	lang := web.LangOf(r)
	dues, err := h.Payments.Due(r.Context(), d)
	if err != nil {
		return err
	}
	for _, f := range dues {
		l := feeLine{Name: f.Name, Kind: h.t(r, "fee.kind."+string(f.Kind)), Amount: web.Money(f.Amount, lang), When: h.t(r, "fee.when."+string(f.Collect))}
		switch f.Exempt {
		case "":
		case "timing", "channel":
			l.Exempt = h.t(r, "fee.exempt."+f.Exempt)
		default:
			l.Exempt = h.t(r, "fee.exempt.category")
		}
		v.Fees = append(v.Fees, l)
	}
	rs, err := h.Payments.RequestsOf(r.Context(), d)
	if err != nil {
		return err
	}
	for _, q := range rs {
		p := paymentLine{Amount: web.Money(q.Amount, lang), State: h.t(r, "pay.state."+string(q.State)), RefundDue: q.RefundDue}
		if q.Method != "" {
			p.Method = h.t(r, "pay.method."+q.Method)
		}
		if q.PaidAt != nil {
			p.PaidAt = q.PaidAt.Format("15:04") + " " + web.Date(*q.PaidAt)
		}
		v.Payments = append(v.Payments, p)
	}
	if d.Status == dossier.StatusFee {
		v.PayURL = "/ho-so/" + url.PathEscape(d.Code) + "/thanh-toan"
		v.PayAmount = web.Money(d.FeeVND, lang)
		v.Gateways = h.Gateways
	}
	return nil
}

// pay answers the dossier page's "Thanh toán trực tuyến" button: it opens
// a payment at the chosen gateway and takes the browser there. Not a
// redirect: the pages' form-action 'self' stops a form's redirect to
// another origin, so a page of ours goes on (as for the e-ID's logout).
func (h *Handler) pay(w http.ResponseWriter, r *http.Request) error {
	a, d, ok, err := h.ownDossier(w, r)
	if !ok {
		return err
	}
	if h.Payments == nil {
		return apperr.New(apperr.Unavailable, "payments_not_configured",
			"Thanh toán trực tuyến chưa được kết nối. Vui lòng nộp phí, lệ phí tại bộ phận một cửa.",
			"Online payment is not connected. Please pay the fee at the one-stop desk.")
	}
	st, err := h.Payments.Start(r.Context(), citizenActor(a), d.Code, strings.TrimSpace(r.PostFormValue("gateway")), web.ClientIP(r),
		web.PublicURL(h.BaseURL, r, payReturnPath), web.LangOf(r))
	if err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		v, verr := h.mineView(r, a, d)
		if verr != nil {
			return verr
		}
		v.PayError = e.Message(web.LangOf(r))
		v.Errors = append(v.Errors, formError{Field: "pay", Message: v.PayError})
		h.render(w, r, v, e.Kind.Status())
		return nil
	}
	h.web.Render(w, r, web.View{Name: "pay", NoIndex: true, NoStore: true,
		Data: struct{ URL, Amount, Code string }{st.Redirect, web.Money(st.Attempt.Amount, web.LangOf(r)), d.Code}})
	return nil
}

// Receipts reads a dossier's e-receipts with the reader's rights
// (receipt.Access).
type Receipts interface {
	// Of lists the receipts of a dossier read with the reader's rights.
	Of(ctx context.Context, d *dossier.Dossier) ([]*receipt.Receipt, error)
	PDF(ctx context.Context, a dossier.Actor, code string, id int64) (name string, data []byte, err error)
}

// PaymentReturn checks the gateway's signed return (vnpay.Client).
type PaymentReturn interface {
	VerifyReturn(q url.Values) (vnpay.Result, error)
}

// receiptLink is one receipt on the dossier page.
type receiptLink struct {
	URL, Label string
}

// receiptLinks lists the dossier's receipts for its owner.
func (h *Handler) receiptLinks(r *http.Request, d *dossier.Dossier) ([]receiptLink, error) {
	if h.Receipts == nil {
		return nil, nil
	}
	rs, err := h.Receipts.Of(r.Context(), d)
	if err != nil {
		return nil, err
	}
	var out []receiptLink
	for _, c := range rs {
		out = append(out, receiptLink{URL: "/ho-so/" + url.PathEscape(d.Code) + "/bien-lai/" + strconv.FormatInt(c.ID, 10),
			Label: h.t(r, "receipt.link", c.Title(), c.Series, c.NumberText(), web.Money(c.Total, web.LangOf(r)))})
	}
	return out, nil
}

// receiptPDF serves a receipt of the citizen's dossier.
func (h *Handler) receiptPDF(w http.ResponseWriter, r *http.Request) error {
	a, d, ok, err := h.ownDossier(w, r)
	if !ok {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 || h.Receipts == nil {
		return apperr.ErrNotFound
	}
	name, data, err := h.Receipts.PDF(r.Context(), citizenActor(a), d.Code, id)
	if err != nil {
		return err
	}
	web.ServePDF(w, name, data)
	return nil
}

// payReturn is the page the gateway sends the payer back to. It only
// shows: the gateway's server-to-server callback alone records money.
func (h *Handler) payReturn(w http.ResponseWriter, r *http.Request) error {
	if h.PaymentReturn == nil {
		return apperr.ErrNotFound
	}
	lang := web.LangOf(r)
	res, err := h.PaymentReturn.VerifyReturn(r.URL.Query())
	if err != nil {
		return apperr.New(apperr.Invalid, "payment_return_invalid",
			"Thông tin trả về từ cổng thanh toán không hợp lệ. Trạng thái thanh toán được cập nhật trên trang hồ sơ của bạn.",
			"The payment gateway's answer is not valid. The payment's state is shown on your dossier's page.")
	}
	v := struct {
		Paid        bool
		Message     string
		Amount, Ref string
		DossierURL  string
		DossierCode string
	}{Paid: res.Paid, Message: vnpay.ResponseText(res.Code, lang), Amount: web.Money(res.Amount, lang), Ref: res.Ref}
	if h.Payments != nil {
		if code, err := h.Payments.DossierOfRef(r.Context(), res.Ref); err == nil {
			v.DossierCode, v.DossierURL = code, "/ho-so/"+url.PathEscape(code)
		}
	}
	h.web.Render(w, r, web.View{Name: "payreturn", NoIndex: true, NoStore: true, Data: v})
	return nil
}
