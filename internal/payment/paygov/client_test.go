package paygov

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// fixedNow is 13:05:00 in GMT+7, written 20261205130500.
var fixedNow = time.Date(2026, 12, 5, 6, 5, 0, 0, time.UTC)

const (
	testPartner = "HNI-MOTCUA"
	testSecret  = "khoa-bi-mat"
	testToken   = "tok-123"
	// testPayerID is a synthetic ID number; it must reach no error text.
	testPayerID = "001090012345"
)

var initReq = InitRequest{
	Ref:    "MC-2026-000123-01",
	Amount: 150000,
	Info:   "Nộp phí, lệ phí hồ sơ 000.00.01.H26-261205-0001",
	IP:     "203.0.113.7",
	Receipt: Receipt{
		ServiceCode: "DVC-01", ServiceName: "Cấp giấy phép xây dựng",
		ProcedureCode: "1.009994", ProcedureName: "Cấp giấy phép xây dựng nhà ở riêng lẻ",
		AgencyCode: "000.00.01.H26", AgencyName: "UBND quận Hoàn Kiếm",
		DossierCode:        "000.00.01.H26-261205-0001",
		BeneficiaryAccount: "3511", BeneficiaryAccountName: "Kho bạc Nhà nước Hoàn Kiếm", BeneficiaryBank: "VCB",
		PayerName: "Nguyễn Văn Đức", PayerID: testPayerID, PayerAddress: "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
		Fees: []Fee{
			{Kind: "1", Code: "P01", Name: "Phí thẩm định", Amount: 100000},
			{Kind: "2", Code: "LP01", Name: "Lệ phí cấp giấy phép", Amount: 50000},
		},
	},
}

// platform is an httptest stand-in for the platform: it keeps the last
// request and answers with answer.
type platform struct {
	srv     *httptest.Server
	calls   atomic.Int32
	method  string
	path    string
	header  http.Header
	body    map[string]any
	rawBody []byte
}

func newPlatform(t *testing.T, status int, answer string) *platform {
	t.Helper()
	p := &platform{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.calls.Add(1)
		p.method, p.path, p.header = r.Method, r.URL.Path, r.Header.Clone()
		p.rawBody, _ = io.ReadAll(r.Body)
		p.body = nil
		if err := json.Unmarshal(p.rawBody, &p.body); err != nil {
			t.Errorf("request body %q: %v", p.rawBody, err)
		}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *platform) client() *Client {
	return &Client{URL: p.srv.URL + "/api/pay", Token: testToken, PartnerCode: testPartner,
		Secret: testSecret, Now: func() time.Time { return fixedNow }}
}

// okAnswer wraps payload the documented way: message is a JSON string
// holding JSON.
func okAnswer(payload any) string {
	inner, _ := json.Marshal(payload)
	b, _ := json.Marshal(map[string]string{"error_code": "0", "message": string(inner)})
	return string(b)
}

func TestInitRequest(t *testing.T) {
	p := newPlatform(t, http.StatusOK, okAnswer(map[string]string{"UrlThanhToan": "https://pay.example.vn/p/abc"}))
	if _, err := p.client().Init(context.Background(), initReq); err != nil {
		t.Fatalf("Init: %v", err)
	}
	if p.method != http.MethodPost || p.path != "/api/pay" {
		t.Errorf("%s %s, want POST /api/pay", p.method, p.path)
	}
	if got := p.header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q", got)
	}
	if got := p.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type = %q", got)
	}
	want := map[string]any{
		"LoaiBanTin": "INIT", "PhienBan": "1.0.6", "MaDoiTac": testPartner,
		"MaThamChieu": "MC-2026-000123-01", "SoTien": "150000",
		"LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": "1", "MaThietBi": "1", "NgonNgu": "vi-VN",
		"MaTienTe": "VND", "MaNganHang": "PAYMENT",
		"ThongTinGiaoDich": "Nộp phí, lệ phí hồ sơ 000.00.01.H26-261205-0001",
		"ThoiGianGD":       "20261205130500", "Ip": "203.0.113.7",
		"MaXacThuc": byHand(testSecret, "INIT", "1.0.6", testPartner, "MC-2026-000123-01", "150000",
			"PAY", "1", "1", "vi-VN", "VND", "PAYMENT", "Nộp phí, lệ phí hồ sơ 000.00.01.H26-261205-0001",
			"20261205130500", "203.0.113.7"),
		"ThongTinBienLai": map[string]any{
			"MaDichVu": 2.0,
			"MaDVC":    "DVC-01", "TenDVC": "Cấp giấy phép xây dựng",
			"MaTTHC": "1.009994", "TenTTHC": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
			"MaDonVi": "000.00.01.H26", "TenDonVi": "UBND quận Hoàn Kiếm",
			"MaHoSo":     "000.00.01.H26-261205-0001",
			"TKThuHuong": "3511", "TenTKThuHuong": "Kho bạc Nhà nước Hoàn Kiếm", "MaNHThuHuong": "VCB",
			"HoTenNguoiNop": "Nguyễn Văn Đức", "SoCMNDNguoiNop": testPayerID,
			"DiaChiNguoiNop":   "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
			"NoiDungThanhToan": "Nộp phí, lệ phí hồ sơ 000.00.01.H26-261205-0001",
			"PhiLePhi": []any{
				map[string]any{"LoaiPhiLePhi": "1", "MaPhiLePhi": "P01", "TenPhiLePhi": "Phí thẩm định", "SoTien": 100000.0},
				map[string]any{"LoaiPhiLePhi": "2", "MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí cấp giấy phép", "SoTien": 50000.0},
			},
		},
	}
	got, _ := json.Marshal(p.body)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Errorf("request body\n got %s\nwant %s", got, exp)
	}
}

// TestInitAnswers checks how each answer of the platform is read.
func TestInitAnswers(t *testing.T) {
	for _, c := range []struct {
		name     string
		status   int
		answer   string
		wantURL  string
		wantCode string // apperr code when an error is expected
		platform string // the platform's error_code named in the error
	}{
		{name: "success, message a JSON string", status: 200,
			answer:  okAnswer(map[string]string{"UrlThanhToan": "https://pay.example.vn/p/abc?x=1"}),
			wantURL: "https://pay.example.vn/p/abc?x=1"},
		{name: "success, message an object, error_code a number", status: 200,
			answer:  `{"error_code":0,"message":{"UrlThanhToan":"https://pay.example.vn/p/def"}}`,
			wantURL: "https://pay.example.vn/p/def"},
		{name: "refused: duplicate reference", status: 200,
			answer:   `{"error_code":"12","message":"Trùng mã tham chiếu cho 001090012345"}`,
			wantCode: CodeRefused, platform: "12"},
		{name: "refused: numeric code", status: 200,
			answer:   `{"error_code":-1,"message":"error"}`,
			wantCode: CodeRefused, platform: "-1"},
		{name: "no error_code", status: 200, answer: `{"message":"x"}`, wantCode: CodeBadAnswer},
		{name: "not JSON", status: 200, answer: `<html>Bad gateway</html>`, wantCode: CodeBadAnswer},
		{name: "no URL in the message", status: 200, answer: okAnswer(map[string]string{"Khac": "x"}), wantCode: CodeBadAnswer},
		{name: "not a web address", status: 200,
			answer: okAnswer(map[string]string{"UrlThanhToan": "javascript:alert(1)"}), wantCode: CodeBadAnswer},
		{name: "message not JSON", status: 200, answer: `{"error_code":"0","message":"ok"}`, wantCode: CodeBadAnswer},
		{name: "HTTP 500", status: 500, answer: `{"error":"` + testPayerID + `"}`, wantCode: CodeUnavailable},
		{name: "HTTP 401", status: 401, answer: ``, wantCode: CodeUnavailable},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPlatform(t, c.status, c.answer)
			u, err := p.client().Init(context.Background(), initReq)
			if c.wantCode == "" {
				if err != nil {
					t.Fatalf("Init: %v", err)
				}
				if u != c.wantURL {
					t.Errorf("URL = %q, want %q", u, c.wantURL)
				}
				return
			}
			checkPlatformError(t, err, c.wantCode)
			var pe *Error
			if !errors.As(err, &pe) || pe.PlatformCode != c.platform {
				t.Errorf("platform code: %+v, want %q", pe, c.platform)
			}
			if c.platform != "" {
				ae, _ := apperr.As(err)
				if !strings.Contains(ae.VI, c.platform) || !strings.Contains(ae.EN, c.platform) {
					t.Errorf("messages do not name the code %s: %q / %q", c.platform, ae.VI, ae.EN)
				}
			}
		})
	}
}

// checkPlatformError checks err is the 503 of code, in both languages,
// without the payer's ID number anywhere in its chain's text.
func checkPlatformError(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	ae, ok := apperr.As(err)
	if !ok {
		t.Fatalf("not an apperr error: %v", err)
	}
	if ae.Code != code || ae.Kind != apperr.Unavailable || apperr.Status(err) != http.StatusServiceUnavailable {
		t.Errorf("error %s kind %d status %d, want %s 503", ae.Code, ae.Kind, apperr.Status(err), code)
	}
	if ae.VI == "" || ae.EN == "" || ae.VI == ae.EN {
		t.Errorf("messages %q / %q, want Vietnamese and English", ae.VI, ae.EN)
	}
	if strings.Contains(err.Error(), testPayerID) || strings.Contains(ae.VI, testPayerID) {
		t.Errorf("error text holds the payer's ID number: %v", err)
	}
}

func TestInitPlatformDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := &Client{URL: url, Token: testToken, PartnerCode: testPartner, Secret: testSecret}
	_, err := c.Init(context.Background(), initReq)
	checkPlatformError(t, err, CodeUnavailable)

	// A platform that does not answer in time is down too, and the cause
	// stays visible to errors.Is.
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c.URL = slow.URL
	_, err = c.Init(ctx, initReq)
	checkPlatformError(t, err, CodeUnavailable)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cause lost: %v", err)
	}
}

func TestInitRefusesBadRequest(t *testing.T) {
	for _, c := range []struct {
		name   string
		modify func(*InitRequest)
	}{
		{"no reference", func(r *InitRequest) { r.Ref = " " }},
		{"zero amount", func(r *InitRequest) { r.Amount = 0 }},
		{"negative amount", func(r *InitRequest) { r.Amount = -5 }},
		{"NUL in the payer's name", func(r *InitRequest) { r.Receipt.PayerName = "A\x00B" }},
		{"invalid UTF-8 in the description", func(r *InitRequest) { r.Info = "\xff" }},
		{"negative fee line", func(r *InitRequest) {
			r.Receipt.Fees = []Fee{{Kind: "1", Code: "P", Name: "Phí", Amount: -1}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPlatform(t, http.StatusOK, okAnswer(map[string]string{"UrlThanhToan": "https://x"}))
			r := initReq
			r.Receipt.Fees = append([]Fee(nil), initReq.Receipt.Fees...)
			c.modify(&r)
			_, err := p.client().Init(context.Background(), r)
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if n := p.calls.Load(); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

// queryPayload is a QUERY answer's message, signed over the CONFIRM order
// unless unsigned.
func queryPayload(ref, maLoi string, signed bool) map[string]string {
	m := map[string]string{"LoaiBanTin": "QUERY", "MaLoi": maLoi, "MaDoiTac": testPartner, "MaThamChieu": ref,
		"SoTien": "150000", "MaTienTe": "VND", "MaGiaoDich": "PG-778899", "MaNganHang": "VCB",
		"ThoiGianGD": "20261205131000", "ThongTinGiaoDich": "Thanh toán thành công"}
	if signed {
		m["MaXacThuc"] = byHand(testSecret, m["LoaiBanTin"], m["MaLoi"], m["MaDoiTac"], m["MaThamChieu"],
			m["SoTien"], m["MaTienTe"], m["MaGiaoDich"], m["MaNganHang"], m["ThoiGianGD"], m["ThongTinGiaoDich"])
	}
	return m
}

func TestQuery(t *testing.T) {
	const ref = "MC-2026-000123-01"
	tampered := queryPayload(ref, "00", true)
	tampered["SoTien"] = "1500000"
	for _, c := range []struct {
		name     string
		answer   string
		want     Settlement
		wantCode string
	}{
		{name: "paid, signed", answer: okAnswer(queryPayload(ref, "00", true)),
			want: Settlement{Ref: ref, Amount: 150000, Paid: true, GatewayRef: "PG-778899", BankCode: "VCB",
				PaidAt: time.Date(2026, 12, 5, 6, 10, 0, 0, time.UTC), Code: "00"}},
		{name: "not paid, unsigned", answer: okAnswer(queryPayload(ref, "24", false)),
			want: Settlement{Ref: ref, Amount: 150000, Paid: false, GatewayRef: "PG-778899", BankCode: "VCB",
				PaidAt: time.Date(2026, 12, 5, 6, 10, 0, 0, time.UTC), Code: "24"}},
		{name: "tampered amount", answer: okAnswer(tampered), wantCode: CodeBadAnswer},
		{name: "another reference", answer: okAnswer(queryPayload("MC-OTHER", "00", true)), wantCode: CodeBadAnswer},
		{name: "refused", answer: `{"error_code":"404","message":"Không tìm thấy"}`, wantCode: CodeRefused},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPlatform(t, http.StatusOK, c.answer)
			s, err := p.client().Query(context.Background(), ref)
			checkLookupRequest(t, p, "QUERY", ref)
			if c.wantCode != "" {
				checkPlatformError(t, err, c.wantCode)
				return
			}
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if s.Raw == "" || !strings.Contains(s.Raw, "PG-778899") {
				t.Errorf("Raw = %q, want the answer's message", s.Raw)
			}
			s.Raw = ""
			if !s.PaidAt.Equal(c.want.PaidAt) {
				t.Errorf("PaidAt = %v, want %v", s.PaidAt, c.want.PaidAt)
			}
			s.PaidAt, c.want.PaidAt = time.Time{}, time.Time{}
			if s != c.want {
				t.Errorf("Query = %+v\nwant %+v", s, c.want)
			}
		})
	}
}

// checkLookupRequest checks a QUERY or GET_BILL request, field by field.
func checkLookupRequest(t *testing.T, p *platform, kind, ref string) {
	t.Helper()
	if p.method != http.MethodPost || p.header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("%s with Authorization %q", p.method, p.header.Get("Authorization"))
	}
	want := map[string]any{"LoaiBanTin": kind, "PhienBan": "1.0.6", "MaDoiTac": testPartner,
		"MaThamChieu": ref, "ThoiGianGD": "20261205130500",
		"MaXacThuc": byHand(testSecret, kind, "1.0.6", testPartner, ref, "20261205130500")}
	got, _ := json.Marshal(p.body)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Errorf("request body\n got %s\nwant %s", got, exp)
	}
}

func TestGetBill(t *testing.T) {
	const ref = "MC-2026-000123-01"
	pdf := []byte("%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n")
	b64, _ := json.Marshal(map[string]string{"error_code": "0", "message": base64.StdEncoding.EncodeToString(pdf)})
	notPDF, _ := json.Marshal(map[string]string{"error_code": "0", "message": base64.StdEncoding.EncodeToString([]byte("<html>"))})
	for _, c := range []struct {
		name     string
		answer   string
		wantCode string
	}{
		{name: "the PDF itself", answer: string(pdf)},
		{name: "base64 in the envelope", answer: string(b64)},
		{name: "not a PDF", answer: string(notPDF), wantCode: CodeBadAnswer},
		{name: "not base64", answer: `{"error_code":"0","message":"%%%"}`, wantCode: CodeBadAnswer},
		{name: "refused", answer: `{"error_code":"07","message":"Chưa thanh toán"}`, wantCode: CodeRefused},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPlatform(t, http.StatusOK, c.answer)
			cl := p.client()
			cl.BillURL = p.srv.URL + "/api/bill"
			got, err := cl.GetBill(context.Background(), ref)
			checkLookupRequest(t, p, "GET_BILL", ref)
			if p.path != "/api/bill" {
				t.Errorf("posted to %s, want BillURL", p.path)
			}
			if c.wantCode != "" {
				checkPlatformError(t, err, c.wantCode)
				return
			}
			if err != nil {
				t.Fatalf("GetBill: %v", err)
			}
			if string(got) != string(pdf) {
				t.Errorf("GetBill = %q", got)
			}
		})
	}
}

func TestLookupRefusesEmptyReference(t *testing.T) {
	p := newPlatform(t, http.StatusOK, `{}`)
	if _, err := p.client().Query(context.Background(), ""); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("Query: %v, want Invalid", err)
	}
	if _, err := p.client().GetBill(context.Background(), "a\x00"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("GetBill: %v, want Invalid", err)
	}
	if n := p.calls.Load(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}
