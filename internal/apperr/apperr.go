// Package apperr defines the few kinds of error the domain reports to its
// callers, each carrying a stable code and a message in Vietnamese and
// English, so that every layer can wrap them and the HTTP edge can answer the
// right status in the user's language.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Kind classifies an error for the edge (HTTP status, exit code).
type Kind int

// Error kinds.
const (
	Internal      Kind = iota
	Invalid            // bad input: 400
	Unprocessable      // well-formed but not allowed now (a forbidden transition): 422
	NotFound           // unknown, or not visible to the caller: 404
	Conflict           // stale version or duplicate: 409
	Forbidden          // authenticated but the role may not do this: 403
	Unauthorized       // not authenticated: 401
	TooLarge           // body or file too large: 413
	Unsupported        // wrong content type: 415
	TooMany            // throttled: 429
	Unavailable        // an outside system (e-ID, population database…) cannot be reached: 503
)

// statuses is the HTTP status of each kind: the one table the API, the
// portal and the back office answer with.
var statuses = map[Kind]int{
	Internal:      http.StatusInternalServerError,
	Invalid:       http.StatusBadRequest,
	Unprocessable: http.StatusUnprocessableEntity,
	NotFound:      http.StatusNotFound,
	Conflict:      http.StatusConflict,
	Forbidden:     http.StatusForbidden,
	Unauthorized:  http.StatusUnauthorized,
	TooLarge:      http.StatusRequestEntityTooLarge,
	Unsupported:   http.StatusUnsupportedMediaType,
	TooMany:       http.StatusTooManyRequests,
	Unavailable:   http.StatusServiceUnavailable,
}

// Status returns the HTTP status of the kind; an unknown kind is 500.
func (k Kind) Status() int {
	if s, ok := statuses[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Status returns the HTTP status that answers err: its domain error's kind,
// or 500 for anything else (nil included: a caller asking has failed).
func Status(err error) int {
	if e, ok := As(err); ok {
		return e.Kind.Status()
	}
	return http.StatusInternalServerError
}

// Error is a domain error with a stable code and bilingual message.
type Error struct {
	Kind Kind
	Code string
	VI   string
	EN   string
	// Fields holds per-field details for validation errors.
	Fields []Field
	// RetryAfter, when set on a TooMany error, is how long the caller
	// should wait (the HTTP edge sends it as Retry-After).
	RetryAfter time.Duration
	// Err is the cause behind the user's message, for the log; it is
	// never shown to the user.
	Err error
}

// Unwrap returns the cause, so that errors.Is and errors.As see it.
func (e *Error) Unwrap() error { return e.Err }

// Field is one invalid input field.
type Field struct {
	Name    string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// MessageEN is used when the caller asked for English.
	MessageEN string `json:"-"`
}

// In returns the field's message in lang ("en" or Vietnamese by default).
func (f Field) In(lang string) string {
	if lang == "en" && f.MessageEN != "" {
		return f.MessageEN
	}
	return f.Message
}

func (e *Error) Error() string { return e.Code + ": " + e.EN }

// Message returns the message in lang ("en" or Vietnamese by default).
func (e *Error) Message(lang string) string {
	if lang == "en" && e.EN != "" {
		return e.EN
	}
	return e.VI
}

// New builds an error of the given kind.
func New(kind Kind, code, vi, en string) *Error {
	return &Error{Kind: kind, Code: code, VI: vi, EN: en}
}

// Newf builds an error whose two messages take the same arguments.
func Newf(kind Kind, code, vi, en string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, VI: fmt.Sprintf(vi, args...), EN: fmt.Sprintf(en, args...)}
}

// As extracts the domain error from err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err carries a domain error of the given kind.
func Is(err error, kind Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == kind
}

// ErrNotFound is the one answer for unknown and forbidden objects alike, so
// that a caller cannot probe for codes it may not see.
var ErrNotFound = New(NotFound, "not_found", "Không tìm thấy.", "Not found.")
