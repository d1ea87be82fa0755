package backoffice

// The leaders' dashboards (/can-bo/thong-ke): a unit's II.06a figures over
// a period, per unit below and per procedure, each figure a link to the
// dossiers behind it (/can-bo/thong-ke/ho-so); the monthly trends of the
// last twelve months as charts with their tables; and the measure of real
// use, services offered online against those that received online
// dossiers. Every figure is asked of stats.Service, and every list of
// dossiers of the store's drill-down, which counts as the figures count.

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/chart"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range statsMessages {
		if _, dup := messages[k]; dup {
			panic("backoffice: duplicate message " + k)
		}
		messages[k] = v
	}
}

var statsMessages = web.Messages{
	"bo.nav.stats":             {"Thống kê", "Statistics"},
	"st.title":                 {"Thống kê giải quyết thủ tục hành chính", "Administrative procedure statistics"},
	"st.hint":                  {"Số liệu được tính từ hồ sơ, theo mẫu II.06a: hồ sơ tiếp nhận tính ở đơn vị tiếp nhận, hồ sơ đã giải quyết tính ở đơn vị quyết định, hồ sơ đang giải quyết tính ở đơn vị đang giữ. Bấm vào một con số để xem các hồ sơ tạo nên nó.", "Figures are measured from dossiers, as form II.06a counts them: received at the desk that received them, finished at the unit that decided them, in progress at the unit holding them. Follow a figure to see the dossiers behind it."},
	"st.unit":                  {"Đơn vị", "Unit"},
	"st.period":                {"Kỳ báo cáo", "Period"},
	"st.period.custom":         {"— Tự chọn từ ngày … đến ngày … —", "— Custom dates —"},
	"st.from":                  {"Từ ngày", "From"},
	"st.to":                    {"Đến ngày", "To"},
	"st.dates.hint":            {"Nhập ngày theo dạng ngày/tháng/năm; để trống nếu chọn kỳ báo cáo.", "Write dates as day/month/year; leave empty to use the period."},
	"st.show":                  {"Xem số liệu", "Show figures"},
	"st.month":                 {"Tháng %s", "Month %s"},
	"st.quarter":               {"Quý %d/%d", "Quarter %d/%d"},
	"st.year":                  {"Năm %d", "Year %d"},
	"st.range":                 {"Từ %s đến %s", "From %s to %s"},
	"st.scope.subtree":         {"Phạm vi: %s và các đơn vị trực thuộc.", "Scope: %s and the units below."},
	"st.scope.own":             {"Phạm vi: hồ sơ của riêng %s (không gồm đơn vị trực thuộc).", "Scope: %s's own dossiers (not the units below)."},
	"st.up":                    {"Về đơn vị cấp trên: %s", "Up to %s"},
	"st.headline":              {"Số liệu chung", "Headline figures"},
	"st.received":              {"Tiếp nhận", "Received"},
	"st.received.online":       {"Trực tuyến", "Online"},
	"st.received.counter":      {"Trực tiếp và bưu chính", "Counter and post"},
	"st.received.post":         {"trong đó qua bưu chính", "of which by post"},
	"st.received.carried":      {"Kỳ trước chuyển sang", "Carried over"},
	"st.finished":              {"Đã giải quyết", "Finished"},
	"st.finished.early":        {"Trước hạn", "Early"},
	"st.finished.on_time":      {"Đúng hạn", "On time"},
	"st.finished.late":         {"Quá hạn", "Late"},
	"st.progress":              {"Đang giải quyết", "In progress"},
	"st.progress.within":       {"Trong hạn", "Within the deadline"},
	"st.progress.overdue":      {"Quá hạn", "Overdue"},
	"st.online_rate":           {"Tỷ lệ tiếp nhận trực tuyến", "Online submission rate"},
	"st.online_rate_offered":   {"Tỷ lệ trực tuyến (thủ tục có dịch vụ công trực tuyến)", "Online rate (procedures offered online)"},
	"st.on_time_rate":          {"Tỷ lệ giải quyết đúng hạn", "On-time rate"},
	"st.level4":                {"Hồ sơ giải quyết hoàn toàn trực tuyến", "Dossiers solved fully online"},
	"st.level4.words":          {"%d trên %d hồ sơ đã giải quyết (%s)", "%d of %d finished (%s)"},
	"st.satisfaction":          {"Mức độ hài lòng", "Satisfaction"},
	"st.satisfaction.none":     {"Chưa có đánh giá nào trong kỳ.", "No rating in the period."},
	"st.satisfaction.share":    {"%s (%d đánh giá)", "%s (%d ratings)"},
	"st.none":                  {"—", "—"},
	"st.by_unit":               {"Theo đơn vị trực thuộc", "By unit below"},
	"st.by_unit.own":           {"Riêng %s", "%s itself"},
	"st.by_procedure":          {"Theo thủ tục", "By procedure"},
	"st.by.none":               {"Không có số liệu trong kỳ.", "No figures in the period."},
	"st.sort":                  {"Sắp xếp bảng theo", "Sort the tables by"},
	"st.sort.ten":              {"Tên", "Name"},
	"st.sort.tiep-nhan":        {"Số tiếp nhận (nhiều trước)", "Received (most first)"},
	"st.sort.truc-tuyen":       {"Tỷ lệ trực tuyến (thấp trước)", "Online rate (lowest first)"},
	"st.sort.dung-han":         {"Tỷ lệ đúng hạn (thấp trước)", "On-time rate (lowest first)"},
	"st.sort.qua-han":          {"Số quá hạn (nhiều trước)", "Overdue (most first)"},
	"st.col.name":              {"Tên", "Name"},
	"st.trends":                {"Xu hướng 12 tháng gần nhất", "Trends over the last 12 months"},
	"st.trend.received":        {"Hồ sơ tiếp nhận theo tháng: trực tuyến và trực tiếp", "Dossiers received by month: online and at the counter"},
	"st.trend.on_time":         {"Tỷ lệ giải quyết đúng hạn theo tháng (%)", "On-time rate by month (%)"},
	"st.trend.month":           {"Tháng", "Month"},
	"st.realuse":               {"Mức độ sử dụng thực tế dịch vụ công trực tuyến", "Real use of online services"},
	"st.realuse.hint":          {"Dịch vụ cung cấp trực tuyến: thủ tục mức độ 3, 4 mà đơn vị được giao giải quyết; đã phát sinh hồ sơ: có ít nhất một hồ sơ nộp trực tuyến được tiếp nhận trong kỳ.", "Offered online: procedures at level 3 or 4 the unit offers; used: at least one online dossier received in the period."},
	"st.realuse.offered":       {"Dịch vụ trực tuyến cung cấp", "Services offered online"},
	"st.realuse.used":          {"Đã phát sinh hồ sơ trực tuyến", "With online dossiers"},
	"st.realuse.used_rate":     {"Tỷ lệ dịch vụ được sử dụng", "Share used"},
	"st.realuse.dossiers":      {"Hồ sơ của các dịch vụ này", "Dossiers of these services"},
	"st.realuse.online":        {"trong đó trực tuyến", "of which online"},
	"st.realuse.online_rate":   {"Tỷ lệ hồ sơ trực tuyến", "Online share"},
	"st.realuse.by_unit":       {"Theo đơn vị (số thủ tục)", "By unit (procedures)"},
	"st.realuse.by_procedure":  {"Theo thủ tục (số đơn vị)", "By procedure (units)"},
	"st.realuse.unused":        {"Đơn vị có dịch vụ trực tuyến nhưng không phát sinh hồ sơ trực tuyến trong kỳ", "Units offering online services with no online dossier in the period"},
	"st.realuse.unused.none":   {"Không có đơn vị nào.", "None."},
	"st.realuse.none":          {"Không có dịch vụ trực tuyến nào trong phạm vi này.", "No online service in this scope."},
	"st.bad_date":              {"Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm.", "The date is not valid; write day/month/year."},
	"st.bad_sort":              {"Cách sắp xếp không hợp lệ.", "Unknown sort order."},
	"st.drill.title":           {"Hồ sơ: %s", "Dossiers: %s"},
	"st.drill.count":           {"%s hồ sơ", "%s dossiers"},
	"st.drill.back":            {"Về trang thống kê", "Back to the statistics"},
	"st.drill.none":            {"Không có hồ sơ nào.", "No dossier."},
	"st.drill.next":            {"Trang sau", "Next page"},
	"st.drill.first":           {"Trang đầu", "First page"},
	"st.drill.procedure":       {"Thủ tục: %s", "Procedure: %s"},
	"st.col.code":              {"Mã hồ sơ", "Dossier"},
	"st.col.procedure":         {"Thủ tục", "Procedure"},
	"st.col.unit":              {"Đơn vị", "Unit"},
	"st.col.unit.received":     {"Đơn vị tiếp nhận", "Receiving unit"},
	"st.col.unit.decided":      {"Đơn vị giải quyết", "Deciding unit"},
	"st.col.unit.holding":      {"Đơn vị đang giữ", "Unit holding it"},
	"st.col.step":              {"Bước hiện tại", "Current step"},
	"st.col.received_at":       {"Ngày tiếp nhận", "Received"},
	"st.col.due":               {"Hạn giải quyết", "Due"},
	"st.kind.received_online":  {"tiếp nhận trực tuyến", "received online"},
	"st.kind.received_counter": {"tiếp nhận trực tiếp và bưu chính", "received at the counter or by post"},
	"st.kind.received_post":    {"tiếp nhận qua bưu chính", "received by post"},
	"st.kind.carried_over":     {"kỳ trước chuyển sang", "carried over"},
	"st.kind.finished_early":   {"giải quyết trước hạn", "finished early"},
	"st.kind.finished_on_time": {"giải quyết đúng hạn", "finished on time"},
	"st.kind.finished_late":    {"giải quyết quá hạn", "finished late"},
	"st.kind.within":           {"đang giải quyết trong hạn", "in progress within the deadline"},
	"st.kind.overdue":          {"đang giải quyết quá hạn", "in progress and overdue"},
}

// StatsStore is what the dashboards read (store.DB): the figures, through
// stats.Service, the dossiers behind them and the measure of real use.
type StatsStore interface {
	stats.Store
	UnitByCode(ctx context.Context, code string) (*org.Unit, error)
	Version(ctx context.Context, id int64) (*catalog.Version, error)
	DrillDown(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, kind store.DrillKind, after store.DrillCursor, limit int) ([]store.DrillRow, store.DrillCursor, error)
	RealUse(ctx context.Context, unit *org.Unit, from, to, now time.Time) (byUnit, byProc []stats.RealUse, err error)
	StatsMonths(ctx context.Context, unit *org.Unit, first time.Time, n int, own bool, flt stats.Filter) ([]stats.Report, error)
}

const statsPath = "/can-bo/thong-ke"

// registerStats adds the dashboards' pages.
func (h *Handler) registerStats(mux *http.ServeMux) {
	mux.Handle("GET "+statsPath, h.page(h.statsPage))
	mux.Handle("GET "+statsPath+"/ho-so", h.page(h.drillPage))
}

// statsScope is what a dashboard or a drill-down is about, read from the
// query: the unit, the period (a preset ky or the dates typed), the scope
// (pham-vi=rieng: the unit's own dossiers) and a procedure.
type statsScope struct {
	Unit      *org.Unit
	From, To  time.Time
	Loc       *time.Location
	Period    string // ky: YYYY, YYYY-MM, YYYY-Qn
	FromS     string // the dates as typed, dd/mm/yyyy
	ToS       string
	Own       bool
	Procedure string
}

// values returns the scope as query parameters, for the links between the
// pages.
func (sc statsScope) values() url.Values {
	v := url.Values{"unit": {sc.Unit.Code}}
	if sc.Period != "" {
		v.Set("ky", sc.Period)
	}
	if sc.FromS != "" {
		v.Set("from", sc.FromS)
	}
	if sc.ToS != "" {
		v.Set("to", sc.ToS)
	}
	if sc.Own {
		v.Set("pham-vi", "rieng")
	}
	if sc.Procedure != "" {
		v.Set("thu-tuc", sc.Procedure)
	}
	return v
}

// drillHref links a figure to its dossiers.
func (sc statsScope) drillHref(kind store.DrillKind) string {
	v := sc.values()
	v.Set("loai", string(kind))
	return statsPath + "/ho-so?" + v.Encode()
}

// label says the period in words: the preset's name or the dates.
func (h *Handler) periodLabel(lang string, sc statsScope) string {
	last := sc.To.Add(-time.Nanosecond)
	return h.web.T(lang, "st.range", sc.From.In(sc.Loc).Format("02/01/2006"), last.In(sc.Loc).Format("02/01/2006"))
}

func (h *Handler) statsStoreOf() (StatsStore, error) {
	st, ok := h.Store.(StatsStore)
	if !ok {
		return nil, apperr.ErrNotFound
	}
	return st, nil
}

// readScope reads the scope of the request: a unit the reader may not read
// is the same 404 as an unknown one.
func (h *Handler) readScope(r *http.Request, s *staff, st StatsStore) (statsScope, error) {
	ctx := r.Context()
	q := r.URL.Query()
	code := strings.TrimSpace(q.Get("unit"))
	if code == "" {
		code = s.Unit.UnitCode
	}
	u, err := st.UnitByCode(ctx, code)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.NotFound {
			return statsScope{}, apperr.ErrNotFound
		}
		return statsScope{}, err
	}
	// Only the acting unit's grants count: a member switches unit to read
	// another one's figures, as everywhere in the back office.
	if !stats.CanRead(s.unitActor(), u) {
		return statsScope{}, apperr.ErrNotFound
	}
	cal, err := h.calendar(ctx, s.Unit.UnitPath)
	if err != nil {
		return statsScope{}, err
	}
	sc := statsScope{Unit: u, Loc: cal.Location(), Period: strings.TrimSpace(q.Get("ky")),
		FromS: strings.TrimSpace(q.Get("from")), ToS: strings.TrimSpace(q.Get("to")), Procedure: strings.TrimSpace(q.Get("thu-tuc"))}
	if len([]rune(sc.Procedure)) > 50 {
		return sc, apperr.New(apperr.Invalid, "bad_procedure", "Mã thủ tục không hợp lệ.", "The procedure code is not valid.")
	}
	switch q.Get("pham-vi") {
	case "":
	case "rieng":
		sc.Own = true
	default:
		return sc, apperr.New(apperr.Invalid, "bad_scope", "Phạm vi không hợp lệ.", "The scope is not valid.")
	}
	// Dates typed as people write them; the custom dates win over a preset
	// left selected in the form.
	var iso [2]string
	for i, d := range []string{sc.FromS, sc.ToS} {
		if d == "" {
			continue
		}
		t, err := vn.ParseDate(d, sc.Loc)
		if err != nil || t.Year() < 1900 || t.Year() > 2199 {
			return sc, apperr.New(apperr.Invalid, "bad_date", h.web.T("vi", "st.bad_date"), h.web.T("en", "st.bad_date"))
		}
		iso[i] = t.Format("2006-01-02")
	}
	switch {
	case sc.FromS != "" || sc.ToS != "":
		sc.Period = ""
	case sc.Period == "":
		// The current month by default, named, so that the form shows it
		// and the links carry it.
		sc.Period = h.now().In(sc.Loc).Format("2006-01")
	}
	sc.From, sc.To, err = stats.ParsePeriod(sc.Period, iso[0], iso[1], h.now(), sc.Loc)
	return sc, err
}

// figureLink is a count that links to the dossiers behind it.
type figureLink struct {
	N    int
	Href string
}

// statsRowView is one row of figures: the headline, a unit below or a
// procedure.
type statsRowView struct {
	Key, Name string
	// Href opens the row's own dashboard (a unit below).
	Href                                      string
	Received, Finished, InProgress            int
	Online, Counter, Post, CarriedOver        figureLink
	Early, OnTime, Late, Within, Overdue      figureLink
	OnlineRate, OnlineRateOffered, OnTimeRate string
}

func (h *Handler) rowView(lang string, sc statsScope, r stats.Report) statsRowView {
	link := func(n int, k store.DrillKind) figureLink { return figureLink{n, sc.drillHref(k)} }
	rate := func(v float64, whole int) string {
		if whole == 0 {
			return h.web.T(lang, "st.none")
		}
		return stats.FormatPercent(v, lang)
	}
	return statsRowView{
		Received: r.Received.Online + r.Received.Counter, Finished: r.Finished.Total, InProgress: r.InProgress.Total,
		Online: link(r.Received.Online, store.DrillReceivedOnline), Counter: link(r.Received.Counter, store.DrillReceivedCounter),
		CarriedOver: link(r.Received.CarriedOver, store.DrillCarriedOver),
		Early:       link(r.Finished.Early, store.DrillFinishedEarly), OnTime: link(r.Finished.OnTime, store.DrillFinishedOnTime),
		Late: link(r.Finished.Late, store.DrillFinishedLate), Within: link(r.InProgress.Within, store.DrillWithin),
		Overdue:    link(r.InProgress.Overdue, store.DrillOverdue),
		OnlineRate: rate(r.OnlineRate, r.Received.Online+r.Received.Counter), OnlineRateOffered: rate(r.OnlineRateOffered, r.Received.Offered),
		OnTimeRate: rate(r.OnTimeRate, r.Finished.Total),
	}
}

// statsSorts are the orders of the tables (?sap-xep=).
var statsSorts = []string{"ten", "tiep-nhan", "truc-tuyen", "dung-han", "qua-han"}

// sortReports orders rows of figures; name names a row. Ties keep the
// order by name.
func sortReports(rows []stats.Report, by string, name func(stats.Report) string) {
	sort.SliceStable(rows, func(i, j int) bool { return name(rows[i]) < name(rows[j]) })
	key := map[string]func(stats.Report) float64{
		"tiep-nhan":  func(r stats.Report) float64 { return -float64(r.Received.Online + r.Received.Counter) },
		"truc-tuyen": func(r stats.Report) float64 { return r.OnlineRate },
		"dung-han":   func(r stats.Report) float64 { return r.OnTimeRate },
		"qua-han":    func(r stats.Report) float64 { return -float64(r.InProgress.Overdue) },
	}[by]
	if key != nil {
		sort.SliceStable(rows, func(i, j int) bool { return key(rows[i]) < key(rows[j]) })
	}
}

type shareLine struct {
	Label, Text string
}

// statsTable is a table of rows of figures; Kind prefixes the rows' ids.
type statsTable struct {
	Kind string
	Rows []statsRowView
}

// realUseRow is a row of the measure of real use with its shares written.
type realUseRow struct {
	stats.RealUse
	UsedRateText, OnlineRateText string
}

// realUseTable is a table of real use by unit or by procedure.
type realUseTable struct {
	ID, Caption string
	Rows        []realUseRow
}

type realUseView struct {
	Total  realUseRow
	Tables []realUseTable
	Unused []stats.RealUse
}

type statsView struct {
	Frame
	Scope        statsScope
	UnitName     string
	PeriodLabel  string
	Periods      []option
	Units        []option
	Sorts        []option
	Sort         string
	Up           string // the parent's dashboard, when the reader may read it
	UpName       string
	Head         statsRowView
	Level4       string
	Satisfaction []shareLine
	Children     statsTable
	Procedures   statsTable
	// HasChildren: the unit has units below (the own row and the table
	// by unit make sense).
	HasChildren bool
	OwnHref     string
	Received    template.HTML // the trends' charts
	OnTime      template.HTML
	RealUse     realUseView
}

// periodOptions are the presets of the form: this and last month, quarter
// and year.
func (h *Handler) periodOptions(lang string, now time.Time, loc *time.Location, selected string) []option {
	y, m, _ := now.In(loc).Date()
	month := func(t time.Time) option {
		return option{Value: t.Format("2006-01"), Label: h.web.T(lang, "st.month", t.Format("01/2006"))}
	}
	this := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	q := (int(m)-1)/3 + 1
	pq, py := q-1, y
	if pq == 0 {
		pq, py = 4, y-1
	}
	out := []option{month(this), month(this.AddDate(0, -1, 0)),
		{Value: strconv.Itoa(y) + "-Q" + strconv.Itoa(q), Label: h.web.T(lang, "st.quarter", q, y)},
		{Value: strconv.Itoa(py) + "-Q" + strconv.Itoa(pq), Label: h.web.T(lang, "st.quarter", pq, py)},
		{Value: strconv.Itoa(y), Label: h.web.T(lang, "st.year", y)},
		{Value: strconv.Itoa(y - 1), Label: h.web.T(lang, "st.year", y-1)}}
	found := false
	for i := range out {
		out[i].Selected = out[i].Value == selected
		found = found || out[i].Selected
	}
	if selected != "" && !found {
		out = append(out, option{Value: selected, Label: selected, Selected: true})
	}
	return append([]option{{Value: "", Label: h.web.T(lang, "st.period.custom")}}, out...)
}

// statsPage serves /can-bo/thong-ke?unit=&ky=&from=&to=&pham-vi=&sap-xep=.
func (h *Handler) statsPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	st, err := h.statsStoreOf()
	if err != nil {
		return err
	}
	ctx := r.Context()
	lang := web.LangOf(r)
	sc, err := h.readScope(r, s, st)
	if err != nil {
		return err
	}
	by := r.URL.Query().Get("sap-xep")
	if by == "" {
		by = "ten"
	}
	if !slices.Contains(statsSorts, by) {
		return apperr.New(apperr.Invalid, "bad_sort", h.web.T("vi", "st.bad_sort"), h.web.T("en", "st.bad_sort"))
	}
	now := h.now()
	svc := &stats.Service{Store: st, Now: h.now}
	flt := stats.Filter{Procedure: sc.Procedure}
	v := &statsView{Frame: Frame{s, statsPath}, Children: statsTable{Kind: "unit"}, Procedures: statsTable{Kind: "proc"}, Scope: sc, UnitName: sc.Unit.Name, PeriodLabel: h.periodLabel(lang, sc), Sort: by,
		Periods: h.periodOptions(lang, now, sc.Loc, sc.Period)}
	for _, o := range statsSorts {
		v.Sorts = append(v.Sorts, option{Value: o, Label: h.web.T(lang, "st.sort."+o), Selected: o == by})
	}
	// The page's parts read different figures: they are read at once,
	// each on its own connection, so that the page waits for the slowest
	// part rather than for their sum.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return h.statsHead(gctx, lang, svc, sc, flt, by, v) })
	g.Go(func() error { return h.statsByProcedure(gctx, lang, svc, sc, flt, by, v) })
	g.Go(func() error { return h.statsUnits(gctx, s, st, sc, v) })
	g.Go(func() error {
		var err error
		v.Received, v.OnTime, err = h.trends(gctx, lang, st, sc, now)
		return err
	})
	g.Go(func() error { return h.realUse(gctx, lang, st, sc, now, &v.RealUse) })
	if err := g.Wait(); err != nil {
		return err
	}
	h.web.Render(w, r, web.View{Name: "stats", NoIndex: true, Data: v})
	return nil
}

// statsHead fills the headline and the table of the units below.
func (h *Handler) statsHead(ctx context.Context, lang string, svc *stats.Service, sc statsScope, flt stats.Filter, by string, v *statsView) error {
	q := stats.Query{Unit: sc.Unit, From: sc.From, To: sc.To, Own: sc.Own, Filter: flt}
	if !sc.Own {
		q.By = "child" // the units below are shown for a subtree only
	}
	rep, err := svc.Report(ctx, q)
	if err != nil {
		return err
	}
	v.Head = h.rowView(lang, sc, rep)
	v.Head.Post = figureLink{rep.Received.Post, sc.drillHref(store.DrillReceivedPost)}
	if l := rep.Level4; l != nil {
		v.Level4 = h.web.T(lang, "st.level4.words", l.SolvedFullyOnline, l.Finished, stats.FormatPercent(l.SolvedFullyOnlineRate, lang))
	}
	if rep.Satisfaction.Total > 0 {
		for _, sh := range h.satisfaction(lang, "", "", rep.Satisfaction).Shares {
			v.Satisfaction = append(v.Satisfaction, shareLine{sh.Label, h.web.T(lang, "st.satisfaction.share", sh.Share, sh.Count)})
		}
	}
	if !sc.Own {
		v.HasChildren = len(rep.Children) > 0
		sortReports(rep.Children, by, func(r stats.Report) string { return r.UnitName })
		for _, c := range rep.Children {
			csc := sc
			csc.Unit = &org.Unit{Code: c.Unit, Name: c.UnitName}
			row := h.rowView(lang, csc, c)
			row.Key, row.Name = c.Unit, c.UnitName
			row.Href = statsPath + "?" + csc.values().Encode()
			v.Children.Rows = append(v.Children.Rows, row)
		}
		if v.HasChildren {
			own := sc
			own.Own = true
			v.OwnHref = statsPath + "?" + own.values().Encode()
		}
	}
	return nil
}

// statsByProcedure fills the table by procedure.
func (h *Handler) statsByProcedure(ctx context.Context, lang string, svc *stats.Service, sc statsScope, flt stats.Filter, by string, v *statsView) error {
	byProc, err := svc.Report(ctx, stats.Query{Unit: sc.Unit, From: sc.From, To: sc.To, Own: sc.Own, Filter: flt, By: "procedure", NoLevel4: true})
	if err != nil {
		return err
	}
	sortReports(byProc.Rows, by, func(r stats.Report) string { return r.Procedure })
	for _, p := range byProc.Rows {
		psc := sc
		psc.Procedure = p.Procedure
		row := h.rowView(lang, psc, p)
		row.Key, row.Name = p.Procedure, p.ProcedureName
		v.Procedures.Rows = append(v.Procedures.Rows, row)
	}
	return nil
}

// statsUnits fills the unit choices (the acting unit, the units right below
// it and below the unit shown, for roles that read the subtree) and the
// link up to the unit above.
func (h *Handler) statsUnits(ctx context.Context, s *staff, st StatsStore, sc statsScope, v *statsView) error {
	seen := map[string]bool{}
	add := func(code, name string) {
		if !seen[code] {
			seen[code] = true
			v.Units = append(v.Units, option{Value: code, Label: name, Selected: code == sc.Unit.Code})
		}
	}
	add(s.Unit.UnitCode, s.Unit.UnitName)
	add(sc.Unit.Code, sc.Unit.Name)
	if s.seesBelow() {
		for _, code := range []string{s.Unit.UnitCode, sc.Unit.Code} {
			kids, err := st.ChildUnits(ctx, code)
			if err != nil {
				return err
			}
			for _, k := range kids {
				add(k.Code, k.Name)
			}
		}
	}
	if sc.Unit.ParentCode != "" && sc.Unit.Code != s.Unit.UnitCode {
		p, err := st.UnitByCode(ctx, sc.Unit.ParentCode)
		if err != nil {
			return err
		}
		if stats.CanRead(s.unitActor(), p) {
			up := sc
			up.Unit, up.Own, up.Procedure = p, false, ""
			v.Up, v.UpName = statsPath+"?"+up.values().Encode(), p.Name
		}
	}
	return nil
}

// trends draws the last twelve months up to now: dossiers received online
// and at the counter, and the on-time rate.
func (h *Handler) trends(ctx context.Context, lang string, st StatsStore, sc statsScope, now time.Time) (template.HTML, template.HTML, error) {
	y, m, _ := now.In(sc.Loc).Date()
	first := time.Date(y, m, 1, 0, 0, 0, 0, sc.Loc).AddDate(0, -11, 0)
	var labels []string
	online := chart.Series{Name: h.web.T(lang, "st.received.online")}
	counter := chart.Series{Name: h.web.T(lang, "st.received.counter")}
	onTime := chart.Series{Name: h.web.T(lang, "st.on_time_rate")}
	months, err := st.StatsMonths(ctx, sc.Unit, first, 12, sc.Own, stats.Filter{Procedure: sc.Procedure})
	if err != nil {
		return "", "", err
	}
	for i, rep := range months {
		labels = append(labels, first.AddDate(0, i, 0).Format("01/2006"))
		online.Values = append(online.Values, float64(rep.Received.Online))
		counter.Values = append(counter.Values, float64(rep.Received.Counter))
		onTime.Values = append(onTime.Values, rep.OnTimeRate)
	}
	count := func(v float64) string { return web.Number(int64(v), lang) }
	received := chart.Bars(chart.Chart{ID: "received", Title: h.web.T(lang, "st.trend.received"), Corner: h.web.T(lang, "st.trend.month"),
		Labels: labels, Series: []chart.Series{online, counter}, Format: count})
	rate := chart.Line(chart.Chart{ID: "on-time", Title: h.web.T(lang, "st.trend.on_time"), Corner: h.web.T(lang, "st.trend.month"),
		Labels: labels, Series: []chart.Series{onTime}, Max: 100, Format: func(v float64) string { return stats.FormatPercent(v, lang) }})
	return received, rate, nil
}

// realUse fills the measure of real use over the scope's subtree.
func (h *Handler) realUse(ctx context.Context, lang string, st StatsStore, sc statsScope, now time.Time, v *realUseView) error {
	byUnit, byProc, err := st.RealUse(ctx, sc.Unit, sc.From, sc.To, now)
	if err != nil {
		return err
	}
	row := func(r stats.RealUse) realUseRow {
		return realUseRow{r, stats.FormatPercent(r.UsedRate, lang), stats.FormatPercent(r.OnlineRate, lang)}
	}
	var total stats.RealUse
	units := realUseTable{ID: "units", Caption: h.web.T(lang, "st.realuse.by_unit")}
	for _, r := range byUnit {
		total.Offered += r.Offered
		total.Used += r.Used
		total.Dossiers += r.Dossiers
		total.Online += r.Online
		if r.Unused() {
			v.Unused = append(v.Unused, r)
		}
		units.Rows = append(units.Rows, row(r))
	}
	total.Finish()
	v.Total = row(total)
	procs := realUseTable{ID: "procedures", Caption: h.web.T(lang, "st.realuse.by_procedure")}
	for _, r := range byProc {
		procs.Rows = append(procs.Rows, row(r))
	}
	if len(byUnit) > 0 {
		v.Tables = []realUseTable{units, procs}
	}
	return nil
}

type drillRowView struct {
	store.DrillRow
	Step        string
	StatusLabel string
}

type drillView struct {
	Frame
	Scope       statsScope
	Kind        store.DrillKind
	KindLabel   string
	UnitColumn  string
	UnitName    string
	PeriodLabel string
	Procedure   string
	Count       int
	Rows        []drillRowView
	Back        string
	Next        string
	First       string
}

// drillPage serves /can-bo/thong-ke/ho-so?unit=&ky=&from=&to=&loai=&thu-tuc=&pham-vi=&sau=:
// the dossiers behind one figure, 50 a page, in store.DrillDown's order
// (sau: the opaque cursor of the page after).
func (h *Handler) drillPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	st, err := h.statsStoreOf()
	if err != nil {
		return err
	}
	ctx := r.Context()
	lang := web.LangOf(r)
	q := r.URL.Query()
	kind := store.DrillKind(q.Get("loai"))
	if !kind.Valid() {
		return apperr.New(apperr.Invalid, "bad_kind", "Loại số liệu không hợp lệ.", "Unknown figure.")
	}
	sc, err := h.readScope(r, s, st)
	if err != nil {
		return err
	}
	after, err := store.ParseDrillCursor(q.Get("sau"))
	if err != nil {
		return apperr.New(apperr.Invalid, "bad_cursor", "Trang không hợp lệ.", "The page is not valid.")
	}
	now := h.now()
	flt := stats.Filter{Procedure: sc.Procedure}
	rows, next, err := st.DrillDown(ctx, sc.Unit, sc.From, sc.To, now, sc.Own, flt, kind, after, pageSize)
	if err != nil {
		return err
	}
	v := &drillView{Frame: Frame{s, statsPath}, Scope: sc, Kind: kind, KindLabel: h.web.T(lang, "st.kind."+string(kind)),
		UnitName: sc.Unit.Name, PeriodLabel: h.periodLabel(lang, sc), Procedure: sc.Procedure}
	switch kind {
	case store.DrillReceivedOnline, store.DrillReceivedCounter, store.DrillReceivedPost, store.DrillCarriedOver:
		v.UnitColumn = h.web.T(lang, "st.col.unit.received")
	case store.DrillWithin, store.DrillOverdue:
		v.UnitColumn = h.web.T(lang, "st.col.unit.holding")
	default:
		v.UnitColumn = h.web.T(lang, "st.col.unit.decided")
	}
	// The figure, from the summary, rather than counting its dossiers
	// (DrillCount: a million index entries for the city's overdue ones at
	// ten million dossiers, 0.2–0.5 s).
	rep, err := st.StatsFiltered(ctx, sc.Unit, sc.From, sc.To, now, sc.Own, flt)
	if err != nil {
		return err
	}
	v.Count = kind.Figure(rep)
	versions := map[int64]*catalog.Version{}
	for _, row := range rows {
		rv := drillRowView{DrillRow: row, StatusLabel: row.Status.Label(lang)}
		if row.Status.Open() {
			ver, ok := versions[row.VersionID]
			if !ok {
				if ver, err = st.Version(ctx, row.VersionID); err != nil && !errors.Is(err, apperr.ErrNotFound) {
					return err
				}
				versions[row.VersionID] = ver
			}
			if ver != nil && row.StepIndex >= 0 && row.StepIndex < len(ver.Process) {
				rv.Step = ver.Process[row.StepIndex].Name
			}
		}
		v.Rows = append(v.Rows, rv)
	}
	base := sc.values()
	v.Back = statsPath + "?" + base.Encode()
	base.Set("loai", string(kind))
	if !after.IsZero() {
		v.First = statsPath + "/ho-so?" + base.Encode()
	}
	if !next.IsZero() {
		base.Set("sau", next.String())
		v.Next = statsPath + "/ho-so?" + base.Encode()
	}
	h.web.Render(w, r, web.View{Name: "statsdrill", NoIndex: true, Data: v})
	return nil
}
