package report

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// Figures766 reads the figures of Decision 766 that stats.Report does not
// carry (store.DB).
type Figures766 interface {
	Figures766(ctx context.Context, unit *org.Unit, from, to time.Time, own bool) (store.Figures766, error)
}

// Indicator is one indicator of Decision 766 with its score. Points and
// Score are in points with two decimals.
type Indicator struct {
	Code string `json:"code"` // "2.1"
	Name string `json:"name"`
	// Formula says what is divided by what, in words.
	Formula string  `json:"formula"`
	Points  float64 `json:"points"`
	// Measured is false for an indicator the dossiers cannot tell (Note
	// says why) and for one without any dossier in the period (Note
	// says so); it scores nothing and counts in no maximum.
	Measured    bool    `json:"measured"`
	Numerator   int     `json:"numerator"`
	Denominator int     `json:"denominator"`
	Rate        float64 `json:"rate"` // percent, two decimals
	Score       float64 `json:"score"`
	Note        string  `json:"note,omitempty"`
}

// Group is one of the five groups of Decision 766.
type Group struct {
	No         string      `json:"no"`
	Name       string      `json:"name"`
	Points     float64     `json:"points"`
	Score      float64     `json:"score"`
	Measured   float64     `json:"measured_points"`
	Indicators []Indicator `json:"indicators"`
}

// D766 is the Decision 766 score of one unit for a period: Score out of
// the 100 points of the decision, of which MeasuredPoints could be
// measured from dossiers.
type D766 struct {
	Unit           string    `json:"unit"`
	UnitName       string    `json:"unit_name"`
	Own            bool      `json:"own,omitempty"`
	From           time.Time `json:"from"`
	To             time.Time `json:"to"`
	Groups         []Group   `json:"groups"`
	Points         float64   `json:"points"`
	Score          float64   `json:"score"`
	MeasuredPoints float64   `json:"measured_points"`
}

// ratio is a measured share: num of den.
type ratio struct{ num, den int }

// indicatorDef is an indicator as docs/indicators-766.md defines it;
// points are in hundredths of a point, the group's points shared equally
// (the annex's split inside a group is not in our sources: see the doc).
type indicatorDef struct {
	code          string
	name, formula [2]string
	hundredths    int
	measure       func(f figures) (ratio, bool)
	notMeasured   [2]string
}

type groupDef struct {
	no   string
	name [2]string
	inds []indicatorDef
}

// figures are everything the indicators read.
type figures struct {
	rep stats.Report
	l4  stats.Level4
	f   store.Figures766
}

var notFromDossiers = [2]string{"Không đo được từ hồ sơ: cần số liệu công bố, công khai thủ tục hành chính.",
	"Not measurable from dossiers: needs the records of publishing procedures."}

// groups766 are the five groups of Decision 766/QĐ-TTg with the indicators
// we measure; docs/indicators-766.md gives each one's formula and source.
var groups766 = []groupDef{
	{no: "1", name: [2]string{"Công khai, minh bạch", "Public disclosure"}, inds: []indicatorDef{
		{code: "1.1", name: [2]string{"Công khai, minh bạch thông tin thủ tục hành chính và hồ sơ", "Disclosure of procedures and dossiers"},
			formula: [2]string{"—", "—"}, hundredths: 1800, notMeasured: notFromDossiers},
	}},
	{no: "2", name: [2]string{"Tiến độ, kết quả giải quyết", "Progress and results"}, inds: []indicatorDef{
		{code: "2.1", name: [2]string{"Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", "Dossiers finished early or on time"},
			formula: [2]string{"(trước hạn + đúng hạn) / đã giải quyết", "(early + on time) / finished"}, hundredths: 2000,
			measure: func(f figures) (ratio, bool) {
				return ratio{f.rep.Finished.Early + f.rep.Finished.OnTime, f.rep.Finished.Total}, true
			}},
	}},
	{no: "3", name: [2]string{"Số hóa hồ sơ, kết quả", "Digitisation of dossiers and results"}, inds: []indicatorDef{
		{code: "3.1", name: [2]string{"Tỷ lệ hồ sơ có thành phần được số hóa", "Dossiers with digitised components"},
			formula: [2]string{"hồ sơ tiếp nhận trong kỳ có tệp thành phần / hồ sơ tiếp nhận trong kỳ", "dossiers received with a component file / dossiers received"}, hundredths: 734,
			measure: func(f figures) (ratio, bool) { return ratio{f.f.Digitised, f.f.Received}, true }},
		{code: "3.2", name: [2]string{"Tỷ lệ kết quả giải quyết được cấp bản điện tử", "Results issued electronically"},
			formula: [2]string{"hồ sơ giải quyết trong kỳ có kết quả điện tử / hồ sơ giải quyết trong kỳ", "dossiers finished with an electronic result / dossiers finished"}, hundredths: 733,
			measure: func(f figures) (ratio, bool) { return ratio{f.l4.ResultsElectronic, f.l4.Finished}, true }},
		{code: "3.3", name: [2]string{"Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa", "Reuse of digitised data"},
			formula: [2]string{"—", "—"}, hundredths: 733,
			notMeasured: [2]string{"Chưa đo: hệ thống chưa ghi nhận việc tái sử dụng giấy tờ đã số hóa.", "Not measured: the system does not record the reuse of digitised documents yet."}},
	}},
	{no: "4", name: [2]string{"Cung cấp dịch vụ công trực tuyến, thanh toán trực tuyến", "Online provision and online payment"}, inds: []indicatorDef{
		{code: "4.1", name: [2]string{"Tỷ lệ thủ tục cung cấp trực tuyến có phát sinh hồ sơ trực tuyến", "Procedures offered online that received online dossiers"},
			formula: [2]string{"thủ tục trực tuyến có hồ sơ nộp trực tuyến trong kỳ / thủ tục cung cấp trực tuyến", "online procedures with an online dossier / procedures offered online"}, hundredths: 734,
			measure: func(f figures) (ratio, bool) { return ratio{f.f.ProceduresUsedOnline, f.f.ProceduresOnline}, true }},
		{code: "4.2", name: [2]string{"Tỷ lệ hồ sơ nộp trực tuyến", "Dossiers submitted online"},
			formula: [2]string{"hồ sơ trực tuyến / hồ sơ tiếp nhận của thủ tục cung cấp trực tuyến", "online dossiers / dossiers received of procedures offered online"}, hundredths: 733,
			measure: func(f figures) (ratio, bool) {
				return ratio{f.rep.Received.OfferedOnline, f.rep.Received.Offered}, true
			}},
		{code: "4.3", name: [2]string{"Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến", "Fee-bearing dossiers paid online"},
			formula: [2]string{"khoản phí nộp trực tuyến / khoản phí đã nộp trong kỳ", "fees paid online / fees paid"}, hundredths: 733,
			measure: func(f figures) (ratio, bool) { return ratio{f.l4.FeesPaidOnline, f.l4.FeesPaid}, true }},
	}},
	{no: "5", name: [2]string{"Mức độ hài lòng", "Satisfaction"}, inds: []indicatorDef{
		{code: "5.1", name: [2]string{"Tỷ lệ đánh giá hài lòng, rất hài lòng", "Ratings satisfied or very satisfied"},
			formula: [2]string{"(rất hài lòng + hài lòng) / lượt đánh giá trong kỳ", "(very satisfied + satisfied) / ratings"}, hundredths: 1800,
			measure: func(f figures) (ratio, bool) {
				s := f.rep.Satisfaction
				return ratio{s.VerySatisfied + s.Satisfied, s.Total}, true
			}},
	}},
}

// BuildD766 scores the unit: the headline report of svc (with its level-4
// indicators) and the store's 766 figures, one indicator at a time.
func BuildD766(ctx context.Context, svc *stats.Service, figs Figures766, q Query, lang string) (*D766, error) {
	if q.Unit == nil {
		return nil, fmt.Errorf("scoring Decision 766: no unit")
	}
	rep, err := svc.Report(ctx, stats.Query{Unit: q.Unit, From: q.From, To: q.To, Own: q.Own})
	if err != nil {
		return nil, fmt.Errorf("scoring Decision 766 for %s: %w", q.Unit.Code, err)
	}
	f := figures{rep: rep}
	if rep.Level4 != nil {
		f.l4 = *rep.Level4
	}
	if f.f, err = figs.Figures766(ctx, q.Unit, q.From, q.To, q.Own); err != nil {
		return nil, fmt.Errorf("scoring Decision 766 for %s: %w", q.Unit.Code, err)
	}
	return score766(f, q, lang), nil
}

func score766(f figures, q Query, lang string) *D766 {
	li := 0
	if lang == "en" {
		li = 1
	}
	noData := [2]string{"Không có hồ sơ trong kỳ để đo.", "No dossier in the period to measure."}
	out := &D766{Unit: q.Unit.Code, UnitName: q.Unit.Name, Own: q.Own, From: q.From, To: q.To}
	var total, score, measured int
	for _, gd := range groups766 {
		g := Group{No: gd.no, Name: gd.name[li], Indicators: []Indicator{}}
		var gp, gs, gm int
		for _, d := range gd.inds {
			ind := Indicator{Code: d.code, Name: d.name[li], Formula: d.formula[li], Points: hundredths(d.hundredths)}
			gp += d.hundredths
			switch r, ok := measureOf(d, f); {
			case !ok:
				ind.Note = d.notMeasured[li]
			case r.den == 0:
				ind.Note = noData[li]
			default:
				ind.Measured, ind.Numerator, ind.Denominator = true, r.num, r.den
				ind.Rate = stats.Percent(r.num, r.den)
				s := share(d.hundredths, r.num, r.den)
				ind.Score = hundredths(s)
				gs += s
				gm += d.hundredths
			}
			g.Indicators = append(g.Indicators, ind)
		}
		g.Points, g.Score, g.Measured = hundredths(gp), hundredths(gs), hundredths(gm)
		total, score, measured = total+gp, score+gs, measured+gm
		out.Groups = append(out.Groups, g)
	}
	out.Points, out.Score, out.MeasuredPoints = hundredths(total), hundredths(score), hundredths(measured)
	return out
}

func measureOf(d indicatorDef, f figures) (ratio, bool) {
	if d.measure == nil {
		return ratio{}, false
	}
	return d.measure(f)
}

// share is points × num / den in hundredths, rounded half up in integers.
func share(points, num, den int) int {
	if den <= 0 {
		return 0
	}
	n := int64(points) * int64(num)
	return int((2*n + int64(den)) / (2 * int64(den)))
}

func hundredths(n int) float64 { return float64(n) / 100 }
