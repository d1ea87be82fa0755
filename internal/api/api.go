// Package api serves the JSON API v1: citizens and tokens, units and
// procedures, dossiers and their actions, public tracking, statistics and
// the calendar, with an OpenAPI 3 document.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// Store is what the API reads and writes directly (the dossier lifecycle
// goes through dossier.Service).
type Store interface {
	CreateAccount(ctx context.Context, a *account.Account) error
	AccountByUsername(ctx context.Context, username string) (*account.Account, error)
	AccountByToken(ctx context.Context, hash string, now time.Time) (*account.Account, error)
	SaveToken(ctx context.Context, hash string, accountID int64, now, expires time.Time) error
	LoginLockedUntil(ctx context.Context, key string, now time.Time) (time.Time, bool, error)
	RecordLoginFailure(ctx context.Context, key string, now time.Time) error
	ClearLoginFailures(ctx context.Context, key string) error
	Grants(ctx context.Context, accountID int64) ([]dossier.Grant, error)
	UnitByCode(ctx context.Context, code string) (*org.Unit, error)
	Units(ctx context.Context, f store.UnitFilter) ([]org.Unit, error)
	Procedures(ctx context.Context, f store.ProcedureFilter) ([]catalog.Procedure, string, error)
	Procedure(ctx context.Context, code string, at time.Time) (*catalog.Procedure, error)
	Stats(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool) (stats.Report, error)
	SetCalendarOverride(ctx context.Context, o calendar.Override) error
	DeleteCalendarOverride(ctx context.Context, unitID int64, day string) error
}

// Limits bound what a request may carry.
type Limits struct {
	JSONBody    int64 // bytes
	FileSize    int64 // per file
	DossierSize int64 // all files of one request
}

// DefaultLimits are 1 MB of JSON, 10 MB a file and 50 MB a dossier.
var DefaultLimits = Limits{JSONBody: 1 << 20, FileSize: 10 << 20, DossierSize: 50 << 20}

// Handler serves API v1.
type Handler struct {
	Store    Store
	Dossiers *dossier.Service
	Files    files.Store
	// Clock returns the calendar of the unit at a materialised path ("" for
	// the deployment-wide one).
	Clock  func(ctx context.Context, unitPath string) (*calendar.Calendar, error)
	Limits Limits
	Slips  SlipStore
	// BaseURL is the public address of the portal (QR codes); the request's
	// host when empty.
	BaseURL string
	Log     *slog.Logger
	Now     func() time.Time
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Register adds the API routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", h.openAPI)
	mux.Handle("POST /api/v1/citizens", h.wrap(h.registerCitizen))
	mux.Handle("POST /api/v1/auth/token", h.wrap(h.token))
	mux.Handle("GET /api/v1/units", h.wrap(h.listUnits))
	mux.Handle("GET /api/v1/units/{code}", h.wrap(h.getUnit))
	mux.Handle("GET /api/v1/procedures", h.wrap(h.listProcedures))
	mux.Handle("GET /api/v1/procedures/{code}", h.wrap(h.getProcedure))
	mux.Handle("GET /api/v1/track/{code}", h.wrap(h.track))
	mux.Handle("GET /api/v1/calendar/due", h.wrap(h.calendarDue))
	mux.Handle("GET /api/v1/calendar/{year}", h.wrap(h.calendarYear))
	mux.Handle("PUT /api/v1/calendar/overrides/{date}", h.auth(h.putOverride))
	mux.Handle("DELETE /api/v1/calendar/overrides/{date}", h.auth(h.deleteOverride))
	mux.Handle("GET /api/v1/me", h.auth(h.me))
	mux.Handle("POST /api/v1/dossiers", h.auth(h.submit))
	mux.Handle("GET /api/v1/dossiers", h.auth(h.listDossiers))
	mux.Handle("GET /api/v1/dossiers/{code}", h.auth(h.getDossier))
	mux.Handle("POST /api/v1/dossiers/{code}/actions", h.auth(h.act))
	mux.Handle("GET /api/v1/dossiers/{code}/documents/{id}", h.auth(h.document))
	mux.Handle("GET /api/v1/stats", h.auth(h.stats))
	mux.Handle("GET /api/v1/dossiers/{code}/slips/{no}", h.auth(h.slip))
	mux.Handle("GET /api/v1/registers/07", h.auth(h.register))
	mux.Handle("/api/", h.wrap(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "no_route", "Không có địa chỉ API này.", "No such API endpoint.")
	}))
}

// handlerFunc is an API handler that reports failure by returning an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) wrap(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.writeError(w, r, err)
		}
	})
}

type actorKey struct{}

type accountKey struct{}

// auth requires a valid bearer token and puts the actor in the context.
func (h *Handler) auth(fn handlerFunc) http.Handler {
	return h.wrap(func(w http.ResponseWriter, r *http.Request) error {
		a, acct, err := h.actor(r)
		if err != nil {
			return err
		}
		ctx := context.WithValue(context.WithValue(r.Context(), actorKey{}, a), accountKey{}, acct)
		return fn(w, r.WithContext(ctx))
	})
}

var errUnauthorized = apperr.New(apperr.Unauthorized, "unauthorized",
	"Bạn cần đăng nhập (thiếu hoặc sai mã truy cập).", "Authentication required (missing or invalid bearer token).")

func (h *Handler) actor(r *http.Request) (dossier.Actor, *account.Account, error) {
	authz := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(authz, "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		return dossier.Actor{}, nil, errUnauthorized
	}
	acct, err := h.Store.AccountByToken(r.Context(), account.HashToken(strings.TrimSpace(tok)), h.now())
	if apperr.Is(err, apperr.NotFound) {
		return dossier.Actor{}, nil, errUnauthorized
	}
	if err != nil {
		return dossier.Actor{}, nil, err
	}
	if acct.Disabled {
		return dossier.Actor{}, nil, errUnauthorized
	}
	a, err := ActorOf(r.Context(), h.Store, acct)
	return a, acct, err
}

// ActorOf builds the lifecycle actor of an account (its grants for staff).
func ActorOf(ctx context.Context, st interface {
	Grants(ctx context.Context, accountID int64) ([]dossier.Grant, error)
}, acct *account.Account) (dossier.Actor, error) {
	a := dossier.Actor{AccountID: acct.ID, Username: acct.Username, Name: acct.FullName}
	if acct.Kind == account.KindCitizen {
		a.Citizen = true
		a.IDNumber = acct.Username
		return a, nil
	}
	g, err := st.Grants(ctx, acct.ID)
	if err != nil {
		return a, err
	}
	a.Grants = g
	return a, nil
}

// accountFrom returns the authenticated account.
func accountFrom(ctx context.Context) *account.Account {
	a, _ := ctx.Value(accountKey{}).(*account.Account)
	return a
}

func actorFrom(ctx context.Context) dossier.Actor {
	a, _ := ctx.Value(actorKey{}).(dossier.Actor)
	return a
}

// Lang picks "en" or "vi" from ?lang= or Accept-Language; Vietnamese is the
// default.
func Lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "vi" {
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "vi" || strings.HasPrefix(tag, "vi-"):
			return "vi"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return "en"
		}
	}
	return "vi"
}

type errorBody struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Fields  []apperr.Field `json:"fields,omitempty"`
	} `json:"error"`
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	lang := Lang(r)
	var body errorBody
	status := http.StatusInternalServerError
	var mbe *http.MaxBytesError
	if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
		status = e.Kind.Status()
		body.Error.Code = e.Code
		body.Error.Message = e.Message(lang)
		for _, f := range e.Fields {
			if lang == "en" && f.MessageEN != "" {
				f.Message = f.MessageEN
			}
			body.Error.Fields = append(body.Error.Fields, f)
		}
	} else if errors.As(err, &mbe) {
		status = http.StatusRequestEntityTooLarge
		body.Error.Code = "body_too_large"
		if lang == "en" {
			body.Error.Message = "The request is too large."
		} else {
			body.Error.Message = "Yêu cầu quá lớn so với dung lượng cho phép."
		}
	} else {
		h.Log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		body.Error.Code = "internal"
		if lang == "en" {
			body.Error.Message = "Something went wrong on our side. Please try again later."
		} else {
			body.Error.Message = "Hệ thống đang gặp sự cố. Vui lòng thử lại sau."
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="motcua"`)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decodeJSON reads one JSON object from the body into v, strictly: right
// content type, bounded size, no unknown fields, nothing after it.
func (h *Handler) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return apperr.New(apperr.Unsupported, "content_type", "Nội dung gửi lên phải ở dạng JSON (application/json).", "The body must be application/json.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.Limits.JSONBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.TooLarge, "body_too_large", "Yêu cầu quá lớn so với dung lượng cho phép.", "The request is too large.")
		}
		return apperr.Newf(apperr.Invalid, "bad_json", "Dữ liệu JSON không hợp lệ: %v.", "Malformed JSON: %v.", err)
	}
	if dec.More() {
		return apperr.New(apperr.Invalid, "bad_json", "Dữ liệu JSON không hợp lệ: thừa nội dung sau đối tượng.", "Malformed JSON: trailing data.")
	}
	return nil
}

// list is the shape of every list: items and the cursor of the next page.
type list[T any] struct {
	Items      []T `json:"items"`
	NextCursor any `json:"next_cursor"`
}

func newList[T any](items []T, next any) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, NextCursor: next}
}
