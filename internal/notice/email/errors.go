package email

import "errors"

// PermanentError is a refusal that retrying will not change: the server
// answered a 5xx reply about this recipient or this message, or the message
// was refused before it was sent (bad address, missing reference).
type PermanentError struct {
	// Code is the SMTP reply code (550, 552, 554…); 0 when the message was
	// refused before it was sent.
	Code int
	// Enhanced is the enhanced status code ("5.1.1"), when the server
	// gives one.
	Enhanced string
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

// masked is an error whose text has the recipient's address hidden, while
// the error it wraps (go-mail's, whose text names the recipient) stays
// reachable with errors.As.
type masked struct {
	text string
	err  error
}

func (e *masked) Error() string { return e.text }
func (e *masked) Unwrap() error { return e.err }
