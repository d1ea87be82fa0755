package paygov

import (
	"bytes"
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

// fakeSettler records the settlements it is given and answers out, err.
type fakeSettler struct {
	mu    sync.Mutex
	calls []Settlement
	gw    []string
	out   Outcome
	err   error
}

func (f *fakeSettler) Settle(_ context.Context, gateway string, s Settlement) (Outcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	f.gw = append(f.gw, gateway)
	return f.out, f.err
}

// ledger is a Settler with the domain's semantics in memory: known
// attempts with their amounts, each settled once.
type ledger struct {
	mu      sync.Mutex
	amount  map[string]int64
	settled map[string]bool
}

func (l *ledger) Settle(_ context.Context, _ string, s Settlement) (Outcome, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	want, ok := l.amount[s.Ref]
	switch {
	case !ok:
		return UnknownRef, nil
	case want != s.Amount:
		return AmountMismatch, nil
	case l.settled[s.Ref]:
		return AlreadySettled, nil
	}
	l.settled[s.Ref] = true
	return Settled, nil
}

// confirmFields is a good CONFIRM, unsigned.
func confirmFields() map[string]any {
	return map[string]any{
		"LoaiBanTin": "CONFIRM", "MaLoi": "00", "MaDoiTac": testPartner, "MaThamChieu": "MC-2026-000123-01",
		"SoTien": "150000", "MaTienTe": "VND", "MaGiaoDich": "PG-778899", "MaNganHang": "VCB",
		"ThoiGianGD": "20261205131000", "ThongTinGiaoDich": "Nộp phí, lệ phí hồ sơ",
	}
}

// signConfirm sets MaXacThuc over the documented CONFIRM order, each field
// as its JSON text (a number's digits).
func signConfirm(m map[string]any, secret string) map[string]any {
	var fields []string
	for _, k := range []string{"LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe",
		"MaGiaoDich", "MaNganHang", "ThoiGianGD", "ThongTinGiaoDich"} {
		switch v := m[k].(type) {
		case string:
			fields = append(fields, v)
		case json.Number:
			fields = append(fields, v.String())
		case nil:
			fields = append(fields, "")
		}
	}
	m["MaXacThuc"] = byHand(secret, fields...)
	return m
}

func encode(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// signedWith returns a good CONFIRM changed by f, then signed.
func signedWith(f func(map[string]any)) string {
	m := confirmFields()
	f(m)
	return encode(signConfirm(m, testSecret))
}

func newConfirmHandler(s Settler) *ConfirmHandler {
	return &ConfirmHandler{PartnerCode: testPartner, Secret: testSecret, Settler: s,
		Now: func() time.Time { return fixedNow }}
}

// postConfirm posts body and returns the status and our decoded, verified
// reply.
func postConfirm(t *testing.T, h http.Handler, method, body, acceptLang string) (int, reply) {
	t.Helper()
	req := httptest.NewRequest(method, "/api/v1/payments/paygov/confirm", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if acceptLang != "" {
		req.Header.Set("Accept-Language", acceptLang)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var rep reply
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatalf("reply %q: %v", rec.Body.String(), err)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if rep.MaDoiTac != testPartner || rep.ThoiGianGD != "20261205130500" || rep.MoTaLoi == "" {
		t.Errorf("reply %+v: want our partner code, our time 20261205130500, a description", rep)
	}
	if want := byHand(testSecret, rep.MaLoi, rep.MoTaLoi, rep.MaDoiTac, rep.ThoiGianGD); rep.MaXacThuc != want {
		t.Errorf("reply MaXacThuc = %s, want %s (MaLoi|MoTaLoi|MaDoiTac|ThoiGianGD|secret)", rep.MaXacThuc, want)
	}
	return rec.Code, rep
}

func TestConfirm(t *testing.T) {
	good := encode(signConfirm(confirmFields(), testSecret))
	for _, c := range []struct {
		name       string
		method     string
		body       string
		out        Outcome
		err        error
		wantStatus int
		wantCode   string
		settles    bool // Settle is called
	}{
		{name: "paid", body: good, out: Settled, wantStatus: 200, wantCode: ReplyOK, settles: true},
		{name: "payment failed at the bank is recorded too",
			body: signedWith(func(m map[string]any) { m["MaLoi"] = "24" }),
			out:  Settled, wantStatus: 200, wantCode: ReplyOK, settles: true},
		{name: "unknown reference", body: good, out: UnknownRef, wantStatus: 200, wantCode: ReplyUnknownRef, settles: true},
		{name: "wrong amount", body: good, out: AmountMismatch, wantStatus: 200, wantCode: ReplyWrongAmount, settles: true},
		{name: "already confirmed", body: good, out: AlreadySettled, wantStatus: 200, wantCode: ReplyAlreadyConfirmed, settles: true},
		{name: "unexpected error", body: good, err: errors.New("database is locked"), wantStatus: 200, wantCode: ReplyError, settles: true},
		{name: "outcome unknown to this package", body: good, out: Outcome(42), wantStatus: 200, wantCode: ReplyError, settles: true},
		{name: "SoTien as a JSON number", body: signedWith(func(m map[string]any) { m["SoTien"] = json.Number("150000") }),
			out: Settled, wantStatus: 200, wantCode: ReplyOK, settles: true},
		{name: "time that does not parse is no refusal",
			body: signedWith(func(m map[string]any) { m["ThoiGianGD"] = "05/12/2026 01:10:00 PM" }),
			out:  Settled, wantStatus: 200, wantCode: ReplyOK, settles: true},

		{name: "bad signature", body: strings.Replace(good, `"150000"`, `"1500"`, 1), wantStatus: 200, wantCode: ReplyBadSignature},
		{name: "signed with another secret", body: encode(signConfirm(confirmFields(), "khoa-khac")), wantStatus: 200, wantCode: ReplyBadSignature},
		{name: "no signature", body: `{"LoaiBanTin":"CONFIRM","MaLoi":"00"}`, wantStatus: 200, wantCode: ReplyBadSignature},
		{name: "empty object", body: `{}`, wantStatus: 200, wantCode: ReplyBadSignature},
		{name: "another partner, rightly signed",
			body: signedWith(func(m map[string]any) { m["MaDoiTac"] = "HCM-KHAC" }), wantStatus: 200, wantCode: ReplyOtherPartner},

		{name: "not CONFIRM", body: signedWith(func(m map[string]any) { m["LoaiBanTin"] = "INIT" }), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "no reference", body: signedWith(func(m map[string]any) { m["MaThamChieu"] = "" }), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "no result code", body: signedWith(func(m map[string]any) { m["MaLoi"] = "" }), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "amount with a separator", body: signedWith(func(m map[string]any) { m["SoTien"] = "150.000" }), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "negative amount", body: signedWith(func(m map[string]any) { m["SoTien"] = json.Number("-150000") }), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "amount out of range", body: signedWith(func(m map[string]any) { m["SoTien"] = "99999999999999999999" }), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "not VND", body: signedWith(func(m map[string]any) { m["MaTienTe"] = "USD" }), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "malformed JSON", body: `{"LoaiBanTin":"CONFIRM",`, wantStatus: 400, wantCode: ReplyMalformed},
		{name: "JSON array", body: `[1,2]`, wantStatus: 400, wantCode: ReplyMalformed},
		{name: "JSON null", body: `null`, wantStatus: 400, wantCode: ReplyMalformed},
		{name: "empty body", body: ``, wantStatus: 400, wantCode: ReplyMalformed},
		{name: "object in a field", body: `{"MaThamChieu":{"a":1}}`, wantStatus: 400, wantCode: ReplyMalformed},
		{name: "two objects", body: good + good, wantStatus: 400, wantCode: ReplyMalformed},
		{name: "invalid UTF-8", body: strings.Replace(good, "Nộp", "N\xffp", 1), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "NUL in a signed field", body: signedWith(func(m map[string]any) { m["MaGiaoDich"] = "PG\x00" }), wantStatus: 400, wantCode: ReplyMalformed},
		{name: "NUL byte", body: strings.Replace(good, "Nộp", `N\u0000p`, 1), wantStatus: 200, wantCode: ReplyBadSignature},
		{name: "body over 64 KiB", body: `{"ThongTinGiaoDich":"` + strings.Repeat("a", MaxConfirmBody) + `"}`,
			wantStatus: 413, wantCode: ReplyMalformed},
		{name: "GET", method: http.MethodGet, body: good, wantStatus: 405, wantCode: ReplyMalformed},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &fakeSettler{out: c.out, err: c.err}
			method := c.method
			if method == "" {
				method = http.MethodPost
			}
			status, rep := postConfirm(t, newConfirmHandler(s), method, c.body, "")
			if status != c.wantStatus || rep.MaLoi != c.wantCode {
				t.Errorf("status %d MaLoi %s (%s), want %d %s", status, rep.MaLoi, rep.MoTaLoi, c.wantStatus, c.wantCode)
			}
			if got := len(s.calls); (got == 1) != c.settles || got > 1 {
				t.Fatalf("Settle called %d times, want settles=%v", got, c.settles)
			}
			if c.settles && (s.gw[0] != "paygov" || s.calls[0].Raw != c.body) {
				t.Errorf("Settle(%q, Raw %q), want gateway paygov and the body verbatim", s.gw[0], s.calls[0].Raw)
			}
		})
	}
}

// TestConfirmMisconfigured checks a handler wired without a Settler or a
// secret answers 99 and settles nothing.
func TestConfirmMisconfigured(t *testing.T) {
	h := &ConfirmHandler{PartnerCode: testPartner, Secret: testSecret, Now: func() time.Time { return fixedNow }}
	if status, rep := postConfirm(t, h, http.MethodPost, encode(signConfirm(confirmFields(), testSecret)), ""); status != 200 || rep.MaLoi != ReplyError {
		t.Errorf("no Settler: status %d MaLoi %s, want 200 %s", status, rep.MaLoi, ReplyError)
	}
	s := &fakeSettler{}
	h = &ConfirmHandler{PartnerCode: testPartner, Settler: s, Now: func() time.Time { return fixedNow }}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(encode(signConfirm(confirmFields(), ""))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var rep reply
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil || rep.MaLoi != ReplyError || len(s.calls) != 0 {
		t.Errorf("no secret: reply %s (%v), %d settlements, want %s and none", rec.Body, err, len(s.calls), ReplyError)
	}
}

// TestConfirmSettlement checks every field the Settler is given.
func TestConfirmSettlement(t *testing.T) {
	for _, c := range []struct {
		name string
		body string
		want Settlement
	}{
		{"paid", encode(signConfirm(confirmFields(), testSecret)), Settlement{
			Ref: "MC-2026-000123-01", Amount: 150000, Paid: true, GatewayRef: "PG-778899", BankCode: "VCB",
			PaidAt: time.Date(2026, 12, 5, 13, 10, 0, 0, time.FixedZone("ICT", 7*3600)), Code: "00"}},
		{"failed", signedWith(func(m map[string]any) { m["MaLoi"] = "24"; m["ThoiGianGD"] = "" }), Settlement{
			Ref: "MC-2026-000123-01", Amount: 150000, Paid: false, GatewayRef: "PG-778899", BankCode: "VCB",
			Code: "24"}},
		{"12-hour text left zero", signedWith(func(m map[string]any) { m["ThoiGianGD"] = "2026120501:10PM" }), Settlement{
			Ref: "MC-2026-000123-01", Amount: 150000, Paid: true, GatewayRef: "PG-778899", BankCode: "VCB", Code: "00"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &fakeSettler{out: Settled}
			if _, rep := postConfirm(t, newConfirmHandler(s), http.MethodPost, c.body, ""); rep.MaLoi != ReplyOK {
				t.Fatalf("MaLoi %s (%s)", rep.MaLoi, rep.MoTaLoi)
			}
			got := s.calls[0]
			if got.Raw != c.body {
				t.Errorf("Raw = %q, want the body", got.Raw)
			}
			if !got.PaidAt.Equal(c.want.PaidAt) {
				t.Errorf("PaidAt = %v, want %v", got.PaidAt, c.want.PaidAt)
			}
			got.Raw, got.PaidAt, c.want.PaidAt = "", time.Time{}, time.Time{}
			if got != c.want {
				t.Errorf("Settlement = %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestConfirmReplay sends one confirmation twice, then with another amount
// and another reference, to a Settler with the domain's semantics.
func TestConfirmReplay(t *testing.T) {
	l := &ledger{amount: map[string]int64{"MC-2026-000123-01": 150000, "MC-2": 20000}, settled: map[string]bool{}}
	h := newConfirmHandler(l)
	for _, c := range []struct {
		name string
		body string
		want string
	}{
		{"first", encode(signConfirm(confirmFields(), testSecret)), ReplyOK},
		{"replay", encode(signConfirm(confirmFields(), testSecret)), ReplyAlreadyConfirmed},
		{"wrong amount", signedWith(func(m map[string]any) { m["MaThamChieu"] = "MC-2" }), ReplyWrongAmount},
		{"unknown reference", signedWith(func(m map[string]any) { m["MaThamChieu"] = "MC-404" }), ReplyUnknownRef},
	} {
		if _, rep := postConfirm(t, h, http.MethodPost, c.body, ""); rep.MaLoi != c.want {
			t.Errorf("%s: MaLoi %s (%s), want %s", c.name, rep.MaLoi, rep.MoTaLoi, c.want)
		}
	}
	if l.settled["MC-2"] {
		t.Error("the attempt with another amount was settled")
	}
}

func TestConfirmLanguage(t *testing.T) {
	body := strings.Replace(encode(signConfirm(confirmFields(), testSecret)), `"150000"`, `"1"`, 1)
	for _, c := range []struct {
		accept string
		want   string
	}{
		{"", "Sai mã xác thực (MaXacThuc)."},
		{"vi-VN,vi;q=0.9", "Sai mã xác thực (MaXacThuc)."},
		{"en-US,en;q=0.9", "Wrong signature (MaXacThuc)."},
	} {
		if _, rep := postConfirm(t, newConfirmHandler(&fakeSettler{}), http.MethodPost, body, c.accept); rep.MoTaLoi != c.want {
			t.Errorf("Accept-Language %q: MoTaLoi %q, want %q", c.accept, rep.MoTaLoi, c.want)
		}
	}
	_, rep := postConfirm(t, newConfirmHandler(&fakeSettler{}), http.MethodPost,
		signedWith(func(m map[string]any) { m["SoTien"] = "1.5" }), "")
	if !strings.Contains(rep.MoTaLoi, "SoTien") || !strings.Contains(rep.MoTaLoi, "không hợp lệ") {
		t.Errorf("malformed reply %q does not say why in Vietnamese", rep.MoTaLoi)
	}
}

// TestConfirmLogsNoBody checks refusals are logged with the reference, not
// the payer's data the body may carry.
func TestConfirmLogsNoBody(t *testing.T) {
	var buf bytes.Buffer
	h := newConfirmHandler(&fakeSettler{err: errors.New("boom")})
	h.Log = slogTo(&buf)
	body := signedWith(func(m map[string]any) { m["ThongTinGiaoDich"] = "Nguyễn Văn Đức " + testPayerID })
	postConfirm(t, h, http.MethodPost, body, "")
	postConfirm(t, h, http.MethodPost, strings.Replace(body, "VCB", "ACB", 1), "")
	out := buf.String()
	if !strings.Contains(out, "MC-2026-000123-01") || !strings.Contains(out, "bad signature") {
		t.Errorf("log %q: want the reference and the refusal", out)
	}
	if strings.Contains(out, testPayerID) || strings.Contains(out, "Đức") {
		t.Errorf("log holds personal data: %q", out)
	}
}
