package paygov

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// maxAnswer bounds an answer read: a receipt PDF is tens of kilobytes, and
// a platform gone wrong must not fill memory.
const maxAnswer = 8 << 20

// Fixed INIT values: a payment (not a refund), on the web channel, from a
// computer, in Vietnamese, in VND, the bank chosen on the platform's page.
const (
	initPaymentType = "PAY"
	initChannel     = "1"
	initDevice      = "1"
	initLanguage    = "vi-VN"
	currency        = "VND"
	initBank        = "PAYMENT"
	// serviceKind is MaDichVu 2, the fees of a public service (1 being
	// administrative fines).
	serviceKind = 2
)

// Client talks to the platform's partner API.
type Client struct {
	// URL is the endpoint messages are posted to.
	URL string
	// QueryURL and BillURL, when set, are the endpoints of QUERY and
	// GET_BILL, for deployments where they differ from URL.
	QueryURL, BillURL string
	// Token is the bearer token of the platform's API.
	Token string
	// PartnerCode is our code on the platform (MaDoiTac).
	PartnerCode string
	// Secret is the key signatures are made with.
	Secret string
	// Version is PhienBan; empty means Version ("1.0.6").
	Version string
	// HTTP is the client used; nil means http.DefaultClient. Set a Timeout
	// on it: the platform is remote and sometimes slow.
	HTTP *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Fee is one line of the receipt (PhiLePhi).
type Fee struct {
	// Kind is LoaiPhiLePhi, the platform's code telling phí from lệ phí.
	Kind   string
	Code   string
	Name   string
	Amount int64
}

// Receipt is what the platform prints on the receipt (ThongTinBienLai).
type Receipt struct {
	ServiceCode, ServiceName     string // MaDVC, TenDVC
	ProcedureCode, ProcedureName string // MaTTHC, TenTTHC
	AgencyCode, AgencyName       string // MaDonVi, TenDonVi
	DossierCode                  string // MaHoSo
	BeneficiaryAccount           string // TKThuHuong
	BeneficiaryAccountName       string // TenTKThuHuong
	BeneficiaryBank              string // MaNHThuHuong
	PayerName                    string // HoTenNguoiNop
	PayerID                      string // SoCMNDNguoiNop
	PayerAddress                 string // DiaChiNguoiNop
	Fees                         []Fee  // PhiLePhi
}

// InitRequest is one payment attempt to start.
type InitRequest struct {
	// Ref is our unique reference of the attempt (MaThamChieu).
	Ref string
	// Amount is in VND.
	Amount int64
	// Info is the payment's description (ThongTinGiaoDich).
	Info string
	// IP is the citizen's address (Ip).
	IP      string
	Receipt Receipt
}

type feeJSON struct {
	LoaiPhiLePhi string `json:"LoaiPhiLePhi"`
	MaPhiLePhi   string `json:"MaPhiLePhi"`
	TenPhiLePhi  string `json:"TenPhiLePhi"`
	SoTien       int64  `json:"SoTien"`
}

type receiptJSON struct {
	MaDichVu         int       `json:"MaDichVu"`
	MaDVC            string    `json:"MaDVC"`
	TenDVC           string    `json:"TenDVC"`
	MaTTHC           string    `json:"MaTTHC"`
	TenTTHC          string    `json:"TenTTHC"`
	MaDonVi          string    `json:"MaDonVi"`
	TenDonVi         string    `json:"TenDonVi"`
	MaHoSo           string    `json:"MaHoSo"`
	TKThuHuong       string    `json:"TKThuHuong"`
	TenTKThuHuong    string    `json:"TenTKThuHuong"`
	MaNHThuHuong     string    `json:"MaNHThuHuong"`
	HoTenNguoiNop    string    `json:"HoTenNguoiNop"`
	SoCMNDNguoiNop   string    `json:"SoCMNDNguoiNop"`
	DiaChiNguoiNop   string    `json:"DiaChiNguoiNop"`
	NoiDungThanhToan string    `json:"NoiDungThanhToan"`
	PhiLePhi         []feeJSON `json:"PhiLePhi"`
}

type initJSON struct {
	LoaiBanTin        string      `json:"LoaiBanTin"`
	PhienBan          string      `json:"PhienBan"`
	MaDoiTac          string      `json:"MaDoiTac"`
	MaThamChieu       string      `json:"MaThamChieu"`
	SoTien            string      `json:"SoTien"`
	LoaiHinhThanhToan string      `json:"LoaiHinhThanhToan"`
	MaKenhThanhToan   string      `json:"MaKenhThanhToan"`
	MaThietBi         string      `json:"MaThietBi"`
	NgonNgu           string      `json:"NgonNgu"`
	MaTienTe          string      `json:"MaTienTe"`
	MaNganHang        string      `json:"MaNganHang"`
	ThongTinGiaoDich  string      `json:"ThongTinGiaoDich"`
	ThoiGianGD        string      `json:"ThoiGianGD"`
	Ip                string      `json:"Ip"`
	MaXacThuc         string      `json:"MaXacThuc"`
	ThongTinBienLai   receiptJSON `json:"ThongTinBienLai"`
}

// lookupJSON is the body of QUERY and GET_BILL.
type lookupJSON struct {
	LoaiBanTin  string `json:"LoaiBanTin"`
	PhienBan    string `json:"PhienBan"`
	MaDoiTac    string `json:"MaDoiTac"`
	MaThamChieu string `json:"MaThamChieu"`
	ThoiGianGD  string `json:"ThoiGianGD"`
	MaXacThuc   string `json:"MaXacThuc"`
}

// envelope is every answer of the platform's API: error_code "0" is
// success, message the payload (a JSON string holding JSON, most often).
type envelope struct {
	ErrorCode text            `json:"error_code"`
	Message   json.RawMessage `json:"message"`
}

// Init starts a payment and returns the URL the citizen pays at.
// Errors: apperr.Invalid for a request not sent (no reference, no amount,
// bad text), *Error (503) for the platform down, refusing or answering
// nonsense.
func (c *Client) Init(ctx context.Context, r InitRequest) (payURL string, err error) {
	if err := checkInit(r); err != nil {
		return "", err
	}
	b := initJSON{
		LoaiBanTin:        TypeInit,
		PhienBan:          c.version(),
		MaDoiTac:          c.PartnerCode,
		MaThamChieu:       r.Ref,
		SoTien:            strconv.FormatInt(r.Amount, 10),
		LoaiHinhThanhToan: initPaymentType,
		MaKenhThanhToan:   initChannel,
		MaThietBi:         initDevice,
		NgonNgu:           initLanguage,
		MaTienTe:          currency,
		MaNganHang:        initBank,
		ThongTinGiaoDich:  r.Info,
		ThoiGianGD:        FormatTime(c.now()),
		Ip:                r.IP,
	}
	b.MaXacThuc = Sign(c.Secret, b.LoaiBanTin, b.PhienBan, b.MaDoiTac, b.MaThamChieu, b.SoTien,
		b.LoaiHinhThanhToan, b.MaKenhThanhToan, b.MaThietBi, b.NgonNgu, b.MaTienTe, b.MaNganHang,
		b.ThongTinGiaoDich, b.ThoiGianGD, b.Ip)
	rc := r.Receipt
	b.ThongTinBienLai = receiptJSON{
		MaDichVu: serviceKind,
		MaDVC:    rc.ServiceCode, TenDVC: rc.ServiceName,
		MaTTHC: rc.ProcedureCode, TenTTHC: rc.ProcedureName,
		MaDonVi: rc.AgencyCode, TenDonVi: rc.AgencyName,
		MaHoSo:     rc.DossierCode,
		TKThuHuong: rc.BeneficiaryAccount, TenTKThuHuong: rc.BeneficiaryAccountName,
		MaNHThuHuong:  rc.BeneficiaryBank,
		HoTenNguoiNop: rc.PayerName, SoCMNDNguoiNop: rc.PayerID, DiaChiNguoiNop: rc.PayerAddress,
		NoiDungThanhToan: r.Info,
		PhiLePhi:         make([]feeJSON, 0, len(rc.Fees)),
	}
	for _, f := range rc.Fees {
		b.ThongTinBienLai.PhiLePhi = append(b.ThongTinBienLai.PhiLePhi,
			feeJSON{LoaiPhiLePhi: f.Kind, MaPhiLePhi: f.Code, TenPhiLePhi: f.Name, SoTien: f.Amount})
	}
	data, err := c.post(ctx, c.URL, b)
	if err != nil {
		return "", err
	}
	msg, err := openEnvelope(data)
	if err != nil {
		return "", err
	}
	var ans struct {
		UrlThanhToan string `json:"UrlThanhToan"`
	}
	if err := json.Unmarshal(msg, &ans); err != nil {
		return "", badAnswer(fmt.Errorf("paygov: INIT answer: %w", err))
	}
	u := strings.TrimSpace(ans.UrlThanhToan)
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		// The citizen is sent there: only a web address will do.
		return "", badAnswer(errors.New("paygov: INIT answer holds no http(s) UrlThanhToan"))
	}
	return u, nil
}

// checkInit refuses what must not be sent.
func checkInit(r InitRequest) error {
	if strings.TrimSpace(r.Ref) == "" {
		return invalid("Thiếu mã tham chiếu của giao dịch thanh toán.",
			"The payment's reference is missing.")
	}
	if r.Amount <= 0 {
		return invalid("Số tiền thanh toán phải lớn hơn 0.", "The amount to pay must be more than 0.")
	}
	rc := r.Receipt
	texts := []struct{ name, value string }{
		{"MaThamChieu", r.Ref}, {"ThongTinGiaoDich", r.Info}, {"Ip", r.IP},
		{"MaDVC", rc.ServiceCode}, {"TenDVC", rc.ServiceName},
		{"MaTTHC", rc.ProcedureCode}, {"TenTTHC", rc.ProcedureName},
		{"MaDonVi", rc.AgencyCode}, {"TenDonVi", rc.AgencyName}, {"MaHoSo", rc.DossierCode},
		{"TKThuHuong", rc.BeneficiaryAccount}, {"TenTKThuHuong", rc.BeneficiaryAccountName},
		{"MaNHThuHuong", rc.BeneficiaryBank},
		{"HoTenNguoiNop", rc.PayerName}, {"SoCMNDNguoiNop", rc.PayerID}, {"DiaChiNguoiNop", rc.PayerAddress},
	}
	for _, f := range rc.Fees {
		texts = append(texts, struct{ name, value string }{"PhiLePhi", f.Kind + f.Code + f.Name})
	}
	for _, t := range texts {
		if err := apperr.CheckText(t.name, t.value); err != nil {
			return err
		}
	}
	for _, f := range rc.Fees {
		if f.Amount < 0 {
			return invalid("Số tiền của một khoản phí, lệ phí không được âm.",
				"A fee line's amount cannot be negative.")
		}
	}
	return nil
}

// Query asks the platform for the state of the attempt ref. The answer is
// returned as the Settlement a confirmation would carry (Raw the message
// as received), so that reconciliation settles it the same way. When the
// answer carries MaXacThuc it must verify.
func (c *Client) Query(ctx context.Context, ref string) (Settlement, error) {
	data, err := c.lookup(ctx, c.QueryURL, TypeQuery, ref)
	if err != nil {
		return Settlement{}, err
	}
	msg, err := openEnvelope(data)
	if err != nil {
		return Settlement{}, err
	}
	var m confirmJSON
	if err := json.Unmarshal(msg, &m); err != nil {
		return Settlement{}, badAnswer(fmt.Errorf("paygov: QUERY answer: %w", err))
	}
	if m.MaXacThuc != "" && !Verify(string(m.MaXacThuc), c.Secret, m.signed()...) {
		return Settlement{}, badAnswer(errors.New("paygov: QUERY answer: bad MaXacThuc"))
	}
	if m.MaThamChieu != "" && string(m.MaThamChieu) != ref {
		return Settlement{}, badAnswer(errors.New("paygov: QUERY answer is about another reference"))
	}
	m.MaThamChieu = text(ref)
	s, err := m.settlement(string(msg))
	if err != nil {
		return Settlement{}, badAnswer(fmt.Errorf("paygov: QUERY answer: %w", err))
	}
	return s, nil
}

// GetBill fetches the receipt PDF of the attempt ref.
func (c *Client) GetBill(ctx context.Context, ref string) ([]byte, error) {
	data, err := c.lookup(ctx, c.BillURL, TypeGetBill, ref)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return data, nil
	}
	msg, err := openEnvelope(data)
	if err != nil {
		return nil, err
	}
	var b64 string
	if err := json.Unmarshal(msg, &b64); err != nil {
		return nil, badAnswer(fmt.Errorf("paygov: GET_BILL answer: %w", err))
	}
	pdf, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, badAnswer(fmt.Errorf("paygov: GET_BILL answer: %w", err))
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, badAnswer(errors.New("paygov: GET_BILL answer is not a PDF"))
	}
	return pdf, nil
}

// lookup posts a QUERY or GET_BILL for ref to url (URL when empty).
func (c *Client) lookup(ctx context.Context, url, kind, ref string) ([]byte, error) {
	if strings.TrimSpace(ref) == "" || !apperr.TextOK(ref) {
		return nil, invalid("Mã tham chiếu của giao dịch thanh toán thiếu hoặc không hợp lệ.",
			"The payment's reference is missing or invalid.")
	}
	if url == "" {
		url = c.URL
	}
	b := lookupJSON{LoaiBanTin: kind, PhienBan: c.version(), MaDoiTac: c.PartnerCode,
		MaThamChieu: ref, ThoiGianGD: FormatTime(c.now())}
	b.MaXacThuc = Sign(c.Secret, b.LoaiBanTin, b.PhienBan, b.MaDoiTac, b.MaThamChieu, b.ThoiGianGD)
	return c.post(ctx, url, b)
}

// post sends body as JSON with the bearer token and returns the answer of
// a 200.
func (c *Client) post(ctx context.Context, url string, body any) ([]byte, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, unavailable(fmt.Errorf("paygov: encoding the request: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		// A bad URL is configuration; the cause names the URL only.
		return nil, unavailable(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json, application/pdf")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error names the method and URL, never the body: the payer's
		// name and ID number do not reach the log through it.
		return nil, unavailable(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// The body is not kept: the platform may echo the request in it.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
		return nil, unavailable(fmt.Errorf("paygov: platform answered HTTP %d", resp.StatusCode))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, unavailable(fmt.Errorf("paygov: reading the answer: %w", err))
	}
	if len(data) > maxAnswer {
		return nil, badAnswer(errors.New("paygov: answer too large"))
	}
	return data, nil
}

// openEnvelope reads {error_code, message}: for "0" it returns the payload
// (a JSON string's content, or the member as it is), else the refusal.
func openEnvelope(data []byte) (json.RawMessage, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, badAnswer(fmt.Errorf("paygov: answer envelope: %w", err))
	}
	code := strings.TrimSpace(string(env.ErrorCode))
	if code == "" {
		return nil, badAnswer(errors.New("paygov: answer has no error_code"))
	}
	if code != "0" {
		return nil, refused(code)
	}
	var s string
	if err := json.Unmarshal(env.Message, &s); err == nil {
		// A JSON string holding JSON, as documented; a GET_BILL's base64
		// is a string too, so it is handed back as a JSON string.
		if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") {
			return json.RawMessage(t), nil
		}
		return env.Message, nil
	}
	if len(env.Message) == 0 {
		return nil, badAnswer(errors.New("paygov: answer has no message"))
	}
	return env.Message, nil
}

func (c *Client) version() string {
	if c.Version == "" {
		return Version
	}
	return c.Version
}

func (c *Client) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}
