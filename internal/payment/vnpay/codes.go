package vnpay

// text is one message in Vietnamese and English.
type text struct{ vi, en string }

// responseTexts are the citizen's words for vnp_ResponseCode (VNPay's
// table, integrations.md §3.1).
var responseTexts = map[string]text{
	"00": {"Giao dịch thành công.", "The payment succeeded."},
	"07": {"Đã trừ tiền nhưng giao dịch bị nghi ngờ (gian lận, bất thường); đơn vị sẽ kiểm tra và xác nhận.", "The money was taken but the transaction is suspected (fraud or unusual); the agency will check and confirm it."},
	"09": {"Giao dịch không thành công: thẻ hoặc tài khoản chưa đăng ký dịch vụ Internet Banking tại ngân hàng.", "The payment failed: the card or account is not registered for internet banking."},
	"10": {"Giao dịch không thành công: xác thực thông tin thẻ hoặc tài khoản sai quá 3 lần.", "The payment failed: the card or account details were entered wrongly more than 3 times."},
	"11": {"Giao dịch không thành công: đã hết thời gian chờ thanh toán. Vui lòng thực hiện lại.", "The payment failed: the time allowed to pay ran out. Please try again."},
	"12": {"Giao dịch không thành công: thẻ hoặc tài khoản bị khóa.", "The payment failed: the card or account is locked."},
	"13": {"Giao dịch không thành công: nhập sai mật khẩu xác thực giao dịch (OTP). Vui lòng thực hiện lại.", "The payment failed: the one-time password (OTP) was wrong. Please try again."},
	"24": {"Giao dịch không thành công: bạn đã hủy giao dịch.", "The payment failed: you cancelled it."},
	"51": {"Giao dịch không thành công: tài khoản không đủ số dư.", "The payment failed: the account's balance is insufficient."},
	"65": {"Giao dịch không thành công: tài khoản đã vượt quá hạn mức giao dịch trong ngày.", "The payment failed: the account's daily limit is exceeded."},
	"75": {"Ngân hàng thanh toán đang bảo trì. Vui lòng thử lại sau.", "The bank is under maintenance. Please try again later."},
	"79": {"Giao dịch không thành công: nhập sai mật khẩu thanh toán quá số lần quy định. Vui lòng thực hiện lại.", "The payment failed: the payment password was wrong too many times. Please try again."},
	"99": {"Giao dịch không thành công do lỗi khác.", "The payment failed for another reason."},
}

// ResponseText returns the citizen's words for a vnp_ResponseCode in lang
// ("en", or Vietnamese by default); a code outside VNPay's table reads as
// a failure.
func ResponseText(code, lang string) string {
	t, ok := responseTexts[code]
	if !ok {
		t = text{"Giao dịch không thành công (mã " + printableCode(code) + ").", "The payment failed (code " + printableCode(code) + ")."}
	}
	if lang == "en" {
		return t.en
	}
	return t.vi
}

// printableCode keeps a code from the query short and harmless in a
// message.
func printableCode(code string) string {
	var b []byte
	for i := 0; i < len(code) && len(b) < 8; i++ {
		if c := code[i]; '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' {
			b = append(b, c)
		}
	}
	if len(b) == 0 {
		return "?"
	}
	return string(b)
}
