package dossier

import (
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
)

// Ways to receive the result, chosen by the applicant at submission and
// printed on slip 01 (Decree 61/2018/NĐ-CP: at the desk, by public postal
// service, or online).
const (
	DeliverInPerson = "in_person"
	DeliverPost     = "post"
	DeliverOnline   = "online"
)

// DeliveryMethods lists them in the order forms offer them.
var DeliveryMethods = []string{DeliverInPerson, DeliverPost, DeliverOnline}

// DeliveryMethodsFor lists the methods the procedure version allows, in
// the order forms offer them: online only where the procedure is provided
// fully online, the rule CheckDelivery applies.
func DeliveryMethodsFor(v *catalog.Version) []string {
	var out []string
	for _, m := range DeliveryMethods {
		if m != DeliverOnline || onlineResults(v) {
			out = append(out, m)
		}
	}
	return out
}

// onlineResults reports whether the procedure issues electronic results.
func onlineResults(v *catalog.Version) bool { return v.Class == catalog.ClassFull }

// Delivery is how the applicant asked to receive the result.
type Delivery struct {
	Method  string `json:"method"`
	Address string `json:"address,omitempty"` // post: where to send it
}

// maxAddress bounds a postal address, in characters.
const maxAddress = 300

// CheckDelivery checks the applicant's choice for the procedure version:
// a known method (none means at the desk); a postal address for post; an
// electronic result only where the procedure is provided fully online
// (Decree 42/2022/NĐ-CP), since only then is the result issued as an
// electronic document. Every surface (portal, counter, API) calls it, and
// Submit calls it whatever the surface did.
func CheckDelivery(v *catalog.Version, in *Delivery) (Delivery, error) {
	if in == nil || strings.TrimSpace(in.Method) == "" {
		return Delivery{Method: DeliverInPerson}, nil
	}
	out := Delivery{Method: strings.TrimSpace(in.Method)}
	field := func(name, code, vi, en string) error {
		e := apperr.New(apperr.Invalid, "delivery_invalid", "Hình thức nhận kết quả chưa hợp lệ.", "The way to receive the result is invalid.")
		e.Fields = []apperr.Field{{Name: name, Code: code, Message: vi, MessageEN: en}}
		return e
	}
	switch out.Method {
	case DeliverInPerson:
	case DeliverPost:
		out.Address = strings.Join(strings.Fields(in.Address), " ")
		if out.Address == "" {
			return Delivery{}, field("delivery.address", "address_required", "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.", "Give the address to post the result to.")
		}
		if len([]rune(out.Address)) > maxAddress || apperr.CheckText("delivery.address", out.Address) != nil {
			return Delivery{}, field("delivery.address", "address_invalid", "Địa chỉ nhận kết quả không hợp lệ (tối đa 300 ký tự).", "The postal address is invalid (300 characters at most).")
		}
	case DeliverOnline:
		if !onlineResults(v) {
			return Delivery{}, field("delivery.method", "online_result_not_offered",
				"Thủ tục này chưa trả kết quả điện tử; vui lòng chọn nhận trực tiếp hoặc qua bưu chính.",
				"This procedure does not issue electronic results; choose the desk or the post.")
		}
	default:
		return Delivery{}, field("delivery.method", "method_invalid", "Vui lòng chọn nhận kết quả trực tiếp, qua bưu chính hoặc trực tuyến.",
			"Choose to receive the result at the desk, by post or online.")
	}
	return out, nil
}

// hasResultFile reports whether an electronic result is attached.
func (d *Dossier) hasResultFile() bool {
	for _, doc := range d.Documents {
		if doc.Kind == DocResult {
			return true
		}
	}
	return false
}

// ResultRevoked returns the event that revoked the dossier's electronic
// result, or nil (the events must be loaded).
func (d *Dossier) ResultRevoked() *Event {
	for i := range d.Events {
		if d.Events[i].Action == ActRevokeResult {
			return &d.Events[i]
		}
	}
	return nil
}
