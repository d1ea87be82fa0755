package sms

import "errors"

// PermanentError is a refusal that retrying will not change: the gateway
// answered 4xx, or the message was refused before it was sent (bad
// recipient, empty text).
type PermanentError struct {
	// Status is the gateway's HTTP status; 0 when the message was refused
	// before it was sent.
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
