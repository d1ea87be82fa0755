package chart

import (
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample(id string) Chart {
	return Chart{
		ID:     id,
		Title:  "Hồ sơ tiếp nhận theo tháng",
		Corner: "Tháng",
		Labels: []string{"01/2025", "02/2025", "03/2025"},
		Series: []Series{
			{Name: "Trực tuyến", Values: []float64{3, 0, 7}},
			{Name: "Trực tiếp", Values: []float64{5, 2}}, // a missing value draws 0
		},
	}
}

func TestGolden(t *testing.T) {
	pct := sample("rate")
	pct.Title, pct.Max = "Tỷ lệ đúng hạn <%>", 100
	pct.Series = []Series{{Name: "Đúng hạn & trước hạn", Values: []float64{100, 50, 66.67}}}
	pct.Format = func(v float64) string { return strings.Replace(f1(v), ".", ",", 1) + " %" }
	for _, tc := range []struct {
		name string
		got  string
	}{
		{"bars", string(Bars(sample("received")))},
		{"line", string(Line(pct))},
		{"empty", string(Bars(Chart{ID: "none", Title: "Trống"}))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", tc.name+".golden.html")
			if *update {
				if err := os.WriteFile(path, []byte(tc.got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.got != string(want) {
				t.Errorf("%s differs from %s (go test -update to accept):\n%s", tc.name, path, tc.got)
			}
			// The figure is well-formed XML, so the SVG inside it is too.
			d := xml.NewDecoder(strings.NewReader(tc.got))
			for {
				if _, err := d.Token(); err != nil {
					if err.Error() != "EOF" {
						t.Fatalf("not well-formed: %v", err)
					}
					break
				}
			}
		})
	}
}

func TestAccessible(t *testing.T) {
	got := string(Bars(sample("received")))
	for _, w := range []string{
		`role="img"`, `aria-labelledby="chart-received-title"`, `<title id="chart-received-title">Hồ sơ tiếp nhận theo tháng</title>`,
		`<table class="chart-table" id="chart-received-table">`, `<caption>Hồ sơ tiếp nhận theo tháng</caption>`,
		`<tr><th scope="row">03/2025</th><td>7</td><td>0</td></tr>`, `<th scope="col">Trực tiếp</th>`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	// Titles are escaped, never markup.
	c := sample("x")
	c.Title = `<script>alert(1)</script>`
	if s := string(Line(c)); strings.Contains(s, "<script>") {
		t.Fatalf("title not escaped:\n%s", s)
	}
}

func TestTop(t *testing.T) {
	for _, tc := range []struct {
		vals []float64
		max  float64
		want float64
	}{
		{nil, 0, 1}, {[]float64{0}, 0, 1}, {[]float64{7}, 0, 10}, {[]float64{1.5}, 0, 2}, {[]float64{230}, 0, 250},
		{[]float64{12}, 0, 20}, {[]float64{600}, 0, 1000}, {[]float64{50}, 100, 100},
	} {
		if got := (Chart{Series: []Series{{Values: tc.vals}}, Max: tc.max}).top(); got != tc.want {
			t.Errorf("top(%v, max %v) = %v, want %v", tc.vals, tc.max, got, tc.want)
		}
	}
}
