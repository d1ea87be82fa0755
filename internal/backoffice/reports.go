package backoffice

// The reports page (/can-bo/bao-cao): staff pick a unit (their acting unit
// or, for roles that see below it, a unit right below), a period, form
// II.06a or the Decision 766 score and a format; II.06a and 766 are shown
// as HTML tables, or downloaded as .xlsx, PDF or JSON, built by package
// report from the same figures as /api/v1/reports.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range reportsMessages {
		if _, dup := messages[k]; dup {
			panic("backoffice: duplicate message " + k)
		}
		messages[k] = v
	}
}

var reportsMessages = web.Messages{
	"rp.title":       {"Báo cáo định kỳ", "Periodic reports"},
	"rp.hint":        {"Số liệu đo từ hồ sơ, cùng cách tính với trang thống kê. Kỳ báo cáo tính theo ngày, cả ngày cuối.", "Figures measured from dossiers, computed as the statistics are. The period runs by days, the last day included."},
	"rp.unit":        {"Đơn vị", "Unit"},
	"rp.scope":       {"Phạm vi", "Scope"},
	"rp.scope.tree":  {"Đơn vị và các đơn vị trực thuộc", "The unit and the units below"},
	"rp.scope.own":   {"Riêng đơn vị", "The unit alone"},
	"rp.from":        {"Từ ngày", "From"},
	"rp.to":          {"Đến ngày", "To"},
	"rp.kind":        {"Báo cáo", "Report"},
	"rp.kind.ii06a":  {"Biểu II.06a – Tình hình, kết quả giải quyết TTHC", "Form II.06a – dossiers received and resolved"},
	"rp.kind.766":    {"Bộ chỉ số Quyết định 766/QĐ-TTg", "Decision 766/QĐ-TTg indicators"},
	"rp.format":      {"Định dạng", "Format"},
	"rp.format.html": {"Xem trên trang", "Show on the page"},
	"rp.format.xlsx": {"Tải bảng tính (.xlsx)", "Download a spreadsheet (.xlsx)"},
	"rp.format.pdf":  {"Tải PDF", "Download a PDF"},
	"rp.format.json": {"Tải JSON", "Download JSON"},
	"rp.go":          {"Lập báo cáo", "Make the report"},
	"rp.bad_date":    {"Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm.", "The date is not valid; write day/month/year."},
	"rp.bad_unit":    {"Bạn không xem được báo cáo của đơn vị này.", "You may not read this unit's reports."},
	"rp.no":          {"STT", "No."},
	"rp.empty":       {"Không có hồ sơ nào trong kỳ.", "No dossier in the period."},
	"rp.period":      {"Kỳ báo cáo: từ ngày %s đến ngày %s", "Period: from %s to %s"},
	"rp.766.score":   {"Tổng điểm: %s/%s điểm; đo được từ hồ sơ: %s điểm.", "Score: %s of %s points; measurable from dossiers: %s points."},
	"rp.766.not":     {"Không đo", "Not measured"},
}

const reportsPath = "/can-bo/bao-cao"

// registerReports adds the page.
func (h *Handler) registerReports(mux *http.ServeMux) {
	mux.Handle("GET "+reportsPath, h.page(h.reportsPage))
}

type unitOption struct {
	Code, Name string
	Selected   bool
}

type reportsView struct {
	Frame
	Units        []unitOption
	Own          bool
	From, To     string
	Kind, Format string
	Period       string
	II06a        *report.II06a
	D766         *report.D766
	// Groups and Columns are II.06a's header, Rows its rows as shown.
	Groups, Columns []string
	Numbers         []int
	Rows            []reportRow
	ScoreLine       string
	// Items are the 766 table's group and indicator rows as shown.
	Items []d766Item
}

type d766Item struct {
	Group                     bool
	Code, Name, Formula, Note string
	Measure, Score            string
}

type reportRow struct {
	No, Name string
	Values   []int
	Bold     bool
}

// reportsPage serves /can-bo/bao-cao?don-vi-bc=&pham-vi=&tu-ngay=&den-ngay=&bao-cao=&dinh-dang=.
func (h *Handler) reportsPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	st := h.Store
	ctx := r.Context()
	lang := web.LangOf(r)
	q := r.URL.Query()
	now := h.now().In(web.Zone)
	v := &reportsView{Frame: Frame{s, reportsPath}, Own: q.Get("pham-vi") == "own",
		From: q.Get("tu-ngay"), To: q.Get("den-ngay"), Kind: q.Get("bao-cao"), Format: q.Get("dinh-dang")}
	if v.From == "" {
		v.From = web.Date(time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, web.Zone))
	}
	if v.To == "" {
		v.To = web.Date(now)
	}
	switch v.Kind {
	case "":
		v.Kind = report.KindII06a
	case report.KindII06a, report.Kind766:
	default:
		return apperr.New(apperr.Invalid, "bad_report", "Báo cáo phải là II.06a hoặc 766.", "The report must be II.06a or 766.")
	}
	switch v.Format {
	case "":
		v.Format = "html"
	case "html", "xlsx", "pdf", "json":
	default:
		return apperr.New(apperr.Invalid, "bad_format", "Định dạng phải là html, xlsx, pdf hoặc json.", "The format must be html, xlsx, pdf or json.")
	}
	// The units offered: the acting unit, and the units right below it for
	// roles that read them; any other readable unit may be named in the
	// address.
	acting, err := h.Store.UnitByCode(ctx, s.Unit.UnitCode)
	if err != nil {
		return err
	}
	unit := acting
	if code := strings.TrimSpace(q.Get("don-vi-bc")); code != "" && code != acting.Code {
		if unit, err = h.Store.UnitByCode(ctx, code); err != nil {
			return err
		}
		if !stats.CanRead(s.Actor, unit) {
			return apperr.New(apperr.NotFound, "not_found", h.web.T("vi", "rp.bad_unit"), h.web.T("en", "rp.bad_unit"))
		}
	}
	v.Units = []unitOption{{Code: acting.Code, Name: acting.Name, Selected: unit.Code == acting.Code}}
	if s.seesBelow() {
		kids, err := h.Store.Units(ctx, store.UnitFilter{Parent: acting.Code, At: h.now()})
		if err != nil {
			return err
		}
		for _, k := range kids {
			v.Units = append(v.Units, unitOption{Code: k.Code, Name: k.Name, Selected: k.Code == unit.Code})
		}
	}
	from, err := vn.ParseDate(v.From, web.Zone)
	if err != nil {
		return apperr.New(apperr.Invalid, "bad_date", h.web.T("vi", "rp.bad_date"), h.web.T("en", "rp.bad_date"))
	}
	to, err := vn.ParseDate(v.To, web.Zone)
	if err != nil {
		return apperr.New(apperr.Invalid, "bad_date", h.web.T("vi", "rp.bad_date"), h.web.T("en", "rp.bad_date"))
	}
	// The period's rules (the last day included, the end after the start)
	// are stats.ParsePeriod's.
	qf, qt, err := stats.ParsePeriod("", from.Format("2006-01-02"), to.Format("2006-01-02"), h.now(), web.Zone)
	if err != nil {
		return err
	}
	rq := report.Query{Unit: unit, From: qf, To: qt, Own: v.Own}
	b, err := report.Build(ctx, &stats.Service{Store: st, Now: h.now}, st, v.Kind, rq, lang)
	if err != nil {
		return err
	}
	v.II06a, v.D766 = b.II06a, b.D766
	if v.D766 != nil {
		v.ScoreLine = h.web.T(lang, "rp.766.score", number2(v.D766.Score, lang), number2(v.D766.Points, lang), number2(v.D766.MeasuredPoints, lang))
	}
	if v.Format != "html" {
		var buf bytes.Buffer
		if v.Format == report.FormatJSON {
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			err = enc.Encode(b.Value())
		} else {
			err = b.Write(&buf, v.Format, lang)
		}
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", report.ContentType(v.Format))
		w.Header().Set("Content-Disposition", `attachment; filename="`+b.FileName(v.Format)+`"`)
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		_, _ = w.Write(buf.Bytes())
		return nil
	}
	if v.II06a != nil {
		v.Groups, v.Columns = report.II06aGroups(lang), report.II06aColumns(lang)
		for i := range v.Columns {
			v.Numbers = append(v.Numbers, i+1)
		}
		for _, row := range v.II06a.Rows {
			v.Rows = append(v.Rows, reportRow{No: row.No, Name: row.Name(lang), Values: row.Values(), Bold: row.Kind != report.RowField})
		}
	}
	if v.D766 != nil {
		for _, g := range v.D766.Groups {
			v.Items = append(v.Items, d766Item{Group: true, Code: g.No, Name: g.Name,
				Score: number2(g.Score, lang) + " / " + number2(g.Points, lang)})
			for _, ind := range g.Indicators {
				it := d766Item{Code: ind.Code, Name: ind.Name, Formula: ind.Formula, Note: ind.Note,
					Measure: h.web.T(lang, "rp.766.not"), Score: number2(ind.Score, lang) + " / " + number2(ind.Points, lang)}
				if ind.Measured {
					it.Measure = strconv.Itoa(ind.Numerator) + " / " + strconv.Itoa(ind.Denominator) + " (" + stats.FormatPercent(ind.Rate, lang) + ")"
				}
				v.Items = append(v.Items, it)
			}
		}
	}
	v.Period = h.web.T(lang, "rp.period", web.Date(qf), web.Date(qt.Add(-time.Nanosecond)))
	h.web.Render(w, r, web.View{Name: "reports", NoIndex: true, Data: v})
	return nil
}

// number2 writes a score with two decimals, a comma in Vietnamese.
func number2(f float64, lang string) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if lang != "en" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}
