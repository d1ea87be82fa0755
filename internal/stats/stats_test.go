package stats

import "testing"

func TestPercent(t *testing.T) {
	tests := []struct {
		part, whole int
		want        float64
	}{
		// Hoàn Kiếm's wards, as the district reported: 1,262 of 1,843 online.
		{1262, 1843, 68.48},
		// Hoàn Kiếm's district level: 50 of 52, published as 96.15%.
		{50, 52, 96.15},
		{25, 26, 96.15},
		{0, 0, 0},
		{0, 7, 0},
		{1, 3, 33.33},
		{2, 3, 66.67},
		{5, 5, 100},
		{1, 8, 12.5},    // 12.5 exactly
		{1, 16, 6.25},   // 6.25 exactly
		{1, 32, 3.13},   // 3.125: half rounds up
		{1, 80000, 0},   // 0.00125
		{1, 40000, 0.0}, // 0.0025 → 0.00
		{1, 20000, 0.01},
		{2, 3000, 0.07}, // 0.0666…
	}
	for _, tt := range tests {
		if got := Percent(tt.part, tt.whole); got != tt.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		rate   float64
		vi, en string
	}{
		{96.15, "96,15 %", "96.15%"},
		{Percent(25, 26), "96,15 %", "96.15%"},
		{100, "100,00 %", "100.00%"},
		{0, "0,00 %", "0.00%"},
		{12.5, "12,50 %", "12.50%"},
		{68.48, "68,48 %", "68.48%"},
	}
	for _, tt := range tests {
		if got := FormatPercent(tt.rate, "vi"); got != tt.vi {
			t.Errorf("FormatPercent(%v, vi) = %q, want %q", tt.rate, got, tt.vi)
		}
		if got := FormatPercent(tt.rate, "en"); got != tt.en {
			t.Errorf("FormatPercent(%v, en) = %q, want %q", tt.rate, got, tt.en)
		}
	}
}

func TestReportFinish(t *testing.T) {
	r := Report{Received: Received{Online: 1262, Counter: 581, CarriedOver: 10, Offered: 26, OfferedOnline: 25},
		Finished: Finished{Early: 3, OnTime: 5, Late: 2}, InProgress: InProgress{Within: 4, Overdue: 1}}
	r.Finish()
	if r.Received.Total != 1853 || r.Finished.Total != 10 || r.InProgress.Total != 5 {
		t.Errorf("totals: %+v", r)
	}
	if r.OnlineRate != 68.48 || r.OnlineRateOffered != 96.15 || r.OnTimeRate != 80 {
		t.Errorf("rates: online %v offered %v on time %v", r.OnlineRate, r.OnlineRateOffered, r.OnTimeRate)
	}
}

// TestSatisfactionFinish: the total and each level's share, rounded on its
// own to two decimals; no rating gives zero shares, not a division by zero.
func TestSatisfactionFinish(t *testing.T) {
	tests := []struct {
		name           string
		in             Satisfaction
		total          int
		very, sat, dis float64
	}{
		{"none", Satisfaction{}, 0, 0, 0, 0},
		{"one of each", Satisfaction{VerySatisfied: 1, Satisfied: 1, Dissatisfied: 1}, 3, 33.33, 33.33, 33.33},
		{"two of three", Satisfaction{VerySatisfied: 2, Dissatisfied: 1}, 3, 66.67, 0, 33.33},
		{"all satisfied", Satisfaction{Satisfied: 7, AtDesk: 2}, 7, 0, 100, 0},
		{"one in eight", Satisfaction{VerySatisfied: 5, Satisfied: 2, Dissatisfied: 1}, 8, 62.5, 25, 12.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.in
			s.Finish()
			if s.Total != tt.total || s.VerySatisfiedRate != tt.very || s.SatisfiedRate != tt.sat || s.DissatisfiedRate != tt.dis {
				t.Errorf("got total %d shares %v / %v / %v, want %d %v / %v / %v", s.Total,
					s.VerySatisfiedRate, s.SatisfiedRate, s.DissatisfiedRate, tt.total, tt.very, tt.sat, tt.dis)
			}
		})
	}
	// A report finishes its satisfaction with the rest.
	r := Report{Satisfaction: Satisfaction{VerySatisfied: 1, Satisfied: 3}}
	r.Finish()
	if r.Satisfaction.Total != 4 || r.Satisfaction.SatisfiedRate != 75 {
		t.Errorf("report satisfaction: %+v", r.Satisfaction)
	}
}
