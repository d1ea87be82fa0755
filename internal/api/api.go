// Package api serves the JSON API v1: citizens and tokens, units and
// procedures, dossiers and their actions, public tracking, statistics and
// the calendar, with an OpenAPI 3 document.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// Store is what the API reads and writes directly (the dossier lifecycle
// goes through dossier.Service).
type Store interface {
	UnitByCode(ctx context.Context, code string) (*org.Unit, error)
	Units(ctx context.Context, f store.UnitFilter) ([]org.Unit, error)
	ProcedureSummaries(ctx context.Context, f store.ProcedureFilter) (store.SummaryPage, error)
	ProcedureJSON(ctx context.Context, code string, at time.Time) ([]byte, error)
	Stats(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool) (stats.Report, error)
	StatsFiltered(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter) (stats.Report, error)
	StatsRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, by string) ([]stats.Report, error)
	Level4(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool) (stats.Level4, error)
	ChildUnits(ctx context.Context, parentCode string) ([]org.Unit, error)
	StatsChildren(ctx context.Context, unit *org.Unit, kids []org.Unit, from, to, now time.Time, flt stats.Filter) ([]stats.Report, error)
	report.Figures766
	SetCalendarOverride(ctx context.Context, o calendar.Override, by dossier.Actor) error
	DeleteCalendarOverride(ctx context.Context, unitID int64, day string, by dossier.Actor) error
	CalendarYear(ctx context.Context, year int) (*calendar.YearConfirmation, error)
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
	Auth     *auth.Service
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
	// Population is the population-database lookup (population.go); nil
	// answers 503 population_not_configured.
	Population PopulationLookup
	// Payments is the payment service (payments.go); nil answers 503
	// payments_not_configured. VNPayIPN and PaygovConfirm are the
	// gateways' server-to-server callbacks, mounted when configured.
	Payments                Payments
	VNPayIPN, PaygovConfirm http.Handler
	// Receipts reads the e-receipts of a dossier (receipt.Access).
	Receipts Receipts
	// DVCQGInboundToken is the bearer token the national public service
	// portal presents to deliver dossiers (inbound.go,
	// dvcqg.Config.InboundToken); empty refuses every delivery.
	DVCQGInboundToken string
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
	mux.Handle("DELETE /api/v1/auth/token", h.auth(h.revokeToken))
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
	mux.Handle("PATCH /api/v1/me", h.auth(h.updateMe))
	mux.Handle("POST /api/v1/dossiers", h.auth(h.submit))
	mux.Handle("GET /api/v1/dossiers", h.auth(h.listDossiers))
	mux.Handle("GET /api/v1/dossiers/{code}", h.auth(h.getDossier))
	mux.Handle("POST /api/v1/dossiers/{code}/actions", h.auth(h.act))
	mux.Handle("GET /api/v1/dossiers/{code}/documents/{id}", h.auth(h.document))
	mux.Handle("GET /api/v1/stats", h.auth(h.stats))
	mux.Handle("GET /api/v1/reports/ii06a", h.auth(h.reportII06a)) // reports.go
	mux.Handle("GET /api/v1/reports/766", h.auth(h.report766))
	mux.Handle("GET /api/v1/dossiers/{code}/slips/{no}", h.auth(h.slip))
	mux.Handle("GET /api/v1/registers/07", h.auth(h.register))
	mux.Handle("POST /api/v1/walkins", h.auth(h.recordWalkIn))
	mux.Handle("GET /api/v1/walkins/{id}", h.auth(h.getWalkIn))
	mux.Handle("GET /api/v1/walkins/{id}/slip", h.auth(h.walkInSlip))
	mux.Handle("POST /api/v1/population/lookups", h.auth(h.lookupPopulation))   // population.go
	mux.Handle("POST /api/v1/dossiers/{code}/payments", h.auth(h.startPayment)) // payments.go
	mux.Handle("GET /api/v1/dossiers/{code}/payments", h.auth(h.listPayments))
	mux.Handle("GET /api/v1/dossiers/{code}/receipts", h.auth(h.listReceipts))
	mux.Handle("GET /api/v1/dossiers/{code}/receipts/{id}", h.auth(h.receiptPDF))
	mux.Handle("GET /api/v1/payments/vnpay/ipn", h.callback(h.VNPayIPN))
	mux.Handle("POST /api/v1/payments/paygov/confirm", h.callback(h.PaygovConfirm))
	mux.Handle("POST /api/v1/inbound/dvcqg", h.wrap(h.inboundDVCQG)) // inbound.go
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

func (h *Handler) actor(r *http.Request) (dossier.Actor, *account.Account, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return dossier.Actor{}, nil, auth.ErrUnauthorized
	}
	acct, err := h.Auth.Bearer(r.Context(), tok)
	if err != nil {
		return dossier.Actor{}, nil, err
	}
	a, err := h.Auth.Actor(r.Context(), acct)
	return a, acct, err
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
			f.Message = f.In(lang)
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
	if e, ok := apperr.As(err); ok && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
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
// content type, bounded size, text checked (checkJSONText), no unknown
// fields, nothing after it.
func (h *Handler) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return apperr.New(apperr.Unsupported, "content_type", "Nội dung gửi lên phải ở dạng JSON (application/json).", "The body must be application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.Limits.JSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.TooLarge, "body_too_large", "Yêu cầu quá lớn so với dung lượng cho phép.", "The request is too large.")
		}
		return apperr.New(apperr.Invalid, "bad_json", "Dữ liệu JSON không hợp lệ: không đọc được nội dung.", "Malformed JSON: the body could not be read.")
	}
	if err := checkJSONText("", body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.Newf(apperr.Invalid, "bad_json", "Dữ liệu JSON không hợp lệ: %v.", "Malformed JSON: %v.", err)
	}
	if dec.More() {
		return apperr.New(apperr.Invalid, "bad_json", "Dữ liệu JSON không hợp lệ: thừa nội dung sau đối tượng.", "Malformed JSON: trailing data.")
	}
	return nil
}

// checkJSONText walks the JSON text raw and refuses a string (key or
// value) holding a NUL (\u0000) or invalid UTF-8 — the decoder would pass
// the first on and silently replace the second — with apperr.BadText
// naming the field by its path under prefix ("applicant.full_name",
// "items[2]"). Malformed JSON is left to the decoder to report.
func checkJSONText(prefix string, raw []byte) error {
	if len(raw) == 0 || (utf8.Valid(raw) && !bytes.Contains(raw, []byte(`\u0000`))) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		object bool
		key    string
		index  int
		inKey  bool // the next string of an object is a key
	}
	var stack []frame
	path := func(last string) string {
		parts := []string{}
		if prefix != "" {
			parts = append(parts, prefix)
		}
		for _, f := range stack {
			if f.object {
				parts = append(parts, f.key)
			} else if len(parts) > 0 {
				parts[len(parts)-1] += fmt.Sprintf("[%d]", f.index)
			} else {
				parts = append(parts, fmt.Sprintf("[%d]", f.index))
			}
		}
		if last != "" {
			parts = append(parts, last)
		}
		return strings.Join(parts, ".")
	}
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			if !utf8.Valid(raw[prev:]) {
				return apperr.BadText(path(""))
			}
			return nil // EOF, or malformed: the decoder says so
		}
		cur := dec.InputOffset()
		span := raw[prev:cur]
		prev = cur
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top >= 0 && !stack[top].object {
					stack[top].index++
				}
				if top >= 0 && stack[top].object {
					stack[top].inKey = true
				}
				stack = append(stack, frame{object: t == '{', inKey: t == '{', index: -1})
			default:
				stack = stack[:top]
				if top-1 >= 0 && stack[top-1].object {
					stack[top-1].inKey = true
				}
			}
			continue
		case string:
			bad := !utf8.Valid(span) || strings.IndexByte(t, 0) >= 0
			if top >= 0 && stack[top].object && stack[top].inKey {
				stack[top].key, stack[top].inKey = t, false
				if bad {
					return apperr.BadText(path(""))
				}
				continue
			}
			if top >= 0 && !stack[top].object {
				stack[top].index++
			}
			if bad {
				return apperr.BadText(path(""))
			}
		default:
			if top >= 0 && !stack[top].object {
				stack[top].index++
			}
		}
		if top >= 0 && stack[top].object {
			stack[top].inKey = true
		}
	}
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

// Refuse answers err as the API does (the JSON error body in the caller's
// language); the server's boundary checks use it for /api/.
func (h *Handler) Refuse(w http.ResponseWriter, r *http.Request, err error) {
	h.writeError(w, r, err)
}
