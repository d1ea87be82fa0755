// Package vnpaygw is a SANDBOX VNPay payment gateway: it plays the
// gateway's side of VNPay 2.1.0 so that a newcomer running motcua with
// --demo can pay a demo fee offline, through the very client, return page
// and IPN endpoint that production uses against VNPay.
//
// It is not VNPay and moves no money: motcua mounts it under /sandbox/vnpay/
// only with --demo. Every page says so in Vietnamese and English.
//
// It serves, below wherever it is mounted:
//   - GET …/paymentv2/vpcpay.html?<signed query>: checks the signature and
//     shows the payment with three choices (success, cancel, insufficient
//     balance); a bad signature or request is a 400 page.
//   - POST …/paymentv2/vpcpay.html (the choice): calls the merchant's IPN
//     URL server to server with the signed result, as VNPay does, then
//     redirects the browser to vnp_ReturnUrl with the same signed result.
//   - POST …/merchant_webapi/api/transaction: querydr for the transactions
//     it has seen (91 for others), answered signed.
//
// Transactions live in memory: a restart forgets them, as befits a sandbox.
package vnpaygw

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/payment/vnpay"
)

// Paths of the gateway's endpoints, as VNPay names them, below the mount
// point.
const (
	PayPath = "/paymentv2/vpcpay.html"
	APIPath = "/merchant_webapi/api/transaction"
)

// Choices on the payment page and the vnp_ResponseCode each produces.
var choices = map[string]string{
	"success":      "00",
	"cancel":       "24",
	"insufficient": "51",
}

// txn is one transaction the sandbox has seen.
type txn struct {
	Ref        string
	Amount     string // vnp_Amount as sent (VND × 100)
	OrderInfo  string
	BankCode   string
	Created    string // vnp_CreateDate
	Done       bool
	Result     map[string]string // the signed result fields, once chosen
	IPNAnswer  string            // the merchant's RspCode, or "" if the call failed
	TransferNo string
}

// Gateway is the sandbox gateway; it is an http.Handler.
type Gateway struct {
	tmnCode string
	secret  string
	ipnURL  string
	http    *http.Client
	now     func() time.Time
	log     *slog.Logger

	mu       sync.Mutex
	txns     map[string]*txn
	requests map[string]bool // querydr vnp_RequestId already seen (answer 94)
	seq      int64
}

// Option configures a Gateway.
type Option func(*Gateway)

// WithClock sets the gateway's clock.
func WithClock(now func() time.Time) Option { return func(g *Gateway) { g.now = now } }

// WithHTTPClient sets the client that calls the merchant's IPN URL.
func WithHTTPClient(c *http.Client) Option { return func(g *Gateway) { g.http = c } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(g *Gateway) { g.log = l } }

// New returns a sandbox gateway for the merchant tmnCode sharing secret;
// ipnURL is the merchant's IPN endpoint, which VNPay configures per
// merchant rather than taking from the request.
func New(tmnCode, secret, ipnURL string, opts ...Option) *Gateway {
	g := &Gateway{
		tmnCode: tmnCode, secret: secret, ipnURL: ipnURL,
		http:     &http.Client{Timeout: 15 * time.Second},
		now:      time.Now,
		log:      slog.Default(),
		txns:     map[string]*txn{},
		requests: map[string]bool{},
		seq:      14000000,
	}
	for _, o := range opts {
		o(g)
	}
	return g
}

// ServeHTTP routes the gateway's endpoints by their path's end, so the
// gateway works mounted at any prefix, with or without StripPrefix.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, PayPath):
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			g.payPage(w, r)
		case http.MethodPost:
			g.choose(w, r)
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	case strings.HasSuffix(r.URL.Path, APIPath):
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		g.querydr(w, r)
	default:
		http.NotFound(w, r)
	}
}

// message is a bilingual line: Vietnamese first, English below.
type message struct{ VI, EN string }

var (
	msgBadSignature = message{"Chữ ký (vnp_SecureHash) không hợp lệ: yêu cầu thanh toán không được chấp nhận.", "The signature (vnp_SecureHash) is invalid: the payment request is refused."}
	msgBadMerchant  = message{"Mã đơn vị (vnp_TmnCode) không đúng với môi trường thử nghiệm.", "The merchant code (vnp_TmnCode) is not the sandbox's."}
	msgBadRequest   = message{"Yêu cầu thanh toán thiếu hoặc sai tham số (phiên bản, lệnh, số tiền, mã tham chiếu hoặc địa chỉ trả về).", "The payment request lacks or has wrong parameters (version, command, amount, reference or return URL)."}
	msgExpired      = message{"Yêu cầu thanh toán đã hết hạn.", "The payment request has expired."}
	msgDone         = message{"Giao dịch này đã được xử lý.", "This transaction has already been processed."}
	msgBadChoice    = message{"Lựa chọn không hợp lệ.", "Invalid choice."}
)

// request is a verified payment request.
type request struct {
	params    map[string]string
	raw       string
	returnURL string
	amountVND int64
}

// check verifies a payment request's raw query and its parameters,
// answering the page's message when it is refused.
func (g *Gateway) check(raw string) (request, *message) {
	p, ok := vnpay.ParseSigned(raw, g.secret)
	if !ok {
		return request{}, &msgBadSignature
	}
	if p["vnp_TmnCode"] != g.tmnCode {
		return request{}, &msgBadMerchant
	}
	amount, err := strconv.ParseInt(p["vnp_Amount"], 10, 64)
	ret, rerr := url.Parse(p["vnp_ReturnUrl"])
	if p["vnp_Version"] != vnpay.Version || p["vnp_Command"] != "pay" || p["vnp_CurrCode"] != "VND" ||
		err != nil || amount <= 0 || amount%100 != 0 || p["vnp_TxnRef"] == "" ||
		rerr != nil || (ret.Scheme != "http" && ret.Scheme != "https") || ret.Host == "" ||
		vnpay.ParseTime(p["vnp_CreateDate"]).IsZero() {
		return request{}, &msgBadRequest
	}
	if exp := p["vnp_ExpireDate"]; exp != "" {
		t := vnpay.ParseTime(exp)
		if t.IsZero() {
			return request{}, &msgBadRequest
		}
		if g.now().After(t) {
			return request{}, &msgExpired
		}
	}
	return request{params: p, raw: raw, returnURL: p["vnp_ReturnUrl"], amountVND: amount / 100}, nil
}

type pageData struct {
	Message   *message
	Action    string
	Raw       string
	Amount    string
	AmountEN  string
	OrderInfo string
	Ref       string
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>VNPay thử nghiệm / VNPay sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
.sandbox{background:#b00020;color:#fff;padding:1rem;font-weight:bold;border-radius:.3rem}
.en{color:#555;font-size:.95em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:bold}
button{display:block;width:100%;text-align:left;margin:.5rem 0;padding:.8rem;font-size:1rem;cursor:pointer}
</style></head>
<body>
<p class="sandbox" role="alert">MÔI TRƯỜNG THỬ NGHIỆM — không phải VNPay<br><span lang="en">SANDBOX — not VNPay; no money moves</span></p>
{{with .Message}}<p>{{.VI}}</p><p class="en" lang="en">{{.EN}}</p>{{end}}
{{if .Action}}
<h1>Thanh toán trực tuyến</h1>
<p class="en" lang="en">Online payment</p>
<dl>
<dt>Số tiền <span class="en" lang="en">/ Amount</span></dt><dd><span id="amount">{{.Amount}}</span> <span class="en" lang="en">({{.AmountEN}})</span></dd>
<dt>Nội dung <span class="en" lang="en">/ Description</span></dt><dd id="order-info">{{.OrderInfo}}</dd>
<dt>Mã tham chiếu <span class="en" lang="en">/ Reference</span></dt><dd id="ref">{{.Ref}}</dd>
</dl>
<form method="post" action="{{.Action}}">
<input type="hidden" name="q" value="{{.Raw}}">
<button type="submit" name="choice" value="success">Thanh toán thành công <span class="en" lang="en">/ Pay successfully</span></button>
<button type="submit" name="choice" value="insufficient">Không đủ số dư <span class="en" lang="en">/ Insufficient balance</span></button>
<button type="submit" name="choice" value="cancel">Hủy giao dịch <span class="en" lang="en">/ Cancel the payment</span></button>
</form>
{{end}}
</body></html>
`))

func page(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	// form-action *: the choice redirects to the merchant's return URL,
	// another origin outside the demo.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d)
}

// groupThousands writes n with sep between groups of three digits.
func groupThousands(n int64, sep string) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (g *Gateway) payPage(w http.ResponseWriter, r *http.Request) {
	req, msg := g.check(r.URL.RawQuery)
	if msg != nil {
		page(w, http.StatusBadRequest, pageData{Message: msg})
		return
	}
	g.mu.Lock()
	t, seen := g.txns[req.params["vnp_TxnRef"]]
	if !seen {
		t = &txn{Ref: req.params["vnp_TxnRef"], Amount: req.params["vnp_Amount"], OrderInfo: req.params["vnp_OrderInfo"],
			BankCode: req.params["vnp_BankCode"], Created: req.params["vnp_CreateDate"]}
		g.txns[t.Ref] = t
	}
	done := t.Done
	g.mu.Unlock()
	if done {
		page(w, http.StatusBadRequest, pageData{Message: &msgDone})
		return
	}
	page(w, http.StatusOK, pageData{
		Action:    r.URL.Path,
		Raw:       req.raw,
		Amount:    groupThousands(req.amountVND, ".") + " ₫",
		AmountEN:  groupThousands(req.amountVND, ",") + " VND",
		OrderInfo: req.params["vnp_OrderInfo"],
		Ref:       req.params["vnp_TxnRef"],
	})
}

// choose settles a transaction as the citizen chose: IPN first, then the
// browser back to the merchant, as VNPay does.
func (g *Gateway) choose(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		page(w, http.StatusBadRequest, pageData{Message: &msgBadRequest})
		return
	}
	req, msg := g.check(r.PostForm.Get("q"))
	if msg != nil {
		page(w, http.StatusBadRequest, pageData{Message: msg})
		return
	}
	code, ok := choices[r.PostForm.Get("choice")]
	if !ok {
		page(w, http.StatusBadRequest, pageData{Message: &msgBadChoice})
		return
	}
	ref := req.params["vnp_TxnRef"]
	g.mu.Lock()
	t, seen := g.txns[ref]
	if !seen {
		t = &txn{Ref: ref, Amount: req.params["vnp_Amount"], OrderInfo: req.params["vnp_OrderInfo"],
			BankCode: req.params["vnp_BankCode"], Created: req.params["vnp_CreateDate"]}
		g.txns[ref] = t
	}
	if t.Done {
		g.mu.Unlock()
		page(w, http.StatusBadRequest, pageData{Message: &msgDone})
		return
	}
	t.Done = true
	t.Result = g.result(t, code)
	result := t.Result
	g.mu.Unlock()

	query := vnpay.Encode(result) + "&vnp_SecureHash=" + vnpay.Sign(result, g.secret)
	// The IPN goes out even if the browser leaves: the money has moved.
	answer, err := g.callIPN(context.WithoutCancel(r.Context()), query)
	if err != nil {
		// VNPay would retry; the sandbox only logs, and querydr still
		// tells the merchant the truth.
		g.log.WarnContext(r.Context(), "sandbox vnpay: calling the merchant's IPN", "ref", ref, "err", err)
	}
	g.mu.Lock()
	t.IPNAnswer = answer
	g.mu.Unlock()
	sep := "?"
	if strings.Contains(req.returnURL, "?") {
		sep = "&"
	}
	http.Redirect(w, r, req.returnURL+sep+query, http.StatusSeeOther)
}

// result builds the fields VNPay reports for a transaction ended with
// response code; g.mu is held.
func (g *Gateway) result(t *txn, code string) map[string]string {
	bank := t.BankCode
	if bank == "" {
		bank = "NCB"
	}
	res := map[string]string{
		"vnp_Amount":            t.Amount,
		"vnp_BankCode":          bank,
		"vnp_OrderInfo":         t.OrderInfo,
		"vnp_PayDate":           vnpay.FormatTime(g.now()),
		"vnp_ResponseCode":      code,
		"vnp_TmnCode":           g.tmnCode,
		"vnp_TransactionNo":     "0",
		"vnp_TransactionStatus": "02",
		"vnp_TxnRef":            t.Ref,
	}
	if code == "00" {
		g.seq++
		t.TransferNo = strconv.FormatInt(g.seq, 10)
		res["vnp_TransactionNo"] = t.TransferNo
		res["vnp_TransactionStatus"] = "00"
		res["vnp_BankTranNo"] = "VNP" + t.TransferNo
		res["vnp_CardType"] = "ATM"
	}
	return res
}

// callIPN calls the merchant's IPN URL with the signed query and returns
// its RspCode.
func (g *Gateway) callIPN(ctx context.Context, query string) (string, error) {
	if g.ipnURL == "" {
		return "", fmt.Errorf("no IPN URL configured")
	}
	sep := "?"
	if strings.Contains(g.ipnURL, "?") {
		sep = "&"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.ipnURL+sep+query, nil)
	if err != nil {
		return "", fmt.Errorf("building the IPN request: %w", err)
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("calling the IPN URL: %w", err)
	}
	defer resp.Body.Close()
	var a vnpay.IPNAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<10)).Decode(&a); err != nil {
		return "", fmt.Errorf("reading the IPN answer (HTTP %d): %w", resp.StatusCode, err)
	}
	return a.RspCode, nil
}

// IPNAnswer returns the RspCode the merchant answered to the IPN of ref,
// and whether the sandbox has settled ref; for tests and the demo.
func (g *Gateway) IPNAnswer(ref string) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t, ok := g.txns[ref]
	if !ok || !t.Done {
		return "", false
	}
	return t.IPNAnswer, true
}

// querydr answers the merchant API's querydr command.
func (g *Gateway) querydr(w http.ResponseWriter, r *http.Request) {
	fields, err := decodeFields(http.MaxBytesReader(w, r.Body, 64<<10))
	ans := map[string]string{
		"vnp_ResponseId": randomID(),
		"vnp_Command":    "querydr",
		"vnp_TmnCode":    g.tmnCode,
	}
	code := g.querydrCode(fields, err)
	ans["vnp_ResponseCode"] = code
	ans["vnp_Message"] = qdrMessages[code]
	if code == "00" {
		g.mu.Lock()
		t := g.txns[fields["vnp_TxnRef"]]
		ans["vnp_TxnRef"] = t.Ref
		ans["vnp_Amount"] = t.Amount
		ans["vnp_OrderInfo"] = t.OrderInfo
		ans["vnp_TransactionType"] = "01"
		ans["vnp_TransactionStatus"] = "01" // not completed: the page was shown, nothing chosen
		if t.Done {
			for _, k := range []string{"vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionStatus"} {
				ans[k] = t.Result[k]
			}
		}
		g.mu.Unlock()
	} else if code == "91" {
		ans["vnp_TxnRef"] = fields["vnp_TxnRef"]
	}
	ans["vnp_SecureHash"] = vnpay.QueryResponseHash(ans, g.secret)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(ans)
}

var qdrMessages = map[string]string{
	"00": "QueryDR Success",
	"02": "Merchant is not valid",
	"03": "Invalid request data format",
	"91": "Transaction not found",
	"94": "Duplicate request",
	"97": "Invalid checksum",
}

// querydrCode checks a querydr request as VNPay does and answers its
// response code.
func (g *Gateway) querydrCode(f map[string]string, decodeErr error) string {
	if decodeErr != nil {
		return "03"
	}
	for _, k := range []string{"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
		"vnp_OrderInfo", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_SecureHash"} {
		if f[k] == "" {
			return "03"
		}
	}
	if f["vnp_Command"] != "querydr" || f["vnp_Version"] != vnpay.Version {
		return "03"
	}
	got := strings.ToLower(f["vnp_SecureHash"])
	if subtle.ConstantTimeCompare([]byte(got), []byte(vnpay.QueryRequestHash(f, g.secret))) != 1 {
		return "97"
	}
	if f["vnp_TmnCode"] != g.tmnCode {
		return "02"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.requests[f["vnp_RequestId"]] {
		return "94"
	}
	if len(g.requests) >= maxRequests {
		// A sandbox keeps no long memory: forget old request ids.
		clear(g.requests)
	}
	g.requests[f["vnp_RequestId"]] = true
	if _, ok := g.txns[f["vnp_TxnRef"]]; !ok {
		return "91"
	}
	return "00"
}

// maxRequests bounds the querydr request ids remembered for answer 94.
const maxRequests = 10000

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// decodeFields reads a JSON object of scalars as strings.
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
		}
	}
	return out, nil
}
