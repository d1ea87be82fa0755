package population

import (
	"github.com/motcua/motcua/internal/apperr"
)

// Error codes of this package; stable, callers and translations key on them.
const (
	CodeNotFound    = "population_not_found"
	CodeUnavailable = "population_unavailable"
	CodeBadAnswer   = "population_bad_answer"
)

// UnavailableKind is the kind of the error for a platform that is down,
// slow, failing or answering nonsense: 503, with the message telling the
// person to try again later or enter the details by hand.
const UnavailableKind = apperr.Unavailable

// Error is a lookup that failed on the platform's side: App is the domain
// error the edge answers (with its Vietnamese and English message), Cause
// the technical reason kept for the log. Both are in the Unwrap chain, so
// apperr.As finds App and errors.Is finds, say, context.DeadlineExceeded.
// Neither holds personal data.
type Error struct {
	App   *apperr.Error
	Cause error
}

// Error returns the code, the English message and the cause, for logs.
func (e *Error) Error() string {
	if e.Cause == nil {
		return e.App.Error()
	}
	return e.App.Error() + ": " + e.Cause.Error()
}

// Unwrap returns the domain error and the cause.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.App}
	}
	return []error{e.App, e.Cause}
}

// errNotFound is the answer for a person the database does not know (or
// who does not match the name and year given: the platform does not say
// which, and neither may we).
func errNotFound() error {
	return apperr.New(apperr.NotFound, CodeNotFound,
		"Không tìm thấy công dân có số định danh, họ tên và năm sinh này trong cơ sở dữ liệu quốc gia về dân cư; vui lòng kiểm tra lại thông tin.",
		"No citizen with this ID number, name and birth year was found in the national population database; please check the details.")
}

// unavailable wraps cause as the platform being unreachable or failing.
func unavailable(cause error) error {
	return &Error{App: apperr.New(UnavailableKind, CodeUnavailable,
		"Hệ thống cơ sở dữ liệu quốc gia về dân cư hiện không phản hồi; vui lòng thử lại sau hoặc nhập thông tin thủ công.",
		"The national population database is not answering; please try again later or enter the details by hand."), Cause: cause}
}

// badAnswer wraps cause as an answer that could not be read.
func badAnswer(cause error) error {
	return &Error{App: apperr.New(UnavailableKind, CodeBadAnswer,
		"Câu trả lời của cơ sở dữ liệu quốc gia về dân cư không đọc được; vui lòng thử lại sau hoặc nhập thông tin thủ công.",
		"The national population database sent an answer that cannot be read; please try again later or enter the details by hand."), Cause: cause}
}
