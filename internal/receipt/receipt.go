// Package receipt issues electronic fee and charge receipts (biên lai điện
// tử, Decree 123/2020 and Circular 78/2021): one receipt per kind of
// collection for a payment, numbered without gaps per unit and series, with
// the amount in figures and words, and their PDF.
//
// Issuance sits behind Issuer so that a provider's receipts, or the national
// payment platform's GET_BILL, can replace the local issuer.
package receipt

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// Kind is what was collected. Phí (a fee for a service) and lệ phí (a state
// charge) are accounted separately, so they never share a receipt.
type Kind string

// The kinds of collection.
const (
	Fee    Kind = "phi"    // phí
	Charge Kind = "le_phi" // lệ phí
)

// Kinds lists the kinds in the order their receipts are issued.
var Kinds = []Kind{Fee, Charge}

// Method is how the payer paid.
type Method string

// Payment methods.
const (
	Online   Method = "online"   // through a payment gateway
	Cash     Method = "cash"     // at the desk
	Transfer Method = "transfer" // bank transfer to the unit's account
)

// DefaultForm is the receipt form symbol (ký hiệu mẫu biên lai) of
// Circular 78/2021 for fee and charge receipts: "01BLP" for a receipt of
// phí and lệ phí, then the issuer's form variant.
const DefaultForm = "01BLP0-001"

// DefaultPrefix is the two letters of a series when a unit has none
// configured.
const DefaultPrefix = "BL"

// Payer is who paid, as the receipt names them.
type Payer struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number,omitempty"`
	Address  string `json:"address,omitempty"`
}

// Item is one collected amount.
type Item struct {
	Kind   Kind   `json:"kind"`
	Code   string `json:"code,omitempty"`
	Name   string `json:"name"`
	Amount int64  `json:"amount"` // đồng
}

// Receipt is one issued receipt. Form, Series and Number identify it, as
// printed: "Mẫu số 01BLP0-001, Ký hiệu BL-25E, Số 0000042".
type Receipt struct {
	ID       int64
	UnitID   int64
	UnitCode string
	UnitName string
	// Form is the form symbol (mẫu số), Series the series (ký hiệu).
	Form   string
	Series string
	// Number runs from 1 without gaps within the unit and series; it is
	// printed on 7 digits (see NumberText).
	Number      int64
	IssuedAt    time.Time
	Payer       Payer
	Kind        Kind
	Items       []Item
	Total       int64
	Method      Method
	PaymentRef  string // the gateway's or the desk's reference
	DossierCode string
}

// NumberText is the printed number: seven digits.
func (r *Receipt) NumberText() string { return fmt.Sprintf("%07d", r.Number) }

// Title is the receipt's heading, by kind.
func (r *Receipt) Title() string {
	if r.Kind == Charge {
		return "BIÊN LAI THU LỆ PHÍ"
	}
	return "BIÊN LAI THU PHÍ"
}

// IssueRequest is a settled payment to give receipts for.
type IssueRequest struct {
	UnitID      int64
	UnitCode    string
	UnitName    string
	Payer       Payer
	Items       []Item // of either kind; split into one receipt per kind
	Method      Method
	PaymentRef  string
	DossierCode string
}

// Issuer gives the receipts of a settled payment and their PDF.
type Issuer interface {
	// Issue returns one receipt per kind of the request's items, fee
	// first. Issuing again for the same payment reference returns the
	// receipts already issued.
	Issue(ctx context.Context, req IssueRequest) ([]*Receipt, error)
	// PDF renders a receipt.
	PDF(ctx context.Context, r *Receipt) ([]byte, error)
}

// Store keeps receipts and their numbering.
type Store interface {
	// CreateReceipts numbers and stores the receipts in one transaction:
	// each gets the next number of its unit and series and its id, or
	// none is stored and no number is used. If receipts were already
	// stored for the payment reference, it stores nothing and returns
	// those instead.
	CreateReceipts(ctx context.Context, rs []*Receipt) ([]*Receipt, error)
	// Receipt reads one receipt; apperr.ErrNotFound if there is none.
	Receipt(ctx context.Context, id int64) (*Receipt, error)
	// DossierReceipts lists a dossier's receipts, oldest first.
	DossierReceipts(ctx context.Context, dossierCode string) ([]*Receipt, error)
}

// Limits on what a receipt holds.
const (
	MaxItems  = 50
	MaxAmount = 1_000_000_000_000 // a thousand billion đồng: far above any fee
	maxText   = 500
)

var prefixRE = regexp.MustCompile(`^[A-Z]{2}$`)

// Series is the series (ký hiệu) of a unit's receipts issued at t: the
// unit's two capital letters, the year's last two digits and "E" for an
// electronic receipt ("BL-25E"). A new year thus starts a new series, and
// numbering restarts from 1.
func Series(prefix string, t time.Time) string {
	return fmt.Sprintf("%s-%02dE", prefix, t.In(Zone).Year()%100)
}

// Zone is where receipt dates and series years are reckoned.
var Zone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

func invalid(field, code, vi, en string) error {
	e := apperr.New(apperr.Invalid, code, vi, en)
	e.Fields = []apperr.Field{{Name: field, Code: code, Message: vi, MessageEN: en}}
	return e
}

// Validate checks a request before anything is numbered.
func (req *IssueRequest) Validate() error {
	// In a fixed order, so that the same request always gets the same
	// answer.
	texts := [][2]string{{"payer.name", req.Payer.Name}, {"payer.id_number", req.Payer.IDNumber},
		{"payer.address", req.Payer.Address}, {"payment_ref", req.PaymentRef}, {"dossier_code", req.DossierCode}}
	for i, it := range req.Items {
		texts = append(texts, [2]string{fmt.Sprintf("items[%d].code", i), it.Code}, [2]string{fmt.Sprintf("items[%d].name", i), it.Name})
	}
	for _, ft := range texts {
		f, s := ft[0], ft[1]
		if err := apperr.CheckText(f, s); err != nil {
			return err
		}
		if len(s) > maxText {
			return invalid(f, "too_long", fmt.Sprintf("Trường «%s» quá dài (tối đa %d ký tự).", f, maxText),
				fmt.Sprintf("Field %q is too long (%d characters at most).", f, maxText))
		}
	}
	if req.UnitID == 0 || strings.TrimSpace(req.UnitName) == "" {
		return invalid("unit", "receipt_no_unit", "Chưa xác định đơn vị thu.", "The collecting unit is missing.")
	}
	if strings.TrimSpace(req.Payer.Name) == "" {
		return invalid("payer.name", "receipt_no_payer", "Chưa có tên người nộp tiền.", "The payer's name is missing.")
	}
	switch req.Method {
	case Online, Cash, Transfer:
	default:
		return invalid("method", "receipt_bad_method", "Hình thức thanh toán không hợp lệ.", "The payment method is not valid.")
	}
	if req.Method == Online && strings.TrimSpace(req.PaymentRef) == "" {
		return invalid("payment_ref", "receipt_no_reference", "Thiếu mã giao dịch thanh toán trực tuyến.", "An online payment needs its transaction reference.")
	}
	if len(req.Items) == 0 {
		return invalid("items", "receipt_no_items", "Biên lai phải có ít nhất một khoản thu.", "A receipt needs at least one item.")
	}
	if len(req.Items) > MaxItems {
		return invalid("items", "receipt_too_many_items", fmt.Sprintf("Biên lai có tối đa %d khoản thu.", MaxItems),
			fmt.Sprintf("A receipt has %d items at most.", MaxItems))
	}
	var total int64
	for i, it := range req.Items {
		f := fmt.Sprintf("items[%d]", i)
		if it.Kind != Fee && it.Kind != Charge {
			return invalid(f+".kind", "receipt_bad_kind", "Loại khoản thu phải là phí hoặc lệ phí.", "An item's kind must be a fee (phí) or a charge (lệ phí).")
		}
		if strings.TrimSpace(it.Name) == "" {
			return invalid(f+".name", "receipt_no_item_name", "Khoản thu chưa có tên.", "An item has no name.")
		}
		if it.Amount <= 0 || it.Amount > MaxAmount {
			return invalid(f+".amount", "receipt_bad_amount", "Số tiền của khoản thu phải lớn hơn 0 và không vượt quá 1.000 tỷ đồng.",
				"An item's amount must be above 0 and at most 1,000 billion đồng.")
		}
		total += it.Amount // at most MaxItems × MaxAmount: no overflow
	}
	if total > MaxAmount {
		return invalid("items", "receipt_bad_amount", "Tổng số tiền không được vượt quá 1.000 tỷ đồng.", "The total may not exceed 1,000 billion đồng.")
	}
	return nil
}

// Split builds the request's receipts, one per kind present, fee first,
// not yet numbered: every field but ID and Number is set.
func (req *IssueRequest) Split(form, series string, at time.Time) []*Receipt {
	var out []*Receipt
	for _, k := range Kinds {
		r := &Receipt{UnitID: req.UnitID, UnitCode: req.UnitCode, UnitName: req.UnitName, Form: form, Series: series,
			IssuedAt: at, Payer: req.Payer, Kind: k, Method: req.Method, PaymentRef: req.PaymentRef, DossierCode: req.DossierCode}
		for _, it := range req.Items {
			if it.Kind == k {
				r.Items = append(r.Items, it)
				r.Total += it.Amount
			}
		}
		if len(r.Items) > 0 {
			out = append(out, r)
		}
	}
	return out
}
