package paygov

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzConfirm posts arbitrary bodies to the CONFIRM handler: it never
// panics, always answers one of our codes in a signed reply with a 200,
// 400 or 413, and calls the Settler only for a body whose signature and
// partner verify, with the body verbatim.
func FuzzConfirm(f *testing.F) {
	good := encode(signConfirm(confirmFields(), testSecret))
	for _, seed := range []string{
		good,
		signedWith(func(m map[string]any) { m["SoTien"] = json.Number("150000") }),
		signedWith(func(m map[string]any) { m["MaDoiTac"] = "KHAC" }),
		signedWith(func(m map[string]any) { m["SoTien"] = "1e5" }),
		strings.Replace(good, "00", "01", 1),
		`{}`, `null`, `[]`, `{"SoTien":1e400}`, `{"MaLoi":true}`, "\xff", `{"a":"\u0000"}`, ``,
	} {
		f.Add(seed)
	}
	codes := map[string]bool{ReplyOK: true, ReplyUnknownRef: true, ReplyAlreadyConfirmed: true,
		ReplyWrongAmount: true, ReplyMalformed: true, ReplyBadSignature: true, ReplyOtherPartner: true, ReplyError: true}
	f.Fuzz(func(t *testing.T, body string) {
		s := &fakeSettler{out: Settled}
		h := newConfirmHandler(s)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/payments/paygov/confirm", strings.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d", rec.Code)
		}
		var rep reply
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
			t.Fatalf("reply %q: %v", rec.Body.String(), err)
		}
		if !codes[rep.MaLoi] || !Verify(rep.MaXacThuc, testSecret, rep.MaLoi, rep.MoTaLoi, rep.MaDoiTac, rep.ThoiGianGD) {
			t.Fatalf("reply %+v", rep)
		}
		if len(s.calls) == 0 {
			return
		}
		m, err := parseConfirm([]byte(body))
		if err != nil || !Verify(string(m.MaXacThuc), testSecret, m.signed()...) || string(m.MaDoiTac) != testPartner {
			t.Fatalf("Settle called for an unverified body %q", body)
		}
		if got := s.calls[0]; got.Raw != body || got.Ref == "" || got.Amount < 0 {
			t.Fatalf("Settlement %+v", got)
		}
	})
}

// FuzzParseTime checks that what ParseTime takes is exactly what
// FormatTime writes.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"20261205130500", "20261205010500PM", "20260229120000", "99991231235959", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err != nil {
			return
		}
		if back := FormatTime(tm); back != s {
			t.Fatalf("ParseTime(%q) formats back as %q", s, back)
		}
	})
}
