package portal

// The public service index /chi-so (issue 13 item 4): for every
// top-level unit, and on /chi-so/{unit} for one unit's children and
// procedures, the on-time rate, the online rate, the dossiers solved
// online, satisfaction and the median processing time over the last 12
// months, with each unit's rank among its peers. Open to everyone, so it
// shows no personal data: only units, procedures and counts, and no
// figure resting on fewer than stats.MinBase dossiers.
//
// The figures are a daily snapshot: the period is the 12 months of whole
// days ending at the start of today, so they change only with the day.
// Each table (the units ranked together, a unit's procedures) is computed
// once a day, by the job shortly after midnight (WarmIndexPage) or by the
// day's first visitor, and stored (store.IndexSnapshot) for every process;
// each process keeps what it read for the rest of the day (indexmemo.go).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range indexMessages {
		if _, dup := messages[k]; dup {
			panic("portal: duplicate message " + k)
		}
		messages[k] = v
	}
}

var indexMessages = web.Messages{
	"index.title":        {"Chỉ số phục vụ người dân", "Public service index"},
	"index.lead":         {"Kết quả giải quyết thủ tục hành chính của các cơ quan trong 12 tháng, từ ngày %s đến hết ngày %s, đo từ chính các hồ sơ.", "How the administration handled procedures over the 12 months from %s to %s inclusive, measured from the dossiers themselves."},
	"index.footer":       {"Chỉ số phục vụ người dân", "Public service index"},
	"index.units":        {"Cơ quan, đơn vị", "Agencies and units"},
	"index.unit":         {"Đơn vị", "Unit"},
	"index.procedure":    {"Thủ tục", "Procedure"},
	"index.procedures":   {"Theo thủ tục", "By procedure"},
	"index.children":     {"Các đơn vị trực thuộc", "Units below"},
	"index.rank":         {"Xếp hạng", "Rank"},
	"index.rank.of":      {"%d/%d", "%d of %d"},
	"index.rank.among":   {"Xếp hạng trong số các đơn vị cùng cấp", "Rank among its peers"},
	"index.sorted":       {"(đang sắp xếp)", "(sorted)"},
	"index.sort.hint":    {"Bấm vào tiêu đề cột để sắp xếp theo chỉ số đó, tốt nhất trước.", "Select a column heading to sort by that figure, best first."},
	"index.fig":          {"Chỉ số", "Figure"},
	"index.value":        {"Giá trị", "Value"},
	"index.none":         {"Chưa có đơn vị nào.", "No units yet."},
	"index.noprocedures": {"Chưa có hồ sơ nào trong 12 tháng qua.", "No dossiers in the last 12 months."},
	"index.back":         {"Tất cả cơ quan, đơn vị", "All agencies and units"},
	"index.up":           {"Đơn vị cấp trên: %s", "Parent unit: %s"},
	"index.toofew":       {"Quá ít hồ sơ để đánh giá", "Too few dossiers to say"},
	"index.ratings":      {"%s lượt đánh giá", "%s ratings"},
	"index.ratings.one":  {"%s lượt đánh giá", "%s rating"},
	"index.days":         {"%s ngày", "%s days"},
	"index.dossiers":     {"%s hồ sơ", "%s dossiers"},

	"index.fig." + string(stats.FigOnTime):       {"Đúng hạn", "On time"},
	"index.fig." + string(stats.FigOnline):       {"Nộp trực tuyến", "Submitted online"},
	"index.fig." + string(stats.FigSolvedOnline): {"Giải quyết trực tuyến", "Solved online"},
	"index.fig." + string(stats.FigSatisfaction): {"Hài lòng", "Satisfied"},
	"index.fig." + string(stats.FigMedianDays):   {"Thời gian giải quyết (trung vị)", "Processing time (median)"},

	"index.note.title": {"Cách tính", "How the figures are computed"},
	"index.note." + string(stats.FigOnTime): {"Đúng hạn: tỷ lệ hồ sơ giải quyết trước hạn hoặc đúng hạn trên tổng số hồ sơ đã giải quyết.",
		"On time: the share of finished dossiers finished early or on time."},
	"index.note." + string(stats.FigOnline): {"Nộp trực tuyến: tỷ lệ hồ sơ nộp trực tuyến trên tổng số hồ sơ tiếp nhận trong kỳ.",
		"Submitted online: the share of the dossiers received in the period that were submitted online."},
	"index.note." + string(stats.FigSolvedOnline): {"Giải quyết trực tuyến: số hồ sơ nộp trực tuyến đã có quyết định giải quyết trong kỳ.",
		"Solved online: the number of dossiers submitted online that were decided in the period."},
	"index.note." + string(stats.FigSatisfaction): {"Hài lòng: tỷ lệ đánh giá «Hài lòng» hoặc «Rất hài lòng» trên tổng số lượt đánh giá.",
		"Satisfied: the share of ratings that were “Satisfied” or “Very satisfied”."},
	"index.note." + string(stats.FigMedianDays): {"Thời gian giải quyết: trung vị của thời gian từ khi tiếp nhận đến khi có quyết định, tính theo ngày lịch (kể cả ngày nghỉ), của các hồ sơ đã giải quyết trong kỳ.",
		"Processing time: the median time from reception to decision, in calendar days (holidays included), of the dossiers decided in the period."},
	"index.note.toofew": {"Dấu «—»: chỉ số dựa trên dưới %d hồ sơ (hoặc lượt đánh giá), quá ít để đánh giá.",
		"“—”: the figure rests on fewer than %d dossiers (or ratings), too few to say."},
	"index.note.daily": {"Chỉ số được tính một lần mỗi ngày (cập nhật hằng ngày), sau nửa đêm, cho 12 tháng kết thúc ở ngày hôm trước; hồ sơ được điều chỉnh về sau được tính vào lần cập nhật kế tiếp.",
		"The index is computed once a day, after midnight, for the 12 months ending the day before; later corrections to past dossiers appear at the next day's update."},
	"index.note.rank": {"Xếp hạng: so với các đơn vị cùng cấp trên và cùng loại (các phường của một quận, các quận, các sở).",
		"Rank: among the units of the same parent and the same kind (the wards of one district, the districts, the departments)."},

	"index.kind." + string(org.KindDepartment): {"Sở, ban, ngành", "Departments"},
	"index.kind." + string(org.KindDistrict):   {"Quận, huyện, thị xã", "Districts"},
	"index.kind." + string(org.KindCommune):    {"Phường, xã, thị trấn", "Wards and communes"},
	"index.kind." + string(org.KindCity):       {"Tỉnh, thành phố", "Provinces and cities"},
}

// IndexStore is what the public index reads: the figures (through
// stats.Service), the units and the processing times (store.DB).
type IndexStore interface {
	stats.Store
	UnitByCode(ctx context.Context, code string) (*org.Unit, error)
	Units(ctx context.Context, f store.UnitFilter) ([]org.Unit, error)
	IndexTimesByUnit(ctx context.Context, units []org.Unit, from, to time.Time) (map[string]stats.IndexTimes, error)
	IndexTimesByProcedure(ctx context.Context, unit *org.Unit, from, to time.Time) (map[string]stats.IndexTimes, error)
	// The day's stored figures (store.IndexSnapshot).
	IndexSnapshot(ctx context.Context, day time.Time, key string) (store.IndexSnapshot, bool, error)
	SaveIndexSnapshot(ctx context.Context, s store.IndexSnapshot) error
}

// indexCacheControl lets browsers and proxies keep the index for five
// minutes: the figures cover a year, and the page is the same for
// everyone (it is rendered without the visitor's name).
const indexCacheControl = "public, max-age=300"

// registerIndex adds the index's routes.
func (h *Handler) registerIndex(mux *http.ServeMux) {
	mux.Handle("GET /chi-so", h.page(h.indexPage))
	mux.Handle("GET /chi-so/{unit}", h.page(h.indexUnitPage))
}

// indexCell is one figure as the page shows it.
type indexCell struct {
	Text string
	// TooFew marks a withheld figure, shown "—".
	TooFew bool
	// Rank is "2/18" among peers on this figure, "" when unranked.
	Rank string
}

// indexLine is one unit or procedure.
type indexLine struct {
	Code, Name string
	URL        string // the unit's own page; "" for a procedure
	Cells      []indexCell
	// Rank is the rank on the figure the page is sorted by.
	Rank string
}

// indexGroup is the lines of one kind of unit, ranked together.
type indexGroup struct {
	Title string
	Lines []indexLine
}

// indexHead is one figure's column heading with its sort link.
type indexHead struct {
	Figure  stats.Figure
	Label   string
	Note    string
	URL     string
	Current bool
	// Order is the aria-sort of the column when current: best first is
	// descending for rates, ascending for the processing time.
	Order string
}

type indexView struct {
	From, To string
	Heads    []indexHead
	MinBase  int
	// Groups are the units listed (the top-level ones, or the unit's
	// children), by kind.
	Groups []indexGroup
	// Unit, Parent and Procedures are the unit page's.
	Unit       *indexLine
	Parent     *org.Unit
	Procedures []indexLine
}

// indexPeriod is the 12 months of whole days ending at the start of
// now's day (Asia/Ho_Chi_Minh): [the same date a year ago, today 00:00).
// It changes only with the day, so that its figures are computed once a
// day.
func indexPeriod(now time.Time) (time.Time, time.Time) {
	y, m, d := now.In(store.Zone).Date()
	return time.Date(y-1, m, d, 0, 0, 0, 0, store.Zone), time.Date(y, m, d, 0, 0, 0, 0, store.Zone)
}

// indexSource returns the store behind the index; the page is not found
// where the application wired none.
func (h *Handler) indexSource() (IndexStore, error) {
	if h.Index == nil {
		return nil, apperr.ErrNotFound
	}
	return h.Index, nil
}

// indexPage lists the top-level units (the children of the root units:
// departments, districts) with their figures and ranks.
func (h *Handler) indexPage(w http.ResponseWriter, r *http.Request) error {
	sortBy, err := stats.ParseFigure(r.URL.Query().Get("sort"))
	if err != nil {
		return err
	}
	src, err := h.indexSource()
	if err != nil {
		return err
	}
	ctx, now := r.Context(), h.now()
	from, to := indexPeriod(now)
	_, units, err := indexTopUnits(ctx, src, now)
	if err != nil {
		return err
	}
	rows, err := h.rankedRows(ctx, src, units, from, to, now)
	if err != nil {
		return err
	}
	v := h.indexView(r, from, to, sortBy)
	v.Groups = h.indexGroups(r, rows, sortBy)
	h.renderIndex(w, r, "index", v)
	return nil
}

// indexUnitPage shows one unit: its figures and rank among its peers, its
// children ranked, and its procedures.
func (h *Handler) indexUnitPage(w http.ResponseWriter, r *http.Request) error {
	sortBy, err := stats.ParseFigure(r.URL.Query().Get("sort"))
	if err != nil {
		return err
	}
	src, err := h.indexSource()
	if err != nil {
		return err
	}
	ctx, now := r.Context(), h.now()
	from, to := indexPeriod(now)
	u, err := src.UnitByCode(ctx, r.PathValue("unit"))
	if err != nil {
		return err
	}
	parent, peers, kids, err := indexUnitUnits(ctx, src, u, now)
	if err != nil {
		return err
	}
	rows, err := h.rankedRows(ctx, src, append(peers, kids...), from, to, now)
	if err != nil {
		return err
	}
	v := h.indexView(r, from, to, sortBy)
	v.Parent = parent
	for _, row := range rows[:len(peers)] {
		if row.Code == u.Code {
			line := h.indexLine(r, row, sortBy)
			v.Unit = &line
		}
	}
	v.Groups = h.indexGroups(r, rows[len(peers):], sortBy)

	cached, err := h.procedureRows(ctx, src, u, from, to, now)
	if err != nil {
		return err
	}
	// A copy: the cached rows are shared by concurrent requests.
	procs := slices.Clone(cached)
	stats.SortIndex(procs, sortBy)
	for _, p := range procs {
		line := h.indexLine(r, p, sortBy)
		line.URL = "/thu-tuc/" + url.PathEscape(p.Code)
		v.Procedures = append(v.Procedures, line)
	}
	h.renderIndex(w, r, "index-unit", v)
	return nil
}

// indexTopUnits lists the root units and the top-level units the main
// page ranks: the roots' children (departments, districts) in force at
// now.
func indexTopUnits(ctx context.Context, src IndexStore, now time.Time) (roots, units []org.Unit, err error) {
	roots, err = src.Units(ctx, store.UnitFilter{Roots: true, At: now})
	if err != nil {
		return nil, nil, fmt.Errorf("listing the root units for the index: %w", err)
	}
	for _, root := range roots {
		kids, err := src.Units(ctx, store.UnitFilter{Parent: root.Code, At: now})
		if err != nil {
			return nil, nil, fmt.Errorf("listing the units below %s for the index: %w", root.Code, err)
		}
		units = append(units, kids...)
	}
	return roots, units, nil
}

// indexUnitUnits lists what u's page ranks: u first among its peers (the
// parent's children of its kind in force at now; without a parent, none
// but itself), then its children.
func indexUnitUnits(ctx context.Context, src IndexStore, u *org.Unit, now time.Time) (parent *org.Unit, peers, kids []org.Unit, err error) {
	peers = []org.Unit{*u}
	if u.ParentCode != "" {
		if parent, err = src.UnitByCode(ctx, u.ParentCode); err != nil {
			return nil, nil, nil, err
		}
		sibs, err := src.Units(ctx, store.UnitFilter{Parent: u.ParentCode, At: now})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("listing the peers of %s for the index: %w", u.Code, err)
		}
		// A unit no longer in force is still shown, ranked among the
		// peers in force.
		for _, s := range sibs {
			if s.Kind == u.Kind && s.Code != u.Code {
				peers = append(peers, s)
			}
		}
	}
	kids, err = src.Units(ctx, store.UnitFilter{Parent: u.Code, At: now})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listing the units below %s for the index: %w", u.Code, err)
	}
	return parent, peers, kids, nil
}

// indexKeyMax bounds a stored key; a longer list of units is named by its
// hash instead.
const indexKeyMax = 200

// unitsKey names the table of units ranked together: the units' codes in
// order, so that a unit created or closed during the day makes a table of
// its own rather than reading one that lacks it.
func unitsKey(units []org.Unit) string {
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	k := "units|" + strings.Join(codes, ",")
	if len(k) > indexKeyMax {
		sum := sha256.Sum256([]byte(k))
		k = "units|sha256:" + hex.EncodeToString(sum[:])
	}
	return k
}

// procedureKey names the table of unit's procedures.
func procedureKey(unit *org.Unit) string { return "procedures|" + unit.Code }

// snapshotRows answers the rows of key for the period [from, to): from
// this process's memo, else from the day's stored snapshot, else
// computed by compute and stored for the other processes and the next
// visitors. The memo keeps them until the day changes: the period ends
// at the start of the day, so its figures are the day's. Callers must not
// change the rows: they are shared.
func (h *Handler) snapshotRows(ctx context.Context, src IndexStore, key string, to, now time.Time, compute func(context.Context) ([]stats.IndexRow, error)) ([]stats.IndexRow, error) {
	tomorrow := to.AddDate(0, 0, 1)
	v, err := h.indexFigures.get(ctx, to.Format(time.DateOnly)+"|"+key, now, tomorrow, func(ctx context.Context) (any, error) {
		s, ok, err := src.IndexSnapshot(ctx, to, key)
		if err != nil {
			return nil, err
		}
		if ok {
			return s.Rows, nil
		}
		rows, err := compute(ctx)
		if err != nil {
			return nil, err
		}
		// A failed write costs the next process a computation, not this
		// answer: the figures are right.
		if err := src.SaveIndexSnapshot(ctx, store.IndexSnapshot{Day: to, Key: key, Rows: rows, ComputedAt: now}); err != nil {
			h.Log.WarnContext(ctx, "the public index's figures were not stored", "key", key, "err", err)
		}
		return rows, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]stats.IndexRow), nil
}

// rankedRows is indexRows ranked among peers, the day's snapshot
// (snapshotRows). Callers must not change the rows: they are shared.
func (h *Handler) rankedRows(ctx context.Context, src IndexStore, units []org.Unit, from, to, now time.Time) ([]stats.IndexRow, error) {
	return h.snapshotRows(ctx, src, unitsKey(units), to, now, func(ctx context.Context) ([]stats.IndexRow, error) {
		rows, err := h.indexRows(ctx, src, units, from, to, now)
		if err != nil {
			return nil, err
		}
		stats.RankPeers(rows)
		return rows, nil
	})
}

// procedureRows is the figures of unit's subtree by procedure, the day's
// snapshot (snapshotRows). Callers must not change the rows: they are
// shared.
func (h *Handler) procedureRows(ctx context.Context, src IndexStore, u *org.Unit, from, to, now time.Time) ([]stats.IndexRow, error) {
	return h.snapshotRows(ctx, src, procedureKey(u), to, now, func(ctx context.Context) ([]stats.IndexRow, error) {
		svc := stats.Service{Store: src, Now: func() time.Time { return now }}
		rep, err := svc.Report(ctx, stats.Query{Unit: u, From: from, To: to, By: "procedure", NoLevel4: true})
		if err != nil {
			return nil, fmt.Errorf("reading the figures of %s by procedure for the index: %w", u.Code, err)
		}
		times, err := src.IndexTimesByProcedure(ctx, u, from, to)
		if err != nil {
			return nil, err
		}
		procs := make([]stats.IndexRow, 0, len(rep.Rows))
		for _, pr := range rep.Rows {
			procs = append(procs, stats.NewIndexRow(pr.Procedure, pr.ProcedureName, pr, times[pr.Procedure]))
		}
		return procs, nil
	})
}

// IndexPages lists the pages whose figures WarmIndexPage computes ahead
// of the day's visitors: "" for the main page, then each root unit's and
// each top-level unit's code.
func (h *Handler) IndexPages(ctx context.Context, now time.Time) ([]string, error) {
	src, err := h.indexSource()
	if err != nil {
		return nil, err
	}
	roots, units, err := indexTopUnits(ctx, src, now)
	if err != nil {
		return nil, err
	}
	pages := []string{""}
	for _, u := range append(roots, units...) {
		pages = append(pages, u.Code)
	}
	return pages, nil
}

// WarmIndexPage makes the figures of the index's page of unit ("" the
// main page) for now's day ready: read from the stored snapshot, or
// computed and stored when there is none, as the page would. The daily
// job calls it shortly after midnight, so that the day's first visitor
// does not wait for the computation.
func (h *Handler) WarmIndexPage(ctx context.Context, now time.Time, unit string) error {
	src, err := h.indexSource()
	if err != nil {
		return err
	}
	from, to := indexPeriod(now)
	if unit == "" {
		_, units, err := indexTopUnits(ctx, src, now)
		if err != nil {
			return err
		}
		_, err = h.rankedRows(ctx, src, units, from, to, now)
		return err
	}
	u, err := src.UnitByCode(ctx, unit)
	if err != nil {
		return err
	}
	_, peers, kids, err := indexUnitUnits(ctx, src, u, now)
	if err != nil {
		return err
	}
	if _, err := h.rankedRows(ctx, src, append(peers, kids...), from, to, now); err != nil {
		return err
	}
	_, err = h.procedureRows(ctx, src, u, from, to, now)
	return err
}

// indexRows reads the figures of each unit's subtree (Own false) and
// their processing times, in one query for the times.
func (h *Handler) indexRows(ctx context.Context, src IndexStore, units []org.Unit, from, to, now time.Time) ([]stats.IndexRow, error) {
	times, err := src.IndexTimesByUnit(ctx, units, from, to)
	if err != nil {
		return nil, err
	}
	svc := stats.Service{Store: src, Now: func() time.Time { return now }}
	rows := make([]stats.IndexRow, 0, len(units))
	for i := range units {
		u := &units[i]
		rep, err := svc.Report(ctx, stats.Query{Unit: u, From: from, To: to, NoLevel4: true})
		if err != nil {
			return nil, fmt.Errorf("reading the figures of %s for the index: %w", u.Code, err)
		}
		row := stats.NewIndexRow(u.Code, u.Name, rep, times[u.Code])
		row.Kind, row.Parent = u.Kind, u.ParentCode
		rows = append(rows, row)
	}
	return rows, nil
}

// indexView fills the parts every index page has.
func (h *Handler) indexView(r *http.Request, from, to time.Time, sortBy stats.Figure) *indexView {
	// The period's last day is the day before to (its end, excluded).
	v := &indexView{From: web.Date(from), To: web.Date(to.AddDate(0, 0, -1)), MinBase: stats.MinBase}
	for _, f := range stats.Figures {
		q := url.Values{}
		if f != stats.FigOnTime {
			q.Set("sort", string(f))
		}
		u := r.URL.EscapedPath()
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		v.Heads = append(v.Heads, indexHead{Figure: f, Label: h.t(r, "index.fig."+string(f)),
			Note: h.t(r, "index.note."+string(f)), URL: u, Current: f == sortBy, Order: "descending"})
		if f == stats.FigMedianDays {
			v.Heads[len(v.Heads)-1].Order = "ascending"
		}
	}
	return v
}

// indexGroups splits rows by kind, in a fixed order of kinds, each sorted
// by sortBy.
func (h *Handler) indexGroups(r *http.Request, rows []stats.IndexRow, sortBy stats.Figure) []indexGroup {
	var out []indexGroup
	for _, k := range []org.Kind{org.KindDepartment, org.KindDistrict, org.KindCommune, org.KindCity} {
		var in []stats.IndexRow
		for _, row := range rows {
			if row.Kind == k {
				in = append(in, row)
			}
		}
		if len(in) == 0 {
			continue
		}
		stats.SortIndex(in, sortBy)
		g := indexGroup{Title: h.t(r, "index.kind."+string(k))}
		for _, row := range in {
			line := h.indexLine(r, row, sortBy)
			line.URL = "/chi-so/" + url.PathEscape(row.Code)
			g.Lines = append(g.Lines, line)
		}
		out = append(out, g)
	}
	return out
}

// indexLine formats a row's figures in the request's language.
func (h *Handler) indexLine(r *http.Request, row stats.IndexRow, sortBy stats.Figure) indexLine {
	lang := web.LangOf(r)
	line := indexLine{Code: row.Code, Name: row.Name}
	for _, f := range stats.Figures {
		c := indexCell{}
		val, ok := row.Value(f)
		switch {
		case !ok:
			c.Text, c.TooFew = "—", true
		case f == stats.FigMedianDays:
			c.Text = h.t(r, "index.days", decimal(val, lang))
		case f == stats.FigSolvedOnline:
			c.Text = web.Number(int64(val), lang)
		case f == stats.FigSatisfaction:
			key := "index.ratings"
			if row.Ratings == 1 && lang == web.EN {
				key += ".one"
			}
			c.Text = stats.FormatPercent(val, lang) + " (" + h.t(r, key, web.Number(int64(row.Ratings), lang)) + ")"
		default:
			c.Text = stats.FormatPercent(val, lang)
		}
		if n, ok := row.Rank[f]; ok {
			c.Rank = h.t(r, "index.rank.of", n, row.Peers[f])
			if f == sortBy {
				line.Rank = c.Rank
			}
		}
		line.Cells = append(line.Cells, c)
	}
	return line
}

// decimal writes a number of days with one decimal at most, with the
// language's decimal mark: "2,5" in Vietnamese, "2.5" in English.
func decimal(v float64, lang string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s) > i+2 {
		s = strconv.FormatFloat(v, 'f', 1, 64)
	}
	if lang != web.EN {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// renderIndex renders an index page, the same for every visitor (no
// name in the header), and lets caches keep it (indexCacheControl).
func (h *Handler) renderIndex(w http.ResponseWriter, r *http.Request, name string, v *indexView) {
	r = web.WithUser(r, nil)
	h.web.Render(&cacheWriter{ResponseWriter: w, control: indexCacheControl}, r, web.View{Name: name, Data: v})
}

// cacheWriter sets Cache-Control on a successful answer just before its
// header is written, over the renderer's default (no-cache). Error pages
// keep the default. An answer setting a cookie (the ?lang= choice
// remembered) is kept by the browser only: a shared cache would hand the
// cookie to everyone.
type cacheWriter struct {
	http.ResponseWriter
	control string
}

func (c *cacheWriter) WriteHeader(status int) {
	if status == http.StatusOK {
		cc := c.control
		if len(c.Header().Values("Set-Cookie")) > 0 {
			cc = strings.Replace(cc, "public", "private", 1)
		}
		c.Header().Set("Cache-Control", cc)
	}
	c.ResponseWriter.WriteHeader(status)
}
