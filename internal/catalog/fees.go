package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// FeeKind is what a fee item is in law: a phí (a charge for a service the
// state renders) or a lệ phí (a levy for a state act). The two go on
// separate receipts (Circular 78/2021/TT-BTC).
type FeeKind string

// Fee kinds.
const (
	FeeCharge FeeKind = "phi"
	FeeLevy   FeeKind = "le_phi"
)

// FeeTiming is when an item is collected: before processing (thu trước),
// with the result (thu sau), or never (miễn).
type FeeTiming string

// Fee timings.
const (
	CollectBefore   FeeTiming = "before"
	CollectAtResult FeeTiming = "at_result"
	CollectExempt   FeeTiming = "exempt"
)

// FeeItem is one fee of a procedure version, as the province's fee
// resolution sets it.
type FeeItem struct {
	Kind FeeKind `json:"kind"`
	// Code identifies the item in receipts and the national payment
	// platform's fee lines (MaPhiLePhi).
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	AmountVND int64     `json:"amount"`
	Collect   FeeTiming `json:"collect"`
	// ExemptChannels are the channels on which the item is not collected
	// ("online": resolutions waiving fees for online submissions).
	ExemptChannels []string `json:"exempt_channels,omitempty"`
	// ExemptIf names checkbox fields of the form: the item is not
	// collected when the applicant ticks any of them (a category the law
	// exempts: poor household, person with disabilities…).
	ExemptIf []string `json:"exempt_if,omitempty"`
	// Basis is the act that sets the item (a fee resolution).
	Basis string `json:"basis,omitempty"`
}

// FeeDue is one item as it applies to a dossier.
type FeeDue struct {
	FeeItem
	// Amount is what the applicant owes for the item: 0 when exempt.
	Amount int64 `json:"amount_due"`
	// Exempt says why nothing is owed: "timing" (an exempt item),
	// "channel" or the form field of the exempting category.
	Exempt string `json:"exempt,omitempty"`
}

// Fee channels an item may be exempt on.
var feeChannels = []string{"online", "counter", "post"}

// FeeItems returns the version's fee items; a version that sets only the
// older single amount (FeeVND) has one lệ phí collected before processing.
func (v *Version) FeeItems() []FeeItem {
	if len(v.Fees) > 0 || v.FeeVND <= 0 {
		return v.Fees
	}
	return []FeeItem{{Kind: FeeLevy, Code: "LP", Name: "Lệ phí", AmountVND: v.FeeVND, Collect: CollectBefore}}
}

// FeesDue computes what a dossier of the version owes, item by item, for
// the channel it came by and the form it carries: an item is owed unless
// it is exempt in itself, on the channel, or for a category the applicant
// ticked. The result is the same whenever it is computed, since a dossier
// keeps its version and its form.
func (v *Version) FeesDue(channel string, form map[string]any) []FeeDue {
	var out []FeeDue
	for _, it := range v.FeeItems() {
		d := FeeDue{FeeItem: it, Amount: it.AmountVND}
		switch {
		case it.Collect == CollectExempt:
			d.Exempt = "timing"
		case slices.Contains(it.ExemptChannels, channel):
			d.Exempt = "channel"
		default:
			for _, f := range it.ExemptIf {
				if b, ok := form[f].(bool); ok && b {
					d.Exempt = f
					break
				}
			}
		}
		if d.Exempt != "" {
			d.Amount = 0
		}
		out = append(out, d)
	}
	return out
}

// Total adds up the amounts owed of the items collected at timing.
func Total(dues []FeeDue, timing FeeTiming) int64 {
	var n int64
	for _, d := range dues {
		if d.Collect == timing {
			n += d.Amount
		}
	}
	return n
}

// checkFees returns what is wrong with the version's fee items.
func (v *Version) checkFees() []string {
	var bad []string
	seen := map[string]bool{}
	for i, it := range v.Fees {
		where := fmt.Sprintf("fee %d (%q)", i+1, it.Code)
		switch {
		case strings.TrimSpace(it.Code) == "":
			bad = append(bad, where+": empty code")
		case seen[it.Code]:
			bad = append(bad, where+": duplicate code")
		}
		seen[it.Code] = true
		if it.Kind != FeeCharge && it.Kind != FeeLevy {
			bad = append(bad, fmt.Sprintf("%s: kind %q is neither phi nor le_phi", where, it.Kind))
		}
		if err := checkText(it.Name); err != nil || strings.TrimSpace(it.Name) == "" {
			bad = append(bad, where+": empty or invalid name")
		}
		if it.AmountVND < 0 {
			bad = append(bad, where+": negative amount")
		}
		switch it.Collect {
		case CollectBefore, CollectAtResult:
			if it.AmountVND == 0 {
				bad = append(bad, where+": an amount of 0 collected: say exempt")
			}
		case CollectExempt:
		default:
			bad = append(bad, fmt.Sprintf("%s: collect %q is not before, at_result or exempt", where, it.Collect))
		}
		for _, c := range it.ExemptChannels {
			if !slices.Contains(feeChannels, c) {
				bad = append(bad, fmt.Sprintf("%s: unknown exempt channel %q", where, c))
			}
		}
		for _, f := range it.ExemptIf {
			if fd, ok := v.Form.Field(f); !ok || fd.Type != FieldCheckbox {
				bad = append(bad, fmt.Sprintf("%s: exempt_if %q is not a checkbox of the form", where, f))
			}
		}
	}
	if len(v.Fees) > 0 && v.FeeVND != 0 {
		bad = append(bad, "both fee and fees set: give the items only")
	}
	return bad
}
