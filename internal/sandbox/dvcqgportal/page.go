package dvcqgportal

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/notice/email"
	"github.com/motcua/motcua/internal/vn"
)

// showTime writes a payload time for people: dd/mm/yyyy HH:MM; a value
// that does not parse is shown as sent.
func showTime(s string) string {
	t, ok := parseTime(s)
	if !ok {
		return s
	}
	return t.Format("02/01/2006 15:04")
}

// status is a status code with its names.
type status struct{ Code, VI, EN string }

func statusOf(c code) status {
	n, _ := strconv.Atoi(string(c))
	s := dossier.Status(n)
	return status{Code: string(c), VI: s.Label("vi"), EN: s.Label("en")}
}

// longNumber is a run of 9 to 12 digits in free text: an ID number (9 or
// 12 digits) or a phone number (10 or 11) that an officer typed into a
// summary or a note.
var longNumber = regexp.MustCompile(`\b\d{9,12}\b`)

// maskText masks the long numbers of free text.
func maskText(s string) string { return longNumber.ReplaceAllStringFunc(s, vn.MaskID) }

type listRow struct {
	Ma, TenTTHC, NgayTiepNhan, NgayHenTra string
	Status                                status
	Updates, Steps                        int
}

type logRow struct {
	At, NguoiXuLy, ChucDanh, PhongBan, NoiDung, Due string
	Status                                          status
}

type detail struct {
	Ma, MaTTHC, TenTTHC, LinhVuc, Kenh, ChuHoSo, LoaiDoiTuong, SoGiayTo, MaDoiTuong string
	Email, SoDienThoai, TrichYeu, NgayNop, NgayTiepNhan, NgayHenTra, NgayTra        string
	NgayKetThuc, NgayTuChoi, DonViXuLy, NoiNop, GhiChu, Created, Changed            string
	DinhDanh                                                                        []string
	Status                                                                          status
	Updates, LogTotal, TaiLieu, LePhi, BoSung, KetQua                               int
	Log                                                                             []logRow
}

type pageData struct {
	Max     int
	Rows    []listRow
	One     *detail
	Missing bool
}

var channels = map[code]string{"1": "1 — Trực tiếp / In person", "2": "2 — Trực tuyến / Online", "3": "3 — Qua bưu chính / By post"}
var kinds = map[code]string{"1": "1 — Công dân / Citizen", "2": "2 — Doanh nghiệp / Business", "3": "3 — Cơ quan nhà nước / State agency", "4": "4 — Tổ chức khác / Other organisation"}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng DVCQG thử nghiệm / National portal sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}
.sandbox{background:#b00020;color:#fff;padding:1rem;font-weight:bold;border-radius:.3rem}
.en{color:#555;font-size:.95em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
</style></head>
<body>
<p class="sandbox" role="alert">THỬ NGHIỆM — không phải Cổng Dịch vụ công quốc gia thật: không dữ liệu nào được gửi đi<br><span lang="en">SANDBOX — not the real national public service portal: nothing is sent on</span></p>
{{if .One}}{{with .One}}
<p><a href="./">← Tất cả hồ sơ <span class="en" lang="en">/ All dossiers</span></a></p>
<h1 id="ma">{{.Ma}}</h1>
<dl>
<dt>Thủ tục <span class="en" lang="en">/ Procedure</span></dt><dd>{{.MaTTHC}} — {{.TenTTHC}}</dd>
<dt>Lĩnh vực <span class="en" lang="en">/ Field</span></dt><dd>{{.LinhVuc}}</dd>
<dt>Trạng thái <span class="en" lang="en">/ Status</span></dt><dd id="status">{{.Status.Code}} — {{.Status.VI}} <span class="en" lang="en">/ {{.Status.EN}}</span></dd>
<dt>Kênh <span class="en" lang="en">/ Channel</span></dt><dd>{{.Kenh}}</dd>
<dt>Chủ hồ sơ <span class="en" lang="en">/ Owner</span></dt><dd>{{.ChuHoSo}}</dd>
<dt>Loại đối tượng <span class="en" lang="en">/ Owner kind</span></dt><dd>{{.LoaiDoiTuong}}</dd>
<dt>Số giấy tờ <span class="en" lang="en">/ Document no.</span></dt><dd>{{.SoGiayTo}}</dd>
<dt>Định danh <span class="en" lang="en">/ IDs</span></dt><dd>{{range .DinhDanh}}{{.}} {{end}}</dd>
<dt>Mã đối tượng <span class="en" lang="en">/ Portal user</span></dt><dd>{{.MaDoiTuong}}</dd>
<dt>Thư điện tử <span class="en" lang="en">/ E-mail</span></dt><dd>{{.Email}}</dd>
<dt>Điện thoại <span class="en" lang="en">/ Phone</span></dt><dd>{{.SoDienThoai}}</dd>
<dt>Trích yếu <span class="en" lang="en">/ Summary</span></dt><dd id="summary">{{.TrichYeu}}</dd>
<dt>Ngày nộp <span class="en" lang="en">/ Submitted</span></dt><dd>{{.NgayNop}}</dd>
<dt>Ngày tiếp nhận <span class="en" lang="en">/ Received</span></dt><dd>{{.NgayTiepNhan}}</dd>
<dt>Ngày hẹn trả <span class="en" lang="en">/ Due</span></dt><dd>{{.NgayHenTra}}</dd>
<dt>Ngày kết thúc xử lý <span class="en" lang="en">/ Processing ended</span></dt><dd>{{.NgayKetThuc}}</dd>
<dt>Ngày trả <span class="en" lang="en">/ Returned</span></dt><dd>{{.NgayTra}}</dd>
<dt>Ngày từ chối <span class="en" lang="en">/ Refused</span></dt><dd>{{.NgayTuChoi}}</dd>
<dt>Đơn vị xử lý <span class="en" lang="en">/ Handling unit</span></dt><dd>{{.DonViXuLy}}</dd>
<dt>Nơi nộp <span class="en" lang="en">/ Lodged at</span></dt><dd>{{.NoiNop}}</dd>
<dt>Ghi chú <span class="en" lang="en">/ Note</span></dt><dd>{{.GhiChu}}</dd>
<dt>Tài liệu, lệ phí <span class="en" lang="en">/ Files, fees</span></dt><dd>{{.TaiLieu}} tài liệu nộp / files, {{.LePhi}} lệ phí / fees, {{.BoSung}} lần bổ sung / supplementations, {{.KetQua}} giấy tờ kết quả / result documents</dd>
<dt>Đồng bộ <span class="en" lang="en">/ Sync</span></dt><dd>tạo lúc / created {{.Created}}, cập nhật <span id="updates">{{.Updates}}</span> lần / updates, lần cuối / last {{.Changed}}</dd>
</dl>
<h2>Quá trình xử lý <span class="en" lang="en">/ Process log</span></h2>
{{if .Log}}<p class="en">{{.LogTotal}} bước đã nhận{{if gt .LogTotal (len .Log)}}, {{len .Log}} bước mới nhất được giữ{{end}} <span lang="en">/ {{.LogTotal}} steps received</span></p>
<table>
<thead><tr><th>Thời điểm / Time</th><th>Người xử lý / Handler</th><th>Chức danh / Title</th><th>Phòng ban / Department</th><th>Nội dung / Action</th><th>Trạng thái / Status</th><th>Hạn theo quy định / Legal due</th></tr></thead>
<tbody>
{{range .Log}}<tr><td>{{.At}}</td><td>{{.NguoiXuLy}}</td><td>{{.ChucDanh}}</td><td>{{.PhongBan}}</td><td>{{.NoiDung}}</td><td>{{.Status.Code}} — {{.Status.VI}} <span class="en" lang="en">/ {{.Status.EN}}</span></td><td>{{.Due}}</td></tr>
{{end}}</tbody></table>
{{else}}<p>Chưa có bước xử lý nào. <span class="en" lang="en">No step yet.</span></p>{{end}}
{{end}}{{else if .Missing}}
<p>Không tìm thấy hồ sơ này: môi trường thử nghiệm chỉ giữ {{.Max}} hồ sơ mới nhất.</p>
<p class="en" lang="en">No such dossier: the sandbox keeps the newest {{.Max}} only.</p>
<p><a href="./">← Tất cả hồ sơ <span class="en" lang="en">/ All dossiers</span></a></p>
{{else}}
<h1>Hồ sơ đã đồng bộ</h1>
<p class="en" lang="en">Dossiers synchronised, newest first (the newest {{.Max}} are kept)</p>
{{if .Rows}}<table>
<thead><tr><th>Mã hồ sơ / Code</th><th>Thủ tục / Procedure</th><th>Trạng thái / Status</th><th>Ngày tiếp nhận / Received</th><th>Ngày hẹn trả / Due</th><th>Số lần cập nhật / Updates</th><th>Bước xử lý / Steps</th></tr></thead>
<tbody>
{{range .Rows}}<tr><td><a href="?ma={{.Ma}}">{{.Ma}}</a></td><td>{{.TenTTHC}}</td><td>{{.Status.Code}} — {{.Status.VI}} <span class="en" lang="en">/ {{.Status.EN}}</span></td><td>{{.NgayTiepNhan}}</td><td>{{.NgayHenTra}}</td><td>{{.Updates}}</td><td>{{.Steps}}</td></tr>
{{end}}</tbody>
</table>{{else}}<p>Chưa có hồ sơ nào. <span class="en" lang="en">No dossier yet.</span></p>{{end}}
{{end}}
</body></html>
`))

func (p *portal) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'")
	d := pageData{Max: MaxDossiers}
	if r.URL.Query().Has("ma") {
		one, ok := p.detail(r.URL.Query().Get("ma"))
		if !ok {
			d.Missing = true
			w.WriteHeader(http.StatusNotFound)
			_ = pageTmpl.Execute(w, d)
			return
		}
		d.One = &one
		_ = pageTmpl.Execute(w, d)
		return
	}
	p.mu.Lock()
	for i := len(p.order) - 1; i >= 0; i-- {
		s := p.byMa[p.order[i]]
		d.Rows = append(d.Rows, listRow{Ma: s.h.MaHoSo, TenTTHC: s.h.TenTTHC, Status: statusOf(s.h.TrangThaiHoSo),
			NgayTiepNhan: showTime(s.h.NgayTiepNhan), NgayHenTra: showTime(s.h.NgayHenTra), Updates: s.updates, Steps: s.logTotal})
	}
	p.mu.Unlock()
	_ = pageTmpl.Execute(w, d)
}

// detail is one dossier as its page shows it: numbers and addresses that
// identify a person masked.
func (p *portal) detail(ma string) (detail, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.byMa[strings.TrimSpace(ma)]
	if !ok {
		return detail{}, false
	}
	h := s.h
	d := detail{
		Ma: h.MaHoSo, MaTTHC: h.MaTTHC, TenTTHC: h.TenTTHC, LinhVuc: strings.Trim(h.MaLinhVuc+" — "+h.TenLinhVuc, " —"),
		Kenh: channels[h.KenhThucHien], ChuHoSo: h.ChuHoSo, LoaiDoiTuong: kinds[h.LoaiDoiTuong],
		SoGiayTo: vn.MaskID(h.SoGiayToChuHoSo), MaDoiTuong: vn.MaskID(h.MaDoiTuong),
		SoDienThoai: vn.MaskPhone(h.SoDienThoai), TrichYeu: maskText(h.TrichYeuHoSo),
		NgayNop: showTime(h.NgayNopHoSo), NgayTiepNhan: showTime(h.NgayTiepNhan), NgayHenTra: showTime(h.NgayHenTra),
		NgayTra: showTime(h.NgayTra), NgayKetThuc: showTime(h.NgayKetThucXuLy), NgayTuChoi: showTime(h.NgayTuChoi),
		DonViXuLy: h.DonViXuLy, NoiNop: h.NoiNopHoSo, GhiChu: maskText(h.GhiChu),
		Created: s.created.In(zone).Format("02/01/2006 15:04:05"), Changed: s.changed.In(zone).Format("02/01/2006 15:04:05"),
		Status: statusOf(h.TrangThaiHoSo), Updates: s.updates, LogTotal: s.logTotal,
		TaiLieu: len(h.TaiLieuNop), LePhi: len(h.DanhSachLePhi), BoSung: len(h.BoSung), KetQua: len(h.KetQua),
	}
	if h.Email != "" {
		d.Email = email.MaskAddress(h.Email)
	}
	for _, dd := range h.DinhDanhCHS {
		d.DinhDanh = append(d.DinhDanh, vn.MaskID(dd.SoDinhDanh))
	}
	// In the order received: a process log reads from the first step.
	for _, q := range s.log {
		d.Log = append(d.Log, logRow{At: showTime(q.ThoiDiemXuLy), NguoiXuLy: q.NguoiXuLy, ChucDanh: q.ChucDanh,
			PhongBan: q.PhongBanXuLy, NoiDung: maskText(q.NoiDungXuLy), Due: showTime(q.NgayKetThucTheoQuyDinh), Status: statusOf(q.TrangThai)})
	}
	return d, true
}
