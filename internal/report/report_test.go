package report_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the reports as rendered")

var ict = time.FixedZone("ICT", 7*3600)

// fake answers stats.Service's questions from fixed reports: one per
// level, each with rows by field; the headline is their sum.
type fake struct {
	levels map[string][]stats.Report // level -> rows by field
	l4     stats.Level4
	// l4Calls counts the reads of the level-4 figures, which scan dossiers.
	l4Calls int
	figs    store.Figures766
	sat     stats.Satisfaction
}

func add(a, b stats.Report) stats.Report {
	a.Received.Online += b.Received.Online
	a.Received.Counter += b.Received.Counter
	a.Received.CarriedOver += b.Received.CarriedOver
	a.Received.Offered += b.Received.Offered
	a.Received.OfferedOnline += b.Received.OfferedOnline
	a.Finished.Early += b.Finished.Early
	a.Finished.OnTime += b.Finished.OnTime
	a.Finished.Late += b.Finished.Late
	a.InProgress.Within += b.InProgress.Within
	a.InProgress.Overdue += b.InProgress.Overdue
	return a
}

func (f *fake) level(lvl string) stats.Report {
	r := stats.Report{Level: lvl}
	for _, fr := range f.levels[lvl] {
		r = add(r, fr)
	}
	r.Field = ""
	r.Finish()
	return r
}

func (f *fake) StatsFiltered(_ context.Context, u *org.Unit, _, _, _ time.Time, _ bool, flt stats.Filter) (stats.Report, error) {
	if flt.Level != "" {
		return f.level(flt.Level), nil
	}
	var r stats.Report
	for lvl := range f.levels {
		r = add(r, f.level(lvl))
	}
	r.Unit, r.UnitName, r.Satisfaction = u.Code, u.Name, f.sat
	r.Finish()
	return r, nil
}

func (f *fake) StatsRows(_ context.Context, _ *org.Unit, _, _, _ time.Time, _ bool, flt stats.Filter, by string) ([]stats.Report, error) {
	var out []stats.Report
	switch by {
	case "level":
		for lvl := range f.levels {
			out = append(out, f.level(lvl))
		}
	case "field":
		for _, r := range f.levels[flt.Level] {
			r.Finish()
			out = append(out, r)
		}
	default:
		return nil, fmt.Errorf("by %q", by)
	}
	return out, nil
}

func (f *fake) Level4(context.Context, *org.Unit, time.Time, time.Time, time.Time, bool) (stats.Level4, error) {
	f.l4Calls++
	l := f.l4
	l.Finish()
	return l, nil
}

func (f *fake) ChildUnits(context.Context, string) ([]org.Unit, error) { return nil, nil }

func (f *fake) StatsChildren(context.Context, *org.Unit, []org.Unit, time.Time, time.Time, time.Time, stats.Filter) ([]stats.Report, error) {
	return nil, nil
}

func (f *fake) Figures766(context.Context, *org.Unit, time.Time, time.Time, bool) (store.Figures766, error) {
	return f.figs, nil
}

func row(field string, on, ctr, co, early, ontime, late, within, overdue int) stats.Report {
	r := stats.Report{Field: field}
	r.Received.Online, r.Received.Counter, r.Received.CarriedOver = on, ctr, co
	r.Received.Offered, r.Received.OfferedOnline = on+ctr, on
	r.Finished.Early, r.Finished.OnTime, r.Finished.Late = early, ontime, late
	r.InProgress.Within, r.InProgress.Overdue = within, overdue
	return r
}

var unit = &org.Unit{Code: "000.00.02.H26", Name: "Quận Hoàn Kiếm", Path: "/1/2/"}

func query() report.Query {
	return report.Query{Unit: unit, From: time.Date(2025, 1, 1, 0, 0, 0, 0, ict), To: time.Date(2025, 4, 1, 0, 0, 0, 0, ict)}
}

// sample is a district with province and commune procedures (no district
// ones) and a field with ratings only, whose cells are all 0.
func sample() *fake {
	return &fake{levels: map[string][]stats.Report{
		"province": {row("Tư pháp", 3, 1, 0, 1, 2, 0, 1, 0), row("Đất đai", 0, 0, 0, 0, 0, 0, 0, 0)},
		"commune":  {row("Chứng thực", 10, 30, 2, 20, 10, 2, 8, 2), row("Hộ tịch", 50, 2, 1, 40, 10, 1, 1, 1)},
	}}
}

func TestBuildII06a(t *testing.T) {
	src := sample()
	rep, err := report.BuildII06a(context.Background(), &stats.Service{Store: src}, query())
	if src.l4Calls != 0 {
		t.Errorf("II.06a read the level-4 figures %d times: it has no column for them", src.l4Calls)
	}
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Rows {
		got = append(got, fmt.Sprint(r.Kind, " ", r.No, " ", r.Name("vi"), " ", r.Values()))
	}
	want := []string{
		"level I Cấp tỉnh [4 3 0 1 3 1 2 0 1 1 0]",
		"field 1 Tư pháp [4 3 0 1 3 1 2 0 1 1 0]",
		"level II Cấp xã [95 60 3 32 83 60 20 3 12 9 3]",
		"field 1 Chứng thực [42 10 2 30 32 20 10 2 10 8 2]",
		"field 2 Hộ tịch [53 50 1 2 51 40 10 1 2 1 1]",
		"total  Tổng cộng [99 63 3 33 86 61 22 3 13 10 3]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Total != rep.Rows[len(rep.Rows)-1] || rep.Total.Name("en") != "Total" || rep.Rows[0].Name("en") != "Province level" {
		t.Errorf("total %+v", rep.Total)
	}
	// Every row adds up the way the form says: 3 = 4+5+6, 7 = 8+9+10, 11 = 12+13.
	for _, r := range rep.Rows {
		v := r.Values()
		if v[0] != v[1]+v[2]+v[3] || v[4] != v[5]+v[6]+v[7] || v[8] != v[9]+v[10] {
			t.Errorf("%s does not add up: %v", r.Name("vi"), v)
		}
	}
	if _, err := report.BuildII06a(context.Background(), &stats.Service{Store: sample()}, report.Query{}); err == nil {
		t.Error("no unit: no error")
	}
}

func TestD766Score(t *testing.T) {
	for _, c := range []struct {
		name            string
		f               *fake
		score, measured float64
		indicators      string
	}{
		{"nothing in the period", &fake{}, 0, 0,
			"1.1 false 0 2.1 false 0 3.1 false 0 3.2 false 0 3.3 false 0 4.1 false 0 4.2 false 0 4.3 false 0 5.1 false 0"},
		{"everything measured at 100 %", &fake{levels: map[string][]stats.Report{"commune": {row("Hộ tịch", 5, 0, 0, 2, 3, 0, 0, 0)}},
			l4:   stats.Level4{FeesPaid: 2, FeesPaidOnline: 2, Finished: 5, ResultsElectronic: 5},
			figs: store.Figures766{Received: 5, Digitised: 5, ProceduresOnline: 1, ProceduresUsedOnline: 1},
			sat:  stats.Satisfaction{VerySatisfied: 1, Satisfied: 1}}, 74.67, 74.67,
			"1.1 false 0 2.1 true 20 3.1 true 7.34 3.2 true 7.33 3.3 false 0 4.1 true 7.34 4.2 true 7.33 4.3 true 7.33 5.1 true 18"},
		{"partly", &fake{levels: map[string][]stats.Report{"commune": {row("Hộ tịch", 1, 2, 0, 0, 1, 2, 0, 0)}},
			l4:   stats.Level4{Finished: 3, ResultsElectronic: 1},
			figs: store.Figures766{Received: 3, Digitised: 2, ProceduresOnline: 4, ProceduresUsedOnline: 1},
			sat:  stats.Satisfaction{VerySatisfied: 1, Satisfied: 1, Dissatisfied: 1}}, 6.67 + 4.89 + 2.44 + 1.84 + 2.44 + 12, 20 + 7.34 + 7.33 + 7.34 + 7.33 + 18,
			"1.1 false 0 2.1 true 6.67 3.1 true 4.89 3.2 true 2.44 3.3 false 0 4.1 true 1.84 4.2 true 2.44 4.3 false 0 5.1 true 12"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := report.BuildD766(context.Background(), &stats.Service{Store: c.f}, c.f, query(), "vi")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range d.Groups {
				sum := 0.0
				for _, ind := range g.Indicators {
					got = append(got, fmt.Sprint(ind.Code, " ", ind.Measured, " ", ind.Score))
					sum += ind.Score
				}
				if fmt.Sprintf("%.2f", sum) != fmt.Sprintf("%.2f", g.Score) {
					t.Errorf("group %s scores %v, its indicators %v", g.No, g.Score, sum)
				}
			}
			if strings.Join(got, " ") != c.indicators {
				t.Errorf("indicators\n%s\nwant\n%s", strings.Join(got, " "), c.indicators)
			}
			if d.Points != 100 || fmt.Sprintf("%.2f", d.Score) != fmt.Sprintf("%.2f", c.score) || fmt.Sprintf("%.2f", d.MeasuredPoints) != fmt.Sprintf("%.2f", c.measured) {
				t.Errorf("score %v of %v, measured %v; want %v, measured %v", d.Score, d.Points, d.MeasuredPoints, c.score, c.measured)
			}
			for _, g := range d.Groups {
				for _, ind := range g.Indicators {
					if !ind.Measured && ind.Note == "" {
						t.Errorf("%s not measured without a note", ind.Code)
					}
				}
			}
		})
	}
}

func TestFileName(t *testing.T) {
	for _, c := range []struct {
		kind, unit string
		from, to   time.Time
		ext, want  string
	}{
		{"II06a", "000.12.02.H26", time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 4, 1, 0, 0, 0, 0, ict), "xlsx", "II06a_000.12.02.H26_2025-03-01_2025-03-31.xlsx"},
		{"QD766", "000.12.02.H26", time.Date(2025, 1, 1, 0, 0, 0, 0, ict), time.Date(2025, 7, 1, 0, 0, 0, 0, ict), "pdf", "QD766_000.12.02.H26_2025-01-01_2025-06-30.pdf"},
		// A period ending now names its own day; odd characters of a code
		// never reach the header.
		{"II06a", `a"b/c`, time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 3, 5, 14, 30, 0, 0, ict), "json", "II06a_a-b-c_2025-03-01_2025-03-05.json"},
	} {
		if got := report.FileName(c.kind, c.unit, c.from, c.to, c.ext); got != c.want {
			t.Errorf("%s, want %s", got, c.want)
		}
	}
}

// TestGolden renders both reports in both languages from the sample and
// compares the spreadsheet's cells and the PDF's text with
// testdata/golden (go test ./internal/report/ -run TestGolden -update
// rewrites them after a deliberate change of layout).
func TestGolden(t *testing.T) {
	ctx := context.Background()
	f := sample()
	f.l4 = stats.Level4{FeesPaid: 4, FeesPaidOnline: 1, Finished: 86, ResultsElectronic: 40}
	f.figs = store.Figures766{Received: 96, Digitised: 70, ProceduresOnline: 12, ProceduresUsedOnline: 5}
	f.sat = stats.Satisfaction{VerySatisfied: 7, Satisfied: 2, Dissatisfied: 1}
	svc := &stats.Service{Store: f}
	ii, err := report.BuildII06a(ctx, svc, query())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		d, err := report.BuildD766(ctx, svc, f, query(), lang)
		if err != nil {
			t.Fatal(err)
		}
		var x, p, dx, dp bytes.Buffer
		for _, err := range []error{report.WriteII06aXLSX(&x, ii, lang), report.WriteII06aPDF(&p, ii, lang),
			report.WriteD766XLSX(&dx, d, lang), report.WriteD766PDF(&dp, d, lang)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		golden(t, "ii06a-"+lang+".xlsx", sheetText(t, x.Bytes(), "II.06a"))
		golden(t, "ii06a-"+lang+".pdf", normalise(apptest.PDFText(t, p.Bytes(), "-layout")))
		golden(t, "766-"+lang+".xlsx", sheetText(t, dx.Bytes(), "766"))
		golden(t, "766-"+lang+".pdf", normalise(apptest.PDFText(t, dp.Bytes(), "-layout")))
	}
}

// sheetText dumps a sheet: its merged ranges, then one line per row with
// the cells separated by " | ".
func sheetText(t *testing.T, data []byte, sheet string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range merged {
		fmt.Fprintf(&b, "merge %s:%s %q\n", m.GetStartAxis(), m.GetEndAxis(), m.GetCellValue())
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		fmt.Fprintf(&b, "%d: %s\n", i+1, strings.Join(r, " | "))
	}
	return b.String()
}

func normalise(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

func golden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report/ -run TestGolden -update)", err)
	}
	if string(want) != text {
		t.Errorf("%s differs from %s:\n%s", name, path, text)
	}
}

// TestPDFPages: a long report breaks across pages with the header and
// the column numbers repeated on each, and no row lost.
func TestPDFPages(t *testing.T) {
	f := &fake{levels: map[string][]stats.Report{}}
	for i := range 60 {
		f.levels["commune"] = append(f.levels["commune"], row(fmt.Sprintf("Lĩnh vực %02d", i+1), 1, 0, 0, 0, 0, 0, 1, 0))
	}
	rep, err := report.BuildII06a(context.Background(), &stats.Service{Store: f}, query())
	if err != nil {
		t.Fatal(err)
	}
	var p bytes.Buffer
	if err := report.WriteII06aPDF(&p, rep, "vi"); err != nil {
		t.Fatal(err)
	}
	text := apptest.PDFText(t, p.Bytes(), "-layout")
	pages := strings.Split(strings.TrimRight(text, "\f\n"), "\f")
	if len(pages) < 2 {
		t.Fatalf("%d page(s) for 62 rows", len(pages))
	}
	for i, pg := range pages {
		if !strings.Contains(pg, "Số hồ sơ nhận giải quyết") || !strings.Contains(normalise(pg), "1 2 3 4 5 6 7 8 9 10 11 12 13") {
			t.Errorf("page %d has no header", i+1)
		}
	}
	for i := range 60 {
		if !strings.Contains(text, fmt.Sprintf("Lĩnh vực %02d", i+1)) {
			t.Errorf("row %d lost", i+1)
		}
	}
	if !strings.Contains(normalise(pages[len(pages)-1]), "Tổng cộng 60 60 0 0 0 0 0 0 60 60 0") {
		t.Errorf("last page:\n%s", pages[len(pages)-1])
	}
}
