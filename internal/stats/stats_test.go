package stats

import "testing"

func TestPercent(t *testing.T) {
	tests := []struct {
		part, whole int
		want        float64
	}{
		// Hoàn Kiếm's wards, as the district reported: 1,262 of 1,843 online.
		{1262, 1843, 68.5},
		// Hoàn Kiếm's district level: 50 of 52 (96.15% → one decimal).
		{50, 52, 96.2},
		{0, 0, 0},
		{1, 3, 33.3},
		{2, 3, 66.7},
		{5, 5, 100},
	}
	for _, tt := range tests {
		if got := Percent(tt.part, tt.whole); got != tt.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestReportFinish(t *testing.T) {
	r := Report{Received: Received{Online: 1262, Counter: 581, CarriedOver: 10},
		Finished: Finished{Early: 3, OnTime: 5, Late: 2}, InProgress: InProgress{Within: 4, Overdue: 1}}
	r.Finish()
	if r.Received.Total != 1853 || r.Finished.Total != 10 || r.InProgress.Total != 5 {
		t.Errorf("totals: %+v", r)
	}
	if r.OnlineRate != 68.5 || r.OnTimeRate != 80 {
		t.Errorf("rates: online %v on time %v", r.OnlineRate, r.OnTimeRate)
	}
}
