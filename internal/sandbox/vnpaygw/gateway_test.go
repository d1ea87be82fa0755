package vnpaygw_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/payment/vnpay"
	"github.com/motcua/motcua/internal/sandbox/vnpaygw"
)

const (
	tmnCode = "MOTCUA01"
	secret  = "SANDBOXSECRET0123456789"
)

// settler is the payment domain in miniature.
type settler struct {
	mu      sync.Mutex
	amounts map[string]int64
	settled map[string]vnpay.Settlement
}

func (s *settler) Settle(_ context.Context, gateway string, st vnpay.Settlement) (vnpay.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	amount, ok := s.amounts[st.Ref]
	switch {
	case !ok:
		return vnpay.UnknownRef, nil
	case amount != st.Amount:
		return vnpay.AmountMismatch, nil
	}
	if _, done := s.settled[st.Ref]; done {
		return vnpay.AlreadySettled, nil
	}
	s.settled[st.Ref] = st
	return vnpay.Settled, nil
}

func (s *settler) get(ref string) (vnpay.Settlement, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.settled[ref]
	return st, ok
}

// world is a merchant (IPN endpoint and return page, on the real vnpay
// package) and the sandbox gateway, each on its own server.
type world struct {
	settler  *settler
	client   *vnpay.Client
	gw       *vnpaygw.Gateway
	gwSrv    *httptest.Server
	merchant *httptest.Server
	now      time.Time

	mu      sync.Mutex
	returns []vnpay.Result
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{
		settler: &settler{amounts: map[string]int64{"G01-1": 50000, "G01-2": 120000, "G01-3": 7000}, settled: map[string]vnpay.Settlement{}},
		now:     time.Date(2026, 12, 5, 7, 30, 0, 0, time.UTC),
	}
	clock := func() time.Time { return w.now }
	mux := http.NewServeMux()
	mux.Handle("/api/v1/payments/vnpay/ipn", vnpay.IPNHandler{Secret: secret, Settler: w.settler})
	mux.HandleFunc("/thanh-toan/vnpay/ket-qua", func(rw http.ResponseWriter, r *http.Request) {
		res, err := w.client.VerifyReturn(r.URL.Query())
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		w.returns = append(w.returns, res)
		w.mu.Unlock()
		_, _ = io.WriteString(rw, vnpay.ResponseText(res.Code, "vi"))
	})
	w.merchant = httptest.NewServer(mux)
	t.Cleanup(w.merchant.Close)

	w.gw = vnpaygw.New(tmnCode, secret, w.merchant.URL+"/api/v1/payments/vnpay/ipn", vnpaygw.WithClock(clock))
	gmux := http.NewServeMux()
	gmux.Handle("/sandbox/vnpay/", w.gw)
	w.gwSrv = httptest.NewServer(gmux)
	t.Cleanup(w.gwSrv.Close)

	w.client = &vnpay.Client{
		TmnCode: tmnCode, HashSecret: secret,
		PayURL: w.gwSrv.URL + "/sandbox/vnpay" + vnpaygw.PayPath,
		APIURL: w.gwSrv.URL + "/sandbox/vnpay" + vnpaygw.APIPath,
		Now:    clock,
	}
	return w
}

// browser does not follow redirects: the test checks each hop.
var browser = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := browser.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

var hiddenQ = regexp.MustCompile(`name="q" value="([^"]*)"`)

// pay walks the citizen's way: the payment URL, the sandbox page, a
// choice; it answers the redirect's location.
func (w *world) pay(t *testing.T, ref string, amount int64, choice string) string {
	return w.payShowing(t, ref, amount, choice, "")
}

// payShowing is pay, checking that the page shows the amount as shown.
func (w *world) payShowing(t *testing.T, ref string, amount int64, choice, shown string) string {
	t.Helper()
	u, err := w.client.PaymentURL(vnpay.PayRequest{Ref: ref, Amount: amount, OrderInfo: "Nộp lệ phí hồ sơ " + ref,
		IP: "203.0.113.7", ReturnURL: w.merchant.URL + "/thanh-toan/vnpay/ket-qua"})
	if err != nil {
		t.Fatal(err)
	}
	status, body, _ := get(t, u)
	if status != http.StatusOK {
		t.Fatalf("pay page: %d %s", status, body)
	}
	for _, want := range []string{"MÔI TRƯỜNG THỬ NGHIỆM — không phải VNPay", "SANDBOX", "Thanh toán thành công", "Hủy giao dịch",
		"Nop le phi ho so " + strings.ReplaceAll(ref, "-", " "), shown} {
		if !strings.Contains(body, want) {
			t.Errorf("pay page lacks %q", want)
		}
	}
	m := hiddenQ.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form in %s", body)
	}
	resp, err := browser.PostForm(w.gwSrv.URL+"/sandbox/vnpay"+vnpaygw.PayPath, url.Values{"q": {html.UnescapeString(m[1])}, "choice": {choice}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choice: status %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		ref, choice, code, status string
		amount                    int64
		shown                     string
		paid                      bool
	}{
		{"G01-1", "success", "00", "00", 50000, "50.000 ₫", true},
		{"G01-2", "cancel", "24", "02", 120000, "120.000 ₫", false},
		{"G01-3", "insufficient", "51", "02", 7000, "7.000 ₫", false},
	}
	for _, c := range cases {
		t.Run(c.choice, func(t *testing.T) {
			w := newWorld(t)
			loc := w.payShowing(t, c.ref, c.amount, c.choice, c.shown)

			// The IPN came first, verified, and settled the attempt.
			st, ok := w.settler.get(c.ref)
			if !ok {
				t.Fatal("the IPN did not settle the attempt")
			}
			if st.Paid != c.paid || st.Code != c.code || st.Amount != c.amount || !strings.Contains(st.Raw, "vnp_SecureHash=") {
				t.Errorf("settlement %+v", st)
			}
			if c.paid && (st.GatewayRef == "" || st.GatewayRef == "0" || st.PaidAt.IsZero()) {
				t.Errorf("paid settlement without the gateway's reference or time: %+v", st)
			}
			if got, done := w.gw.IPNAnswer(c.ref); !done || got != "00" {
				t.Errorf("the merchant answered the IPN %q (done %v), want 00", got, done)
			}

			// Then the browser goes back to the return page, signed.
			if !strings.HasPrefix(loc, w.merchant.URL+"/thanh-toan/vnpay/ket-qua?") {
				t.Fatalf("redirect to %s", loc)
			}
			status, body, _ := get(t, loc)
			if status != http.StatusOK || body != vnpay.ResponseText(c.code, "vi") {
				t.Fatalf("return page: %d %q", status, body)
			}
			w.mu.Lock()
			ret := w.returns[0]
			w.mu.Unlock()
			if ret.Paid != c.paid || ret.Code != c.code || ret.TransactionStatus != c.status || ret.Ref != c.ref || ret.Amount != c.amount {
				t.Errorf("return result %+v", ret)
			}

			// querydr tells the same story.
			qr, err := w.client.QueryDR(context.Background(), c.ref, w.now)
			if err != nil {
				t.Fatal(err)
			}
			if !qr.Found || qr.Paid != c.paid || qr.TransactionStatus != c.status || qr.Amount != c.amount || (c.paid && qr.GatewayRef != st.GatewayRef) {
				t.Errorf("querydr %+v, settlement %+v", qr, st)
			}

			// The transaction is over: the page refuses it again.
			u, _ := w.client.PaymentURL(vnpay.PayRequest{Ref: c.ref, Amount: c.amount, OrderInfo: "x", IP: "203.0.113.7",
				ReturnURL: w.merchant.URL + "/thanh-toan/vnpay/ket-qua"})
			if status, body, _ := get(t, u); status != http.StatusBadRequest || !strings.Contains(body, "đã được xử lý") {
				t.Errorf("second visit: %d %s", status, body)
			}
		})
	}
}

func TestQueryDRStates(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	qr, err := w.client.QueryDR(ctx, "NEVER-SEEN", w.now)
	if err != nil || qr.Found {
		t.Errorf("unknown: %+v %v, want not found", qr, err)
	}
	// Shown but not chosen: known, not completed.
	u, _ := w.client.PaymentURL(vnpay.PayRequest{Ref: "G01-1", Amount: 50000, OrderInfo: "x", IP: "1.2.3.4", ReturnURL: "https://m.example/r"})
	if status, _, _ := get(t, u); status != http.StatusOK {
		t.Fatal(status)
	}
	qr, err = w.client.QueryDR(ctx, "G01-1", w.now)
	if err != nil || !qr.Found || qr.Paid || qr.TransactionStatus != "01" {
		t.Errorf("pending: %+v %v", qr, err)
	}
	// The same request id twice: 94, which the client reports as unavailable.
	w.client.RequestID = func() string { return "fixed-request-id" }
	if _, err := w.client.QueryDR(ctx, "G01-1", w.now); err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.QueryDR(ctx, "G01-1", w.now); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("duplicate request: err = %v", err)
	}
	// Another secret: 97, a refusal of our configuration.
	other := *w.client
	other.HashSecret = "wrong"
	other.RequestID = nil
	if _, err := other.QueryDR(ctx, "G01-1", w.now); !apperr.Is(err, apperr.Internal) {
		t.Errorf("wrong secret: err = %v", err)
	}
}

func TestQueryDRAnswerCodes(t *testing.T) {
	w := newWorld(t)
	for name, c := range map[string]struct {
		body string
		code string
	}{
		"not JSON":       {"<xml/>", "03"},
		"missing fields": {`{"vnp_Command":"querydr"}`, "03"},
		"bad checksum": {`{"vnp_RequestId":"1","vnp_Version":"2.1.0","vnp_Command":"querydr","vnp_TmnCode":"MOTCUA01","vnp_TxnRef":"x",
			"vnp_OrderInfo":"x","vnp_TransactionDate":"20261205143000","vnp_CreateDate":"20261205143000","vnp_IpAddr":"1.1.1.1","vnp_SecureHash":"00"}`, "97"},
	} {
		resp, err := http.Post(w.client.APIURL, "application/json", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		var a map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&a)
		resp.Body.Close()
		if a["vnp_ResponseCode"] != c.code || a["vnp_SecureHash"] != vnpay.QueryResponseHash(a, secret) {
			t.Errorf("%s: answer %v, want signed code %s", name, a, c.code)
		}
	}
}

func TestPayPageRefusals(t *testing.T) {
	w := newWorld(t)
	good, err := w.client.PaymentURL(vnpay.PayRequest{Ref: "G01-1", Amount: 50000, OrderInfo: "Nop phi", IP: "1.2.3.4",
		ReturnURL: w.merchant.URL + "/thanh-toan/vnpay/ket-qua"})
	if err != nil {
		t.Fatal(err)
	}
	otherMerchant := *w.client
	otherMerchant.TmnCode = "OTHER"
	wrongTmn, _ := otherMerchant.PaymentURL(vnpay.PayRequest{Ref: "G01-1", Amount: 50000, OrderInfo: "Nop phi", IP: "1.2.3.4", ReturnURL: "https://m.example/r"})
	cases := map[string]struct {
		url  string
		want string
	}{
		"tampered amount": {strings.Replace(good, "vnp_Amount=5000000", "vnp_Amount=500000", 1), "Chữ ký"},
		"no signature":    {good[:strings.Index(good, "&vnp_SecureHash=")], "Chữ ký"},
		"other merchant":  {wrongTmn, "vnp_TmnCode"},
		"no query":        {w.client.PayURL, "Chữ ký"},
	}
	for name, c := range cases {
		status, body, h := get(t, c.url)
		if status != http.StatusBadRequest || !strings.Contains(body, c.want) || !strings.Contains(body, "MÔI TRƯỜNG THỬ NGHIỆM") ||
			strings.Contains(body, "<form") || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", name, status, body)
		}
	}
	// Past its expiry the request is refused.
	w.now = w.now.Add(vnpay.DefaultExpiry + time.Second)
	if status, body, _ := get(t, good); status != http.StatusBadRequest || !strings.Contains(body, "hết hạn") {
		t.Errorf("expired: %d %s", status, body)
	}
	// A choice that is not on the page, or a form without the request.
	w.now = w.now.Add(-time.Minute - vnpay.DefaultExpiry)
	u, _ := url.Parse(good)
	for name, form := range map[string]url.Values{
		"unknown choice": {"q": {u.RawQuery}, "choice": {"refund"}},
		"no request":     {"choice": {"success"}},
	} {
		resp, err := browser.PostForm(w.client.PayURL, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
	}
	if _, ok := w.settler.get("G01-1"); ok {
		t.Error("a refused request settled the attempt")
	}
	req, _ := http.NewRequest(http.MethodPut, w.client.PayURL, nil)
	if resp, err := browser.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %v %v", resp, err)
	}
	if status, _, _ := get(t, w.client.APIURL); status != http.StatusMethodNotAllowed {
		t.Errorf("GET querydr: %d", status)
	}
	if status, _, _ := get(t, w.gwSrv.URL+"/sandbox/vnpay/other"); status != http.StatusNotFound {
		t.Errorf("unknown path: %d", status)
	}
}

// TestMerchantDown: the IPN cannot be delivered; the browser still goes
// back, and querydr still knows the truth.
func TestMerchantDown(t *testing.T) {
	w := newWorld(t)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	w.gw = vnpaygw.New(tmnCode, secret, down.URL+"/ipn", vnpaygw.WithClock(func() time.Time { return w.now }))
	gmux := http.NewServeMux()
	gmux.Handle("/sandbox/vnpay/", w.gw)
	srv := httptest.NewServer(gmux)
	defer srv.Close()
	w.gwSrv = srv
	w.client.PayURL = srv.URL + "/sandbox/vnpay" + vnpaygw.PayPath
	w.client.APIURL = srv.URL + "/sandbox/vnpay" + vnpaygw.APIPath
	loc := w.pay(t, "G01-1", 50000, "success")
	if !strings.HasPrefix(loc, w.merchant.URL) {
		t.Errorf("redirect to %s", loc)
	}
	if got, done := w.gw.IPNAnswer("G01-1"); !done || got != "" {
		t.Errorf("IPN answer %q %v, want none", got, done)
	}
	if _, ok := w.settler.get("G01-1"); ok {
		t.Error("settled without an IPN")
	}
	qr, err := w.client.QueryDR(context.Background(), "G01-1", w.now)
	if err != nil || !qr.Paid {
		t.Errorf("querydr %+v %v", qr, err)
	}
}
