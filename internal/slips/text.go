package slips

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh on machines without a zoneinfo database

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
)

// The national motto heads every slip in Vietnamese, whatever the language.
const (
	mottoState = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	mottoLine  = "Độc lập - Tự do - Hạnh phúc"
)

// zone is where slips show times: Vietnam (UTC+7, no daylight saving).
var zone = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return l
	}
	return time.FixedZone("ICT", 7*3600)
}()

// words holds the text of the slips: key → {vi, en}.
var words = map[string][2]string{
	"01": {"Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Receipt and appointment slip"},
	"02": {"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "Request to supplement and complete the dossier"},
	"03": {"Phiếu từ chối tiếp nhận giải quyết hồ sơ", "Notice of refusal to accept the dossier"},
	"04": {"Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", "Letter of apology and request to extend the time for processing"},
	"05": {"Thông báo dừng giải quyết hồ sơ", "Notice that processing of the dossier has stopped"},
	"06": {"Phiếu kiểm soát quá trình giải quyết hồ sơ", "Dossier process control slip"},
	"07": {"Sổ theo dõi hồ sơ", "Dossier register"},
	"08": {"Thông báo không giải quyết hồ sơ", "Notice that the application is not granted"},

	"code":          {"Mã hồ sơ:", "Dossier code:"},
	"qr":            {"Quét mã để tra cứu hồ sơ", "Scan the code to track the dossier"},
	"to":            {"Kính gửi:", "To:"},
	"name":          {"Họ và tên:", "Full name:"},
	"org":           {"Tên tổ chức:", "Organisation:"},
	"rep":           {"Người đại diện, nộp hồ sơ:", "Represented by:"},
	"id":            {"Số định danh cá nhân:", "Personal ID number:"},
	"tax":           {"Mã số thuế:", "Tax code:"},
	"address":       {"Địa chỉ:", "Address:"},
	"phone":         {"Số điện thoại:", "Phone:"},
	"email":         {"Thư điện tử:", "E-mail:"},
	"behalf":        {"Nộp thay cho:", "On behalf of:"},
	"request":       {"Nội dung yêu cầu giải quyết:", "Request:"},
	"procedure":     {"Thủ tục hành chính:", "Administrative procedure:"},
	"applicant":     {"Người nộp hồ sơ:", "Applicant:"},
	"docs":          {"1. Thành phần hồ sơ nộp gồm:", "1. Documents submitted:"},
	"sets":          {"2. Số lượng hồ sơ:", "2. Number of sets:"},
	"setUnit":       {"(bộ)", "(sets)"},
	"r.limit":       {"3. Thời gian giải quyết hồ sơ theo quy định là:", "3. Time limit by law:"},
	"r.received":    {"4. Thời gian nhận hồ sơ:", "4. Received at:"},
	"r.due":         {"5. Thời gian trả kết quả giải quyết hồ sơ:", "5. Result due at:"},
	"fee":           {"6. Phí, lệ phí:", "6. Fees and charges:"},
	"dong":          {"đồng", "VND"},
	"noFee":         {"Không", "None"},
	"book":          {"Vào Sổ theo dõi hồ sơ,", "Entered in the register,"},
	"entry":         {"Quyển số: %s Số thứ tự: %s", "book no. %s entry no. %s"},
	"colNo":         {"STT", "No."},
	"colDoc":        {"Tên giấy tờ", "Document"},
	"colOrig":       {"Bản chính", "Originals"},
	"colCopy":       {"Bản sao", "Copies"},
	"limit":         {"Thời hạn giải quyết:", "Time limit:"},
	"receivedAt":    {"Thời gian nhận hồ sơ:", "Received at:"},
	"dueAt":         {"Thời gian hẹn trả kết quả:", "Result due at:"},
	"channel":       {"7. Hình thức nộp hồ sơ:", "7. Submitted:"},
	"collect":       {"8. Đăng ký nhận kết quả tại:", "8. Collect the result at:"},
	"byPost":        {"Qua dịch vụ bưu chính công ích, tại địa chỉ: %s", "By public postal service, to: %s"},
	"byPortal":      {"Trực tuyến trên Cổng Dịch vụ công (bản điện tử)", "Online on the public service portal (electronic copy)"},
	"officer":       {"Cán bộ tiếp nhận:", "Receiving officer:"},
	"reason":        {"Lý do:", "Reason:"},
	"requestedAt":   {"Thời điểm yêu cầu:", "Requested at:"},
	"stoppedAt":     {"Thời điểm dừng giải quyết:", "Stopped at:"},
	"oldDue":        {"Thời gian hẹn trả kết quả ban đầu:", "Original due date:"},
	"newDue":        {"Thời gian hẹn trả kết quả mới:", "New due date:"},
	"signHint":      {"(Ký và ghi rõ họ tên)", "(Signature and full name)"},
	"signReceive":   {"NGƯỜI TIẾP NHẬN HỒ SƠ", "RECEIVING OFFICER"},
	"signGuide":     {"NGƯỜI HƯỚNG DẪN", "GUIDING OFFICER"},
	"signApplicant": {"NGƯỜI NỘP HỒ SƠ", "APPLICANT"},
	"signHead":      {"THỦ TRƯỞNG CƠ QUAN", "HEAD OF AGENCY"},
	"signSeal":      {"(Ký, ghi rõ họ tên và đóng dấu)", "(Signature, full name and seal)"},
	"recipients":    {"Nơi nhận:", "Recipients:"},
	"asAbove":       {"- Như trên;", "- The addressee;"},
	"filed":         {"- Lưu: VT, %s.", "- File: records office, %s."},
	"number":        {"Số: ……/……", "No.: ……/……"},
	"colReason":     {"Nội dung, lý do cần bổ sung, hoàn thiện", "What to add or correct, and why"},
	"signUnit":      {"ĐẠI DIỆN CƠ QUAN", "FOR THE AGENCY"},
	"page":          {"Trang %d/%d", "Page %d/%d"},
	"desk":          {"Bộ phận Một cửa", "One-stop desk"},

	"intro01": {"%s tiếp nhận hồ sơ của:", "The %s has received the dossier of:"},
	"note01": {"Ghi chú: Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 liên: một liên giao cho tổ chức, cá nhân nộp hồ sơ; một liên chuyển kèm theo Phiếu kiểm soát quá trình giải quyết hồ sơ và lưu tại %s.",
		"Note: this slip is made out in two copies: one for the applicant, one that travels with the process control slip and stays at the %s."},
	"intro02": {"Sau khi xem xét, hồ sơ của %s cần được bổ sung, hoàn thiện các giấy tờ sau:",
		"Having examined the dossier, %s must add or complete the following documents:"},
	"contact02": {"Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, %s vui lòng liên hệ %s, số điện thoại %s để được hướng dẫn.",
		"Should anything be unclear while completing the dossier, %s may contact %s, phone %s, for guidance."},
	"body03": {"Sau khi nghiên cứu, đối chiếu với quy định hiện hành, %s từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
		"Having examined the dossier against the regulations in force, %s refuses to accept it for the following reason:"},
	"end03": {"Xin thông báo để %s được biết và thực hiện./.", "We inform %s accordingly."},
	"body04": {"Ngày %s, %s tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính «%s» của %s, mã hồ sơ %s.",
		"On %s, %s received the dossier for the procedure «%s» from %s, dossier code %s."},
	"delay04": {"Tuy nhiên, đến nay %s chưa thể trả kết quả giải quyết hồ sơ đúng hẹn, với lý do như sau:",
		"However, %s cannot deliver the result on the date promised, for the following reason:"},
	"sorry04": {"%s xin lỗi %s vì sự chậm trễ này và đề nghị gia hạn thời gian trả kết quả giải quyết hồ sơ đến %s. Rất mong nhận được sự thông cảm của %s./.",
		"%s apologises to %s for this delay and asks to extend the due date of the result to %s. We thank %s for your understanding."},
	"body05": {"Ngày %s, %s tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính «%s» của %s, mã hồ sơ %s.",
		"On %s, %s received the dossier for the procedure «%s» from %s, dossier code %s."},
	"stop05": {"%s thông báo dừng giải quyết hồ sơ nêu trên kể từ %s.",
		"%s gives notice that processing of this dossier stopped at %s."},
	"end05": {"Xin thông báo để %s được biết./.", "We inform %s accordingly."},
	"body08": {"Ngày %s, %s tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính «%s» của %s, mã hồ sơ %s.",
		"On %s, %s received the dossier for the procedure «%s» from %s, dossier code %s."},
	"no08": {"Sau khi xem xét, %s thông báo không giải quyết hồ sơ nêu trên, với lý do như sau:",
		"Having examined it, %s gives notice that the application is not granted, for the following reasons:"},
	"end08": {"Nếu không đồng ý với nội dung thông báo này, %s có quyền khiếu nại hoặc khởi kiện theo quy định của pháp luật./.",
		"If %s disagrees with this notice, a complaint or a lawsuit may be lodged as the law provides."},
	"numberIs": {"Số: %s", "No.: %s"},

	"colStep":    {"Đơn vị, bước xử lý", "Unit, step"},
	"colTime":    {"Thời gian giao, nhận hồ sơ", "Handed over at"},
	"colGiver":   {"Bên giao", "Handed over by"},
	"colTaker":   {"Bên nhận", "Received by"},
	"colVerdict": {"Kết quả", "Result"},
	"colNote":    {"Ghi chú", "Note"},
	"spent":      {"thực hiện %s/%s giờ", "took %s of %s hours"},
	"toUnit":     {"chuyển đến %s", "transferred to %s"},
	"replyBy":    {"hạn trả lời %s (%d ngày làm việc)", "answer due %s (%d working days)"},
	"lateBy":     {"chậm trễ thuộc %s", "the delay is %s's"},

	"colCode":      {"Mã hồ sơ", "Dossier code"},
	"colApplicant": {"Tên cá nhân, tổ chức", "Applicant"},
	"colContact":   {"Địa chỉ, số điện thoại", "Address, phone"},
	"colProc":      {"Tên thủ tục hành chính", "Procedure"},
	"colSets":      {"Số lượng hồ sơ (bộ)", "Sets"},
	"colLead":      {"Cơ quan chủ trì giải quyết", "Lead agency"},
	"colReceived":  {"Ngày nhận hồ sơ", "Received"},
	"colDue":       {"Ngày hẹn trả kết quả", "Due"},
	"colSent":      {"Ngày chuyển hồ sơ đến cơ quan giải quyết", "Sent to the deciding agency"},
	"colBack":      {"Ngày nhận kết quả từ cơ quan giải quyết", "Result back from the deciding agency"},
	"colDelivered": {"Ngày trả kết quả", "Delivered"},
	"colSign":      {"Ký nhận", "Signature of recipient"},
	"period":       {"Từ ngày %s đến ngày %s", "From %s to %s"},
	"running":      {"Sổ theo dõi hồ sơ - %s - từ %s đến %s", "Dossier register - %s - %s to %s"},
	"noRows":       {"Không có hồ sơ trong kỳ.", "No dossiers in this period."},
	"rescheduled":  {"Đã gia hạn", "Rescheduled"},
	"walkins": {"Tổ chức, cá nhân được hướng dẫn bổ sung, hoàn thiện hồ sơ hoặc bị từ chối tiếp nhận hồ sơ",
		"Walk-in applicants guided to complete their papers or refused (no dossier received)"},
	"colDate":         {"Ngày", "Date"},
	"colOutcome":      {"Kết quả", "Outcome"},
	"colWhy":          {"Giấy tờ cần bổ sung, hoàn thiện; lý do", "Documents to add or fix; reasons"},
	"colOfficer":      {"Cán bộ", "Officer"},
	"walkin.guidance": {"Hướng dẫn bổ sung, hoàn thiện (Phiếu 02)", "Guided to complete (slip 02)"},
	"walkin.refusal":  {"Từ chối tiếp nhận (Phiếu 03)", "Refused (slip 03)"},

	"citizen": {"Ông/Bà", "you"},
	"company": {"Quý tổ chức", "you"},
	"same":    {"Trong ngày", "Same day"},

	dossier.VerdictEarly:  {"Trước hạn", "Early"},
	dossier.VerdictOnTime: {"Đúng hạn", "On time"},
	dossier.VerdictLate:   {"Quá hạn", "Late"},

	string(dossier.ChannelOnline):  {"Trực tuyến", "Online"},
	string(dossier.ChannelCounter): {"Trực tiếp tại Bộ phận Một cửa", "In person at the one-stop desk"},
	string(dossier.ChannelPost):    {"Qua dịch vụ bưu chính", "By post"},

	"act." + string(dossier.ActReceive):       {"Tiếp nhận hồ sơ", "Reception"},
	"act." + string(dossier.ActAssign):        {"Phân công xử lý", "Assignment"},
	"act." + string(dossier.ActTransfer):      {"Chuyển hồ sơ", "Transfer"},
	"act." + string(dossier.ActDraftResult):   {"Dự thảo kết quả", "Draft result"},
	"act." + string(dossier.ActReturnDraft):   {"Trả lại dự thảo", "Draft returned"},
	"act." + string(dossier.ActApproveDraft):  {"Trưởng phòng duyệt dự thảo", "Draft approved by the head of office"},
	"act." + string(dossier.ActFinish):        {"Phê duyệt kết quả", "Approval"},
	"act." + string(dossier.ActReturnResult):  {"Chuyển kết quả về Bộ phận Một cửa", "Result returned to the desk"},
	"act." + string(dossier.ActDeliver):       {"Trả kết quả", "Result delivered"},
	"act." + string(dossier.ActConsult):       {"Xin ý kiến", "Consultation sent"},
	"act." + string(dossier.ActAnswerConsult): {"Trả lời xin ý kiến", "Consultation answered"},
}

// lang picks the language of a slip's text.
type lang struct{ en bool }

func parseLang(s string) (lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "vi":
		return lang{}, nil
	case "en":
		return lang{en: true}, nil
	}
	return lang{}, fmt.Errorf("slips: unsupported language %q (vi or en)", s)
}

// t returns the text for key; an unknown key is returned as is.
func (l lang) t(key string) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	if l.en {
		return w[1]
	}
	return w[0]
}

func (l lang) f(key string, args ...any) string { return fmt.Sprintf(l.t(key), args...) }

// date writes a date as administrative documents do: "ngày 05 tháng 3 năm
// 2025". Days below 10 and the months January and February take a leading
// zero (Decree 30/2020/NĐ-CP), so that they cannot be altered by hand.
func (l lang) date(t time.Time) string {
	t = t.In(zone)
	if l.en {
		return t.Format("2 January 2006")
	}
	m := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		m = "0" + m
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), m, t.Year())
}

// placeDate is the "Hà Nội, ngày 05 tháng 3 năm 2025" line.
func (l lang) placeDate(place string, t time.Time) string {
	if place = strings.TrimSpace(place); place == "" {
		return l.date(t)
	}
	return place + ", " + l.date(t)
}

// at writes a moment as "08:30 ngày 05/03/2025".
func (l lang) at(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.en {
		return t.In(zone).Format("15:04, 02/01/2006")
	}
	return t.In(zone).Format("15:04 ngày 02/01/2006")
}

func atp(l lang, t *time.Time) string {
	if t == nil {
		return ""
	}
	return l.at(*t)
}

// day writes dd/MM/yyyy.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zone).Format("02/01/2006")
}

func dayp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return day(*t)
}

// limit writes a procedure's time limit in words: "10 (mười) ngày làm việc".
func (l lang) limit(v *catalog.Version) string {
	if v == nil {
		return ""
	}
	n := v.LimitAmount
	if n == 0 && v.LimitKind != catalog.WorkingHours {
		return l.t("same")
	}
	if l.en {
		unit := map[catalog.LimitKind]string{catalog.WorkingDays: "working day", catalog.CalendarDays: "day", catalog.WorkingHours: "working hour"}[v.LimitKind]
		if unit == "" {
			unit = string(v.LimitKind)
		}
		if n != 1 {
			unit += "s"
		}
		return fmt.Sprintf("%d %s", n, unit)
	}
	unit := map[catalog.LimitKind]string{catalog.WorkingDays: "ngày làm việc", catalog.CalendarDays: "ngày", catalog.WorkingHours: "giờ làm việc"}[v.LimitKind]
	if unit == "" {
		unit = string(v.LimitKind)
	}
	if w := numberWords(n); w != "" {
		return fmt.Sprintf("%d (%s) %s", n, w, unit)
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// numberWords spells 0–999 in Vietnamese ("hai mươi mốt", "một trăm linh
// năm"); larger numbers give "".
func numberWords(n int) string {
	if n < 0 || n > 999 {
		return ""
	}
	digit := []string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}
	if n < 10 {
		return digit[n]
	}
	var parts []string
	h, t, u := n/100, n/10%10, n%10
	if h > 0 {
		parts = append(parts, digit[h], "trăm")
		if t == 0 {
			if u > 0 {
				parts = append(parts, "linh", digit[u])
			}
			return strings.Join(parts, " ")
		}
	}
	if t == 1 {
		parts = append(parts, "mười")
	} else {
		parts = append(parts, digit[t], "mươi")
	}
	switch {
	case u == 0:
	case u == 1 && t > 1:
		parts = append(parts, "mốt")
	case u == 4 && t > 1:
		parts = append(parts, "tư")
	case u == 5:
		parts = append(parts, "lăm")
	default:
		parts = append(parts, digit[u])
	}
	return strings.Join(parts, " ")
}

// hours writes 3.5 as "3,5" (vi) or "3.5" (en).
func (l lang) hours(h float64) string {
	s := fmt.Sprintf("%.2f", h)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if !l.en {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// salutation is how the body addresses the applicant.
func (l lang) salutation(a dossier.Applicant) string {
	if a.Kind == dossier.ApplicantBusiness || a.Kind == dossier.ApplicantOrganisation {
		return l.t("company")
	}
	return l.t("citizen")
}
