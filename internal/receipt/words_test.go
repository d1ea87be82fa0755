package receipt

import (
	"math"
	"testing"
)

// TestAmountInWords checks the spelling against amounts worked out by hand
// from the rules a treasury clerk follows (linh, mốt, tư, lăm, không trăm).
func TestAmountInWords(t *testing.T) {
	cases := []struct {
		vnd  int64
		want string
	}{
		{0, "Không đồng"},
		{1, "Một đồng"},
		{5, "Năm đồng"},
		{10, "Mười đồng"},
		{11, "Mười một đồng"},
		{14, "Mười bốn đồng"},
		{15, "Mười lăm đồng"},
		{20, "Hai mươi đồng"},
		{21, "Hai mươi mốt đồng"},
		{24, "Hai mươi tư đồng"},
		{25, "Hai mươi lăm đồng"},
		{55, "Năm mươi lăm đồng"},
		{100, "Một trăm đồng"},
		{101, "Một trăm linh một đồng"},
		{104, "Một trăm linh bốn đồng"},
		{105, "Một trăm linh năm đồng"},
		{110, "Một trăm mười đồng"},
		{115, "Một trăm mười lăm đồng"},
		{999, "Chín trăm chín mươi chín đồng"},
		{1000, "Một nghìn đồng"},
		{1005, "Một nghìn không trăm linh năm đồng"},
		{1015, "Một nghìn không trăm mười lăm đồng"},
		{1050, "Một nghìn không trăm năm mươi đồng"},
		{1100, "Một nghìn một trăm đồng"},
		{10000, "Mười nghìn đồng"},
		{15000, "Mười lăm nghìn đồng"},
		{21000, "Hai mươi mốt nghìn đồng"},
		{50000, "Năm mươi nghìn đồng"},
		{105000, "Một trăm linh năm nghìn đồng"},
		{150000, "Một trăm năm mươi nghìn đồng"},
		{1000000, "Một triệu đồng"},
		{1000500, "Một triệu năm trăm đồng"},
		{1500000, "Một triệu năm trăm nghìn đồng"},
		{2005000, "Hai triệu không trăm linh năm nghìn đồng"},
		{2100000, "Hai triệu một trăm nghìn đồng"},
		{2000001, "Hai triệu không trăm linh một đồng"},
		{34_524_000, "Ba mươi tư triệu năm trăm hai mươi tư nghìn đồng"},
		{1_000_000_000, "Một tỷ đồng"},
		{1_000_000_005, "Một tỷ không trăm linh năm đồng"},
		{1_005_000_000, "Một tỷ không trăm linh năm triệu đồng"},
		{2_500_000_000, "Hai tỷ năm trăm triệu đồng"},
		{1_000_000_000_000, "Một nghìn tỷ đồng"},
		{21_001_000_000_000, "Hai mươi mốt nghìn không trăm linh một tỷ đồng"},
		{-5000, "Âm năm nghìn đồng"},
		{math.MaxInt64, "Chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn không trăm ba mươi sáu tỷ " +
			"tám trăm năm mươi tư triệu bảy trăm bảy mươi lăm nghìn tám trăm linh bảy đồng"},
	}
	for _, c := range cases {
		if got := AmountInWords(c.vnd); got != c.want {
			t.Errorf("AmountInWords(%d) = %q, want %q", c.vnd, got, c.want)
		}
	}
}

func TestAmountInWordsEN(t *testing.T) {
	cases := []struct {
		vnd  int64
		want string
	}{
		{0, "Zero dong"},
		{15, "Fifteen dong"},
		{21, "Twenty-one dong"},
		{105, "One hundred five dong"},
		{1005, "One thousand five dong"},
		{150000, "One hundred fifty thousand dong"},
		{2005000, "Two million five thousand dong"},
		{2100000, "Two million one hundred thousand dong"},
		{1_000_000_000, "One billion dong"},
		{-40, "Minus forty dong"},
	}
	for _, c := range cases {
		if got := AmountInWordsEN(c.vnd); got != c.want {
			t.Errorf("AmountInWordsEN(%d) = %q, want %q", c.vnd, got, c.want)
		}
	}
}

func TestFormatVND(t *testing.T) {
	cases := []struct {
		vnd  int64
		want string
	}{
		{0, "0"}, {5, "5"}, {999, "999"}, {1000, "1.000"}, {150000, "150.000"},
		{1500000, "1.500.000"}, {1_000_000_000, "1.000.000.000"}, {-25000, "-25.000"},
	}
	for _, c := range cases {
		if got := FormatVND(c.vnd); got != c.want {
			t.Errorf("FormatVND(%d) = %q, want %q", c.vnd, got, c.want)
		}
	}
}
