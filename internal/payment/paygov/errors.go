package paygov

import (
	"github.com/motcua/motcua/internal/apperr"
)

// Error codes of this package; stable, callers and translations key on them.
const (
	CodeInvalid     = "paygov_invalid"
	CodeUnavailable = "paygov_unavailable"
	CodeBadAnswer   = "paygov_bad_answer"
	CodeRefused     = "paygov_refused"
)

// Error is a call to the platform that failed on its side: App is the
// domain error the edge answers (with its Vietnamese and English message),
// Cause the technical reason kept for the log, PlatformCode the platform's
// error_code when it answered one. None holds personal data.
type Error struct {
	App          *apperr.Error
	Cause        error
	PlatformCode string
}

// Error returns the code, the English message and the cause, for logs.
func (e *Error) Error() string {
	if e.Cause == nil {
		return e.App.Error()
	}
	return e.App.Error() + ": " + e.Cause.Error()
}

// Unwrap returns the domain error and the cause, so that apperr.As finds
// the first and errors.Is, say, context.DeadlineExceeded in the second.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.App}
	}
	return []error{e.App, e.Cause}
}

// unavailable wraps cause as the platform being unreachable or failing:
// 503, the citizen may try again.
func unavailable(cause error) error {
	return &Error{App: apperr.New(apperr.Unavailable, CodeUnavailable,
		"Nền tảng thanh toán của Cổng Dịch vụ công quốc gia hiện không phản hồi; vui lòng thử lại sau.",
		"The national public service portal's payment platform is not answering; please try again later."), Cause: cause}
}

// badAnswer wraps cause as an answer that could not be read or whose
// signature is wrong.
func badAnswer(cause error) error {
	return &Error{App: apperr.New(apperr.Unavailable, CodeBadAnswer,
		"Nền tảng thanh toán trả lời không đọc được hoặc sai chữ ký; vui lòng thử lại sau.",
		"The payment platform sent an answer that cannot be read or is wrongly signed; please try again later."), Cause: cause}
}

// refused is the platform answering a non-zero error_code. Only the code is
// named: the platform's message may echo the request, payer included.
func refused(code string) error {
	code = apperr.Printable(code, 16)
	return &Error{App: apperr.Newf(apperr.Unavailable, CodeRefused,
		"Nền tảng thanh toán từ chối yêu cầu (mã lỗi %s); vui lòng thử lại sau hoặc liên hệ bộ phận một cửa.",
		"The payment platform refused the request (error code %s); please try again later or contact the one-stop desk.", code),
		PlatformCode: code}
}

// invalid is a request this package will not send (nothing is sent).
func invalid(vi, en string) error {
	return apperr.New(apperr.Invalid, CodeInvalid, vi, en)
}
