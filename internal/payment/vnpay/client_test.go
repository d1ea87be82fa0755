package vnpay

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

func TestEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"abcXYZ019", "abcXYZ019"},
		{"a b", "a+b"},
		{"~", "%7E"}, // url.QueryEscape keeps it
		{"*", "*"},   // url.QueryEscape escapes it
		{"-._", "-._"},
		{"&=+/?#%", "%26%3D%2B%2F%3F%23%25"},
		{"đ", "%C4%91"},
		{"\x00\xff", "%00%FF"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEncode(t *testing.T) {
	got := Encode(map[string]string{
		"vnp_TxnRef": "1", "vnp_Amount": "100", "vnp_BankCode": "", "vnp_SecureHash": "x",
		"vnp_SecureHashType": "HmacSHA512", "lang": "en",
	})
	if want := "vnp_Amount=100&vnp_TxnRef=1"; got != want {
		t.Errorf("Encode = %q, want %q (empty, hash and foreign keys dropped)", got, want)
	}
}

func TestOrderInfo(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Nộp phí hồ sơ G01.000123", "Nop phi ho so G01 000123"},
		{"ĐĂNG KÝ kết hôn", "DANG KY ket hon"},
		{"  a\t\nb  ", "a b"},
		{"phí: 50.000đ (lệ phí)", "phi 50 000d le phi"},
		{"🙂 ~*&", ""},
		{strings.Repeat("ab ", 200), strings.TrimSpace(strings.Repeat("ab ", 85))},
	}
	for _, c := range cases {
		if got := OrderInfo(c.in); got != c.want {
			t.Errorf("OrderInfo(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTime(t *testing.T) {
	utc := time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC)
	if got := FormatTime(utc); got != "20270101003000" {
		t.Errorf("FormatTime = %s, want the next day in GMT+7", got)
	}
	if got := ParseTime("20270101003000"); !got.Equal(utc) {
		t.Errorf("ParseTime = %v, want %v", got, utc)
	}
	for _, bad := range []string{"", "2027010100300", "20271301003000", "abc"} {
		if got := ParseTime(bad); !got.IsZero() {
			t.Errorf("ParseTime(%q) = %v, want zero", bad, got)
		}
	}
}

func testClient() *Client {
	return &Client{
		TmnCode: "MOTCUA01", HashSecret: testSecret,
		PayURL: "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
		APIURL: "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
		Now:    func() time.Time { return time.Date(2026, 12, 5, 7, 30, 0, 0, time.UTC) },
	}
}

func TestPaymentURL(t *testing.T) {
	good := PayRequest{Ref: "G01-1", Amount: 50000, OrderInfo: "Nộp phí", IP: "203.0.113.7", ReturnURL: "https://motcua.example/thanh-toan/vnpay/ket-qua"}
	raw, err := testClient().PaymentURL(good)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	want := map[string]string{
		"vnp_Version": "2.1.0", "vnp_Command": "pay", "vnp_TmnCode": "MOTCUA01", "vnp_Amount": "5000000",
		"vnp_CurrCode": "VND", "vnp_TxnRef": "G01-1", "vnp_OrderInfo": "Nop phi", "vnp_OrderType": "other",
		"vnp_Locale": "vn", "vnp_CreateDate": "20261205143000", "vnp_ExpireDate": "20261205144500",
		"vnp_IpAddr": "203.0.113.7", "vnp_ReturnUrl": good.ReturnURL,
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Has("vnp_BankCode") {
		t.Error("an empty bank code is sent")
	}
	params, ok := signedParams(q)
	if !ok || !Verify(params, testSecret) {
		t.Error("the URL's own signature does not verify")
	}

	bad := []struct {
		name string
		edit func(*PayRequest)
		code string
	}{
		{"no ref", func(r *PayRequest) { r.Ref = "" }, "vnpay_ref"},
		{"ref with a space", func(r *PayRequest) { r.Ref = "a b" }, "vnpay_ref"},
		{"ref too long", func(r *PayRequest) { r.Ref = strings.Repeat("x", 101) }, "vnpay_ref"},
		{"zero amount", func(r *PayRequest) { r.Amount = 0 }, "vnpay_amount"},
		{"negative amount", func(r *PayRequest) { r.Amount = -5 }, "vnpay_amount"},
		{"huge amount", func(r *PayRequest) { r.Amount = 1 << 60 }, "vnpay_amount"},
		{"order info of symbols only", func(r *PayRequest) { r.OrderInfo = "***" }, "vnpay_order_info"},
		{"no IP", func(r *PayRequest) { r.IP = " " }, "vnpay_ip"},
		{"relative return URL", func(r *PayRequest) { r.ReturnURL = "/thanh-toan" }, "vnpay_return_url"},
		{"javascript return URL", func(r *PayRequest) { r.ReturnURL = "javascript:alert(1)" }, "vnpay_return_url"},
		{"unknown locale", func(r *PayRequest) { r.Locale = "fr" }, "vnpay_locale"},
		{"negative expiry", func(r *PayRequest) { r.ExpireIn = -time.Minute }, "vnpay_expiry"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			r := good
			c.edit(&r)
			_, err := testClient().PaymentURL(r)
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Code != c.code || e.VI == "" || e.EN == "" {
				t.Errorf("err = %v, want an Invalid %s with both languages", err, c.code)
			}
		})
	}
	if _, err := (&Client{}).PaymentURL(good); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("unconfigured: err = %v", err)
	}
}

func TestVerifyReturn(t *testing.T) {
	c := testClient()
	p := ipnParams("G01-1", 50000, "24", "02")
	q, _ := url.ParseQuery(signedQuery(p, testSecret) + "&lang=en")
	res, err := c.VerifyReturn(q)
	if err != nil {
		t.Fatal(err)
	}
	if res.Paid || res.Code != "24" || res.Amount != 50000 || res.Ref != "G01-1" || res.TransactionStatus != "02" {
		t.Errorf("result %+v", res)
	}
	for name, query := range map[string]string{
		"wrong secret": signedQuery(p, "other"),
		"no hash":      Encode(p),
		"other merchant": func() string {
			o := ipnParams("G01-1", 50000, "00", "00")
			o["vnp_TmnCode"] = "OTHER"
			return signedQuery(o, testSecret)
		}(),
	} {
		q, _ := url.ParseQuery(query)
		if _, err := c.VerifyReturn(q); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s: err = %v, want Invalid", name, err)
		}
	}
}

func TestResponseText(t *testing.T) {
	for _, c := range []struct{ code, lang, want string }{
		{"00", "vi", "Giao dịch thành công."},
		{"00", "en", "The payment succeeded."},
		{"24", "", "Giao dịch không thành công: bạn đã hủy giao dịch."},
		{"51", "en", "The payment failed: the account's balance is insufficient."},
		{"42", "vi", "Giao dịch không thành công (mã 42)."},
		{"<b>", "en", "The payment failed (code b)."},
	} {
		if got := ResponseText(c.code, c.lang); got != c.want {
			t.Errorf("ResponseText(%q, %q) = %q, want %q", c.code, c.lang, got, c.want)
		}
	}
	for code := range responseTexts {
		if ResponseText(code, "vi") == ResponseText(code, "en") {
			t.Errorf("code %s has one text for both languages", code)
		}
	}
}

// querydrServer answers querydr with answer(request) after checking the
// request's shape and signature.
func querydrServer(t *testing.T, answer func(req map[string]string) map[string]string) *httptest.Server {
	t.Helper()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("querydr sent as %s %s", r.Method, r.Header.Get("Content-Type"))
		}
		req, err := decodeFields(r.Body)
		if err != nil {
			t.Errorf("querydr body: %v", err)
		}
		wantKeys := []string{"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
			"vnp_OrderInfo", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_SecureHash"}
		if len(req) != len(wantKeys) {
			t.Errorf("querydr fields %v", req)
		}
		for _, k := range wantKeys {
			if req[k] == "" {
				t.Errorf("querydr lacks %s", k)
			}
		}
		hash := signPipe(testSecret, req["vnp_RequestId"], req["vnp_Version"], req["vnp_Command"], req["vnp_TmnCode"],
			req["vnp_TxnRef"], req["vnp_TransactionDate"], req["vnp_CreateDate"], req["vnp_IpAddr"], req["vnp_OrderInfo"])
		if QueryRequestHash(req, testSecret) != hash {
			t.Error("QueryRequestHash differs from the protocol's order")
		}
		if req["vnp_SecureHash"] != hash || req["vnp_Command"] != "querydr" || req["vnp_Version"] != "2.1.0" {
			t.Errorf("querydr request %v is not signed as the protocol says", req)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(answer(req))
	}))
}

func answerFor(req map[string]string, code, status string) map[string]string {
	a := map[string]string{
		"vnp_ResponseId": "r1", "vnp_Command": "querydr", "vnp_ResponseCode": code, "vnp_Message": "msg",
		"vnp_TmnCode": req["vnp_TmnCode"], "vnp_TxnRef": req["vnp_TxnRef"], "vnp_Amount": "5000000",
		"vnp_BankCode": "NCB", "vnp_PayDate": "20261205143512", "vnp_TransactionNo": "77",
		"vnp_TransactionType": "01", "vnp_TransactionStatus": status, "vnp_OrderInfo": req["vnp_OrderInfo"],
	}
	a["vnp_SecureHash"] = QueryResponseHash(a, testSecret)
	return a
}

func TestQueryDR(t *testing.T) {
	txnDate := time.Date(2026, 12, 5, 7, 10, 0, 0, time.UTC)
	cases := []struct {
		name     string
		answer   func(req map[string]string) map[string]string
		wantKind apperr.Kind
		wantErr  bool
		check    func(t *testing.T, r QueryResult)
	}{
		{"paid", func(req map[string]string) map[string]string { return answerFor(req, "00", "00") }, 0, false,
			func(t *testing.T, r QueryResult) {
				if !r.Found || !r.Paid || r.Amount != 50000 || r.GatewayRef != "77" || r.PaidAt.IsZero() {
					t.Errorf("result %+v", r)
				}
			}},
		{"pending", func(req map[string]string) map[string]string { return answerFor(req, "00", "01") }, 0, false,
			func(t *testing.T, r QueryResult) {
				if !r.Found || r.Paid || r.TransactionStatus != "01" {
					t.Errorf("result %+v", r)
				}
			}},
		{"not found", func(req map[string]string) map[string]string { return answerFor(req, "91", "") }, 0, false,
			func(t *testing.T, r QueryResult) {
				if r.Found || r.Paid {
					t.Errorf("result %+v", r)
				}
			}},
		{"bad signature", func(req map[string]string) map[string]string {
			a := answerFor(req, "00", "00")
			a["vnp_Amount"] = "9900"
			return a
		}, apperr.Unavailable, true, nil},
		{"unsigned success", func(req map[string]string) map[string]string {
			a := answerFor(req, "00", "00")
			delete(a, "vnp_SecureHash")
			return a
		}, apperr.Unavailable, true, nil},
		{"another transaction", func(req map[string]string) map[string]string {
			req["vnp_TxnRef"] = "OTHER"
			return answerFor(req, "00", "00")
		}, apperr.Unavailable, true, nil},
		{"duplicate request", func(req map[string]string) map[string]string { return answerFor(req, "94", "") }, apperr.Unavailable, true, nil},
		{"gateway's other error", func(req map[string]string) map[string]string { return answerFor(req, "99", "") }, apperr.Unavailable, true, nil},
		{"our checksum refused", func(req map[string]string) map[string]string { return answerFor(req, "97", "") }, apperr.Internal, true, nil},
		{"merchant refused", func(req map[string]string) map[string]string { return answerFor(req, "02", "") }, apperr.Internal, true, nil},
		{"format refused", func(req map[string]string) map[string]string { return answerFor(req, "03", "") }, apperr.Internal, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := querydrServer(t, c.answer)
			defer srv.Close()
			cl := testClient()
			cl.APIURL = srv.URL
			r, err := cl.QueryDR(context.Background(), "G01-1", txnDate)
			if c.wantErr {
				e, ok := apperr.As(err)
				if !ok || e.Kind != c.wantKind || e.VI == "" || e.EN == "" {
					t.Fatalf("err = %v, want kind %d with both languages", err, c.wantKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, r)
		})
	}
}

func TestQueryDRGatewayDown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusBadGateway)
	}))
	cl := testClient()
	cl.APIURL = srv.URL
	if _, err := cl.QueryDR(context.Background(), "G01-1", time.Now()); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("HTTP 502: err = %v, want Unavailable", err)
	}
	srv.Close()
	if _, err := cl.QueryDR(context.Background(), "G01-1", time.Now()); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("closed server: err = %v, want Unavailable", err)
	} else if e, _ := apperr.As(err); !strings.Contains(e.VI, "VNPay") || !strings.Contains(e.EN, "VNPay") {
		t.Errorf("message %q / %q", e.VI, e.EN)
	}
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<html>"))
	}))
	defer garbage.Close()
	cl.APIURL = garbage.URL
	if _, err := cl.QueryDR(context.Background(), "G01-1", time.Now()); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("not JSON: err = %v, want Unavailable", err)
	}
	if _, err := cl.QueryDR(context.Background(), "", time.Now()); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("empty ref: err = %v, want Invalid", err)
	}
	if _, err := cl.QueryDR(context.Background(), "G01-1", time.Time{}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("no transaction date: err = %v, want Invalid", err)
	}
}
