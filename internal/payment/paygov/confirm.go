package paygov

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// Settlement is what a gateway's callback reports about one attempt.
type Settlement struct {
	Ref        string    // our unique reference of the attempt (MaThamChieu)
	Amount     int64     // VND, as the gateway reports it
	Paid       bool      // the gateway says the money was taken
	GatewayRef string    // the gateway's transaction id (MaGiaoDich)
	BankCode   string    // MaNganHang
	PaidAt     time.Time // the gateway's time, parsed in GMT+7, zero if absent
	Code       string    // the gateway's result code (MaLoi)
	Raw        string    // the callback as received (JSON body), kept verbatim
}

// Outcome is what the domain did with a settlement.
type Outcome int

// Outcomes of Settler.Settle.
const (
	Settled        Outcome = iota // recorded now (paid or failed)
	UnknownRef                    // no attempt has this reference
	AmountMismatch                // the attempt's amount differs
	AlreadySettled                // the attempt was settled before (a replay or a duplicate)
)

// Settler records a verified settlement; the payment domain implements it,
// checking reference, amount and state atomically. An error means an
// unexpected failure (reply 99).
type Settler interface {
	Settle(ctx context.Context, gateway string, s Settlement) (Outcome, error)
}

// Reply codes of the CONFIRM callback (MaLoi of our reply); see the package
// documentation.
const (
	ReplyOK               = "00"
	ReplyUnknownRef       = "01"
	ReplyAlreadyConfirmed = "02"
	ReplyWrongAmount      = "04"
	ReplyMalformed        = "96"
	ReplyBadSignature     = "97"
	ReplyOtherPartner     = "98"
	ReplyError            = "99"
)

// PaidCode is the platform's MaLoi for money taken.
const PaidCode = "00"

// MaxConfirmBody bounds a CONFIRM body: the message is a few hundred bytes.
const MaxConfirmBody = 64 << 10

// ConfirmHandler serves the platform's CONFIRM callback
// (POST /api/v1/payments/paygov/confirm). It verifies the signature and the
// partner before anything else; only a verified confirmation reaches the
// Settler.
type ConfirmHandler struct {
	// PartnerCode is our MaDoiTac; a confirmation for another is refused.
	PartnerCode string
	// Secret is the key signatures are made with.
	Secret string
	// Settler records verified confirmations.
	Settler Settler
	// Now is the clock of the reply's ThoiGianGD; nil means time.Now.
	Now func() time.Time
	// Log receives refusals and failures (references only, never the body);
	// nil means none.
	Log *slog.Logger
}

// text is a JSON member taken as text whether sent as a string or a
// number (the platform's SoTien is seen both ways); a number keeps its
// literal digits, which is what was signed. null is empty.
type text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("empty value")
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case string(b) == "null":
		*t = ""
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*t = text(b)
	default:
		return errors.New("not a string or a number")
	}
	return nil
}

// confirmJSON is a CONFIRM message (and a QUERY answer's payload).
type confirmJSON struct {
	LoaiBanTin       text `json:"LoaiBanTin"`
	MaLoi            text `json:"MaLoi"`
	MaDoiTac         text `json:"MaDoiTac"`
	MaThamChieu      text `json:"MaThamChieu"`
	SoTien           text `json:"SoTien"`
	MaTienTe         text `json:"MaTienTe"`
	MaGiaoDich       text `json:"MaGiaoDich"`
	MaNganHang       text `json:"MaNganHang"`
	ThoiGianGD       text `json:"ThoiGianGD"`
	ThongTinGiaoDich text `json:"ThongTinGiaoDich"`
	MaXacThuc        text `json:"MaXacThuc"`
}

// signed returns the fields MaXacThuc covers, in order.
func (m *confirmJSON) signed() []string {
	return []string{string(m.LoaiBanTin), string(m.MaLoi), string(m.MaDoiTac), string(m.MaThamChieu),
		string(m.SoTien), string(m.MaTienTe), string(m.MaGiaoDich), string(m.MaNganHang),
		string(m.ThoiGianGD), string(m.ThongTinGiaoDich)}
}

// parseConfirm reads a CONFIRM body: one JSON object, valid UTF-8 without
// NUL (the raw body is stored as text).
func parseConfirm(body []byte) (confirmJSON, error) {
	var m confirmJSON
	if !apperr.TextOK(string(body)) {
		return m, errors.New("body is not valid UTF-8 text")
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		return m, errors.New("body is not a JSON object")
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return m, err
	}
	return m, nil
}

// settlement checks the signed message's content and turns it into a
// Settlement. A time that does not parse leaves PaidAt zero: the
// confirmation is about money and is not refused for its time, which Raw
// keeps as sent.
func (m *confirmJSON) settlement(raw string) (Settlement, error) {
	for _, f := range m.signed() {
		// Decoded JSON is valid UTF-8, but \u0000 decodes to a NUL that
		// PostgreSQL will not store.
		if strings.IndexByte(f, 0) >= 0 {
			return Settlement{}, errNUL
		}
	}
	ref := strings.TrimSpace(string(m.MaThamChieu))
	if ref == "" {
		return Settlement{}, errNoRef
	}
	code := strings.TrimSpace(string(m.MaLoi))
	if code == "" {
		return Settlement{}, errNoCode
	}
	amount, err := parseAmount(string(m.SoTien))
	if err != nil {
		return Settlement{}, err
	}
	if cur := strings.TrimSpace(string(m.MaTienTe)); cur != "" && !strings.EqualFold(cur, currency) {
		return Settlement{}, errCurrency
	}
	s := Settlement{
		Ref: ref, Amount: amount, Paid: code == PaidCode, Code: code,
		GatewayRef: strings.TrimSpace(string(m.MaGiaoDich)),
		BankCode:   strings.TrimSpace(string(m.MaNganHang)),
		Raw:        raw,
	}
	if t, err := ParseTime(strings.TrimSpace(string(m.ThoiGianGD))); err == nil {
		s.PaidAt = t
	}
	return s, nil
}

// parseAmount reads SoTien: whole VND, decimal digits only.
func parseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errNoAmount
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errAmountDigits
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errAmountRange
	}
	return n, nil
}

// reply is our answer to a CONFIRM.
type reply struct {
	MaLoi      string `json:"MaLoi"`
	MoTaLoi    string `json:"MoTaLoi"`
	MaDoiTac   string `json:"MaDoiTac"`
	ThoiGianGD string `json:"ThoiGianGD"`
	MaXacThuc  string `json:"MaXacThuc"`
}

// The descriptions (MoTaLoi) of our reply codes.
var (
	msgOK = apperr.New(apperr.Internal, "paygov_confirmed",
		"Đã ghi nhận kết quả giao dịch.", "The transaction's result is recorded.")
	msgUnknownRef = apperr.New(apperr.NotFound, "paygov_unknown_ref",
		"Không tìm thấy giao dịch có mã tham chiếu này.", "No transaction has this reference.")
	msgAlready = apperr.New(apperr.Conflict, "paygov_already_confirmed",
		"Giao dịch đã được xác nhận trước đó.", "The transaction was confirmed before.")
	msgWrongAmount = apperr.New(apperr.Unprocessable, "paygov_wrong_amount",
		"Số tiền không khớp với số tiền của giao dịch.", "The amount differs from the transaction's.")
	msgBadSignature = apperr.New(apperr.Unauthorized, "paygov_bad_signature",
		"Sai mã xác thực (MaXacThuc).", "Wrong signature (MaXacThuc).")
	msgOtherPartner = apperr.New(apperr.Forbidden, "paygov_other_partner",
		"Mã đối tác (MaDoiTac) không phải của hệ thống này.", "The partner code (MaDoiTac) is not this system's.")
	msgError = apperr.New(apperr.Internal, "paygov_error",
		"Lỗi không xác định khi ghi nhận giao dịch; vui lòng gửi lại sau.",
		"Unexpected error while recording the transaction; please send it again later.")
	msgTooLarge = apperr.New(apperr.TooLarge, "paygov_too_large",
		"Bản tin quá lớn (tối đa 64 KiB).", "The message is too large (64 KiB at most).")
	msgMethod = apperr.New(apperr.Invalid, "paygov_method",
		"Bản tin CONFIRM phải được gửi bằng phương thức POST.", "A CONFIRM message must be sent with POST.")
)

// reason is why a message is malformed, in both languages; it names
// fields, never their values.
type reason struct{ vi, en string }

func (r reason) Error() string { return r.en }

// Reasons a CONFIRM is malformed.
var (
	errUnreadable   = reason{"không đọc được nội dung", "the body cannot be read"}
	errNotJSON      = reason{"không phải một đối tượng JSON gồm các trường văn bản", "not a JSON object of text fields"}
	errNotConfirm   = reason{"LoaiBanTin không phải CONFIRM", "LoaiBanTin is not CONFIRM"}
	errNoRef        = reason{"thiếu MaThamChieu", "MaThamChieu is missing"}
	errNoCode       = reason{"thiếu MaLoi", "MaLoi is missing"}
	errNoAmount     = reason{"thiếu SoTien", "SoTien is missing"}
	errAmountDigits = reason{"SoTien không phải số tiền nguyên bằng đồng", "SoTien is not whole VND in digits"}
	errAmountRange  = reason{"SoTien quá lớn", "SoTien is too large"}
	errCurrency     = reason{"MaTienTe không phải VND", "MaTienTe is not VND"}
	errNUL          = reason{"một trường chứa ký tự NUL", "a field holds a NUL character"}
)

// malformed is the reply description for a message that cannot be taken,
// naming why.
func malformed(why reason) *apperr.Error {
	return apperr.New(apperr.Invalid, "paygov_malformed",
		"Bản tin CONFIRM không hợp lệ: "+why.vi+".", "The CONFIRM message is malformed: "+why.en+".")
}

// ServeHTTP implements http.Handler.
func (h *ConfirmHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reply(w, r, http.StatusMethodNotAllowed, ReplyMalformed, msgMethod)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxConfirmBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.log().WarnContext(ctx, "paygov confirm: body too large")
			h.reply(w, r, http.StatusRequestEntityTooLarge, ReplyMalformed, msgTooLarge)
			return
		}
		h.reply(w, r, http.StatusBadRequest, ReplyMalformed, malformed(errUnreadable))
		return
	}
	m, err := parseConfirm(body)
	if err != nil {
		h.log().WarnContext(ctx, "paygov confirm: malformed", "err", err)
		h.reply(w, r, http.StatusBadRequest, ReplyMalformed, malformed(errNotJSON))
		return
	}
	ref := apperr.Printable(string(m.MaThamChieu), 64)
	if h.Secret == "" {
		// Without a key anyone could sign: take nothing.
		h.log().ErrorContext(ctx, "paygov confirm: no secret configured", "ref", ref)
		h.reply(w, r, http.StatusOK, ReplyError, msgError)
		return
	}
	if !Verify(string(m.MaXacThuc), h.Secret, m.signed()...) {
		h.log().WarnContext(ctx, "paygov confirm: bad signature", "ref", ref)
		h.reply(w, r, http.StatusOK, ReplyBadSignature, msgBadSignature)
		return
	}
	if string(m.MaDoiTac) != h.PartnerCode {
		h.log().WarnContext(ctx, "paygov confirm: other partner", "ref", ref)
		h.reply(w, r, http.StatusOK, ReplyOtherPartner, msgOtherPartner)
		return
	}
	if string(m.LoaiBanTin) != TypeConfirm {
		h.reply(w, r, http.StatusBadRequest, ReplyMalformed, malformed(errNotConfirm))
		return
	}
	s, err := m.settlement(string(body))
	if err != nil {
		h.log().WarnContext(ctx, "paygov confirm: malformed", "ref", ref, "err", err)
		why, ok := err.(reason)
		if !ok {
			why = errNotJSON
		}
		h.reply(w, r, http.StatusBadRequest, ReplyMalformed, malformed(why))
		return
	}
	if h.Settler == nil {
		// Wiring forgotten: refuse with "try again" rather than panic.
		h.log().ErrorContext(ctx, "paygov confirm: no settler configured", "ref", ref)
		h.reply(w, r, http.StatusOK, ReplyError, msgError)
		return
	}
	out, err := h.Settler.Settle(ctx, Gateway, s)
	if err != nil {
		h.log().ErrorContext(ctx, "paygov confirm: settling", "ref", ref, "err", err)
		h.reply(w, r, http.StatusOK, ReplyError, msgError)
		return
	}
	switch out {
	case Settled:
		h.reply(w, r, http.StatusOK, ReplyOK, msgOK)
	case UnknownRef:
		h.log().WarnContext(ctx, "paygov confirm: unknown reference", "ref", ref)
		h.reply(w, r, http.StatusOK, ReplyUnknownRef, msgUnknownRef)
	case AmountMismatch:
		h.log().WarnContext(ctx, "paygov confirm: amount mismatch", "ref", ref)
		h.reply(w, r, http.StatusOK, ReplyWrongAmount, msgWrongAmount)
	case AlreadySettled:
		h.reply(w, r, http.StatusOK, ReplyAlreadyConfirmed, msgAlready)
	default:
		h.log().ErrorContext(ctx, "paygov confirm: unknown outcome", "ref", ref, "outcome", int(out))
		h.reply(w, r, http.StatusOK, ReplyError, msgError)
	}
}

// reply writes our signed answer with code and msg's text in the caller's
// language.
func (h *ConfirmHandler) reply(w http.ResponseWriter, r *http.Request, status int, code string, msg *apperr.Error) {
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	rep := reply{MaLoi: code, MoTaLoi: msg.Message(lang(r)), MaDoiTac: h.PartnerCode, ThoiGianGD: FormatTime(now())}
	rep.MaXacThuc = Sign(h.Secret, rep.MaLoi, rep.MoTaLoi, rep.MaDoiTac, rep.ThoiGianGD)
	b, err := json.Marshal(rep)
	if err != nil {
		// Strings only: cannot happen; answer the status alone.
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (h *ConfirmHandler) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

// lang is "en" when the caller's Accept-Language puts English before
// Vietnamese, else "vi".
func lang(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "vi" || strings.HasPrefix(tag, "vi-"):
			return "vi"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return "en"
		}
	}
	return "vi"
}

var _ http.Handler = (*ConfirmHandler)(nil)

// String names the outcome, for logs and test failures.
func (o Outcome) String() string {
	switch o {
	case Settled:
		return "settled"
	case UnknownRef:
		return "unknown reference"
	case AmountMismatch:
		return "amount mismatch"
	case AlreadySettled:
		return "already settled"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}
