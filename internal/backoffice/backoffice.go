// Package backoffice serves the electronic one-stop-shop back office for
// staff under /can-bo/: a dashboard of the acting unit, the reception queue
// (/can-bo/tiep-nhan, online dossiers oldest first), the dossier page with
// its documents, checklist, timeline and the reception actions (receive,
// request supplementation, refuse), and the slips 01–06 as PDF; the rating
// kiosk (/can-bo/danh-gia/{code}, kiosk.go) on which an applicant at the
// counter rates a result handed over in person.
//
// Staff log in at the portal's /dang-nhap: the back office shares the
// portal's session manager and reads the account id the portal's login
// stores. Pages are rendered by package web in Vietnamese (default) or
// English; every POST is refused with 403 when it comes from another site.
package backoffice

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/notice"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/receipt"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed static/backoffice.css
var css []byte

// serveCSS serves the back office's style sheet (same origin, so the
// site's Content-Security-Policy allows it).
func serveCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(css)
}

// Store is the part of the store the back office reads.
type Store interface {
	UnitByCode(ctx context.Context, code string) (*org.Unit, error)
	Version(ctx context.Context, id int64) (*catalog.Version, error)
	ListDossiers(ctx context.Context, a dossier.Actor, f dossier.Filter) ([]dossier.Dossier, int64, error)
	ReceptionQueue(ctx context.Context, unitID, after int64, limit int) ([]dossier.Dossier, int64, error)
	BackofficeCounts(ctx context.Context, sc store.UnitScope, now time.Time) (store.UnitCounts, error)
	UnitStaff(ctx context.Context, unitID int64, role org.Role) ([]store.StaffMember, error)
	StatusCounts(ctx context.Context, sc store.UnitScope) (map[dossier.Status]int, error)
	UnitDueCounts(ctx context.Context, sc store.UnitScope, now time.Time, w store.DueWindows) (store.DueCounts, error)
	Stats(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool) (stats.Report, error)
	StatsRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, by string) ([]stats.Report, error)
	Satisfaction(ctx context.Context, unit *org.Unit, from, to time.Time, own bool) (stats.Satisfaction, error)
	CalendarOverrides(ctx context.Context) ([]calendar.Override, error)
	VerifyDossier(ctx context.Context, dossierID int64) ([]store.AuditProblem, error)
	SetCalendarOverride(ctx context.Context, o calendar.Override, by dossier.Actor) error
	DeleteCalendarOverride(ctx context.Context, unitID int64, day string, by dossier.Actor) error
	OfficeHours(ctx context.Context) ([]calendar.OfficeHours, error)
	SetOfficeHours(ctx context.Context, o calendar.OfficeHours, by dossier.Actor) error
	DeleteOfficeHours(ctx context.Context, unitID int64, by dossier.Actor) error
	CalendarYear(ctx context.Context, year int) (*calendar.YearConfirmation, error)
	ConfirmCalendarYear(ctx context.Context, year int, at time.Time, by dossier.Actor) error
	AccountByUsername(ctx context.Context, username string) (*account.Account, error)
	UnitProcedures(ctx context.Context, unitID int64, at time.Time) ([]store.ProcedureChoice, error)
	OffersProcedure(ctx context.Context, code string, unitID int64) (bool, error)
	SubmissionUnits(ctx context.Context, procedureID int64, at time.Time, limit int) ([]org.Choice, error)
	ProcedureInForce(ctx context.Context, code string, at time.Time) (*catalog.Procedure, error)
	Units(ctx context.Context, f store.UnitFilter) ([]org.Unit, error)
	UnitChoices(ctx context.Context, at time.Time) ([]org.Choice, error)
	OpenConsultations(ctx context.Context, unitID, after int64, limit int) ([]store.ConsultationRow, int64, error)
	// The reports' figures (reports.go).
	stats.Store
	report.Figures766
}

// Dossiers is the dossier service.
type Dossiers interface {
	Get(ctx context.Context, a dossier.Actor, code string) (*dossier.Dossier, error)
	GetHeld(ctx context.Context, a dossier.Actor, code string) (*dossier.Dossier, error)
	Act(ctx context.Context, a dossier.Actor, code string, cmd dossier.Command, docs []dossier.Document) (*dossier.Dossier, *dossier.Event, error)
	Submit(ctx context.Context, a dossier.Actor, in dossier.SubmitInput) (*dossier.Dossier, bool, error)
	RecordWalkIn(ctx context.Context, a dossier.Actor, in dossier.WalkInInput) (*dossier.WalkIn, error)
	GetWalkIn(ctx context.Context, a dossier.Actor, id int64) (*dossier.WalkIn, error)
	UnitWalkIns(ctx context.Context, a dossier.Actor, unitID int64, limit int) ([]dossier.WalkIn, error)
}

// Session keys: the login is auth's, shared with the portal.
const (
	sessionUnit = "backoffice_unit"
	maxForm     = 64 << 10
	pageSize    = 50
)

// Handler serves the back office.
type Handler struct {
	Store    Store
	Dossiers Dossiers
	Files    files.Store
	Sessions *scs.SessionManager
	// Payments lists a dossier's payment requests and records refunds
	// (payment.Service).
	Payments interface {
		RequestsOf(ctx context.Context, d *dossier.Dossier) ([]payment.Request, error)
		RecordRefund(ctx context.Context, a dossier.Actor, code string, requestID int64) error
	}
	// Receipts reads a dossier's e-receipts (receipt.Access).
	Receipts interface {
		Of(ctx context.Context, d *dossier.Dossier) ([]*receipt.Receipt, error)
		PDF(ctx context.Context, a dossier.Actor, code string, id int64) (name string, data []byte, err error)
	}
	// Auth reads the login of the session and verifies identities.
	Auth *auth.Service
	// BaseURL, when set, is the public address used in slips' QR codes.
	BaseURL string
	Log     *slog.Logger
	Now     func() time.Time
	// Calendar returns the working-day calendar in force at the unit with
	// the materialised path, for the deadline words; New takes it from the
	// dossier service's Clock, and without one Monday–Friday is assumed.
	Calendar func(ctx context.Context, unitPath string) (WorkCalendar, error)
	// Limits bound the result file of the finish form.
	Limits files.Limits
	// Population is the counter intake's population-database lookup and
	// its log (population.go); the zero value has none.
	Population PopulationDesk

	web *web.Renderer
	cop *http.CrossOriginProtection
	// Jobs is the job queue, for the administrators' page of failed jobs
	// (jobs.go); Notices lists a dossier's notices to its citizen.
	Jobs    JobQueue
	Notices interface {
		DossierNotices(ctx context.Context, dossierID int64) ([]notice.Record, error)
	}
	// Sync reads the national-portal sync state (nil while sync is off).
	Sync SyncReader

	// Webhooks manages integrators' webhooks (webhook.Service,
	// webhooks.go); nil hides the page.
	Webhooks WebhookAdmin
}

// New builds the handler and parses its templates. sessions is the
// portal's session manager.
func New(st Store, svc Dossiers, fstore files.Store, au *auth.Service, sessions *scs.SessionManager, log *slog.Logger, now func() time.Time) (*Handler, error) {
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{Store: st, Dossiers: svc, Files: fstore, Auth: au, Sessions: sessions, Log: log, Now: now,
		Limits: files.Limits{Field: maxForm, File: 10 << 20, Dossier: 10 << 20}}
	if ds, ok := svc.(*dossier.Service); ok && ds.Clock != nil {
		h.Calendar = func(ctx context.Context, path string) (WorkCalendar, error) {
			c, err := ds.Clock(ctx, path)
			if err != nil {
				return nil, err
			}
			if wc, ok := c.(WorkCalendar); ok {
				return wc, nil
			}
			return weekdays{}, nil
		}
	}
	pages, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	h.web, err = web.New(web.Config{Pages: pages, Messages: messages, Funcs: h.funcs, Log: log})
	if err != nil {
		return nil, fmt.Errorf("back-office templates: %w", err)
	}
	h.cop = h.web.CrossOrigin("error.cross_site")
	return h, nil
}

// Register adds the back office's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /can-bo/{$}", h.page(h.dashboard))
	mux.Handle("GET /can-bo/tiep-nhan", h.page(h.queue))
	mux.Handle("GET /can-bo/tiep-nhan/truc-tiep", h.page(h.intakeForm))
	mux.Handle("POST /can-bo/tiep-nhan/truc-tiep", h.cop.Handler(h.page(h.intakePost)))
	mux.Handle("GET "+walkInsPath, h.page(h.walkInsPage))
	mux.Handle("POST "+refusePath, h.cop.Handler(h.page(h.otherRefusalPost)))
	mux.Handle("GET "+walkInsPath+"/{id}/phieu", h.page(h.walkInSlip))
	mux.Handle("POST /can-bo/hang-loat", h.cop.Handler(h.page(h.batch)))
	mux.Handle("GET /can-bo/viec-can-lam", h.page(h.worklistPage))
	mux.Handle("GET /can-bo/lich", h.page(h.calendarPage))
	mux.Handle("POST /can-bo/lich", h.cop.Handler(h.page(h.calendarPost)))
	mux.HandleFunc("GET /can-bo/giao-dien.css", serveCSS)
	mux.Handle("GET "+identityPath, h.page(h.identityPage))
	mux.Handle("POST "+identityPath, h.cop.Handler(h.page(h.identityPost)))
	mux.Handle("GET /can-bo/ho-so", h.page(h.list))
	mux.Handle("GET /can-bo/ho-so/{code}", h.page(h.dossierPage))
	mux.Handle("POST /can-bo/ho-so/{code}", h.cop.Handler(h.page(h.act)))
	mux.Handle("GET /can-bo/ho-so/{code}/tai-lieu/{id}", h.page(h.document))
	mux.Handle("GET /can-bo/ho-so/{code}/phieu/{no}", h.page(h.slip))
	mux.Handle("GET /can-bo/ho-so/{code}/bien-lai/{id}", h.page(h.receiptPDF))
	mux.Handle("POST /can-bo/ho-so/{code}/hoan-phi", h.cop.Handler(h.page(h.refundPost)))
	mux.Handle("GET "+kioskPath+"{code}", h.page(h.kioskPage))
	mux.Handle("POST "+kioskPath+"{code}", h.cop.Handler(h.page(h.kioskPost)))
	mux.HandleFunc("GET /can-bo/danh-gia.css", serveKioskCSS)
	h.registerPopulation(mux) // population.go
	h.registerWebhooks(mux)   // webhooks.go
	h.registerJobs(mux)       // jobs.go
	h.registerStats(mux)      // statspages.go
	h.registerReports(mux)    // reports.go
	mux.Handle("/can-bo/", h.page(func(w http.ResponseWriter, r *http.Request, _ *staff) error {
		return apperr.ErrNotFound
	}))
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.web.T(web.LangOf(r), key, args...)
}

// staff is the logged-in staff member of a request.
type staff struct {
	Account *account.Account
	Actor   dossier.Actor
	Units   []dossier.Grant // one grant per unit, in the order of Grants
	Unit    dossier.Grant   // the acting unit
}

// cityAdmin reports whether the member acts as a city administrator in
// the acting unit: the calendar's city-wide days, the population lookup
// log, outgoing jobs and webhooks are theirs.
func (s *staff) cityAdmin() bool {
	return slices.Contains(s.rolesIn(s.Unit.UnitID), org.RoleCityAdmin)
}

// seesBelow reports whether a role of the member in the acting unit reads
// the units below it (leaders, administrators).
func (s *staff) seesBelow() bool {
	for _, role := range s.rolesIn(s.Unit.UnitID) {
		if role.SeesSubtree() {
			return true
		}
	}
	return false
}

// Roles names the member's roles in the acting unit.
func (s *staff) rolesIn(unitID int64) []org.Role {
	var out []org.Role
	for _, g := range s.Actor.Grants {
		if g.UnitID == unitID {
			out = append(out, g.Role)
		}
	}
	return out
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, s *staff) error

// page wraps a handler: language, session, the staff member and the acting
// unit (?don-vi=CODE switches it), errors as pages, panics as the 500 page.
// Anonymous visitors go to the login page; citizens get 403.
func (h *Handler) page(fn handlerFunc) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer h.web.Recover(w, r, "panic serving back-office page")
		s, r, err := h.staffOf(r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/dang-nhap?next="+strings.ReplaceAll(url.QueryEscape(r.URL.RequestURI()), "%2F", "/"), http.StatusSeeOther)
				return
			}
			h.web.Error(w, r, http.StatusUnauthorized, h.t(r, "error.login"))
			return
		}
		if err := fn(w, r, s); err != nil {
			h.fail(w, r, err)
		}
	})
	return web.WithLang(web.Sessions(h.Sessions, inner))
}

// staffOf loads the logged-in account; nil when nobody is logged in. A
// citizen, or staff without any role, is refused (403).
func (h *Handler) staffOf(r *http.Request) (*staff, *http.Request, error) {
	ctx := r.Context()
	a, err := h.Auth.SessionAccount(ctx, h.Sessions)
	if err != nil || a == nil {
		return nil, r, err
	}
	r = web.WithUser(r, &web.User{Name: a.FullName})
	if a.Kind != account.KindStaff {
		return nil, r, apperr.New(apperr.Forbidden, "staff_only", "Trang này chỉ dành cho cán bộ.", "This page is for staff only.")
	}
	actor, err := h.Auth.Actor(ctx, a)
	if err != nil {
		return nil, r, err
	}
	s := &staff{Account: a, Actor: actor}
	seen := map[int64]bool{}
	for _, g := range actor.Grants {
		if !seen[g.UnitID] {
			seen[g.UnitID] = true
			s.Units = append(s.Units, g)
		}
	}
	if len(s.Units) == 0 {
		return nil, r, apperr.New(apperr.Forbidden, "no_roles", "Tài khoản của bạn chưa được giao vai trò tại đơn vị nào.", "Your account holds no role in any unit.")
	}
	pick := func(code string) (dossier.Grant, bool) {
		for _, g := range s.Units {
			if g.UnitCode == code {
				return g, true
			}
		}
		return dossier.Grant{}, false
	}
	if code := r.URL.Query().Get("don-vi"); code != "" && r.Method == http.MethodGet {
		g, ok := pick(code)
		if !ok {
			return nil, r, apperr.New(apperr.Forbidden, "not_your_unit", "Bạn không có vai trò tại đơn vị này.", "You hold no role in this unit.")
		}
		h.Sessions.Put(ctx, sessionUnit, g.UnitCode)
		s.Unit = g
		return s, r, nil
	}
	if g, ok := pick(h.Sessions.GetString(ctx, sessionUnit)); ok {
		s.Unit = g
	} else {
		s.Unit = s.Units[0]
	}
	return s, r, nil
}

// fail answers an error page for err.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.web.Fail(w, r, err, "serving back-office page")
}

// funcs are the back office's template functions for one language.
func (h *Handler) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"stamp":  func(t time.Time) string { return stamp(t) },
		"stampp": func(t *time.Time) string { return stampp(t) },
		// consultLate: the consulted unit answered late, or has not
		// answered by its reply-by date.
		"consultLate": func(c dossier.Consultation) bool { return c.Late(h.now()) },
		"waiting":     func(t time.Time) string { return h.waiting(lang, h.now().Sub(t)) },
		"status":      func(s dossier.Status) string { return s.Label(lang) },
		// substate words the processing sub-states staff need to see in
		// a list (a draft waiting, a draft sent back, a question open).
		"substate": func(sub string) string {
			if h.web.Has("sub." + sub) {
				return h.web.T(lang, "sub."+sub)
			}
			return ""
		},
		"vnd":  func(n int64) string { return web.Number(n, lang) },
		"list": func(s ...string) []string { return s },
		"action": func(a dossier.Action) string {
			if h.web.Has("action." + string(a)) {
				return h.web.T(lang, "action."+string(a))
			}
			return string(a)
		},
		"role": func(r string) string {
			if h.web.Has("role." + r) {
				return h.web.T(lang, "role."+r)
			}
			return r
		},
	}
}

// stamp formats a time as dd/MM/yyyy HH:mm in Việt Nam.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(web.Zone).Format("02/01/2006 15:04")
}

func stampp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

// waiting says a duration in words: "2 ngày 3 giờ", "4 giờ 10 phút", "5 phút".
func (h *Handler) waiting(lang string, d time.Duration) string {
	if d < time.Minute {
		return h.web.T(lang, "wait.now")
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	unit := func(key string, n int) string {
		if n == 1 && h.web.Has(key+".one") {
			return h.web.T(lang, key+".one", n)
		}
		return h.web.T(lang, key, n)
	}
	switch {
	case days > 0 && hours > 0:
		return unit("wait.days", days) + " " + unit("wait.hours", hours)
	case days > 0:
		return unit("wait.days", days)
	case hours > 0 && mins > 0:
		return unit("wait.hours", hours) + " " + unit("wait.minutes", mins)
	case hours > 0:
		return unit("wait.hours", hours)
	}
	return unit("wait.minutes", mins)
}

// Refuse answers err with the back office's error page in the reader's
// language; the server's boundary checks use it under /can-bo/.
func (h *Handler) Refuse(w http.ResponseWriter, r *http.Request, err error) {
	h.web.Fail(w, r, err, "request refused")
}
