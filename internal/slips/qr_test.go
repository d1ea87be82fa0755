package slips

import "testing"

// Slip 01's QR leads to the result's verification page; the others to the
// tracking page.
func TestQRPath(t *testing.T) {
	for _, tt := range []struct{ no, want string }{
		{"01", "/xac-thuc/000.12.02.H26-261205-0001"},
		{"02", "/tra-cuu/000.12.02.H26-261205-0001"},
		{"08", "/tra-cuu/000.12.02.H26-261205-0001"},
	} {
		if got := QRPath(tt.no, "000.12.02.H26-261205-0001"); got != tt.want {
			t.Errorf("QRPath(%q) = %q, want %q", tt.no, got, tt.want)
		}
	}
}
