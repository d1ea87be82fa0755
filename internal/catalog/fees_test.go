package catalog

import (
	"strings"
	"testing"
)

func feeVersion() *Version {
	return &Version{
		Form: Form{Fields: []Field{{Name: "ho_ngheo", Label: "Thuộc hộ nghèo", Type: FieldCheckbox}, {Name: "ghi_chu", Label: "Ghi chú", Type: FieldText}}},
		Fees: []FeeItem{
			{Kind: FeeLevy, Code: "LP01", Name: "Lệ phí cấp giấy phép", AmountVND: 100000, Collect: CollectBefore, ExemptIf: []string{"ho_ngheo"}},
			{Kind: FeeCharge, Code: "P01", Name: "Phí thẩm định", AmountVND: 500000, Collect: CollectBefore, ExemptChannels: []string{"online"}},
			{Kind: FeeCharge, Code: "P02", Name: "Phí cấp bản sao", AmountVND: 8000, Collect: CollectAtResult},
			{Kind: FeeLevy, Code: "LP02", Name: "Lệ phí đăng ký (miễn)", Collect: CollectExempt},
		},
	}
}

func TestFeesDue(t *testing.T) {
	tests := []struct {
		name          string
		channel       string
		form          map[string]any
		before, atEnd int64
		exempt        map[string]string
	}{
		{"at the counter", "counter", map[string]any{}, 600000, 8000, map[string]string{"LP02": "timing"}},
		{"online: the appraisal waived", "online", map[string]any{}, 100000, 8000, map[string]string{"P01": "channel", "LP02": "timing"}},
		{"a poor household online", "online", map[string]any{"ho_ngheo": true}, 0, 8000, map[string]string{"LP01": "ho_ngheo", "P01": "channel", "LP02": "timing"}},
		{"the box not ticked", "counter", map[string]any{"ho_ngheo": false}, 600000, 8000, map[string]string{"LP02": "timing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dues := feeVersion().FeesDue(tt.channel, tt.form)
			if got := Total(dues, CollectBefore); got != tt.before {
				t.Errorf("before: %d, want %d", got, tt.before)
			}
			if got := Total(dues, CollectAtResult); got != tt.atEnd {
				t.Errorf("at result: %d, want %d", got, tt.atEnd)
			}
			for _, d := range dues {
				if d.Exempt != tt.exempt[d.Code] {
					t.Errorf("%s exempt %q, want %q", d.Code, d.Exempt, tt.exempt[d.Code])
				}
				if (d.Exempt != "") != (d.Amount == 0) {
					t.Errorf("%s: amount %d with exempt %q", d.Code, d.Amount, d.Exempt)
				}
			}
		})
	}
	// The older single amount is one lệ phí collected before processing.
	old := &Version{FeeVND: 50000}
	if d := old.FeesDue("online", nil); len(d) != 1 || d[0].Kind != FeeLevy || Total(d, CollectBefore) != 50000 {
		t.Errorf("single fee: %+v", d)
	}
	if d := (&Version{}).FeesDue("online", nil); len(d) != 0 {
		t.Errorf("no fee: %+v", d)
	}
}

func TestCheckFees(t *testing.T) {
	tests := []struct {
		name string
		edit func(v *Version)
		want string
	}{
		{"valid", func(*Version) {}, ""},
		{"bad kind", func(v *Version) { v.Fees[0].Kind = "thue" }, "neither phi nor le_phi"},
		{"duplicate code", func(v *Version) { v.Fees[1].Code = "LP01" }, "duplicate code"},
		{"negative", func(v *Version) { v.Fees[0].AmountVND = -1 }, "negative amount"},
		{"zero collected", func(v *Version) { v.Fees[2].AmountVND = 0 }, "say exempt"},
		{"bad timing", func(v *Version) { v.Fees[0].Collect = "later" }, "is not before"},
		{"bad channel", func(v *Version) { v.Fees[1].ExemptChannels = []string{"zalo"} }, "unknown exempt channel"},
		{"exempt_if not a checkbox", func(v *Version) { v.Fees[0].ExemptIf = []string{"ghi_chu"} }, "is not a checkbox"},
		{"both", func(v *Version) { v.FeeVND = 1000 }, "both fee and fees"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := feeVersion()
			tt.edit(v)
			got := strings.Join(v.checkFees(), "; ")
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("checkFees = %q, want %q", got, tt.want)
			}
		})
	}
}
