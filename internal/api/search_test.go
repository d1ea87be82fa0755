package api_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestSearchCommonSpellings: the catalogue finds a procedure by the
// spellings and names people use ("dang ki" for "đăng ký", "giấy chứng
// nhận kết hôn" for the marriage registration), on both engines.
func TestSearchCommonSpellings(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			anon := env.Anon()
			for _, tc := range []struct {
				q    string
				want []string
			}{
				{"dang+ki+ket+hon", []string{apptest.Marriage}},
				{"%C4%91%C4%83ng+k%C3%AD+k%E1%BA%BFt+h%C3%B4n", []string{apptest.Marriage}}, // "đăng kí kết hôn"
				{"giay+chung+nhan+ket+hon", []string{apptest.Marriage}},
				{"ly+lich+tu+phap", []string{apptest.CriminalRc}},
				{"ket+hon+ly+lich", nil},
			} {
				var out struct{ Items []struct{ Code string } }
				if st := anon.Do("GET", "/api/v1/procedures?q="+tc.q, nil, &out); st != 200 {
					t.Fatalf("%s: %d", tc.q, st)
				}
				var got []string
				for _, p := range out.Items {
					got = append(got, p.Code)
				}
				if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
					t.Errorf("%s: %v, want %v", tc.q, got, tc.want)
				}
			}
			// The portal's catalogue uses the same terms.
			if p := env.Browser().Do("GET", "/thu-tuc?q=dang+ki+ket+hon", nil, nil); p.Status != 200 || !strings.Contains(p.Body, "Đăng ký kết hôn") {
				t.Errorf("portal search: %d", p.Status)
			}
		})
	}
}
