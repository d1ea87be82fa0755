package stats

import (
	"reflect"
	"testing"

	"github.com/motcua/motcua/internal/org"
)

func TestParseFigure(t *testing.T) {
	tests := []struct {
		in      string
		want    Figure
		wantErr bool
	}{
		{"", FigOnTime, false},
		{"dung-han", FigOnTime, false},
		{"truc-tuyen", FigOnline, false},
		{"giai-quyet-truc-tuyen", FigSolvedOnline, false},
		{"hai-long", FigSatisfaction, false},
		{"thoi-gian", FigMedianDays, false},
		{"on_time", "", true},
		{"DUNG-HAN", "", true},
		{"dung-han;drop", "", true},
	}
	for _, tt := range tests {
		got, err := ParseFigure(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseFigure(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestNewIndexRowAndValue(t *testing.T) {
	rep := Report{
		Received:     Received{Online: 3, Counter: 1, CarriedOver: 9},
		Finished:     Finished{Early: 2, OnTime: 3, Late: 1},
		Satisfaction: Satisfaction{VerySatisfied: 2, Satisfied: 2, Dissatisfied: 1, Total: 5},
	}
	r := NewIndexRow("X", "Phường X", rep, IndexTimes{Decided: 6, SolvedOnline: 4, MedianDays: 2.5})
	tests := []struct {
		f      Figure
		want   float64
		wantOK bool
		base   int
	}{
		{FigOnTime, 83.33, true, 6},
		// 4 received in the period (carried over ones are not), too few.
		{FigOnline, 75, false, 4},
		{FigSatisfaction, 80, true, 5},
		{FigSolvedOnline, 4, true, 6},
		{FigMedianDays, 2.5, true, 6},
		{Figure("nope"), 0, false, 0},
	}
	for _, tt := range tests {
		got, ok := r.Value(tt.f)
		if got != tt.want || ok != tt.wantOK || r.Base(tt.f) != tt.base {
			t.Errorf("%s: got %v %v base %d, want %v %v base %d", tt.f, got, ok, r.Base(tt.f), tt.want, tt.wantOK, tt.base)
		}
	}
}

// row is a unit with n finished dossiers of which onTime on time, and a
// median of days over n decided ones.
func row(code, parent string, kind org.Kind, n, onTime int, days float64) IndexRow {
	return IndexRow{Code: code, Parent: parent, Kind: kind, Finished: n, OnTime: onTime, Times: IndexTimes{Decided: n, MedianDays: days}}
}

func TestRankPeers(t *testing.T) {
	rows := []IndexRow{
		row("a", "q1", org.KindCommune, 10, 9, 3), // 90 %
		row("b", "q1", org.KindCommune, 10, 7, 2), // 70 %
		row("c", "q1", org.KindCommune, 10, 9, 2), // 90 %, ties a
		row("d", "q1", org.KindCommune, 4, 4, 1),  // too few: unranked
		row("e", "q2", org.KindCommune, 10, 1, 9), // another district
		row("f", "q1", org.KindDepartment, 10, 1, 9),
	}
	RankPeers(rows)
	want := map[string][2]map[Figure]int{ // rank, peers
		"a": {{FigOnTime: 1, FigMedianDays: 3, FigSolvedOnline: 1}, {FigOnTime: 3, FigMedianDays: 3, FigSolvedOnline: 3}},
		"b": {{FigOnTime: 3, FigMedianDays: 1, FigSolvedOnline: 1}, {FigOnTime: 3, FigMedianDays: 3, FigSolvedOnline: 3}},
		"c": {{FigOnTime: 1, FigMedianDays: 1, FigSolvedOnline: 1}, {FigOnTime: 3, FigMedianDays: 3, FigSolvedOnline: 3}},
		"d": {{}, {}},
		"e": {{FigOnTime: 1, FigMedianDays: 1, FigSolvedOnline: 1}, {FigOnTime: 1, FigMedianDays: 1, FigSolvedOnline: 1}},
		"f": {{FigOnTime: 1, FigMedianDays: 1, FigSolvedOnline: 1}, {FigOnTime: 1, FigMedianDays: 1, FigSolvedOnline: 1}},
	}
	for _, r := range rows {
		w := want[r.Code]
		if !reflect.DeepEqual(r.Rank, w[0]) || !reflect.DeepEqual(r.Peers, w[1]) {
			t.Errorf("%s: rank %v peers %v, want %v %v", r.Code, r.Rank, r.Peers, w[0], w[1])
		}
	}
}

func TestSortIndex(t *testing.T) {
	tests := []struct {
		f    Figure
		want string
	}{
		{FigOnTime, "acbd"},     // best first, ties keep order, too few last
		{FigMedianDays, "bcad"}, // shortest first
	}
	for _, tt := range tests {
		rows := []IndexRow{
			row("a", "", "", 10, 9, 3),
			row("b", "", "", 10, 7, 2),
			row("c", "", "", 10, 9, 2.5),
			row("d", "", "", 4, 4, 1),
		}
		SortIndex(rows, tt.f)
		got := ""
		for _, r := range rows {
			got += r.Code
		}
		if got != tt.want {
			t.Errorf("%s: %s, want %s", tt.f, got, tt.want)
		}
	}
}
