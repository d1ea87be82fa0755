package dvcqgportal_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/internal/sandbox/dvcqgportal"
)

const token = "sandbox-dvcqg-token"

func start(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/sandbox/dvcqg/", dvcqgportal.New(token, dvcqgportal.WithLogger(slog.New(slog.DiscardHandler))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type answer struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}

// post sends body (a string, or any value encoded as JSON) as the dvcqg
// client does.
func post(t *testing.T, srv *httptest.Server, path, auth string, body any) (int, answer, string) {
	t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sandbox/dvcqg"+path, strings.NewReader(raw))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var a answer
	_ = json.Unmarshal(b, &a)
	return res.StatusCode, a, string(b)
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	res, err := http.Get(srv.URL + "/sandbox/dvcqg" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("GET %s: headers %v", path, res.Header)
	}
	return res.StatusCode, string(b)
}

// hoso is a dossier as provincial systems send it, codes as strings.
func hoso(ma string, status any) map[string]any {
	return map[string]any{
		"MaHoSo": ma, "MaTTHC": "1.001612", "TenTTHC": "Đăng ký khai sinh", "MaLinhVuc": "HT", "TenLinhVuc": "Hộ tịch",
		"KenhThucHien": "2", "SoGiayToChuHoSo": "001090001234", "ChuHoSo": "Nguyễn Văn An", "LoaiDoiTuong": "1",
		"MaDoiTuong": "TECH-778899", "ThongTinKhac": "", "Email": "an.nguyen@example.vn", "Fax": "", "SoDienThoai": "0912345678",
		"TrichYeuHoSo": "Đăng ký khai sinh cho con", "NgayTiepNhan": "20261205083000", "NgayHenTra": "20261208170000",
		"TrangThaiHoSo": status, "NgayTra": "", "ThongTinTra": "", "HinhThuc": "0", "NgayKetThucXuLy": "",
		"DonViXuLy": "UBND phường Hàng Trống", "GhiChu": "", "NoiNopHoSo": "1", "HoSoCoThanhPhanSoHoa": "1",
		"TaiKhoanDuocXacThucVoiVNeID": "1", "DuocThanhToanTrucTuyen": "0", "NgayTuChoi": "", "NgayNopHoSo": "20261205080000",
		"DinhDanhCHS":  []map[string]any{{"LoaiDinhDanh": "1", "SoDinhDanh": "001090001234"}},
		"DSKetNoiCSDL": []map[string]any{{"MaCSDL": "CSDLDC"}},
		"TaiLieuNop": []map[string]any{{"TepDinhKemId": "f1", "TenTepDinhKem": "to-khai.pdf", "IsDeleted": false, "MaThanhPhanHoSo": "TP1",
			"DuongDanTaiTepTin": "", "DuocSoHoa": "1", "DuocTaiSuDung": "0", "DuocLayTuKhoDMQG": "0", "MaKetQuaThayThe": ""}},
		"DanhSachLePhi":          []map[string]any{{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP1", "HinhThucThu": "1", "Gia": "8000", "LoaiPhiLePhi": "1"}},
		"DanhSachTepDinhKemKhac": []any{}, "DanhSachHoSoBoSung": []any{}, "DanhSachGiayToKetQua": []any{},
	}
}

func step(ma string, status any, what string) map[string]any {
	return map[string]any{"MaHoSo": ma, "NguoiXuLy": "Lê Thị Cán Bộ", "ChucDanh": "Công chức tư pháp", "ThoiDiemXuLy": "20261205090000",
		"PhongBanXuLy": "Bộ phận một cửa", "NoiDungXuLy": what, "TrangThai": status, "NgayBatDau": "20261205083000",
		"NgayKetThucTheoQuyDinh": "20261208170000"}
}

const bearer = "Bearer " + token

// TestSync: create, create again (exists, also in a mixed batch, which
// stores nothing), update, update of an unknown dossier, process log; the
// pages show the dossier's state, updates and log.
func TestSync(t *testing.T) {
	srv := start(t)
	for _, tc := range []struct {
		name, path       string
		body             any
		code, msgContain string
	}{
		{"create two", dvcqgportal.CreatePath, []any{hoso("G01.1-261205-0001", "1"), hoso("G01.1-261205-0002", 2)}, "0", "thành công"},
		{"create exists", dvcqgportal.CreatePath, []any{hoso("G01.1-261205-0001", "1")}, "-3", "Hồ sơ đã tồn tại"},
		{"mixed batch", dvcqgportal.CreatePath, []any{hoso("G01.1-261205-0003", "1"), hoso("G01.1-261205-0002", "1")}, "-3", "Hồ sơ đã tồn tại"},
		{"update", dvcqgportal.UpdatePath, []any{hoso("G01.1-261205-0001", "4")}, "0", "thành công"},
		{"update unknown", dvcqgportal.UpdatePath, []any{hoso("G01.1-261205-0001", "4"), hoso("G01.1-261205-0099", "4")}, "-4", "không tồn tại"},
		{"progress", dvcqgportal.ProgressPath, []any{step("G01.1-261205-0001", "2", "Tiếp nhận hồ sơ"), step("G01.1-261205-0001", 4, "Chuyển xử lý")}, "0", "thành công"},
		{"progress unknown", dvcqgportal.ProgressPath, []any{step("G01.1-261205-0002", "4", "Không được lưu"), step("G01.1-261205-0099", "4", "x")}, "-4", "không tồn tại"},
	} {
		status, a, raw := post(t, srv, tc.path, bearer, tc.body)
		if status != 200 || a.ErrorCode != tc.code || !strings.Contains(a.Message, tc.msgContain) {
			t.Errorf("%s: HTTP %d %s; want error_code %s with %q", tc.name, status, raw, tc.code, tc.msgContain)
		}
	}
	_, list := get(t, srv, "/")
	for _, want := range []string{"THỬ NGHIỆM — không phải Cổng Dịch vụ công quốc gia", "SANDBOX — not the real national public service portal",
		"G01.1-261205-0001", "4 — Đang xử lý", "2 — Được tiếp nhận", "Đăng ký khai sinh", "05/12/2026 08:30", "08/12/2026 17:00"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if strings.Contains(list, "0003") {
		t.Error("the refused mixed batch stored a dossier")
	}
	if strings.Index(list, "0002") > strings.Index(list, "0001") {
		t.Error("list is not newest first")
	}
	// Updates and steps per dossier: 0001 updated once with two steps, 0002
	// never (its refused step not appended).
	for ma, want := range map[string]string{"G01.1-261205-0001": "<td>1</td><td>2</td>", "G01.1-261205-0002": "<td>0</td><td>0</td>"} {
		row := list[strings.Index(list, `<a href="?ma=`+ma):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.HasSuffix(row, want) {
			t.Errorf("row of %s ends %q, want %q", ma, row[max(0, len(row)-40):], want)
		}
	}
	status, one := get(t, srv, "/?ma=G01.1-261205-0001")
	if status != 200 {
		t.Fatalf("detail: %d", status)
	}
	for _, want := range []string{"THỬ NGHIỆM", `<span id="updates">1</span>`, "Tiếp nhận hồ sơ", "Chuyển xử lý", "Lê Thị Cán Bộ",
		"4 — Đang xử lý <span class=\"en\" lang=\"en\">/ Being processed</span>", "2 — Được tiếp nhận", "1 tài liệu nộp"} {
		if !strings.Contains(one, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	if strings.Index(one, "Chuyển xử lý") < strings.Index(one, "Tiếp nhận hồ sơ") {
		t.Error("process log is not in the order received")
	}
	if status, body := get(t, srv, "/?ma=G01.1-261205-0099"); status != 404 || !strings.Contains(body, "THỬ NGHIỆM") {
		t.Errorf("unknown dossier: %d", status)
	}
}

// TestRefusals: the token, the method, the body and the portal's rules
// are checked; answers never repeat a person's number.
func TestRefusals(t *testing.T) {
	srv := start(t)
	with := func(k string, v any) []any {
		h := hoso("G01.9", "2")
		h[k] = v
		return []any{h}
	}
	longStep := step("G01.9", "2", "x")
	longStep["NguoiXuLy"] = strings.Repeat("á", 51)
	badTime := step("G01.9", "2", "x")
	badTime["ThoiDiemXuLy"] = "05/12/2026 09:00"
	for _, tc := range []struct {
		name, path, auth string
		body             any
		status           int
		code             string
	}{
		{"no token", dvcqgportal.CreatePath, "", []any{hoso("G01.9", "2")}, 401, "401"},
		{"wrong token", dvcqgportal.UpdatePath, "Bearer nope", []any{hoso("G01.9", "2")}, 401, "401"},
		{"token without Bearer", dvcqgportal.ProgressPath, token, []any{step("G01.9", "2", "x")}, 401, "401"},
		{"not JSON", dvcqgportal.CreatePath, bearer, "MaHoSo=G01.9", 400, "-1"},
		{"object, not array", dvcqgportal.CreatePath, bearer, hoso("G01.9", "2"), 400, "-1"},
		{"MaHoSo a number", dvcqgportal.CreatePath, bearer, with("MaHoSo", 12), 400, "-1"},
		{"empty array", dvcqgportal.CreatePath, bearer, []any{}, 200, "-1"},
		{"no MaHoSo", dvcqgportal.CreatePath, bearer, with("MaHoSo", " "), 200, "-1"},
		{"status 0", dvcqgportal.CreatePath, bearer, with("TrangThaiHoSo", "0"), 200, "-1"},
		{"status 11", dvcqgportal.CreatePath, bearer, with("TrangThaiHoSo", 11), 200, "-1"},
		{"status missing", dvcqgportal.CreatePath, bearer, with("TrangThaiHoSo", nil), 200, "-1"},
		{"channel 4", dvcqgportal.CreatePath, bearer, with("KenhThucHien", "4"), 200, "-1"},
		{"time format", dvcqgportal.CreatePath, bearer, with("NgayHenTra", "2026-12-08"), 200, "-1"},
		{"summary too long", dvcqgportal.CreatePath, bearer, with("TrichYeuHoSo", strings.Repeat("ữ", 1001)), 200, "-1"},
		{"ID of 11 digits", dvcqgportal.CreatePath, bearer, with("DinhDanhCHS", []any{map[string]any{"LoaiDinhDanh": 1, "SoDinhDanh": "00109000123"}}), 200, "-1"},
		{"ID kind 3", dvcqgportal.CreatePath, bearer, with("DinhDanhCHS", []any{map[string]any{"LoaiDinhDanh": "3", "SoDinhDanh": "001090001234"}}), 200, "-1"},
		{"same MaHoSo twice", dvcqgportal.CreatePath, bearer, []any{hoso("G01.9", "2"), hoso("G01.9", "2")}, 200, "-1"},
		{"handler too long", dvcqgportal.ProgressPath, bearer, []any{longStep}, 200, "-1"},
		{"step time format", dvcqgportal.ProgressPath, bearer, []any{badTime}, 200, "-1"},
		{"step status 12", dvcqgportal.ProgressPath, bearer, []any{step("G01.9", "12", "x")}, 200, "-1"},
		{"numbers as numbers", dvcqgportal.CreatePath, bearer, with("TrangThaiHoSo", 2), 200, "0"},
		{"GET on create", dvcqgportal.CreatePath, bearer, nil, 405, "-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var status int
			var a answer
			var raw string
			if tc.body == nil {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/sandbox/dvcqg"+tc.path, nil)
				req.Header.Set("Authorization", tc.auth)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				status, raw = res.StatusCode, string(b)
				_ = json.Unmarshal(b, &a)
			} else {
				status, a, raw = post(t, srv, tc.path, tc.auth, tc.body)
			}
			if status != tc.status || a.ErrorCode != tc.code || a.Message == "" {
				t.Errorf("HTTP %d %s; want %d with error_code %s", status, raw, tc.status, tc.code)
			}
			if strings.Contains(raw, "001090001234") || strings.Contains(raw, "00109000123") || strings.Contains(raw, "0912345678") {
				t.Errorf("answer %s repeats a person's number", raw)
			}
		})
	}
	if status, _ := get(t, srv, "/"); status != 200 {
		t.Errorf("page: %d", status)
	}
}

// TestPageMasksAndEscapes: ID numbers, phone numbers and e-mail addresses
// are masked, in their fields and in free text, and markup is shown as
// text.
func TestPageMasksAndEscapes(t *testing.T) {
	srv := start(t)
	h := hoso(`G01.<i>7</i>`, "4")
	h["ChuHoSo"] = "<b>Nguyễn Văn An</b>"
	h["TrichYeuHoSo"] = `<script>alert(1)</script> CCCD 001090001234, CMND 123456789, ĐT 0912345678`
	h["GhiChu"] = "gọi 84987654321"
	st := step(`G01.<i>7</i>`, "4", `<img src=x onerror=alert(2)> đã gọi 0912345678`)
	for _, req := range []struct {
		path string
		body any
	}{{dvcqgportal.CreatePath, []any{h}}, {dvcqgportal.ProgressPath, []any{st}}} {
		if _, a, raw := post(t, srv, req.path, bearer, req.body); a.ErrorCode != "0" {
			t.Fatalf("%s: %s", req.path, raw)
		}
	}
	_, list := get(t, srv, "/")
	status, one := get(t, srv, "/?ma="+`G01.%3Ci%3E7%3C/i%3E`)
	if status != 200 {
		t.Fatalf("detail: %d\n%s", status, one)
	}
	for name, page := range map[string]string{"list": list, "detail": one} {
		for _, leak := range []string{"001090001234", "123456789", "0912345678", "84987654321", "an.nguyen@", "TECH-778899",
			"<script>", "<img", "<b>Nguyễn", "<i>7"} {
			if strings.Contains(page, leak) {
				t.Errorf("%s shows %q", name, leak)
			}
		}
	}
	for _, want := range []string{"001******234", "123***789", "091****678", "849*****321", "an***@example.vn", "TEC*****899",
		"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;", "&lt;b&gt;Nguyễn Văn An&lt;/b&gt;", "G01.&lt;i&gt;7&lt;/i&gt;"} {
		if !strings.Contains(one, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
}

// TestBounded: the newest MaxDossiers are kept.
func TestBounded(t *testing.T) {
	srv := start(t)
	n := dvcqgportal.MaxDossiers + 1
	for from := 0; from < n; from += 100 {
		var batch []any
		for i := from; i < min(n, from+100); i++ {
			batch = append(batch, hoso(fmt.Sprintf("B-%04d", i), "2"))
		}
		if _, a, raw := post(t, srv, dvcqgportal.CreatePath, bearer, batch); a.ErrorCode != "0" {
			t.Fatal(raw)
		}
	}
	_, list := get(t, srv, "/")
	if got := strings.Count(list, `<a href="?ma=`); got != dvcqgportal.MaxDossiers {
		t.Errorf("list shows %d dossiers, want %d", got, dvcqgportal.MaxDossiers)
	}
	if status, _ := get(t, srv, "/?ma=B-0000"); status != 404 {
		t.Errorf("the oldest dossier is still kept (%d)", status)
	}
	if status, _ := get(t, srv, "/?ma=B-0001"); status != 200 {
		t.Errorf("the second oldest is gone (%d)", status)
	}
	// A forgotten dossier is new again.
	if _, a, raw := post(t, srv, dvcqgportal.CreatePath, bearer, []any{hoso("B-0000", "2")}); a.ErrorCode != "0" {
		t.Error(raw)
	}
}

// TestConcurrentCreate: of simultaneous creates of one dossier, one is
// taken and the others answer that it exists.
func TestConcurrentCreate(t *testing.T) {
	srv := start(t)
	codes := make([]string, 8)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, a, _ := post(t, srv, dvcqgportal.CreatePath, bearer, []any{hoso("C-1", "1")})
			codes[i] = a.ErrorCode
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count["0"] != 1 || count["-3"] != len(codes)-1 {
		t.Errorf("codes %v: want one 0 and the rest -3", codes)
	}
}
