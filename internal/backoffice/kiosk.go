package backoffice

import (
	"context"
	_ "embed"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/notice"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// kioskPath is the rating kiosk: the desk's screen (or a tablet) turned to
// an applicant who collected the result in person, so that they rate it
// without an account; the officer's session is the only login.
const kioskPath = "/can-bo/danh-gia/"

//go:embed static/kiosk.css
var kioskCSS []byte

// serveKioskCSS serves the kiosk's own style sheet (large buttons), apart
// from the back office's so that the two change independently.
func serveKioskCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(kioskCSS)
}

// kioskChoice is one of the three levels, best first.
type kioskChoice struct {
	Value, Label string
}

// kioskView is the rating screen. It shows what the applicant needs to
// recognise the dossier (code, procedure, unit), never their personal data:
// the screen faces the public.
type kioskView struct {
	Code, Procedure, Unit string
	Version               int
	// Open: the rating may be recorded now (the buttons show).
	Open    bool
	Choices []kioskChoice
	Comment string
	// Rated is the level recorded, in words; Thanks is set right after the
	// applicant's choice.
	Rated  string
	Thanks bool
	// Closed says why the screen takes no rating (not delivered, not
	// handed over in person, already rated, a role that may not record).
	Closed string
	Error  string
}

// kioskRatings are the levels of Decision 766/QĐ-TTg, best first.
var kioskRatings = []string{dossier.RatingVerySatisfied, dossier.RatingSatisfied, dossier.RatingDissatisfied}

// kioskLoad reads the dossier for the screen: only staff of the unit that
// holds it (others: the same 404 as an unknown code).
func (h *Handler) kioskLoad(r *http.Request, s *staff) (*dossier.Dossier, *kioskView, error) {
	d, err := h.Dossiers.GetHeld(r.Context(), s.Actor, r.PathValue("code"))
	if err != nil {
		return nil, nil, err
	}
	lang := web.LangOf(r)
	v := &kioskView{Code: d.Code, Procedure: d.ProcedureName, Unit: d.UnitName, Version: d.Version}
	for _, rv := range kioskRatings {
		v.Choices = append(v.Choices, kioskChoice{rv, h.t(r, "rating."+rv)})
	}
	if d.Rating != "" {
		v.Rated = h.t(r, "rating."+d.Rating)
	}
	// Whether the screen takes a rating is the lifecycle's rule; its
	// refusal is shown in its own words.
	if err := dossier.Check(d, s.Actor, dossier.ActRate); err != nil {
		if e, ok := apperr.As(err); ok {
			v.Closed = e.Message(lang)
		} else {
			return nil, nil, err
		}
	} else {
		v.Open = true
	}
	return d, v, nil
}

// kioskPage serves GET /can-bo/danh-gia/{code}; ?xong=1 thanks the
// applicant after their choice.
func (h *Handler) kioskPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	_, v, err := h.kioskLoad(r, s)
	if err != nil {
		return err
	}
	v.Thanks = r.URL.Query().Get("xong") == "1" && v.Rated != ""
	h.web.Render(w, r, web.View{Name: "kiosk", NoIndex: true, NoStore: true, Data: v})
	return nil
}

// kioskPost records the applicant's choice through the lifecycle (the
// same rate action as the citizen's own rating), then thanks them (303).
// A refusal (already rated, not delivered in person, a stale screen) shows
// the screen again with the lifecycle's message and its 4xx status.
func (h *Handler) kioskPost(w http.ResponseWriter, r *http.Request, s *staff) error {
	if _, _, err := h.kioskLoad(r, s); err != nil {
		return err
	}
	if err := web.ParseForm(w, r, maxForm); err != nil {
		return err
	}
	code := r.PathValue("code")
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return apperr.New(apperr.Invalid, "version_invalid", "Thiếu phiên bản hồ sơ; vui lòng tải lại trang.", "The dossier version is missing; reload the page.")
	}
	comment := strings.TrimSpace(r.PostForm.Get("comment"))
	cmd := dossier.Command{Action: dossier.ActRate, Version: version, Rating: r.PostForm.Get("rating"), Comment: comment}
	_, _, err = h.Dossiers.Act(r.Context(), s.Actor, code, cmd, nil)
	if err == nil {
		http.Redirect(w, r, kioskPath+code+"?xong=1", http.StatusSeeOther)
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.NotFound || e.Kind == apperr.Internal || e.Kind == apperr.Unauthorized || e.Kind == apperr.TooMany {
		return err
	}
	_, v, lerr := h.kioskLoad(r, s)
	if lerr != nil {
		return lerr
	}
	status := e.Kind.Status()
	v.Error = e.Message(web.LangOf(r))
	if e.Kind == apperr.Conflict {
		v.Error = h.t(r, "kiosk.stale")
		if !v.Open {
			// A screen left open after the rating (a second tap): what
			// matters is why it is closed now, which the screen says.
			v.Error, status = "", http.StatusUnprocessableEntity
		}
	}
	if v.Open {
		v.Comment = comment
	}
	h.web.Render(w, r, web.View{Name: "kiosk", Status: status, NoIndex: true, NoStore: true, Data: v})
	return nil
}

// kioskMessages are the strings of the rating kiosk and of the dashboard's
// satisfaction figures, kept beside them and added to the back office's
// catalogue at start.
var kioskMessages = web.Messages{
	"kiosk.title":    {"Đánh giá sự hài lòng", "How satisfied are you?"},
	"kiosk.dossier":  {"Hồ sơ", "Dossier"},
	"kiosk.question": {"Ông/bà có hài lòng với việc giải quyết hồ sơ này không? Xin chạm vào một ô.", "Are you satisfied with how this dossier was handled? Please tap one."},
	"kiosk.comment":  {"Góp ý (không bắt buộc), viết trước khi chọn mức", "Comment (optional), written before you choose"},
	"kiosk.thanks":   {"Cảm ơn ông/bà đã đánh giá.", "Thank you for your rating."},
	"kiosk.chosen":   {"Ông/bà đã chọn: %s.", "You chose: %s."},
	"kiosk.rated":    {"Hồ sơ đã được đánh giá: %s.", "The dossier was rated: %s."},
	"kiosk.stale":    {"Hồ sơ vừa được thay đổi; xin chọn lại.", "The dossier has just changed; please choose again."},
	"kiosk.back":     {"Cán bộ: quay lại hồ sơ", "Officer: back to the dossier"},
	"kiosk.open":     {"Mời người nộp đánh giá trên màn hình", "Ask the applicant to rate on the screen"},
	"d.rating":       {"Người nộp đã đánh giá: %s.", "The applicant rated it: %s."},
	// The rating labels are the citizens' timeline's (notice.Messages).
	"rating.very_satisfied":   notice.Messages["rating.very_satisfied"],
	"rating.satisfied":        notice.Messages["rating.satisfied"],
	"rating.dissatisfied":     notice.Messages["rating.dissatisfied"],
	"dash.satisfaction":       {"Mức độ hài lòng tháng %s", "Satisfaction, %s"},
	"dash.satisfaction.hint":  {"Theo Quyết định 766/QĐ-TTg: đánh giá của người nộp trong tháng, tính cho đơn vị đã giải quyết hồ sơ, gồm cả đơn vị cấp dưới.", "As in Decision 766/QĐ-TTg: the applicants' ratings given this month, counted at the unit that decided the dossier, units below included."},
	"dash.satisfaction.none":  {"Chưa có đánh giá nào trong tháng.", "No rating this month yet."},
	"dash.satisfaction.share": {"%s (%d)", "%s (%d)"},
	"dash.satisfaction.total": {"Số đánh giá", "Ratings"},
	"dash.satisfaction.desk":  {"Trong đó ghi nhận tại quầy", "Of which recorded at the desk"},
	"dash.satisfaction.by":    {"Theo thủ tục", "By procedure"},
	"dash.satisfaction.units": {"Theo đơn vị đã giải quyết", "By the unit that decided"},
	"dash.satisfaction.own":   {"%s (hồ sơ của riêng đơn vị)", "%s (its own dossiers)"},
	"dash.satisfaction.unit":  {"Đơn vị", "Unit"},
}

func init() {
	for k, v := range kioskMessages {
		if _, dup := messages[k]; dup {
			panic("backoffice: message " + k + " defined twice")
		}
		messages[k] = v
	}
}

// satisfactionView is one line of the dashboard's satisfaction figures: the
// number of ratings and each level's share with its count beside it.
type satisfactionView struct {
	Code, Name    string // the procedure's or the unit's; empty for the total
	Total, AtDesk int
	Shares        []shareView
}

// shareView is one level's share, written with two decimals in the
// reader's language ("33,33 %", "33.33%").
type shareView struct {
	Level, Label, Share string
	Count               int
}

func (h *Handler) satisfaction(lang, code, name string, s stats.Satisfaction) satisfactionView {
	v := satisfactionView{Code: code, Name: name, Total: s.Total, AtDesk: s.AtDesk}
	for _, l := range []struct {
		level string
		n     int
		rate  float64
	}{{dossier.RatingVerySatisfied, s.VerySatisfied, s.VerySatisfiedRate},
		{dossier.RatingSatisfied, s.Satisfied, s.SatisfiedRate},
		{dossier.RatingDissatisfied, s.Dissatisfied, s.DissatisfiedRate}} {
		v.Shares = append(v.Shares, shareView{Level: l.level, Label: h.web.T(lang, "rating."+l.level),
			Share: stats.FormatPercent(l.rate, lang), Count: l.n})
	}
	return v
}

// satisfactionUnits is the month's satisfaction of the unit's own
// decisions and of each unit below it with a rating, in the order of the
// units.
func (h *Handler) satisfactionUnits(ctx context.Context, lang string, u *org.Unit, from, now time.Time) ([]satisfactionView, error) {
	var out []satisfactionView
	own, err := h.Store.Satisfaction(ctx, u, from, now, true)
	if err != nil {
		return nil, err
	}
	if own.Total > 0 {
		out = append(out, h.satisfaction(lang, u.Code, h.web.T(lang, "dash.satisfaction.own", u.Name), own))
	}
	kids, err := h.Store.Units(ctx, store.UnitFilter{Parent: u.Code, At: now, Limit: 500})
	if err != nil {
		return nil, err
	}
	for i := range kids {
		s, err := h.Store.Satisfaction(ctx, &kids[i], from, now, false)
		if err != nil {
			return nil, err
		}
		if s.Total > 0 {
			out = append(out, h.satisfaction(lang, kids[i].Code, kids[i].Name, s))
		}
	}
	return out, nil
}
