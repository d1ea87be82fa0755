package vnpay

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// DefaultExpiry is how long a payment URL stays valid when the request
// names no expiry: VNPay's usual 15 minutes.
const DefaultExpiry = 15 * time.Minute

// maxAmount bounds an amount in VND so that vnp_Amount (×100) stays far
// inside what VNPay and an int64 hold.
const maxAmount = 1_000_000_000_000

// Client is a merchant's side of VNPay: it builds payment URLs, checks
// return queries and asks querydr. Only TmnCode, HashSecret, PayURL and
// APIURL are required.
type Client struct {
	TmnCode    string       // vnp_TmnCode, the merchant's terminal code
	HashSecret string       // the secret shared with VNPay
	PayURL     string       // the payment page, …/paymentv2/vpcpay.html
	APIURL     string       // the merchant API, …/merchant_webapi/api/transaction
	HTTP       *http.Client // for querydr; nil is a client with a 20 s timeout
	Now        func() time.Time
	// IP is motcua's own address, sent as vnp_IpAddr in querydr; empty
	// is 127.0.0.1.
	IP string
	// RequestID makes querydr's vnp_RequestId (unique per day, at most
	// 32 characters); nil is 32 random hex digits.
	RequestID func() string
}

// PayRequest is one payment attempt to send to VNPay.
type PayRequest struct {
	Ref       string // vnp_TxnRef: unique per attempt
	Amount    int64  // VND
	OrderInfo string // any text; reduced by OrderInfo
	IP        string // the citizen's IP address
	ReturnURL string // absolute http(s) URL of the return page
	Locale    string // "vn" or "en"; empty is "vn"
	BankCode  string // optional: skip VNPay's choice of method
	OrderType string // empty is "other"
	ExpireIn  time.Duration
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Error codes of this package (apperr codes); stable, callers and
// translations key on them.
const (
	CodeNotConfigured = "vnpay_not_configured" // Unavailable: no merchant settings
	CodeUnavailable   = "vnpay_unavailable"    // Unavailable: the gateway is down, busy or failing
	CodeBadResponse   = "vnpay_bad_response"   // Unavailable: an answer unsigned, wrongly signed or about another transaction
	CodeRefused       = "vnpay_refused"        // Internal: the gateway refuses our merchant code, format or checksum
	CodeBadSignature  = "vnpay_signature"      // Invalid: a return query not signed by VNPay
	// Invalid payment requests.
	CodeBadRef       = "vnpay_ref"
	CodeBadAmount    = "vnpay_amount"
	CodeBadOrderInfo = "vnpay_order_info"
	CodeBadIP        = "vnpay_ip"
	CodeBadReturnURL = "vnpay_return_url"
	CodeBadLocale    = "vnpay_locale"
	CodeBadExpiry    = "vnpay_expiry"
	CodeBadDate      = "vnpay_transaction_date" // querydr without the attempt's creation time
)

func invalid(code, vi, en string) error { return apperr.New(apperr.Invalid, code, vi, en) }

// ErrNotConfigured answers when the client lacks its merchant settings.
var ErrNotConfigured = apperr.New(apperr.Unavailable, CodeNotConfigured,
	"Thanh toán qua VNPay chưa được cấu hình.",
	"Payment through VNPay is not configured.")

// refOK reports whether ref is a usable vnp_TxnRef: 1 to 100 printable
// ASCII characters.
func refOK(ref string) bool {
	if ref == "" || len(ref) > 100 {
		return false
	}
	for i := 0; i < len(ref); i++ {
		if ref[i] <= ' ' || ref[i] >= 0x7f {
			return false
		}
	}
	return true
}

// PaymentURL returns the signed URL of VNPay's payment page for req.
func (c *Client) PaymentURL(req PayRequest) (string, error) {
	if c.TmnCode == "" || c.HashSecret == "" || c.PayURL == "" {
		return "", ErrNotConfigured
	}
	if !refOK(req.Ref) {
		return "", invalid(CodeBadRef, "Mã tham chiếu giao dịch không hợp lệ.", "The transaction reference is invalid.")
	}
	if req.Amount <= 0 || req.Amount > maxAmount {
		return "", invalid(CodeBadAmount, "Số tiền thanh toán không hợp lệ.", "The amount to pay is invalid.")
	}
	info := OrderInfo(req.OrderInfo)
	if info == "" {
		return "", invalid(CodeBadOrderInfo, "Thiếu nội dung thanh toán.", "The payment's description is missing.")
	}
	if strings.TrimSpace(req.IP) == "" || len(req.IP) > 45 {
		return "", invalid(CodeBadIP, "Thiếu địa chỉ IP của người thanh toán.", "The payer's IP address is missing.")
	}
	if u, err := url.Parse(req.ReturnURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", invalid(CodeBadReturnURL, "Địa chỉ trang kết quả thanh toán không hợp lệ.", "The payment's return URL is invalid.")
	}
	locale := req.Locale
	switch locale {
	case "":
		locale = "vn"
	case "vn", "en":
	default:
		return "", invalid(CodeBadLocale, "Ngôn ngữ trang thanh toán phải là vn hoặc en.", "The payment page's language must be vn or en.")
	}
	if req.ExpireIn < 0 {
		return "", invalid(CodeBadExpiry, "Thời hạn thanh toán không hợp lệ.", "The payment's expiry is invalid.")
	}
	expire := req.ExpireIn
	if expire == 0 {
		expire = DefaultExpiry
	}
	orderType := req.OrderType
	if orderType == "" {
		orderType = "other"
	}
	created := c.now()
	params := map[string]string{
		"vnp_Version":    Version,
		"vnp_Command":    "pay",
		"vnp_TmnCode":    c.TmnCode,
		"vnp_Amount":     strconv.FormatInt(req.Amount*100, 10),
		"vnp_CurrCode":   "VND",
		"vnp_TxnRef":     req.Ref,
		"vnp_OrderInfo":  info,
		"vnp_OrderType":  orderType,
		"vnp_Locale":     locale,
		"vnp_ReturnUrl":  req.ReturnURL,
		"vnp_IpAddr":     strings.TrimSpace(req.IP),
		"vnp_CreateDate": FormatTime(created),
		"vnp_ExpireDate": FormatTime(created.Add(expire)),
		"vnp_BankCode":   req.BankCode,
	}
	query := Encode(params)
	sep := "?"
	if strings.Contains(c.PayURL, "?") {
		sep = "&"
	}
	return c.PayURL + sep + query + "&" + fieldHash + "=" + hex.EncodeToString(mac(c.HashSecret, query)), nil
}

// Result is what a return or IPN query says about one attempt.
type Result struct {
	Ref               string // vnp_TxnRef
	Amount            int64  // VND (vnp_Amount / 100); -1 if not a whole number of VND
	Paid              bool   // ResponseCode and TransactionStatus both "00"
	Code              string // vnp_ResponseCode
	TransactionStatus string // vnp_TransactionStatus
	GatewayRef        string // vnp_TransactionNo
	BankCode          string
	BankTranNo        string
	CardType          string
	OrderInfo         string
	PaidAt            time.Time // vnp_PayDate; zero if absent
}

// resultOf reads the fields of a verified query.
func resultOf(p map[string]string) Result {
	return Result{
		Ref:               p["vnp_TxnRef"],
		Amount:            amountVND(p["vnp_Amount"]),
		Paid:              p["vnp_ResponseCode"] == "00" && p["vnp_TransactionStatus"] == "00",
		Code:              p["vnp_ResponseCode"],
		TransactionStatus: p["vnp_TransactionStatus"],
		GatewayRef:        p["vnp_TransactionNo"],
		BankCode:          p["vnp_BankCode"],
		BankTranNo:        p["vnp_BankTranNo"],
		CardType:          p["vnp_CardType"],
		OrderInfo:         p["vnp_OrderInfo"],
		PaidAt:            ParseTime(p["vnp_PayDate"]),
	}
}

// amountVND turns vnp_Amount (VND × 100) into VND. A value that is not a
// whole, positive number of VND is -1, an amount no attempt has.
func amountVND(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n%100 != 0 {
		return -1
	}
	return n / 100
}

// ErrBadSignature answers a return query whose signature does not verify.
var ErrBadSignature = apperr.New(apperr.Invalid, CodeBadSignature,
	"Kết quả thanh toán không có chữ ký hợp lệ của VNPay.",
	"The payment result does not carry a valid VNPay signature.")

// VerifyReturn checks the query VNPay sent the citizen's browser back with
// and reads it. It is for display only: the IPN alone changes state.
func (c *Client) VerifyReturn(query url.Values) (Result, error) {
	if c.HashSecret == "" {
		return Result{}, ErrNotConfigured
	}
	params, ok := signedParams(query)
	if !ok || !Verify(params, c.HashSecret) || params["vnp_TmnCode"] != c.TmnCode {
		return Result{}, ErrBadSignature
	}
	return resultOf(params), nil
}

// QueryResult is querydr's answer about one attempt.
type QueryResult struct {
	// Found is false when VNPay has no such transaction (code 91): the
	// citizen never completed the payment page.
	Found             bool
	Ref               string
	Amount            int64 // VND; -1 if not a whole number of VND
	Paid              bool  // TransactionStatus "00"
	TransactionStatus string
	GatewayRef        string
	BankCode          string
	PaidAt            time.Time
	TransactionType   string
}

// querydr's answer codes (vnp_ResponseCode of the API, not of a payment).
const (
	qdrOK        = "00"
	qdrBadTmn    = "02"
	qdrBadFormat = "03"
	qdrNotFound  = "91"
	qdrDuplicate = "94"
	qdrChecksum  = "97"
	qdrOther     = "99"
)

func unavailable(err error) error {
	e := apperr.New(apperr.Unavailable, CodeUnavailable,
		"Không kết nối được cổng thanh toán VNPay. Vui lòng thử lại sau.",
		"The VNPay payment gateway cannot be reached. Please try again later.")
	e.Err = err
	return e
}

// refused is VNPay refusing our request for a reason on our side (the
// merchant code, the format, our checksum): configuration, not weather.
func refused(code string) error {
	e := apperr.Newf(apperr.Internal, CodeRefused,
		"Cổng thanh toán VNPay từ chối yêu cầu (mã %s); cần kiểm tra cấu hình kết nối.",
		"The VNPay gateway refused the request (code %s); the connection's settings need checking.", code)
	e.Err = fmt.Errorf("vnpay querydr refused with code %s", code)
	return e
}

// errBadResponse is an answer whose signature does not verify or that is
// about another transaction: it is not trusted.
func errBadResponse(why string) error {
	e := apperr.New(apperr.Unavailable, CodeBadResponse,
		"Cổng thanh toán VNPay trả lời không hợp lệ. Vui lòng thử lại sau.",
		"The VNPay payment gateway gave an invalid answer. Please try again later.")
	e.Err = fmt.Errorf("vnpay querydr: %s", why)
	return e
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// querydrRequest is the request body, field by field as the protocol names
// them.
type querydrRequest struct {
	RequestID       string `json:"vnp_RequestId"`
	Version         string `json:"vnp_Version"`
	Command         string `json:"vnp_Command"`
	TmnCode         string `json:"vnp_TmnCode"`
	TxnRef          string `json:"vnp_TxnRef"`
	OrderInfo       string `json:"vnp_OrderInfo"`
	TransactionDate string `json:"vnp_TransactionDate"`
	CreateDate      string `json:"vnp_CreateDate"`
	IPAddr          string `json:"vnp_IpAddr"`
	SecureHash      string `json:"vnp_SecureHash"`
}

// newQuerydr builds and signs the request for ref, created at
// transactionDate (the attempt's vnp_CreateDate).
func (c *Client) newQuerydr(ref string, transactionDate time.Time) querydrRequest {
	id := randomID
	if c.RequestID != nil {
		id = c.RequestID
	}
	ip := c.IP
	if ip == "" {
		ip = "127.0.0.1"
	}
	q := querydrRequest{
		RequestID:       id(),
		Version:         Version,
		Command:         "querydr",
		TmnCode:         c.TmnCode,
		TxnRef:          ref,
		OrderInfo:       "Truy van giao dich " + ref,
		TransactionDate: FormatTime(transactionDate),
		CreateDate:      FormatTime(c.now()),
		IPAddr:          ip,
	}
	q.SecureHash = QueryRequestHash(map[string]string{
		"vnp_RequestId": q.RequestID, "vnp_Version": q.Version, "vnp_Command": q.Command, "vnp_TmnCode": q.TmnCode,
		"vnp_TxnRef": q.TxnRef, "vnp_TransactionDate": q.TransactionDate, "vnp_CreateDate": q.CreateDate,
		"vnp_IpAddr": q.IPAddr, "vnp_OrderInfo": q.OrderInfo,
	}, c.HashSecret)
	return q
}

// querydrRequestFields are the request's signed fields, in the order the
// signature joins them (not the order of the body).
var querydrRequestFields = []string{
	"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
	"vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
}

// QueryRequestHash is the signature of a querydr request: the HMAC-SHA512
// of its fields joined by "|" in the protocol's order.
func QueryRequestHash(fields map[string]string, secret string) string {
	return signPipe(secret, pick(fields, querydrRequestFields)...)
}

func pick(fields map[string]string, names []string) []string {
	vals := make([]string, len(names))
	for i, f := range names {
		vals[i] = fields[f]
	}
	return vals
}

// querydrResponseFields are the answer's signed fields, in the order the
// signature joins them.
var querydrResponseFields = []string{
	"vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
	"vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
	"vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount",
}

// QueryResponseHash is the signature of a querydr answer: the HMAC-SHA512
// of its fields joined by "|" in the protocol's order.
func QueryResponseHash(fields map[string]string, secret string) string {
	return signPipe(secret, pick(fields, querydrResponseFields)...)
}

// QueryDR asks VNPay about the attempt ref created at transactionDate. A
// transaction VNPay does not know is a result with Found false; the
// gateway unreachable, busy or answering unsigned is an apperr.Unavailable
// error, and a refusal of our request (merchant code, format, checksum) an
// internal one.
func (c *Client) QueryDR(ctx context.Context, ref string, transactionDate time.Time) (QueryResult, error) {
	if c.TmnCode == "" || c.HashSecret == "" || c.APIURL == "" {
		return QueryResult{}, ErrNotConfigured
	}
	if !refOK(ref) {
		return QueryResult{}, invalid(CodeBadRef, "Mã tham chiếu giao dịch không hợp lệ.", "The transaction reference is invalid.")
	}
	if transactionDate.IsZero() {
		return QueryResult{}, invalid(CodeBadDate, "Thiếu thời điểm tạo giao dịch cần tra cứu.", "The time the transaction was created is missing.")
	}
	body, err := json.Marshal(c.newQuerydr(ref, transactionDate))
	if err != nil {
		return QueryResult{}, fmt.Errorf("encoding querydr for %s: %w", ref, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.APIURL, bytes.NewReader(body))
	if err != nil {
		return QueryResult{}, fmt.Errorf("building querydr request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return QueryResult{}, unavailable(fmt.Errorf("querydr for %s: %w", ref, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return QueryResult{}, unavailable(fmt.Errorf("querydr for %s: HTTP %s", ref, resp.Status))
	}
	fields, err := decodeFields(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return QueryResult{}, unavailable(fmt.Errorf("reading querydr answer for %s: %w", ref, err))
	}
	code := fields["vnp_ResponseCode"]
	switch code {
	case qdrOK, qdrNotFound:
		// Only a signed answer about our transaction can change state.
		if !equalHash(fields[fieldHash], QueryResponseHash(fields, c.HashSecret)) {
			return QueryResult{}, errBadResponse("signature does not verify")
		}
		if fields["vnp_TmnCode"] != "" && fields["vnp_TmnCode"] != c.TmnCode {
			return QueryResult{}, errBadResponse("answer for another merchant")
		}
		if code == qdrNotFound {
			return QueryResult{Ref: ref}, nil
		}
		if fields["vnp_TxnRef"] != ref {
			return QueryResult{}, errBadResponse("answer about another transaction")
		}
		return QueryResult{
			Found:             true,
			Ref:               ref,
			Amount:            amountVND(fields["vnp_Amount"]),
			Paid:              fields["vnp_TransactionStatus"] == "00",
			TransactionStatus: fields["vnp_TransactionStatus"],
			GatewayRef:        fields["vnp_TransactionNo"],
			BankCode:          fields["vnp_BankCode"],
			PaidAt:            ParseTime(fields["vnp_PayDate"]),
			TransactionType:   fields["vnp_TransactionType"],
		}, nil
	case qdrBadTmn, qdrBadFormat, qdrChecksum:
		return QueryResult{}, refused(code)
	case qdrDuplicate, qdrOther:
		return QueryResult{}, unavailable(fmt.Errorf("querydr for %s: code %s", ref, code))
	default:
		return QueryResult{}, errBadResponse("unknown code " + printableCode(code))
	}
}

// decodeFields reads a JSON object of scalars as strings, the way the
// reference implementation stringifies them before hashing (numbers in
// their literal form, null and absent as empty).
func decodeFields(r io.Reader) (map[string]string, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = v
		case json.Number:
			out[k] = v.String()
		case bool:
			out[k] = strconv.FormatBool(v)
		}
	}
	return out, nil
}
