package notice

import (
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
)

// wordingVersion lists two documents of a marriage registration.
var wordingVersion = &catalog.Version{Documents: []catalog.Document{
	{Key: "xac_nhan_hon_nhan", Name: "Giấy xác nhận tình trạng hôn nhân"},
	{Key: "to_khai", Name: "Tờ khai đăng ký kết hôn"},
}}

// TestWordingEventText pins the sentence of every action in both
// languages: the words the portal's timeline showed before they moved
// here, which the notices now share.
func TestWordingEventText(t *testing.T) {
	// 17:30 UTC is the next day in Vietnam: the date is Vietnam's.
	newDue := time.Date(2026, 12, 19, 17, 30, 0, 0, time.UTC)
	sup := dossier.SupplementData{Documents: []string{"xac_nhan_hon_nhan", "ban_ve"}}
	tests := []struct {
		name    string
		ev      dossier.Event
		ver     *catalog.Version
		vi, en  string
		english string // lang passed for the English case; "en" when empty
	}{
		{name: "submit", ev: dossier.Event{Action: dossier.ActSubmit, To: dossier.StatusSubmitted},
			vi: "Bạn đã nộp hồ sơ trực tuyến.", en: "You submitted the dossier online."},
		{name: "receive online", ev: dossier.Event{Action: dossier.ActReceive, From: dossier.StatusSubmitted, To: dossier.StatusReceived},
			vi: "Bộ phận một cửa đã tiếp nhận hồ sơ.", en: "The one-stop desk received the dossier."},
		{name: "receive at the counter", ev: dossier.Event{Action: dossier.ActReceive, To: dossier.StatusReceived},
			vi: "Hồ sơ được nộp và tiếp nhận tại bộ phận một cửa.", en: "The dossier was lodged and received at the one-stop desk."},
		{name: "refuse", ev: dossier.Event{Action: dossier.ActRefuse, From: dossier.StatusSubmitted, To: dossier.StatusRefused, Note: " Sai thủ tục "},
			vi: "Hồ sơ không được tiếp nhận. Lý do: Sai thủ tục", en: "The dossier was not accepted. Reason: Sai thủ tục"},
		{name: "refuse without reason", ev: dossier.Event{Action: dossier.ActRefuse, Note: "  "},
			vi: "Hồ sơ không được tiếp nhận.", en: "The dossier was not accepted."},
		{name: "request supplement", ver: wordingVersion,
			ev: dossier.Event{Action: dossier.ActRequestSupplement, Data: sup, Note: "Giấy xác nhận đã hết hạn"},
			vi: "Cơ quan yêu cầu bổ sung giấy tờ: Giấy xác nhận tình trạng hôn nhân; ban_ve. Lý do: Giấy xác nhận đã hết hạn",
			en: "The office asked for more documents: Giấy xác nhận tình trạng hôn nhân; ban_ve. Reason: Giấy xác nhận đã hết hạn"},
		{name: "request supplement, version unknown", ev: dossier.Event{Action: dossier.ActRequestSupplement, Data: sup},
			vi: "Cơ quan yêu cầu bổ sung giấy tờ: xac_nhan_hon_nhan; ban_ve.", en: "The office asked for more documents: xac_nhan_hon_nhan; ban_ve."},
		{name: "supplement", ev: dossier.Event{Action: dossier.ActSupplement},
			vi: "Giấy tờ bổ sung đã được nộp; hồ sơ được tiếp tục giải quyết.", en: "The missing documents were sent; processing continues."},
		{name: "supplement with note", ev: dossier.Event{Action: dossier.ActSupplement, Note: "Đã nộp bản mới"},
			vi: "Giấy tờ bổ sung đã được nộp; hồ sơ được tiếp tục giải quyết. Ghi chú: Đã nộp bản mới",
			en: "The missing documents were sent; processing continues. Note: Đã nộp bản mới"},
		{name: "assign", ev: dossier.Event{Action: dossier.ActAssign, Data: dossier.AssignData{Assignee: "Trần Văn B"}},
			vi: "Hồ sơ đã được giao cho cán bộ chuyên môn giải quyết.", en: "The dossier was assigned to an officer."},
		{name: "transfer", ev: dossier.Event{Action: dossier.ActTransfer},
			vi: "Hồ sơ đã được chuyển đến cơ quan có thẩm quyền để giải quyết.", en: "The dossier was passed to the competent office."},
		{name: "request fee", ev: dossier.Event{Action: dossier.ActRequestFee, Data: dossier.FeeData{Amount: 1234567}},
			vi: "Cơ quan yêu cầu nộp phí, lệ phí: 1.234.567\u00a0₫.", en: "The office asked for the fees: 1,234,567\u00a0₫."},
		{name: "fee paid", ev: dossier.Event{Action: dossier.ActFeePaid},
			vi: "Đã ghi nhận việc nộp phí, lệ phí.", en: "The fee payment was recorded."},
		{name: "finish", ev: dossier.Event{Action: dossier.ActFinish, To: dossier.StatusFinished},
			vi: "Đã có kết quả giải quyết.", en: "The result is ready."},
		{name: "return result", ev: dossier.Event{Action: dossier.ActReturnResult},
			vi: "Kết quả đã được chuyển về bộ phận một cửa nơi tiếp nhận hồ sơ.", en: "The result was sent back to the desk that received the dossier."},
		{name: "deliver", ev: dossier.Event{Action: dossier.ActDeliver, To: dossier.StatusDelivered},
			vi: "Đã trả kết quả.", en: "The result was delivered."},
		{name: "revoke result", ev: dossier.Event{Action: dossier.ActRevokeResult, Note: "Cấp nhầm"},
			vi: "Cơ quan đã thu hồi kết quả điện tử của hồ sơ. Lý do: Cấp nhầm", en: "The office revoked the dossier's electronic result. Reason: Cấp nhầm"},
		{name: "stop", ev: dossier.Event{Action: dossier.ActStop, Note: "Người nộp qua đời"},
			vi: "Cơ quan đã dừng xử lý hồ sơ. Lý do: Người nộp qua đời", en: "The office stopped processing the dossier. Reason: Người nộp qua đời"},
		{name: "withdraw", ev: dossier.Event{Action: dossier.ActWithdraw, Note: "Nộp nhầm thủ tục"},
			vi: "Hồ sơ đã được rút. Lý do: Nộp nhầm thủ tục", en: "The dossier was withdrawn. Reason: Nộp nhầm thủ tục"},
		{name: "reschedule", ev: dossier.Event{Action: dossier.ActReschedule, Note: "Cần xác minh thêm",
			Data: dossier.RescheduleData{NewDue: newDue}},
			vi: "Cơ quan gửi lời xin lỗi và hẹn lại ngày trả kết quả: 20/12/2026. Lý do: Cần xác minh thêm",
			en: "The office apologised and set a new date for the result: 20/12/2026. Reason: Cần xác minh thêm"},
		{name: "reschedule without date", ev: dossier.Event{Action: dossier.ActReschedule, Data: dossier.RescheduleData{}},
			vi: "Cơ quan gửi lời xin lỗi và hẹn lại ngày trả kết quả.", en: "The office apologised and set a new date for the result."},
		{name: "reschedule without data", ev: dossier.Event{Action: dossier.ActReschedule},
			vi: "Cơ quan gửi lời xin lỗi và hẹn lại ngày trả kết quả.", en: "The office apologised and set a new date for the result."},
		{name: "rate", ev: dossier.Event{Action: dossier.ActRate, Data: dossier.RatingData{Rating: dossier.RatingVerySatisfied}},
			vi: "Bạn đã đánh giá: Rất hài lòng.", en: "You rated it: Very satisfied."},
		{name: "rate dissatisfied", ev: dossier.Event{Action: dossier.ActRate, Data: dossier.RatingData{Rating: dossier.RatingDissatisfied}},
			vi: "Bạn đã đánh giá: Không hài lòng.", en: "You rated it: Dissatisfied."},
		{name: "rate unknown value", ev: dossier.Event{Action: dossier.ActRate, Data: dossier.RatingData{Rating: "so-so"}},
			vi: "Bạn đã đánh giá việc giải quyết hồ sơ.", en: "You rated how the dossier was handled."},
		// Internal steps are told by the status they lead to.
		{name: "draft result", ev: dossier.Event{Action: dossier.ActDraftResult, To: dossier.StatusProcessing},
			vi: "Đang xử lý", en: "Being processed"},
		{name: "approve draft", ev: dossier.Event{Action: dossier.ActApproveDraft, To: dossier.StatusProcessing},
			vi: "Đang xử lý", en: "Being processed"},
		{name: "return draft", ev: dossier.Event{Action: dossier.ActReturnDraft, To: dossier.StatusProcessing},
			vi: "Đang xử lý", en: "Being processed"},
		{name: "consult", ev: dossier.Event{Action: dossier.ActConsult, To: dossier.StatusProcessing},
			vi: "Đang xử lý", en: "Being processed"},
		{name: "answer consult", ev: dossier.Event{Action: dossier.ActAnswerConsult, To: dossier.StatusProcessing},
			vi: "Đang xử lý", en: "Being processed"},
		{name: "unknown language is Vietnamese", ev: dossier.Event{Action: dossier.ActFinish},
			vi: "Đã có kết quả giải quyết.", en: "Đã có kết quả giải quyết.", english: "fr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EventText(tc.ev, tc.ver, "vi"); got != tc.vi {
				t.Errorf("vi: got %q, want %q", got, tc.vi)
			}
			if got := EventText(tc.ev, tc.ver, ""); got != tc.vi {
				t.Errorf("default language: got %q, want %q", got, tc.vi)
			}
			lang := tc.english
			if lang == "" {
				lang = "en"
			}
			if got := EventText(tc.ev, tc.ver, lang); got != tc.en {
				t.Errorf("%s: got %q, want %q", lang, got, tc.en)
			}
		})
	}
}

// TestWordingMessages checks the catalogue: both languages present, the
// same fmt verbs in each, and a subject for every kind of notice sent.
func TestWordingMessages(t *testing.T) {
	for key, pair := range Messages {
		if strings.TrimSpace(pair[0]) == "" || strings.TrimSpace(pair[1]) == "" {
			t.Errorf("%s lacks its Vietnamese or English text", key)
		}
		if a, b := strings.Count(pair[0], "%"), strings.Count(pair[1], "%"); a != b {
			t.Errorf("%s: %d verbs in Vietnamese, %d in English", key, a, b)
		}
	}
	for _, act := range []dossier.Action{dossier.ActReceive, dossier.ActRefuse, dossier.ActRequestSupplement,
		dossier.ActRequestFee, dossier.ActReschedule, dossier.ActFinish, dossier.ActDeliver} {
		if _, ok := Messages["notice.subject."+string(act)]; !ok {
			t.Errorf("no subject for %s", act)
		}
	}
}

// TestWordingKindOf pins which events reach the citizen, and as what.
func TestWordingKindOf(t *testing.T) {
	tests := []struct {
		act  dossier.Action
		kind account.NoticeKind
		ok   bool
	}{
		{dossier.ActReceive, account.NoticeProgress, true},
		{dossier.ActRefuse, account.NoticeProgress, true},
		{dossier.ActRequestSupplement, account.NoticeProgress, true},
		{dossier.ActRequestFee, account.NoticeProgress, true},
		{dossier.ActReschedule, account.NoticeProgress, true},
		{dossier.ActFinish, account.NoticeResult, true},
		{dossier.ActDeliver, account.NoticeResult, true},
		{dossier.ActSubmit, "", false},
		{dossier.ActSupplement, "", false},
		{dossier.ActAssign, "", false},
		{dossier.ActTransfer, "", false},
		{dossier.ActFeePaid, "", false},
		{dossier.ActDraftResult, "", false},
		{dossier.ActApproveDraft, "", false},
		{dossier.ActReturnDraft, "", false},
		{dossier.ActReturnResult, "", false},
		{dossier.ActConsult, "", false},
		{dossier.ActAnswerConsult, "", false},
		{dossier.ActStop, "", false},
		{dossier.ActWithdraw, "", false},
		{dossier.ActRate, "", false},
		{dossier.ActRevokeResult, "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(string(tc.act), func(t *testing.T) {
			kind, ok := KindOf(dossier.Event{Action: tc.act})
			if kind != tc.kind || ok != tc.ok {
				t.Errorf("KindOf(%s) = %q, %v; want %q, %v", tc.act, kind, ok, tc.kind, tc.ok)
			}
		})
	}
}
