// Package portal serves the public pages of the citizen portal: the home
// page, the procedure catalogue and each procedure, public dossier
// tracking, online submission (/thu-tuc/{code}/nop-ho-so, confirmed at
// /ho-so/{code}/da-nop), the citizen's page of each of their dossiers
// (/ho-so/{code}: timeline, documents, supplementation, withdrawal,
// rating), and citizen accounts (registration /dang-ky, login /dang-nhap,
// logout /dang-xuat, the citizen's page /ho-so, their account /tai-khoan)
// with sessions kept in the database. Pages are rendered on the server (package web) under stable
// Vietnamese paths and work without JavaScript. Every POST is refused with
// 403 when it comes from another site (http.CrossOriginProtection).
//
// Form answers: 303 on success; otherwise the form again with an error
// summary and inline errors, status 400 for invalid input, 401 for a wrong
// password, 409 for an ID number already registered and 429 while a
// username is locked after repeated failures.
package portal

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/eid"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

//go:embed templates
var templates embed.FS

// Catalogue is the part of the store the portal reads.
type Catalogue interface {
	ProcedureInForce(ctx context.Context, code string, at time.Time) (*catalog.Procedure, error)
	PortalProcedures(ctx context.Context, f store.PortalFilter) ([]catalog.Procedure, string, error)
	CountPortalProcedures(ctx context.Context, f store.PortalFilter) (int, error)
	MostUsedProcedures(ctx context.Context, since, at time.Time, limit int) ([]store.ProcedureUse, error)
	PortalFacets(ctx context.Context, at time.Time) (store.CatalogueFacets, error)
	OfferingUnits(ctx context.Context, procedureID int64, at time.Time, names int) (int, []string, error)
	SubmissionUnits(ctx context.Context, procedureID int64, at time.Time, limit int) ([]org.Choice, error)
	// Version reads a procedure version by id: the one a dossier is pinned to.
	Version(ctx context.Context, id int64) (*catalog.Version, error)
}

// Tracker answers public tracking (dossier.Service).
type Tracker interface {
	Track(ctx context.Context, code, lang string) (*dossier.Public, error)
}

// Handler serves the portal's pages.
type Handler struct {
	Catalogue Catalogue
	Tracker   Tracker
	Accounts  Accounts
	// Auth logs people in and out, registers and reads sessions.
	Auth *auth.Service
	// Dossiers, Files and Limits serve online submission: the dossier
	// service, the file store and the upload limits of the configuration.
	Dossiers Dossiers
	Files    files.Store
	Limits   files.Limits
	// Sessions keeps the portal's sessions (NewSessions); its LoadAndSave
	// wraps every page, not the JSON API.
	Sessions *scs.SessionManager
	Log      *slog.Logger
	Now      func() time.Time
	// CacheTTL is how long the home page's figures (most used procedures,
	// counts per field and life event) are reused; 0 means a minute.
	CacheTTL time.Duration
	// BaseURL, when set, is the public address used in the QR codes (a
	// proxy in front may hide it from the request); else the request's host.
	BaseURL string
	// EID is the national e-ID login (OpenID Connect); nil when not
	// configured, and the login page then shows no e-ID button.
	EID *eid.RP
	// StaffSSO is the city's single sign-on for officers; nil when not
	// configured.
	StaffSSO *eid.RP
	// Population reads the citizen's own record in the national
	// population database to fill the form, when the citizen consents;
	// nil when no lookup is configured (the page then offers none).
	Population Population
	// Payments is the payment service and Gateways the gateways the
	// dossier page offers (pay.go); nil and empty without any.
	Payments Payments
	Gateways []Gateway
	// Receipts reads the e-receipts; PaymentReturn checks the gateway's
	// signed return (pay.go).
	Receipts      Receipts
	PaymentReturn PaymentReturn
	// Verifier checks electronic results for /xac-thuc (verify.go).
	Verifier Verifier

	web *web.Renderer
	// cop refuses cross-site state-changing requests (forms posted from
	// another site).
	cop   *http.CrossOriginProtection
	mu    sync.Mutex
	cache *snapshot
	// indexFigures keeps the public index's figures (indexmemo.go).
	indexFigures indexMemo
	// Index is the public service index's store (index.go).
	Index IndexStore
}

// New builds the handler and parses its templates.
func New(cat Catalogue, tr Tracker, acc Accounts, au *auth.Service, sessions *scs.SessionManager, log *slog.Logger, now func() time.Time) (*Handler, error) {
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{Catalogue: cat, Tracker: tr, Accounts: acc, Auth: au, Sessions: sessions, Log: log, Now: now}
	pages, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	h.web, err = web.New(web.Config{Pages: pages, Messages: messages, Funcs: h.funcs, Log: log})
	if err != nil {
		return nil, fmt.Errorf("portal templates: %w", err)
	}
	sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { h.fail(w, r, err) }
	h.cop = h.web.CrossOrigin("error.cross_site")
	return h, nil
}

// Register adds the portal's routes to mux. The catch-all "/" answers the
// HTML 404 page for every address no other route claims.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", h.page(h.home))
	mux.Handle("GET /thu-tuc", h.page(h.procedures))
	mux.Handle("GET /thu-tuc/{code}", h.page(h.procedure))
	mux.Handle("GET /thu-tuc/{code}/mau-to-khai.pdf", h.page(h.blankForm))
	mux.Handle("GET /tra-cuu", h.page(h.trackForm))
	mux.Handle("GET /tra-cuu/{code}", h.page(h.track))
	mux.Handle("GET /dang-ky", h.page(h.registerForm))
	mux.Handle("POST /dang-ky", h.post(h.register))
	mux.Handle("GET /dang-nhap", h.page(h.loginForm))
	mux.Handle("POST /dang-nhap", h.post(h.login))
	mux.Handle("POST /dang-xuat", h.post(h.logout))
	mux.Handle("GET /dang-nhap/vneid", h.page(h.eidStart))
	mux.Handle("GET /dang-nhap/vneid/callback", h.page(h.eidCallback))
	mux.Handle("GET /dang-nhap/can-bo", h.page(h.ssoStart))
	mux.Handle("GET /dang-nhap/can-bo/callback", h.page(h.ssoCallback))
	mux.Handle("GET "+passwordPath, h.page(h.passwordForm))
	mux.Handle("POST "+passwordPath, h.post(h.changePassword))
	mux.Handle("GET /ho-so", h.page(h.profile))
	// --- account page
	mux.Handle("GET "+accountPath, h.page(h.accountPage))
	mux.Handle("POST "+accountPath, h.post(h.saveAccount))
	// --- end account page
	mux.Handle("GET /thu-tuc/{code}/nop-ho-so", h.page(h.submitForm))
	mux.Handle("POST /thu-tuc/{code}/nop-ho-so", h.post(h.submit))
	mux.Handle("POST /thu-tuc/{code}/nop-ho-so/xac-nhan", h.post(h.confirm))
	mux.Handle("GET /ho-so/{code}/da-nop", h.page(h.submitted))
	mux.Handle("GET /ho-so/{code}", h.page(h.dossierPage))
	mux.Handle("GET /ho-so/{code}/tai-lieu/{id}", h.page(h.document))
	mux.Handle("POST /ho-so/{code}/bo-sung", h.post(h.supplement))
	mux.Handle("POST /ho-so/{code}/rut", h.post(h.withdraw))
	mux.Handle("POST /ho-so/{code}/danh-gia", h.post(h.rate))
	mux.Handle("POST /ho-so/{code}/thanh-toan", h.post(h.pay))
	mux.Handle("GET /ho-so/{code}/bien-lai/{id}", h.page(h.receiptPDF))
	mux.Handle("GET "+payReturnPath, h.page(h.payReturn))
	mux.Handle("GET /xac-thuc", h.page(h.verifyForm))
	mux.Handle("POST /xac-thuc", h.post(h.verifyFile))
	mux.Handle("GET /xac-thuc/{code}", h.page(h.verifyCode))
	mux.Handle("GET /thong-bao", h.page(h.notices))
	h.registerIndex(mux)
	mux.Handle("GET "+web.StaticPrefix, web.Static(h.page(h.notFound)))
	mux.Handle("/", h.page(h.notFound))
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// handlerFunc is a page handler that reports failure by returning an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// post wraps a state-changing handler: a page (see page) that refuses
// cross-site requests with 403. GET never changes state.
func (h *Handler) post(fn handlerFunc) http.Handler {
	return h.cop.Handler(h.page(fn))
}

// page wraps a handler: the language is detected (and a ?lang= choice
// remembered), the session and the logged-in account are loaded, errors
// become error pages, and a panic becomes the 500 page instead of the
// API's JSON answer.
func (h *Handler) page(fn handlerFunc) http.Handler {
	return web.WithLang(h.session(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer h.web.Recover(w, r, "panic serving page")
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})))
}

// fail answers an error page: the domain error's message for bad input
// and unknown objects, the generic 500 page (and a log line) otherwise.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.web.Fail(w, r, err, "serving page")
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	h.web.Error(w, r, http.StatusNotFound, "")
	return nil
}

// t translates for the request's language.
func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.web.T(web.LangOf(r), key, args...)
}

// funcs are the portal's template functions for one language.
func (h *Handler) funcs(lang string) template.FuncMap {
	t := func(key string, args ...any) string { return h.web.T(lang, key, args...) }
	// plural picks key.one for a count of one, when the catalogue has it.
	plural := func(key string, n int, args ...any) string {
		if n == 1 && h.web.Has(key+".one") {
			return t(key+".one", args...)
		}
		return t(key, args...)
	}
	return template.FuncMap{
		"plural": plural,
		// class names a service class in words: "Một phần (mức độ 3)".
		"classWords": func(v *catalog.Version) string {
			if v == nil {
				return ""
			}
			return t("class.level", t("class."+string(v.Class)), v.LegacyLevel)
		},
		"limitWords": func(v *catalog.Version) string { return limitWords(v, t, plural) },
		"unitLevel":  func(l catalog.UnitLevel) string { return t("unit." + string(l)) },
		"lifeEvent":  func(key string) string { return lifeEventLabel(lang, key, h.web) },
		"statusExplain": func(s dossier.Status) string {
			return t(fmt.Sprintf("status.explain.%d", int(s)))
		},
	}
}

// limitWords states a time limit in words: "5 ngày làm việc", "Trong
// ngày", "10 ngày", "8 giờ làm việc".
func limitWords(v *catalog.Version, t func(string, ...any) string, plural func(string, int, ...any) string) string {
	if v == nil {
		return ""
	}
	n := v.LimitAmount
	switch v.LimitKind {
	case catalog.WorkingDays:
		if n == 0 {
			return t("limit.same_day")
		}
		return plural("limit.working_days", n, n)
	case catalog.CalendarDays:
		return plural("limit.calendar_days", n, n)
	case catalog.WorkingHours:
		return plural("limit.working_hours", n, n)
	}
	return fmt.Sprint(n)
}

// lifeEventLabel names a life event; a key the catalogue of strings does
// not know is shown as words ("ho_kinh_doanh" → "Ho kinh doanh").
func lifeEventLabel(lang, key string, rd *web.Renderer) string {
	if rd.Has("event." + key) {
		return rd.T(lang, "event."+key)
	}
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[size:]
}

// snapshot holds the catalogue figures of the home page.
type snapshot struct {
	at     time.Time
	facets store.CatalogueFacets
	top    []store.ProcedureUse
	byUse  bool // top counts dossiers (else it is the catalogue's first procedures)
}

const topProcedures = 8

// cacheTTL is CacheTTL, a minute by default.
func (h *Handler) cacheTTL() time.Duration {
	if h.CacheTTL == 0 {
		return time.Minute
	}
	return h.CacheTTL
}

// snapshot returns the cached figures, refreshed when older than the TTL
// or when fresh is set.
func (h *Handler) snapshot(ctx context.Context, fresh bool) (*snapshot, error) {
	ttl := h.cacheTTL()
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if c := h.cache; c != nil && !fresh && now.Sub(c.at) < ttl && now.Sub(c.at) >= 0 {
		return c, nil
	}
	facets, err := h.Catalogue.PortalFacets(ctx, now)
	if err != nil {
		return nil, err
	}
	// Fields in Vietnamese alphabetical order (Đ after D, not after Z).
	col := collate.New(language.Vietnamese)
	sort.SliceStable(facets.Fields, func(i, j int) bool {
		return col.CompareString(facets.Fields[i].Key, facets.Fields[j].Key) < 0
	})
	rank := map[string]int{}
	for i, k := range lifeEventOrder {
		rank[k] = i + 1
	}
	sort.SliceStable(facets.LifeEvents, func(i, j int) bool {
		a, b := rank[facets.LifeEvents[i].Key], rank[facets.LifeEvents[j].Key]
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	})
	top, err := h.Catalogue.MostUsedProcedures(ctx, now.AddDate(-1, 0, 0), now, topProcedures)
	if err != nil {
		return nil, err
	}
	s := &snapshot{at: now, facets: facets, top: top, byUse: len(top) > 0}
	if len(top) == 0 {
		// No dossiers yet: show the catalogue's first procedures.
		ps, _, err := h.Catalogue.PortalProcedures(ctx, store.PortalFilter{ProcedureFilter: store.ProcedureFilter{At: now, Limit: topProcedures}})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			s.top = append(s.top, store.ProcedureUse{Procedure: p})
		}
	}
	h.cache = s
	return s, nil
}

// Refuse answers err with the portal's error page in the reader's
// language; the server's boundary checks use it for the portal's pages.
func (h *Handler) Refuse(w http.ResponseWriter, r *http.Request, err error) {
	h.web.Fail(w, r, err, "request refused")
}
