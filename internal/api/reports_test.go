package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store/storetest"
)

var ict = time.FixedZone("ICT", 7*3600)

// reportEnv is a server whose clock the test moves.
type reportEnv struct {
	*apptest.Env
	mu  sync.Mutex
	now time.Time
}

func (e *reportEnv) set(t time.Time) { e.mu.Lock(); e.now = t; e.mu.Unlock() }

// at moves the clock to the given day of 2025 at hh:mm in Việt Nam.
func (e *reportEnv) at(month time.Month, day, hh, mm int) {
	e.set(time.Date(2025, month, day, hh, mm, 0, 0, ict))
}

// beforeDue moves the clock 30 minutes before the dossier's legal due time,
// which is on its due day.
func (e *reportEnv) beforeDue(t *testing.T, d apptest.Dossier) {
	t.Helper()
	if d.LegalDueAt == nil {
		t.Fatalf("%s has no due date", d.Code)
	}
	due, err := time.Parse(time.RFC3339, *d.LegalDueAt)
	if err != nil {
		t.Fatal(err)
	}
	at := due.Add(-30 * time.Minute)
	if at.In(ict).YearDay() != due.In(ict).YearDay() {
		t.Fatalf("due at %s: half an hour before is another day", due)
	}
	e.set(at)
}

// buildReportData builds by hand, over the API, a dossier for each cell of
// II.06a at Phường Hàng Trống for March 2025 (marriage, 5 working days,
// field Hộ tịch, commune level):
//
//	D1 online, received 26/02, finished 12/03 (due 05/03): carried over, late
//	D2 online, received 03/03, finished 04/03, delivered, rated: early
//	D3 counter, received 03/03, fee paid at the desk, finished on its due day: on time
//	D4 online, received 03/03, withdrawn 05/03: on time
//	D5 counter, received 17/03, waiting for supplementation since 18/03: within (though past due on 01/04)
//	D6 online, received 20/03, open, due 27/03: overdue
//	D7 online, received 28/03, open, due in April: within
//	D8 submitted online, never received; D9 refused at reception: not counted
//
// Expected: received 7 = online 4 + carried over 1 + counter 2; finished 4
// = early 1 + on time 2 + late 1; in progress 3 = within 2 + overdue 1.
func buildReportData(t *testing.T, e *reportEnv) {
	// Tokens live 12 hours of the moved clock: each step logs in anew.
	citizen := func() *apptest.Client { return e.Login(apptest.CitizenA) }
	rec := func() *apptest.Client { return e.Login("ht.receptionist") }
	lead := func() *apptest.Client { return e.Login("ht.leader") }
	spec := func() *apptest.Client { return e.Login("ht.specialist") }
	online := func(month time.Month, day int) apptest.Dossier {
		e.at(month, day, 9, 0)
		d := citizen().Submit(apptest.HangTrong)
		rec().MustAct(&d, "receive", nil)
		return d
	}
	counter := func(month time.Month, day int) apptest.Dossier {
		e.at(month, day, 9, 0)
		var d apptest.Dossier
		body := map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": apptest.MarriageForm(),
			"applicant": map[string]string{"id_number": "001185006789", "full_name": "Phạm Thị Dung"}, "received": apptest.MarriageReceived()}
		if st := rec().Do("POST", "/api/v1/dossiers", body, &d); st != 201 {
			t.Fatalf("counter intake: %d", st)
		}
		return d
	}
	finish := func(d *apptest.Dossier) {
		lead().MustAct(d, "finish", map[string]any{"result": map[string]any{"summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
	}
	assign := func(d *apptest.Dossier) { lead().MustAct(d, "assign", map[string]any{"assignee": "ht.specialist"}) }

	d1 := online(time.February, 26)
	assign(&d1)
	d2, d3, d4 := online(time.March, 3), counter(time.March, 3), online(time.March, 3)
	for _, d := range []*apptest.Dossier{&d2, &d3} {
		assign(d)
	}
	e.at(time.March, 4, 10, 0)
	finish(&d2)
	rec().MustAct(&d2, "deliver", map[string]any{"method": "in_person"})
	citizen().MustAct(&d2, "rate", map[string]any{"rating": "very_satisfied"})
	e.at(time.March, 5, 10, 0)
	citizen().MustAct(&d4, "withdraw", map[string]any{"reason": "Nộp nhầm thủ tục"})
	spec().MustAct(&d3, "request_fee", map[string]any{"amount": 50000})
	rec().MustAct(&d3, "fee_paid", nil)
	e.beforeDue(t, d3)
	finish(&d3)
	e.at(time.March, 12, 10, 0)
	finish(&d1)
	d5 := counter(time.March, 17)
	assign(&d5)
	e.at(time.March, 18, 10, 0)
	spec().MustAct(&d5, "request_supplement", map[string]any{"documents": []string{"giay_xac_nhan"}, "reason": "Giấy xác nhận đã quá 6 tháng."})
	online(time.March, 20)
	online(time.March, 28)
	e.at(time.March, 25, 9, 0)
	citizen().Submit(apptest.HangTrong)
	d9 := citizen().Submit(apptest.HangTrong)
	rec().MustAct(&d9, "refuse", map[string]any{"reason": "Không thuộc thẩm quyền"})
	e.at(time.April, 10, 9, 0)
}

// TestReportII06a checks form II.06a on both engines against the hand-built
// data set: the JSON's rows and total, the total equal to /api/v1/stats's
// headline, the spreadsheet read back cell by cell against the JSON, the
// PDF's text, the file names; and the Decision 766 score of the same data.
func TestReportII06a(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(string(eng), func(t *testing.T) {
			e := &reportEnv{now: time.Date(2025, 2, 26, 9, 0, 0, 0, ict)}
			e.Env = apptest.Start(t, eng, app.Options{Now: func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }})
			buildReportData(t, e)
			leader := e.Login("ht.leader")
			q := "unit=" + apptest.HangTrong + "&period=2025-03"

			var rep report.II06a
			r := leader.Raw("GET", "/api/v1/reports/ii06a?"+q+"&format=json", "", nil, nil)
			if r.Status != 200 || json.Unmarshal(r.Body, &rep) != nil {
				t.Fatalf("json: %d %s", r.Status, r.Body)
			}
			want := report.Cells{Received: 7, ReceivedOnline: 4, CarriedOver: 1, ReceivedCounter: 2,
				Finished: 4, Early: 1, OnTime: 2, Late: 1, InProgress: 3, Within: 2, Overdue: 1}
			if rep.Total.Cells != want {
				t.Errorf("total %+v, want %+v", rep.Total.Cells, want)
			}
			wantRows := []report.Row{
				{Kind: report.RowLevel, No: "I", Level: "commune", Cells: want},
				{Kind: report.RowField, No: "1", Level: "commune", Field: "Hộ tịch", Cells: want},
				{Kind: report.RowTotal, Cells: want},
			}
			if fmt.Sprint(rep.Rows) != fmt.Sprint(wantRows) {
				t.Errorf("rows\n%+v\nwant\n%+v", rep.Rows, wantRows)
			}
			var st stats.Report
			if s := leader.Do("GET", "/api/v1/stats?"+q, nil, &st); s != 200 || report.CellsOf(st) != rep.Total.Cells {
				t.Errorf("stats %d %+v, report total %+v", s, report.CellsOf(st), rep.Total.Cells)
			}
			// The district's own level received none of them; its subtree
			// all.
			hk := e.Login("hk.leader")
			for scope, cells := range map[string]report.Cells{"own": {}, "subtree": want} {
				var r report.II06a
				if s := hk.Do("GET", "/api/v1/reports/ii06a?unit="+apptest.HoanKiem+"&period=2025-03&format=json&scope="+scope, nil, &r); s != 200 || r.Total.Cells != cells || r.Own != (scope == "own") {
					t.Errorf("district %s: %d %+v", scope, s, r.Total)
				}
			}
			// The city's report holds the same dossiers.
			var city report.II06a
			if s := e.Login("city.admin").Do("GET", "/api/v1/reports/ii06a?unit="+apptest.City+"&period=2025-03&format=json", nil, &city); s != 200 || city.Total.Cells != want {
				t.Errorf("city: %d %+v", s, city.Total)
			}

			x := leader.Raw("GET", "/api/v1/reports/ii06a?"+q+"&format=xlsx", "", nil, nil)
			if x.Status != 200 || x.Header.Get("Content-Disposition") != `attachment; filename="II06a_000.12.02.H26_2025-03-01_2025-03-31.xlsx"` ||
				!strings.HasPrefix(x.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
				t.Fatalf("xlsx: %d %v", x.Status, x.Header)
			}
			checkSheet(t, x.Body, &rep)

			p := leader.Raw("GET", "/api/v1/reports/ii06a?"+q+"&format=pdf", "", nil, nil)
			if p.Status != 200 || p.Header.Get("Content-Type") != "application/pdf" ||
				!strings.HasSuffix(p.Header.Get("Content-Disposition"), `2025-03-31.pdf"`) {
				t.Fatalf("pdf: %d %v", p.Status, p.Header)
			}
			text := strings.Join(strings.Fields(apptest.PDFText(t, p.Body, "-raw")), " ")
			for _, s := range []string{"Biểu số II.06a", "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Phường Hàng Trống (000.12.02.H26)",
				"từ ngày 01/03/2025 đến ngày 31/03/2025", "Số kỳ trước chuyển qua", "Cấp xã", "Hộ tịch", "Tổng cộng",
				"1 2 3 4 5 6 7 8 9 10 11 12 13", "Tổng cộng 7 4 1 2 4 1 2 1 3 2 1"} {
				if !strings.Contains(text, s) {
					t.Errorf("the PDF lacks %q:\n%s", s, text)
				}
			}
			en := leader.Raw("GET", "/api/v1/reports/ii06a?"+q+"&format=pdf&lang=en", "", nil, nil)
			if text := strings.Join(strings.Fields(apptest.PDFText(t, en.Body, "-raw")), " "); !strings.Contains(text, "Commune level") || !strings.Contains(text, "Carried over") {
				t.Errorf("English PDF:\n%s", text)
			}

			checkD766(t, e, leader, q)
		})
	}
}

// checkSheet reads the spreadsheet back and compares it with the JSON cell
// by cell: the column numbers 1–13, then one row per JSON row.
func checkSheet(t *testing.T, data []byte, rep *report.II06a) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("II.06a")
	if err != nil {
		t.Fatal(err)
	}
	numbers := -1
	for i, r := range rows {
		if len(r) == 13 && r[0] == "1" && r[12] == "13" {
			numbers = i
		}
	}
	if numbers < 0 {
		t.Fatalf("no row of column numbers in %q", rows)
	}
	if got := rows[numbers-3]; len(got) < 11 || got[0] != "STT" || got[2] != "Số hồ sơ nhận giải quyết" || got[6] != "Kết quả giải quyết: số hồ sơ đã giải quyết" || got[10] != "Số hồ sơ đang giải quyết" {
		t.Errorf("header %q", got)
	}
	if m, _ := f.GetMergeCells("II.06a"); len(m) < 10 {
		t.Errorf("only %d merged cells", len(m))
	}
	body := rows[numbers+1:]
	if len(body) != len(rep.Rows) {
		t.Fatalf("%d rows in the sheet, %d in the JSON", len(body), len(rep.Rows))
	}
	for i, jr := range rep.Rows {
		want := []string{jr.No, jr.Name("vi")}
		for _, v := range jr.Values() {
			want = append(want, fmt.Sprint(v))
		}
		if fmt.Sprint(body[i]) != fmt.Sprint(want) {
			t.Errorf("sheet row %d %q, JSON %q", i, body[i], want)
		}
	}
	// Numbers are numbers, not text.
	cell, _ := excelize.CoordinatesToCellName(3, numbers+2)
	if ct, _ := f.GetCellType("II.06a", cell); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
		t.Errorf("%s is text", cell)
	}
}

// checkD766 checks the Decision 766 score of the data set by hand:
//
//	2.1 on time (1 early + 2 on time) / 4 finished = 75 % of 20 = 15.00
//	3.1 4 of the 6 dossiers received in March hold files (the online ones) = 4.89 of 7.34
//	3.2 0 of 4 finished with an electronic result = 0 of 7.33
//	3.3 not measured
//	4.1 the 1 procedure offered online in the ward was used online = 7.34
//	4.2 4 online of 6 received = 4.89 of 7.33
//	4.3 0 of 1 fee paid online = 0 of 7.33
//	5.1 1 very satisfied of 1 rating = 18
//	1.1 not measured
//
// Total 50.12 of 100, 74.67 measurable.
func checkD766(t *testing.T, e *reportEnv, leader *apptest.Client, q string) {
	t.Helper()
	var d report.D766
	if s := leader.Do("GET", "/api/v1/reports/766?"+q+"&format=json", nil, &d); s != 200 {
		t.Fatalf("766: %d", s)
	}
	got := map[string]string{}
	for _, g := range d.Groups {
		for _, ind := range g.Indicators {
			got[ind.Code] = fmt.Sprintf("%v %d/%d %.2f", ind.Measured, ind.Numerator, ind.Denominator, ind.Score)
		}
	}
	want := map[string]string{"1.1": "false 0/0 0.00", "2.1": "true 3/4 15.00", "3.1": "true 4/6 4.89", "3.2": "true 0/4 0.00",
		"3.3": "false 0/0 0.00", "4.1": "true 1/1 7.34", "4.2": "true 4/6 4.89", "4.3": "true 0/1 0.00", "5.1": "true 1/1 18.00"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("indicators\n%v\nwant\n%v", got, want)
	}
	if d.Points != 100 || d.Score != 50.12 || d.MeasuredPoints != 74.67 {
		t.Errorf("score %v of %v, measured %v", d.Score, d.Points, d.MeasuredPoints)
	}
	// The city offers both procedures online; only the marriage was used.
	var city report.D766
	if s := e.Login("city.admin").Do("GET", "/api/v1/reports/766?unit="+apptest.City+"&period=2025-03&format=json", nil, &city); s != 200 ||
		city.Groups[3].Indicators[0].Numerator != 1 || city.Groups[3].Indicators[0].Denominator != 2 {
		t.Errorf("city 4.1: %d %+v", s, city.Groups)
	}
	x := leader.Raw("GET", "/api/v1/reports/766?"+q+"&format=xlsx", "", nil, nil)
	if x.Status != 200 || x.Header.Get("Content-Disposition") != `attachment; filename="QD766_000.12.02.H26_2025-03-01_2025-03-31.xlsx"` {
		t.Fatalf("766 xlsx: %d %v", x.Status, x.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("766")
	found := false
	for _, r := range rows {
		if len(r) >= 8 && r[0] == "2.1" {
			found = r[3] == "3" && r[4] == "4" && r[5] == "75" && r[6] == "20" && r[7] == "15"
		}
	}
	if !found {
		t.Errorf("766 sheet lacks indicator 2.1 as 3/4, 75, 20, 15: %q", rows)
	}
	p := leader.Raw("GET", "/api/v1/reports/766?"+q+"&format=pdf", "", nil, nil)
	text := strings.Join(strings.Fields(apptest.PDFText(t, p.Body, "-raw")), " ")
	for _, s := range []string{"ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP", "Tổng điểm: 50,12/100,00 điểm", "Không đo", "Mức độ hài lòng"} {
		if !strings.Contains(text, s) {
			t.Errorf("the 766 PDF lacks %q:\n%s", s, text)
		}
	}
}

// TestReportRefusals: reports are for staff who may read the unit; a unit
// they may not read is the same 404 as an unknown one; a bad format, period
// or scope is 400.
func TestReportRefusals(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		for _, c := range []struct {
			who    *apptest.Client
			path   string
			status int
			code   string
		}{
			{env.Anon(), "/api/v1/reports/ii06a", 401, ""},
			{env.Login(apptest.CitizenA), "/api/v1/reports/ii06a", 403, "staff_only"},
			{env.Login(apptest.CitizenA), "/api/v1/reports/766", 403, "staff_only"},
			{env.Login("hb.leader"), "/api/v1/reports/ii06a?unit=" + apptest.HangTrong, 404, "not_found"},
			{env.Login("ht.receptionist"), "/api/v1/reports/766?unit=" + apptest.HoanKiem, 404, "not_found"},
			{env.Login("ht.leader"), "/api/v1/reports/ii06a?unit=000.99.99.H26", 404, ""},
			{env.Login("ht.leader"), "/api/v1/reports/ii06a?format=docx", 400, "bad_format"},
			{env.Login("ht.leader"), "/api/v1/reports/766?format=csv", 400, "bad_format"},
			{env.Login("ht.leader"), "/api/v1/reports/ii06a?period=2025-Q5", 400, "bad_period"},
			{env.Login("ht.leader"), "/api/v1/reports/766?from=2025-03-10&to=2025-03-01", 400, "bad_period"},
			{env.Login("ht.leader"), "/api/v1/reports/ii06a?scope=all", 400, "bad_scope"},
		} {
			r := c.who.Raw("GET", c.path, "", nil, nil)
			if r.Status != c.status {
				t.Errorf("%s: %d %s, want %d", c.path, r.Status, r.Body, c.status)
				continue
			}
			if c.code != "" && r.DecodeError(t).Error.Code != c.code {
				t.Errorf("%s: %s, want %s", c.path, r.Body, c.code)
			}
		}
		// The district's leader reads a ward below it; the default unit
		// is the caller's own.
		if r := env.Login("hk.leader").Raw("GET", "/api/v1/reports/ii06a?format=json&unit="+apptest.HangTrong, "", nil, nil); r.Status != 200 {
			t.Errorf("district leader on a ward: %d", r.Status)
		}
		var rep report.II06a
		if s := env.Login("ht.receptionist").Do("GET", "/api/v1/reports/ii06a?format=json", nil, &rep); s != 200 || rep.Unit != apptest.HangTrong ||
			len(rep.Rows) != 1 || rep.Rows[0].Kind != report.RowTotal || !rep.Total.Zero() {
			t.Errorf("own unit without dossiers: %d %+v", s, rep)
		}
	})
}
