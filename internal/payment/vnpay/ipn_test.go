package vnpay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testSecret = "TESTSECRET0123456789"

// fakeSettler is a payment domain in miniature: attempts by reference with
// their amount and whether they are settled.
type fakeSettler struct {
	mu       sync.Mutex
	amounts  map[string]int64
	settled  map[string]Settlement
	err      error
	calls    int
	lastCall Settlement
}

func newFakeSettler() *fakeSettler {
	return &fakeSettler{
		amounts: map[string]int64{"REF-1": 50000, "REF-2": 120000},
		settled: map[string]Settlement{},
	}
}

func (f *fakeSettler) Settle(_ context.Context, gateway string, s Settlement) (Outcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.lastCall = s
	if gateway != Gateway {
		return 0, errors.New("wrong gateway " + gateway)
	}
	if f.err != nil {
		return 0, f.err
	}
	amount, ok := f.amounts[s.Ref]
	switch {
	case !ok:
		return UnknownRef, nil
	case amount != s.Amount:
		return AmountMismatch, nil
	}
	if _, done := f.settled[s.Ref]; done {
		return AlreadySettled, nil
	}
	f.settled[s.Ref] = s
	return Settled, nil
}

// ipnParams are the fields VNPay sends, for an attempt paid in full.
func ipnParams(ref string, amountVND int64, response, status string) map[string]string {
	return map[string]string{
		"vnp_Amount":            itoa(amountVND * 100),
		"vnp_BankCode":          "NCB",
		"vnp_BankTranNo":        "VNP14422574",
		"vnp_CardType":          "ATM",
		"vnp_OrderInfo":         "Nop phi ho so",
		"vnp_PayDate":           "20261205143512",
		"vnp_ResponseCode":      response,
		"vnp_TmnCode":           "MOTCUA01",
		"vnp_TransactionNo":     "14422574",
		"vnp_TransactionStatus": status,
		"vnp_TxnRef":            ref,
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func signedQuery(p map[string]string, secret string) string {
	return Encode(p) + "&vnp_SecureHash=" + Sign(p, secret)
}

func callIPN(t *testing.T, h http.Handler, method, query string) (int, IPNAnswer) {
	t.Helper()
	req := httptest.NewRequest(method, "/api/v1/payments/vnpay/ipn?"+query, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var a IPNAnswer
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			t.Fatalf("answer %q: %v", rec.Body.String(), err)
		}
		// The protocol's exact shape: RspCode first, then Message.
		if !strings.HasPrefix(rec.Body.String(), `{"RspCode":"`+a.RspCode+`","Message":"`) {
			t.Errorf("answer %s is not in the protocol's shape", rec.Body.String())
		}
	}
	return rec.Code, a
}

func TestIPN(t *testing.T) {
	paid := ipnParams("REF-1", 50000, "00", "00")
	cases := []struct {
		name      string
		query     func() string
		settleErr error
		settled   []string // references settled before the call
		wantCode  string
		wantMsg   string
		wantCalls int
		wantPaid  bool
	}{
		{"paid", func() string { return signedQuery(paid, testSecret) }, nil, nil, "00", "Confirm Success", 1, true},
		{"upper-case hash", func() string { return Encode(paid) + "&vnp_SecureHash=" + strings.ToUpper(Sign(paid, testSecret)) }, nil, nil, "00", "Confirm Success", 1, true},
		{"cancelled by the citizen is recorded, not paid", func() string {
			return signedQuery(ipnParams("REF-1", 50000, "24", "02"), testSecret)
		}, nil, nil, "00", "Confirm Success", 1, false},
		{"response 00 but status not 00 is not paid", func() string {
			return signedQuery(ipnParams("REF-1", 50000, "00", "01"), testSecret)
		}, nil, nil, "00", "Confirm Success", 1, false},
		{"bad signature", func() string { return signedQuery(paid, "another secret") }, nil, nil, "97", "Invalid signature", 0, false},
		{"no signature", func() string { return Encode(paid) }, nil, nil, "97", "Invalid signature", 0, false},
		{"tampered amount", func() string {
			return strings.Replace(signedQuery(paid, testSecret), "vnp_Amount=5000000", "vnp_Amount=5000100", 1)
		}, nil, nil, "97", "Invalid signature", 0, false},
		{"repeated key", func() string { return signedQuery(paid, testSecret) + "&vnp_TxnRef=REF-2" }, nil, nil, "97", "Invalid signature", 0, false},
		{"malformed query", func() string { return signedQuery(paid, testSecret) + "&%zz" }, nil, nil, "97", "Invalid signature", 0, false},
		{"empty query", func() string { return "" }, nil, nil, "97", "Invalid signature", 0, false},
		{"unknown reference", func() string {
			return signedQuery(ipnParams("REF-404", 50000, "00", "00"), testSecret)
		}, nil, nil, "01", "Order not found", 1, false},
		{"wrong amount", func() string {
			return signedQuery(ipnParams("REF-1", 40000, "00", "00"), testSecret)
		}, nil, nil, "04", "Invalid amount", 1, false},
		{"amount not a whole number of VND", func() string {
			p := ipnParams("REF-1", 50000, "00", "00")
			p["vnp_Amount"] = "5000050"
			return signedQuery(p, testSecret)
		}, nil, nil, "04", "Invalid amount", 1, false},
		{"already settled", func() string { return signedQuery(paid, testSecret) }, nil, []string{"REF-1"}, "02", "Order already confirmed", 1, false},
		{"unexpected error", func() string { return signedQuery(paid, testSecret) }, errors.New("database down"), nil, "99", "Unknown error", 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newFakeSettler()
			s.err = c.settleErr
			for _, ref := range c.settled {
				s.settled[ref] = Settlement{Ref: ref}
			}
			before := len(s.settled)
			query := c.query()
			status, a := callIPN(t, IPNHandler{Secret: testSecret, Settler: s}, http.MethodGet, query)
			if status != http.StatusOK || a.RspCode != c.wantCode || a.Message != c.wantMsg {
				t.Fatalf("got %d %+v, want 200 %s %q", status, a, c.wantCode, c.wantMsg)
			}
			if s.calls != c.wantCalls {
				t.Errorf("Settle called %d times, want %d", s.calls, c.wantCalls)
			}
			if c.wantCode != "00" && len(s.settled) != before {
				t.Errorf("answer %s but something was settled", c.wantCode)
			}
			if c.wantCode == "00" {
				got := s.lastCall
				if got.Paid != c.wantPaid || got.Ref != "REF-1" || got.Amount != 50000 || got.Raw != query ||
					got.GatewayRef != "14422574" || got.BankCode != "NCB" {
					t.Errorf("settlement %+v", got)
				}
				if want := time.Date(2026, 12, 5, 14, 35, 12, 0, GMT7); !got.PaidAt.Equal(want) {
					t.Errorf("PaidAt %v, want %v", got.PaidAt, want)
				}
			}
		})
	}
}

func TestIPNRefusesOtherMethods(t *testing.T) {
	s := newFakeSettler()
	query := signedQuery(ipnParams("REF-1", 50000, "00", "00"), testSecret)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodHead} {
		status, _ := callIPN(t, IPNHandler{Secret: testSecret, Settler: s}, m, query)
		if status != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d, want 405", m, status)
		}
	}
	if s.calls != 0 {
		t.Errorf("Settle called %d times", s.calls)
	}
}

func TestIPNWithoutSecretVerifiesNothing(t *testing.T) {
	s := newFakeSettler()
	p := ipnParams("REF-1", 50000, "00", "00")
	_, a := callIPN(t, IPNHandler{Settler: s}, http.MethodGet, signedQuery(p, ""))
	if a.RspCode != RspBadSignature || s.calls != 0 {
		t.Errorf("got %+v after %d calls; an unset secret must verify nothing", a, s.calls)
	}
}

// FuzzIPN feeds arbitrary queries to the handler: it never panics, always
// answers one of the protocol's codes, and never calls Settle unless the
// query carries a valid signature.
func FuzzIPN(f *testing.F) {
	f.Add(signedQuery(ipnParams("REF-1", 50000, "00", "00"), testSecret))
	f.Add(signedQuery(ipnParams("REF-2", 120000, "24", "02"), testSecret))
	f.Add("vnp_Amount=1&vnp_SecureHash=zz")
	f.Add("a=%zz&vnp_TxnRef=1&vnp_TxnRef=2;x")
	f.Add("vnp_OrderInfo=%FF%FE+~*&vnp_SecureHash=")
	f.Fuzz(func(t *testing.T, query string) {
		s := newFakeSettler()
		req := httptest.NewRequest(http.MethodGet, "/ipn", nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		IPNHandler{Secret: testSecret, Settler: s}.ServeHTTP(rec, req)
		var a IPNAnswer
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("answer %d %q", rec.Code, rec.Body.String())
		}
		if _, ok := rspMessages[a.RspCode]; !ok || rspMessages[a.RspCode] != a.Message {
			t.Fatalf("answer %+v is not the protocol's", a)
		}
		_, valid := ParseSigned(query, testSecret)
		if !valid && (s.calls != 0 || a.RspCode != RspBadSignature) {
			t.Fatalf("unsigned query %q: answer %s after %d calls", query, a.RspCode, s.calls)
		}
		if valid && s.calls != 1 {
			t.Fatalf("signed query %q: %d calls", query, s.calls)
		}
		if valid && s.lastCall.Raw != query {
			t.Fatalf("Raw %q, want %q", s.lastCall.Raw, query)
		}
	})
}

// TestIPNConcurrentDuplicates: the handler passes each duplicate through
// to the domain, which settles once; every other answer is 02.
func TestIPNConcurrentDuplicates(t *testing.T) {
	s := newFakeSettler()
	h := IPNHandler{Secret: testSecret, Settler: s}
	query := signedQuery(ipnParams("REF-2", 120000, "00", "00"), testSecret)
	const n = 8
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodGet, "/ipn?"+query, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var a IPNAnswer
			_ = json.Unmarshal(rec.Body.Bytes(), &a)
			codes[i] = a.RspCode
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count["00"] != 1 || count["02"] != n-1 {
		t.Errorf("answers %v, want one 00 and %d × 02", count, n-1)
	}
}
