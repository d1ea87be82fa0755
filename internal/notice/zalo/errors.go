package zalo

import "errors"

// PermanentError is a refusal that retrying will not change: ZNS answered a
// non-zero error code that is not a quota or time-window code, or HTTP 4xx,
// or the message was refused before it was sent (bad recipient, no
// template).
type PermanentError struct {
	// Code is ZNS's error code (negative); 0 when the refusal was not
	// ZNS's.
	Code int
	// Status is the HTTP status of a 4xx refusal; 0 otherwise.
	Status int
	// Err says what was refused and why.
	Err error
}

func (e *PermanentError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err wraps a *PermanentError: the message
// should be failed now rather than retried.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
