// Package dvcqgportal is a SANDBOX national public service portal (Cổng
// Dịch vụ công quốc gia): it takes the dossier sync motcua's dvcqg client
// sends, so that a newcomer running motcua with --demo sees what the
// national portal would receive, offline, from the very client production
// uses.
//
// It is not the national portal and forwards nothing: motcua mounts it
// under /sandbox/dvcqg/ only with --demo and no --dvcqg-url. Its pages say
// so in Vietnamese and English.
//
// It serves, below wherever it is mounted (integrations.md §5):
//   - POST CreatePath: a JSON array of dossiers (HoSoDongBoDVC), stored
//     by MaHoSo. If one of them is already stored the answer is
//     {"error_code":"-3","message":"Hồ sơ đã tồn tại"} and none is stored.
//   - POST UpdatePath: a JSON array of dossiers replacing stored ones; an
//     unknown MaHoSo is error_code "-4" and none is replaced.
//   - POST ProgressPath: a JSON array of process-log entries
//     (QuaTrinhXuLyDongBoDVC), appended to their dossiers' logs; an
//     unknown MaHoSo is "-4" and none is appended.
//   - GET anywhere else: a page listing the dossiers, and with ?ma=MaHoSo
//     one dossier with its process log. ID numbers, phone numbers and
//     e-mail addresses are masked on the pages.
//
// Each POST needs "Authorization: Bearer <token>" (401 otherwise) and is
// answered {"error_code","message"}: "0" with "… thành công" when taken,
// "-1" with what is wrong when the data breaks the portal's rules (status
// 1–10, times yyyyMMddHHmmss, TrichYeuHoSo ≤ 1000 characters, NguoiXuLy ≤
// 50, ID numbers of 12 or 9 digits), all with HTTP 200 as the portal
// answers; a body that is not a JSON array of objects is HTTP 400 with
// "-1". A request is taken whole or not at all.
//
// Dossiers live in memory, the newest MaxDossiers only (and the newest
// maxLog entries of each log): a restart forgets them, as befits a
// sandbox. Only counts and error codes are logged.
package dvcqgportal

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Paths of the sync endpoints below the mount point. The real portal's
// paths differ between its environments and are configuration in motcua;
// these are the sandbox's.
const (
	CreatePath   = "/api/hoso/tao-moi"
	UpdatePath   = "/api/hoso/cap-nhat"
	ProgressPath = "/api/hoso/qua-trinh-xu-ly"
)

// MaxDossiers is how many dossiers the sandbox keeps; the oldest created
// are forgotten, with their logs.
const MaxDossiers = 200

const (
	maxLog   = 200     // process-log entries kept per dossier
	maxBatch = 100     // dossiers or entries per request
	maxBody  = 4 << 20 // bytes per request
)

// Error codes of the answers.
const (
	codeOK       = "0"
	codeInvalid  = "-1"
	codeExists   = "-3"
	codeNotFound = "-4"
)

// code is a code of the payload: senders write "2" or 2; it is kept as
// the string.
type code string

func (c *code) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*c = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = code(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("a code must be a string or a number")
	}
	*c = code(n.String())
	return nil
}

// in reports whether c is an integer from lo to hi.
func (c code) in(lo, hi int) bool {
	n, err := strconv.Atoi(string(c))
	return err == nil && n >= lo && n <= hi
}

// hoSo holds the fields of HoSoDongBoDVC the sandbox checks or shows;
// others are accepted and ignored.
type hoSo struct {
	MaHoSo          string     `json:"MaHoSo"`
	MaTTHC          string     `json:"MaTTHC"`
	TenTTHC         string     `json:"TenTTHC"`
	MaLinhVuc       string     `json:"MaLinhVuc"`
	TenLinhVuc      string     `json:"TenLinhVuc"`
	KenhThucHien    code       `json:"KenhThucHien"`
	SoGiayToChuHoSo string     `json:"SoGiayToChuHoSo"`
	ChuHoSo         string     `json:"ChuHoSo"`
	LoaiDoiTuong    code       `json:"LoaiDoiTuong"`
	MaDoiTuong      string     `json:"MaDoiTuong"`
	Email           string     `json:"Email"`
	SoDienThoai     string     `json:"SoDienThoai"`
	TrichYeuHoSo    string     `json:"TrichYeuHoSo"`
	NgayTiepNhan    string     `json:"NgayTiepNhan"`
	NgayHenTra      string     `json:"NgayHenTra"`
	TrangThaiHoSo   code       `json:"TrangThaiHoSo"`
	NgayTra         string     `json:"NgayTra"`
	NgayKetThucXuLy string     `json:"NgayKetThucXuLy"`
	DonViXuLy       string     `json:"DonViXuLy"`
	NoiNopHoSo      string     `json:"NoiNopHoSo"`
	GhiChu          string     `json:"GhiChu"`
	NgayTuChoi      string     `json:"NgayTuChoi"`
	NgayNopHoSo     string     `json:"NgayNopHoSo"`
	DinhDanhCHS     []dinhDanh `json:"DinhDanhCHS"`
	TaiLieuNop      []any      `json:"TaiLieuNop"`
	DanhSachLePhi   []any      `json:"DanhSachLePhi"`
	BoSung          []any      `json:"DanhSachHoSoBoSung"`
	KetQua          []any      `json:"DanhSachGiayToKetQua"`
}

type dinhDanh struct {
	LoaiDinhDanh code   `json:"LoaiDinhDanh"`
	SoDinhDanh   string `json:"SoDinhDanh"`
}

// quaTrinh is one entry of a process log (QuaTrinhXuLyDongBoDVC).
type quaTrinh struct {
	MaHoSo                 string `json:"MaHoSo"`
	NguoiXuLy              string `json:"NguoiXuLy"`
	ChucDanh               string `json:"ChucDanh"`
	ThoiDiemXuLy           string `json:"ThoiDiemXuLy"`
	PhongBanXuLy           string `json:"PhongBanXuLy"`
	NoiDungXuLy            string `json:"NoiDungXuLy"`
	TrangThai              code   `json:"TrangThai"`
	NgayBatDau             string `json:"NgayBatDau"`
	NgayKetThucTheoQuyDinh string `json:"NgayKetThucTheoQuyDinh"`
}

// stored is a dossier the sandbox holds.
type stored struct {
	h        hoSo
	created  time.Time
	changed  time.Time
	updates  int
	log      []quaTrinh // oldest first
	logTotal int        // entries received, kept or not
}

// portal is the sandbox portal.
type portal struct {
	token string
	now   func() time.Time
	log   *slog.Logger

	mu    sync.Mutex
	byMa  map[string]*stored
	order []string // MaHoSo, oldest created first
}

// Option configures the portal.
type Option func(*portal)

// WithLogger sets the logger (slog.Default() otherwise).
func WithLogger(l *slog.Logger) Option { return func(p *portal) { p.log = l } }

// New returns the sandbox portal taking requests that carry token as
// "Authorization: Bearer <token>"; an empty token refuses every request.
// It is safe for concurrent use.
func New(token string, opts ...Option) http.Handler {
	p := &portal{token: token, now: time.Now, log: slog.Default(), byMa: map[string]*stored{}}
	for _, o := range opts {
		o(p)
	}
	return p
}

// ServeHTTP routes by the path's end, so that the portal works mounted at
// any prefix, with or without StripPrefix.
func (p *portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var endpoint func(http.ResponseWriter, *http.Request)
	switch {
	case strings.HasSuffix(r.URL.Path, CreatePath):
		endpoint = p.create
	case strings.HasSuffix(r.URL.Path, UpdatePath):
		endpoint = p.update
	case strings.HasSuffix(r.URL.Path, ProgressPath):
		endpoint = p.progress
	}
	if endpoint != nil {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			answer(w, http.StatusMethodNotAllowed, codeInvalid, "Phương thức không được hỗ trợ: dùng POST")
			return
		}
		if !p.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sandbox"`)
			answer(w, http.StatusUnauthorized, "401", "Token không hợp lệ")
			return
		}
		endpoint(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		p.page(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func answer(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error_code": code, "message": msg})
}

func (p *portal) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && p.token != "" && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(p.token)) == 1
}

// decode reads a JSON array of objects into out, answering 400 when the
// body is not one.
func decode[T any](w http.ResponseWriter, r *http.Request, out *[]T) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(out); err != nil || dec.More() {
		answer(w, http.StatusBadRequest, codeInvalid, "Dữ liệu không hợp lệ: cần một mảng JSON các đối tượng")
		return false
	}
	switch n := len(*out); {
	case n == 0:
		answer(w, http.StatusOK, codeInvalid, "Danh sách rỗng")
		return false
	case n > maxBatch:
		answer(w, http.StatusOK, codeInvalid, fmt.Sprintf("Quá nhiều phần tử trong một yêu cầu: %d (tối đa %d)", n, maxBatch))
		return false
	}
	return true
}

func (p *portal) create(w http.ResponseWriter, r *http.Request) {
	var ds []hoSo
	if !decode(w, r, &ds) {
		return
	}
	if msg := checkDossiers(ds); msg != "" {
		p.refuse(w, r, "create", codeInvalid, msg)
		return
	}
	p.mu.Lock()
	for _, d := range ds {
		if _, ok := p.byMa[d.MaHoSo]; ok {
			p.mu.Unlock()
			p.refuse(w, r, "create", codeExists, "Hồ sơ đã tồn tại")
			return
		}
	}
	now := p.now()
	for _, d := range ds {
		p.byMa[d.MaHoSo] = &stored{h: d, created: now, changed: now}
		p.order = append(p.order, d.MaHoSo)
	}
	for len(p.order) > MaxDossiers {
		delete(p.byMa, p.order[0])
		p.order = p.order[1:]
	}
	p.mu.Unlock()
	p.log.InfoContext(r.Context(), "sandbox dvcqg: dossiers created", "count", len(ds))
	answer(w, http.StatusOK, codeOK, "Thêm mới hồ sơ thành công")
}

func (p *portal) update(w http.ResponseWriter, r *http.Request) {
	var ds []hoSo
	if !decode(w, r, &ds) {
		return
	}
	if msg := checkDossiers(ds); msg != "" {
		p.refuse(w, r, "update", codeInvalid, msg)
		return
	}
	p.mu.Lock()
	for i, d := range ds {
		if _, ok := p.byMa[d.MaHoSo]; !ok {
			p.mu.Unlock()
			p.refuse(w, r, "update", codeNotFound, fmt.Sprintf("Hồ sơ thứ %d (%s) không tồn tại", i+1, d.MaHoSo))
			return
		}
	}
	now := p.now()
	for _, d := range ds {
		s := p.byMa[d.MaHoSo]
		s.h, s.changed = d, now
		s.updates++
	}
	p.mu.Unlock()
	p.log.InfoContext(r.Context(), "sandbox dvcqg: dossiers updated", "count", len(ds))
	answer(w, http.StatusOK, codeOK, "Cập nhật hồ sơ thành công")
}

func (p *portal) progress(w http.ResponseWriter, r *http.Request) {
	var qs []quaTrinh
	if !decode(w, r, &qs) {
		return
	}
	if msg := checkLog(qs); msg != "" {
		p.refuse(w, r, "progress", codeInvalid, msg)
		return
	}
	p.mu.Lock()
	for i, q := range qs {
		if _, ok := p.byMa[q.MaHoSo]; !ok {
			p.mu.Unlock()
			p.refuse(w, r, "progress", codeNotFound, fmt.Sprintf("Quá trình xử lý thứ %d: hồ sơ %s không tồn tại", i+1, q.MaHoSo))
			return
		}
	}
	now := p.now()
	for _, q := range qs {
		s := p.byMa[q.MaHoSo]
		s.log = append(s.log, q)
		s.logTotal++
		if len(s.log) > maxLog {
			s.log = append([]quaTrinh(nil), s.log[len(s.log)-maxLog:]...)
		}
		s.changed = now
	}
	p.mu.Unlock()
	p.log.InfoContext(r.Context(), "sandbox dvcqg: process log entries added", "count", len(qs))
	answer(w, http.StatusOK, codeOK, "Cập nhật quá trình xử lý thành công")
}

// refuse answers a request the portal's rules refuse, with HTTP 200 as
// the portal does.
func (p *portal) refuse(w http.ResponseWriter, r *http.Request, endpoint, code, msg string) {
	p.log.InfoContext(r.Context(), "sandbox dvcqg: request refused", "endpoint", endpoint, "error_code", code)
	answer(w, http.StatusOK, code, msg)
}

// timeLayout is the payload's time format, yyyyMMddHHmmss.
const timeLayout = "20060102150405"

// zone is Vietnam's time, the payload's.
var zone = time.FixedZone("ICT", 7*3600)

func parseTime(s string) (time.Time, bool) {
	if len(s) != len(timeLayout) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(timeLayout, s, zone)
	return t, err == nil
}

// checkDossiers checks dossiers against the portal's rules and answers
// what is wrong, in Vietnamese, or "". Messages name the dossier by its
// position and MaHoSo, never by a person's number.
func checkDossiers(ds []hoSo) string {
	seen := map[string]bool{}
	for i, d := range ds {
		d.MaHoSo = strings.TrimSpace(d.MaHoSo)
		ds[i].MaHoSo = d.MaHoSo
		at := fmt.Sprintf("Hồ sơ thứ %d", i+1)
		if d.MaHoSo == "" {
			return at + ": thiếu MaHoSo"
		}
		if !utf8.ValidString(d.MaHoSo) {
			return at + ": MaHoSo không phải UTF-8 hợp lệ"
		}
		if utf8.RuneCountInString(d.MaHoSo) > 100 {
			return at + ": MaHoSo dài quá 100 ký tự"
		}
		at = fmt.Sprintf("Hồ sơ thứ %d (%s)", i+1, d.MaHoSo)
		if seen[d.MaHoSo] {
			return at + ": MaHoSo lặp lại trong cùng yêu cầu"
		}
		seen[d.MaHoSo] = true
		if !d.TrangThaiHoSo.in(1, 10) {
			return at + ": TrangThaiHoSo phải từ 1 đến 10"
		}
		if d.KenhThucHien != "" && !d.KenhThucHien.in(1, 3) {
			return at + ": KenhThucHien phải là 1, 2 hoặc 3"
		}
		if d.LoaiDoiTuong != "" && !d.LoaiDoiTuong.in(1, 4) {
			return at + ": LoaiDoiTuong phải từ 1 đến 4"
		}
		if utf8.RuneCountInString(d.TrichYeuHoSo) > 1000 {
			return at + ": TrichYeuHoSo dài quá 1000 ký tự"
		}
		for _, f := range []struct{ name, v string }{
			{"NgayTiepNhan", d.NgayTiepNhan}, {"NgayHenTra", d.NgayHenTra}, {"NgayTra", d.NgayTra},
			{"NgayKetThucXuLy", d.NgayKetThucXuLy}, {"NgayTuChoi", d.NgayTuChoi}, {"NgayNopHoSo", d.NgayNopHoSo},
		} {
			if _, ok := parseTime(f.v); f.v != "" && !ok {
				return at + ": " + f.name + " phải có dạng yyyyMMddHHmmss"
			}
		}
		for j, dd := range ds[i].DinhDanhCHS {
			want := map[code]int{"1": 12, "2": 9}[dd.LoaiDinhDanh]
			if want == 0 {
				return fmt.Sprintf("%s: DinhDanhCHS thứ %d: LoaiDinhDanh phải là 1 hoặc 2", at, j+1)
			}
			if len(dd.SoDinhDanh) != want || strings.Trim(dd.SoDinhDanh, "0123456789") != "" {
				return fmt.Sprintf("%s: DinhDanhCHS thứ %d: SoDinhDanh phải gồm %d chữ số", at, j+1, want)
			}
		}
	}
	return ""
}

// checkLog checks process-log entries against the portal's rules.
func checkLog(qs []quaTrinh) string {
	for i, q := range qs {
		qs[i].MaHoSo = strings.TrimSpace(q.MaHoSo)
		at := fmt.Sprintf("Quá trình xử lý thứ %d", i+1)
		if qs[i].MaHoSo == "" {
			return at + ": thiếu MaHoSo"
		}
		if strings.TrimSpace(q.NguoiXuLy) == "" {
			return at + ": thiếu NguoiXuLy"
		}
		if utf8.RuneCountInString(q.NguoiXuLy) > 50 {
			return at + ": NguoiXuLy dài quá 50 ký tự"
		}
		if !q.TrangThai.in(1, 10) {
			return at + ": TrangThai phải từ 1 đến 10"
		}
		if _, ok := parseTime(q.ThoiDiemXuLy); !ok {
			return at + ": ThoiDiemXuLy phải có dạng yyyyMMddHHmmss"
		}
		for _, f := range []struct{ name, v string }{{"NgayBatDau", q.NgayBatDau}, {"NgayKetThucTheoQuyDinh", q.NgayKetThucTheoQuyDinh}} {
			if _, ok := parseTime(f.v); f.v != "" && !ok {
				return at + ": " + f.name + " phải có dạng yyyyMMddHHmmss"
			}
		}
	}
	return ""
}
