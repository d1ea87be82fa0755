package notice

import (
	"strings"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/web"
)

// Messages are the event sentences (the "tl.*" keys the portal's timeline
// used to hold), the rating labels they quote and the frame of the notices
// ("notice.*"), Vietnamese first. They live here, not in the portal, so
// that the dossier page, the inbox, the e-mail, the SMS and the Zalo
// message tell an event in the very same words.
var Messages = web.Messages{
	"tl.submit":             {"Bạn đã nộp hồ sơ trực tuyến.", "You submitted the dossier online."},
	"tl.receive":            {"Bộ phận một cửa đã tiếp nhận hồ sơ.", "The one-stop desk received the dossier."},
	"tl.receive.counter":    {"Hồ sơ được nộp và tiếp nhận tại bộ phận một cửa.", "The dossier was lodged and received at the one-stop desk."},
	"tl.refuse":             {"Hồ sơ không được tiếp nhận.", "The dossier was not accepted."},
	"tl.request_supplement": {"Cơ quan yêu cầu bổ sung giấy tờ: %s.", "The office asked for more documents: %s."},
	"tl.supplement":         {"Giấy tờ bổ sung đã được nộp; hồ sơ được tiếp tục giải quyết.", "The missing documents were sent; processing continues."},
	"tl.assign":             {"Hồ sơ đã được giao cho cán bộ chuyên môn giải quyết.", "The dossier was assigned to an officer."},
	"tl.transfer":           {"Hồ sơ đã được chuyển đến cơ quan có thẩm quyền để giải quyết.", "The dossier was passed to the competent office."},
	"tl.request_fee":        {"Cơ quan yêu cầu nộp phí, lệ phí: %s.", "The office asked for the fees: %s."},
	"tl.fee_paid":           {"Đã ghi nhận việc nộp phí, lệ phí.", "The fee payment was recorded."},
	"tl.finish":             {"Đã có kết quả giải quyết.", "The result is ready."},
	"tl.return_result":      {"Kết quả đã được chuyển về bộ phận một cửa nơi tiếp nhận hồ sơ.", "The result was sent back to the desk that received the dossier."},
	"tl.deliver":            {"Đã trả kết quả.", "The result was delivered."},
	"tl.revoke_result":      {"Cơ quan đã thu hồi kết quả điện tử của hồ sơ.", "The office revoked the dossier's electronic result."},
	"tl.stop":               {"Cơ quan đã dừng xử lý hồ sơ.", "The office stopped processing the dossier."},
	"tl.withdraw":           {"Hồ sơ đã được rút.", "The dossier was withdrawn."},
	"tl.reschedule":         {"Cơ quan gửi lời xin lỗi và hẹn lại ngày trả kết quả: %s.", "The office apologised and set a new date for the result: %s."},
	"tl.reschedule.nodate":  {"Cơ quan gửi lời xin lỗi và hẹn lại ngày trả kết quả.", "The office apologised and set a new date for the result."},
	"tl.rate":               {"Bạn đã đánh giá: %s.", "You rated it: %s."},
	"tl.rate.plain":         {"Bạn đã đánh giá việc giải quyết hồ sơ.", "You rated how the dossier was handled."},
	"tl.reason":             {"Lý do: %s", "Reason: %s"},
	"tl.note":               {"Ghi chú: %s", "Note: %s"},

	// The rating labels "tl.rate" quotes; the portal's rating form shows
	// these same entries.
	"rating.very_satisfied": {"Rất hài lòng", "Very satisfied"},
	"rating.satisfied":      {"Hài lòng", "Satisfied"},
	"rating.dissatisfied":   {"Không hài lòng", "Dissatisfied"},

	// The frame of a notice (render.go). Subjects are short titles: the
	// sentence itself may carry a list of documents and a reason.
	"notice.subject":                    {"[Hồ sơ %s] %s", "[Dossier %s] %s"},
	"notice.subject.receive":            {"Bộ phận một cửa đã tiếp nhận hồ sơ", "The one-stop desk received your dossier"},
	"notice.subject.refuse":             {"Hồ sơ không được tiếp nhận", "Your dossier was not accepted"},
	"notice.subject.request_supplement": {"Yêu cầu bổ sung giấy tờ", "More documents are needed"},
	"notice.subject.request_fee":        {"Yêu cầu nộp phí, lệ phí", "Fees to pay"},
	"notice.subject.reschedule":         {"Xin lỗi và hẹn lại ngày trả kết quả", "Apology and new date for the result"},
	"notice.subject.finish":             {"Đã có kết quả giải quyết", "Your result is ready"},
	"notice.subject.deliver":            {"Đã trả kết quả", "Your result was delivered"},
	"notice.subject.other":              {"Cập nhật về hồ sơ của bạn", "News about your dossier"},
	"notice.greeting":                   {"Kính gửi Ông/Bà %s,", "Dear %s,"},
	"notice.greeting.anonymous":         {"Kính gửi Ông/Bà,", "Dear applicant,"},
	// Decree 61/2018/NĐ-CP art. 19: a late dossier gets a letter of
	// apology giving the reason and the new date; the sentence carries
	// the date and the reason, this paragraph the apology itself.
	"notice.apology": {"Chúng tôi thành thật xin lỗi Ông/Bà vì hồ sơ chưa được giải quyết đúng hẹn, và mong Ông/Bà thông cảm.",
		"We sincerely apologise that your dossier was not settled by the date we gave you, and thank you for your patience."},
	"notice.procedure": {"Thủ tục", "Procedure"},
	"notice.code":      {"Mã hồ sơ", "Dossier code"},
	"notice.due":       {"Ngày hẹn trả kết quả", "Date set for the result"},
	"notice.due.new":   {"Ngày hẹn trả kết quả mới", "New date for the result"},
	"notice.due.old":   {"Ngày hẹn trước đây", "Date given before"},
	"notice.track":     {"Xem hồ sơ trên Cổng dịch vụ công", "See your dossier on the public service portal"},
	"notice.footer": {"Đây là thư tự động của hệ thống dịch vụ công trực tuyến; vui lòng không trả lời thư này.",
		"This is an automatic message from the online public service system; please do not reply to it."},
	"notice.sms.due": {"Hẹn trả: %s.", "Result due: %s."},
}

// wText is the message of key in lang ("en", else Vietnamese), formatted
// with args; a key missing from Messages comes back in brackets, as the
// portal's catalogue does, so that tests catch it.
func wText(lang, key string, args ...any) string {
	if s, ok := Messages.Text(wLang(lang), key, args...); ok {
		return s
	}
	return "[" + key + "]"
}

// wLang keeps the two languages of the platform: English when asked,
// Vietnamese otherwise.
func wLang(lang string) string {
	if lang == web.EN {
		return web.EN
	}
	return web.VI
}

// EventText tells one event in a plain sentence in lang ("vi" default,
// "en"); ver (may be nil) names the documents of a supplementation
// request. A reason or note the officer typed follows the sentence.
func EventText(ev dossier.Event, ver *catalog.Version, lang string) string {
	lang = wLang(lang)
	t := func(key string, args ...any) string { return wText(lang, key, args...) }
	reason := func(s string) string {
		if n := strings.TrimSpace(ev.Note); n != "" {
			return s + " " + t("tl.reason", n)
		}
		return s
	}
	switch ev.Action {
	case dossier.ActSubmit:
		return t("tl.submit")
	case dossier.ActReceive:
		// Lodged at the desk: the dossier never waited online.
		if ev.From == 0 {
			return t("tl.receive.counter")
		}
		return t("tl.receive")
	case dossier.ActRefuse:
		return reason(t("tl.refuse"))
	case dossier.ActRequestSupplement:
		var names []string
		data, _ := ev.Data.(dossier.SupplementData)
		for _, k := range data.Documents {
			names = append(names, wDocName(ver, k))
		}
		return reason(t("tl.request_supplement", strings.Join(names, "; ")))
	case dossier.ActSupplement:
		if n := strings.TrimSpace(ev.Note); n != "" {
			return t("tl.supplement") + " " + t("tl.note", n)
		}
		return t("tl.supplement")
	case dossier.ActAssign:
		return t("tl.assign")
	case dossier.ActTransfer:
		return t("tl.transfer")
	case dossier.ActRequestFee:
		data, _ := ev.Data.(dossier.FeeData)
		return t("tl.request_fee", web.Money(data.Amount, lang))
	case dossier.ActFeePaid:
		return t("tl.fee_paid")
	case dossier.ActFinish:
		return t("tl.finish")
	case dossier.ActReturnResult:
		return t("tl.return_result")
	case dossier.ActDeliver:
		return t("tl.deliver")
	case dossier.ActStop:
		return reason(t("tl.stop"))
	case dossier.ActRevokeResult:
		return reason(t("tl.revoke_result"))
	case dossier.ActWithdraw:
		return reason(t("tl.withdraw"))
	case dossier.ActReschedule:
		data, ok := ev.Data.(dossier.RescheduleData)
		if !ok || data.NewDue.IsZero() {
			return reason(t("tl.reschedule.nodate"))
		}
		return reason(t("tl.reschedule", web.Date(data.NewDue)))
	case dossier.ActRate:
		data, _ := ev.Data.(dossier.RatingData)
		if _, known := Messages["rating."+data.Rating]; known {
			return t("tl.rate", t("rating."+data.Rating))
		}
		return t("tl.rate.plain")
	}
	// Internal steps (drafts, consultations) are told by the status they
	// lead to.
	return ev.To.Label(lang)
}

// wDocName names a document of the procedure's list by its key; the key
// itself when the version is unknown or does not list it, so that the
// citizen still reads something.
func wDocName(ver *catalog.Version, key string) string {
	if ver == nil || key == "" {
		return key
	}
	for _, d := range ver.Documents {
		if d.Key == key {
			return d.Name
		}
	}
	return key
}

// KindOf says whether an event is told to the citizen and as which kind of
// notice: the steps that ask something of them or change what they wait
// for are progress, the result is result. What the citizen did themself
// (submit, supplement, withdraw, rate) and the administration's internal
// steps are not sent: they are on the dossier page.
func KindOf(ev dossier.Event) (kind account.NoticeKind, ok bool) {
	switch ev.Action {
	case dossier.ActReceive, dossier.ActRefuse, dossier.ActRequestSupplement, dossier.ActRequestFee, dossier.ActReschedule:
		return account.NoticeProgress, true
	case dossier.ActFinish, dossier.ActDeliver:
		return account.NoticeResult, true
	}
	return "", false
}
