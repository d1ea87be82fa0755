// Package paygov speaks the protocol of the national payment platform of
// the national public service portal: INIT (start a payment, get the URL
// the citizen pays at), the CONFIRM callback (the platform tells us the
// result), QUERY (ask for an attempt's state) and GET_BILL (the receipt
// PDF). It holds no store and knows no dossier: a Settler, implemented by
// the payment domain, decides what a confirmation changes.
//
// # Signature
//
// Every message carries MaXacThuc, the lowercase hex SHA-256 of the UTF-8
// fields joined with "|", followed by "|" and the secret key (Sign). The
// field orders are:
//
//	INIT:     LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|MaKenhThanhToan|MaThietBi|NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|ThoiGianGD|Ip|<secret>
//	CONFIRM:  LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|MaTienTe|MaGiaoDich|MaNganHang|ThoiGianGD|ThongTinGiaoDich|<secret>
//	QUERY, GET_BILL: LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD|<secret>
//	our CONFIRM reply: MaLoi|MoTaLoi|MaDoiTac|ThoiGianGD|<secret>
//
// The platform's documentation lists the reply's fields but not their hash
// order; we chose the order in which it lists them, which is also the
// order of the reply's JSON members. A signature is compared in constant
// time, on the decoded bytes (so upper-case hex from the platform is taken
// too). The reply's ThoiGianGD is the time of our reply, not an echo of
// the confirmation's.
//
// One open-source provincial system (OpenCPS) hashes CONFIRM with
// ThongTinGiaoDich before ThoiGianGD and leaves the check switched off; we
// follow the order the platform documents and verify always.
//
// A QUERY answer is documented only as the {error_code, message}
// envelope; we read the message as the CONFIRM fields and, when it
// carries MaXacThuc, verify it over the CONFIRM order. A GET_BILL answer
// is either the PDF itself or the envelope whose message is the PDF in
// base64.
//
// # Times
//
// ThoiGianGD is yyyyMMddHHmmss in the 24-hour form, in GMT+7 (a fixed
// zone: Vietnam has no daylight saving). One provincial system once wrote
// the hour with "hh" (12-hour, so 13:05 became 01:05); we never do, and
// ParseTime takes only 14 digits forming a real 24-hour time. A 12-hour
// time cannot be told from a morning one by its text, so a confirmation
// is never refused for its time: the time is kept as sent in the raw body.
//
// # Reply codes of the CONFIRM callback (our choice)
//
// The platform's list of the codes a partner answers is not known to us;
// these are ours, numbered as VNPay's IPN numbers the same cases so that
// the desk reads one table:
//
//	00  confirmation recorded (paid or failed)
//	01  unknown reference (MaThamChieu)
//	02  attempt already confirmed (a replay or a duplicate)
//	04  amount differs from the attempt's
//	96  message malformed (bad JSON, a missing or bad field, not CONFIRM,
//	    not VND, body over 64 KiB)
//	97  bad signature (MaXacThuc)
//	98  message for another partner (MaDoiTac is not ours)
//	99  unexpected error on our side (the platform may retry)
//
// Codes 96, 97 and 98 are decided before the Settler is called, which it
// then is not; the HTTP status is 200 except for a malformed message (400),
// a body too large (413) and a method other than POST (405). MoTaLoi is in
// Vietnamese, or in English when the request's Accept-Language asks for it.
package paygov
