package stats

import "testing"

func TestRealUseFinish(t *testing.T) {
	for _, tc := range []struct {
		name         string
		in           RealUse
		used, online float64
		unused       bool
	}{
		{"none offered", RealUse{}, 0, 0, false},
		{"offered, unused", RealUse{Offered: 3, Dossiers: 4}, 0, 0, true},
		{"a third used", RealUse{Offered: 3, Used: 1, Dossiers: 3, Online: 2}, 33.33, 66.67, false},
		{"all used", RealUse{Offered: 2, Used: 2, Dossiers: 52, Online: 50}, 100, 96.15, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.in
			r.Finish()
			if r.UsedRate != tc.used || r.OnlineRate != tc.online || r.Unused() != tc.unused {
				t.Fatalf("got used %v online %v unused %v, want %v %v %v", r.UsedRate, r.OnlineRate, r.Unused(), tc.used, tc.online, tc.unused)
			}
		})
	}
}
