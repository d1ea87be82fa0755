package vnpay

import (
	"encoding/json"
	"log/slog"
	"net/http"
)

// IPN answer codes and messages, exactly as VNPay expects them.
const (
	RspConfirmed      = "00"
	RspOrderNotFound  = "01"
	RspAlreadySettled = "02"
	RspInvalidAmount  = "04"
	RspBadSignature   = "97"
	RspUnknownError   = "99"
)

var rspMessages = map[string]string{
	RspConfirmed:      "Confirm Success",
	RspOrderNotFound:  "Order not found",
	RspAlreadySettled: "Order already confirmed",
	RspInvalidAmount:  "Invalid amount",
	RspBadSignature:   "Invalid signature",
	RspUnknownError:   "Unknown error",
}

// IPNAnswer is the JSON body the IPN endpoint answers, fields in the
// protocol's order.
type IPNAnswer struct {
	RspCode string `json:"RspCode"`
	Message string `json:"Message"`
}

// IPNHandler is the endpoint VNPay calls server to server (GET) with the
// result of an attempt; it alone changes an attempt's state, through
// Settler. Checks run in the protocol's order: signature (97, Settle not
// called), then what Settle reports: unknown reference (01), amount (04),
// already settled (02), recorded (00); an error is 99.
type IPNHandler struct {
	Secret  string
	Settler Settler
	Log     *slog.Logger // nil is slog.Default()
}

func (h IPNHandler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// ServeHTTP answers one IPN call.
func (h IPNHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	code := h.handle(r)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(IPNAnswer{RspCode: code, Message: rspMessages[code]})
}

func (h IPNHandler) handle(r *http.Request) string {
	raw := r.URL.RawQuery
	params, ok := ParseSigned(raw, h.Secret)
	if !ok {
		h.log().Warn("vnpay ipn: invalid signature")
		return RspBadSignature
	}
	res := resultOf(params)
	s := Settlement{
		Ref:        res.Ref,
		Amount:     res.Amount,
		Paid:       res.Paid,
		GatewayRef: res.GatewayRef,
		BankCode:   res.BankCode,
		PaidAt:     res.PaidAt,
		Code:       res.Code,
		Raw:        raw,
	}
	if h.Settler == nil {
		h.log().Error("vnpay ipn: no settler configured", "ref", s.Ref)
		return RspUnknownError
	}
	out, err := h.Settler.Settle(r.Context(), Gateway, s)
	if err != nil {
		h.log().Error("vnpay ipn: settling", "ref", s.Ref, "err", err)
		return RspUnknownError
	}
	var code string
	switch out {
	case Settled:
		code = RspConfirmed
	case UnknownRef:
		code = RspOrderNotFound
	case AmountMismatch:
		code = RspInvalidAmount
	case AlreadySettled:
		code = RspAlreadySettled
	default:
		h.log().Error("vnpay ipn: unknown outcome", "ref", s.Ref, "outcome", int(out))
		return RspUnknownError
	}
	h.log().Info("vnpay ipn", "ref", s.Ref, "paid", s.Paid, "code", s.Code, "answer", code)
	return code
}
