package web

import (
	"fmt"
	"strings"
)

// Messages is a catalogue of interface strings: key → {Vietnamese,
// English}. A string may hold fmt verbs, filled by T's arguments.
type Messages map[string][2]string

// Text returns the message for key in lang, formatted with args, and
// whether the key exists.
func (m Messages) Text(lang, key string, args ...any) (string, bool) {
	pair, ok := m[key]
	if !ok {
		return "", false
	}
	s := pair[0]
	if lang == EN {
		s = pair[1]
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s, true
}

// merge adds more to m, refusing duplicate keys and empty texts.
func (m Messages) merge(more Messages) error {
	for k, v := range more {
		if _, dup := m[k]; dup {
			return fmt.Errorf("message %q defined twice", k)
		}
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			return fmt.Errorf("message %q lacks its Vietnamese or English text", k)
		}
		m[k] = v
	}
	return nil
}

// baseMessages are the strings of the layout, the error pages and the
// formatting helpers.
var baseMessages = Messages{
	"site.name":        {"Dịch vụ công trực tuyến — motcua", "Online public services — motcua"},
	"site.skip":        {"Bỏ qua, đến nội dung chính", "Skip to main content"},
	"nav.label":        {"Điều hướng chính", "Main navigation"},
	"nav.home":         {"Trang chủ", "Home"},
	"nav.procedures":   {"Thủ tục hành chính", "Procedures"},
	"nav.track":        {"Tra cứu hồ sơ", "Track a dossier"},
	"lang.label":       {"Ngôn ngữ", "Language"},
	"account.label":    {"Tài khoản", "Account"},
	"account.login":    {"Đăng nhập", "Log in"},
	"account.register": {"Đăng ký", "Register"},
	"account.logout":   {"Đăng xuất", "Log out"},
	"account.mine":     {"Tài khoản", "My account"},
	"lang.current":     {"(đang dùng)", "(current)"},
	"footer.about":     {"motcua — nền tảng một cửa điện tử nguồn mở cho chính quyền địa phương.", "motcua — an open-source electronic one-stop shop for local government."},
	"footer.api":       {"API cho nhà phát triển (OpenAPI)", "API for developers (OpenAPI)"},
	"money.free":       {"Miễn phí", "Free"},
	"date.hint":        {"Nhập ngày/tháng/năm, ví dụ 05/12/2026.", "Enter day/month/year, for example 05/12/2026."},
	"none":             {"Chưa có", "Not yet"},
	"error.code":       {"Mã lỗi %d", "Error %d"},
	"error.404.title":  {"Không tìm thấy trang", "Page not found"},
	"error.404.text":   {"Địa chỉ bạn mở không có trên cổng dịch vụ công hoặc đã được chuyển đi. Hãy kiểm tra lại địa chỉ.", "The address you opened does not exist on this portal or has moved. Please check the address."},
	"error.400.title":  {"Yêu cầu không hợp lệ", "Invalid request"},
	"error.400.text":   {"Yêu cầu có tham số không hợp lệ. Hãy quay lại và thử lại.", "The request has an invalid parameter. Please go back and try again."},
	"error.500.title":  {"Hệ thống đang gặp sự cố", "Something went wrong"},
	"error.500.text":   {"Vui lòng thử lại sau ít phút. Nếu lỗi vẫn tiếp diễn, hãy liên hệ bộ phận một cửa.", "Please try again in a few minutes. If the problem persists, contact the one-stop desk."},
	"error.home":       {"Về trang chủ", "Go to the home page"},
}
