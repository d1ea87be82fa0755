package receipt

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

func ict(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, Zone) }

// request is a settled online payment of a marriage registration's
// charge and a copy fee.
func request() IssueRequest {
	return IssueRequest{
		UnitID: 3, UnitCode: "000.01.02.H26", UnitName: "UBND Phường Hàng Trống",
		Payer: Payer{Name: "Nguyễn Văn An", IDNumber: "001085001234", Address: "12 Hàng Trống, Hoàn Kiếm, Hà Nội"},
		Items: []Item{
			{Kind: Charge, Code: "LP-KH", Name: "Lệ phí đăng ký kết hôn", Amount: 30000},
			{Kind: Fee, Code: "P-BS", Name: "Phí cấp bản sao trích lục", Amount: 8000},
			{Kind: Fee, Code: "P-BS2", Name: "Phí cấp thêm bản sao", Amount: 16000},
		},
		Method: Online, PaymentRef: "VNP14523678", DossierCode: "H26.01-250303-0007",
	}
}

// memStore keeps receipts in memory for the issuer's own tests; the SQL
// store is tested in internal/store against both engines.
type memStore struct {
	calls int
	next  map[string]int64
	byRef map[string][]*Receipt
}

func (m *memStore) CreateReceipts(_ context.Context, rs []*Receipt) ([]*Receipt, error) {
	m.calls++
	if rs[0].PaymentRef != "" && m.byRef[rs[0].PaymentRef] != nil {
		return m.byRef[rs[0].PaymentRef], nil
	}
	for _, r := range rs {
		k := r.UnitCode + "|" + r.Series
		m.next[k]++
		r.Number, r.ID = m.next[k], int64(m.calls*10)+m.next[k]
	}
	m.byRef[rs[0].PaymentRef] = rs
	return rs, nil
}

func (m *memStore) Receipt(context.Context, int64) (*Receipt, error) { return nil, apperr.ErrNotFound }

func (m *memStore) DossierReceipts(context.Context, string) ([]*Receipt, error) { return nil, nil }

func newMem() *memStore { return &memStore{next: map[string]int64{}, byRef: map[string][]*Receipt{}} }

// TestIssueSplitsByKind: phí and lệ phí go on separate receipts, fee
// first, each with its own total, in the unit's series of the year.
func TestIssueSplitsByKind(t *testing.T) {
	m := newMem()
	l, err := NewLocal(m, Options{Prefixes: map[string]string{"000.01.02.H26": "HT"}, Now: func() time.Time { return ict(2025, 3, 3, 9, 30) }})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := l.Issue(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d receipts, want 2", len(rs))
	}
	fee, charge := rs[0], rs[1]
	if fee.Kind != Fee || len(fee.Items) != 2 || fee.Total != 24000 || fee.Title() != "BIÊN LAI THU PHÍ" {
		t.Errorf("fee receipt: %+v", fee)
	}
	if charge.Kind != Charge || len(charge.Items) != 1 || charge.Total != 30000 || charge.Title() != "BIÊN LAI THU LỆ PHÍ" {
		t.Errorf("charge receipt: %+v", charge)
	}
	for _, r := range rs {
		if r.Form != DefaultForm || r.Series != "HT-25E" || r.PaymentRef != "VNP14523678" || r.DossierCode != "H26.01-250303-0007" ||
			r.Payer.Name != "Nguyễn Văn An" || !r.IssuedAt.Equal(ict(2025, 3, 3, 9, 30)) {
			t.Errorf("receipt fields: %+v", r)
		}
	}
	if fee.NumberText() != "0000001" || charge.NumberText() != "0000002" {
		t.Errorf("numbers %s, %s", fee.NumberText(), charge.NumberText())
	}
	// Another unit falls back to the default prefix.
	req := request()
	req.UnitCode, req.PaymentRef = "000.02.02.H26", "VNP2"
	rs, err = l.Issue(context.Background(), req)
	if err != nil || rs[0].Series != "BL-25E" {
		t.Fatalf("default series: %+v %v", rs, err)
	}
}

// TestSeriesYear: the series' year is Vietnam's, so a receipt issued at
// 00:30 on New Year's Day in Hà Nội (still the old year in UTC) starts the
// new series.
func TestSeriesYear(t *testing.T) {
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2025, 12, 31, 16, 59, 0, 0, time.UTC), "BL-25E"},
		{time.Date(2025, 12, 31, 17, 30, 0, 0, time.UTC), "BL-26E"},
		{ict(2030, 6, 1, 8, 0), "BL-30E"},
		{ict(2100, 1, 1, 8, 0), "BL-00E"},
	}
	for _, c := range cases {
		if got := Series("BL", c.at); got != c.want {
			t.Errorf("Series(%v) = %q, want %q", c.at, got, c.want)
		}
	}
}

func TestNewLocalRefusesBadPrefix(t *testing.T) {
	for _, p := range []string{"", "B", "bl", "BLP", "B1", "ĐL"} {
		if _, err := NewLocal(newMem(), Options{Prefixes: map[string]string{"u": p}}); err == nil {
			t.Errorf("prefix %q accepted", p)
		}
	}
	if _, err := NewLocal(newMem(), Options{Prefixes: map[string]string{"u": "HT"}}); err != nil {
		t.Errorf("prefix HT refused: %v", err)
	}
}

// TestIssueRefusesBadInput: every bad request is a 400 with its code,
// and nothing reaches the store (no number is used).
func TestIssueRefusesBadInput(t *testing.T) {
	cases := []struct {
		name, code, field string
		edit              func(r *IssueRequest)
	}{
		{"no unit", "receipt_no_unit", "unit", func(r *IssueRequest) { r.UnitID = 0 }},
		{"no payer", "receipt_no_payer", "payer.name", func(r *IssueRequest) { r.Payer.Name = "  " }},
		{"bad method", "receipt_bad_method", "method", func(r *IssueRequest) { r.Method = "bitcoin" }},
		{"online without reference", "receipt_no_reference", "payment_ref", func(r *IssueRequest) { r.PaymentRef = "" }},
		{"no items", "receipt_no_items", "items", func(r *IssueRequest) { r.Items = nil }},
		{"too many items", "receipt_too_many_items", "items", func(r *IssueRequest) { r.Items = make([]Item, MaxItems+1) }},
		{"bad kind", "receipt_bad_kind", "items[1].kind", func(r *IssueRequest) { r.Items[1].Kind = "thue" }},
		{"no item name", "receipt_no_item_name", "items[0].name", func(r *IssueRequest) { r.Items[0].Name = "" }},
		{"zero amount", "receipt_bad_amount", "items[0].amount", func(r *IssueRequest) { r.Items[0].Amount = 0 }},
		{"negative amount", "receipt_bad_amount", "items[2].amount", func(r *IssueRequest) { r.Items[2].Amount = -5 }},
		{"huge amount", "receipt_bad_amount", "items[0].amount", func(r *IssueRequest) { r.Items[0].Amount = MaxAmount + 1 }},
		{"huge total", "receipt_bad_amount", "items", func(r *IssueRequest) { r.Items[0].Amount, r.Items[1].Amount = MaxAmount, 1 }},
		{"NUL in name", "bad_text", "payer.name", func(r *IssueRequest) { r.Payer.Name = "An\x00" }},
		{"bad UTF-8 in item", "bad_text", "items[1].name", func(r *IssueRequest) { r.Items[1].Name = "Ph\xffí" }},
		{"long address", "too_long", "payer.address", func(r *IssueRequest) { r.Payer.Address = strings.Repeat("a", 501) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newMem()
			l, _ := NewLocal(m, Options{})
			req := request()
			c.edit(&req)
			_, err := l.Issue(context.Background(), req)
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Code != c.code || len(e.Fields) != 1 || e.Fields[0].Name != c.field {
				t.Fatalf("got %v (%+v), want %s on %s", err, e, c.code, c.field)
			}
			if e.VI == "" || e.EN == "" || e.VI == e.EN {
				t.Errorf("messages: %q / %q", e.VI, e.EN)
			}
			if m.calls != 0 {
				t.Errorf("the store was called %d times", m.calls)
			}
		})
	}
	// Cash at the desk needs no gateway reference.
	req := request()
	req.Method, req.PaymentRef = Cash, ""
	l, _ := NewLocal(newMem(), Options{})
	if _, err := l.Issue(context.Background(), req); err != nil {
		t.Errorf("cash without reference: %v", err)
	}
}

// failing is a store that cannot be reached.
type failing struct{ memStore }

func (*failing) CreateReceipts(context.Context, []*Receipt) ([]*Receipt, error) {
	return nil, errors.New("connection refused")
}

func TestIssueWrapsStoreErrors(t *testing.T) {
	l, _ := NewLocal(&failing{}, Options{})
	_, err := l.Issue(context.Background(), request())
	if err == nil || !strings.Contains(err.Error(), "issuing receipts for dossier H26.01-250303-0007") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error: %v", err)
	}
}
