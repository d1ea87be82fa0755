// Package dvcqg synchronises dossiers with the national public service
// portal (Cổng Dịch vụ công quốc gia, dichvucong.gov.vn): outbound, every
// dossier's state and process log are pushed by a River job (Worker) through
// the portal's HTTP API (Client); inbound, dossiers submitted on the portal
// arrive as the same HoSo payload (ParseInbound) and are filed through the
// dossier service. The payload's shape is what provincial systems send
// today; the field catalogue of Circular 04/2025/TT-VPCP may rename some,
// which is why every field is mapped in one place (mapping.go).
package dvcqg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Num is a code or number of the payload. The portal writes them as JSON
// strings ("2"); some senders write bare numbers (2). Num reads both and
// always writes a string.
type Num string

// UnmarshalJSON accepts a string, a number or null.
func (n *Num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*n = ""
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = Num(s)
		return nil
	}
	var f json.Number
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("a code must be a string or a number, not %s", b)
	}
	*n = Num(f.String())
	return nil
}

// Int reads the value as an integer; ok is false when it is not one.
func (n Num) Int() (int64, bool) {
	v, err := strconv.ParseInt(string(n), 10, 64)
	return v, err == nil
}

func num(v int64) Num { return Num(strconv.FormatInt(v, 10)) }

func bit(b bool) Num {
	if b {
		return "1"
	}
	return "0"
}

// HoSo is one dossier of the sync payload (HoSoDongBoDVC), with the JSON
// names the portal uses. Times are strings yyyyMMddHHmmss in Vietnam's zone
// (FormatTime), empty when unknown.
type HoSo struct {
	MaHoSo          string `json:"MaHoSo"`
	MaTTHC          string `json:"MaTTHC"`
	TenTTHC         string `json:"TenTTHC"`
	MaLinhVuc       string `json:"MaLinhVuc"`
	TenLinhVuc      string `json:"TenLinhVuc"`
	KenhThucHien    Num    `json:"KenhThucHien"` // 1 in person, 2 online, 3 post
	SoGiayToChuHoSo string `json:"SoGiayToChuHoSo"`
	ChuHoSo         string `json:"ChuHoSo"`
	LoaiDoiTuong    Num    `json:"LoaiDoiTuong"` // 1 citizen, 2 business, 3 state agency, 4 other organisation
	// MaDoiTuong is the applicant's national-portal user id (TechID),
	// online dossiers only.
	MaDoiTuong                  string `json:"MaDoiTuong"`
	ThongTinKhac                string `json:"ThongTinKhac"`
	Email                       string `json:"Email"`
	Fax                         string `json:"Fax"`
	SoDienThoai                 string `json:"SoDienThoai"`
	TrichYeuHoSo                string `json:"TrichYeuHoSo"` // ≤ 1000 characters
	NgayTiepNhan                string `json:"NgayTiepNhan"`
	NgayHenTra                  string `json:"NgayHenTra"`
	TrangThaiHoSo               Num    `json:"TrangThaiHoSo"` // 1–10, dossier.Status
	NgayTra                     string `json:"NgayTra"`
	ThongTinTra                 string `json:"ThongTinTra"`
	HinhThuc                    Num    `json:"HinhThuc"` // how the result is returned
	NgayKetThucXuLy             string `json:"NgayKetThucXuLy"`
	DonViXuLy                   string `json:"DonViXuLy"`
	GhiChu                      string `json:"GhiChu"`
	NoiNopHoSo                  string `json:"NoiNopHoSo"`
	HoSoCoThanhPhanSoHoa        Num    `json:"HoSoCoThanhPhanSoHoa"`        // 0/1
	TaiKhoanDuocXacThucVoiVNeID Num    `json:"TaiKhoanDuocXacThucVoiVNeID"` // 0/1
	DuocThanhToanTrucTuyen      Num    `json:"DuocThanhToanTrucTuyen"`      // 0 no, 1 paid online, 3 other
	NgayTuChoi                  string `json:"NgayTuChoi"`
	NgayNopHoSo                 string `json:"NgayNopHoSo"`

	DinhDanhCHS            []DinhDanh     `json:"DinhDanhCHS"`
	DSKetNoiCSDL           []KetNoiCSDL   `json:"DSKetNoiCSDL"`
	TaiLieuNop             []TaiLieu      `json:"TaiLieuNop"`
	DanhSachLePhi          []LePhi        `json:"DanhSachLePhi"`
	DanhSachTepDinhKemKhac []TaiLieu      `json:"DanhSachTepDinhKemKhac"`
	DanhSachHoSoBoSung     []HoSoBoSung   `json:"DanhSachHoSoBoSung"`
	DanhSachGiayToKetQua   []GiayToKetQua `json:"DanhSachGiayToKetQua"`
}

// DinhDanh is an identity number of the dossier's owner.
type DinhDanh struct {
	LoaiDinhDanh Num    `json:"LoaiDinhDanh"` // 1 = 12-digit personal ID, 2 = 9-digit legacy ID
	SoDinhDanh   string `json:"SoDinhDanh"`
}

// KetNoiCSDL names a national database the dossier was checked against.
type KetNoiCSDL struct {
	MaCSDL string `json:"MaCSDL"`
}

// TaiLieu is a file lodged with the dossier.
type TaiLieu struct {
	TepDinhKemId      string `json:"TepDinhKemId"`
	TenTepDinhKem     string `json:"TenTepDinhKem"`
	IsDeleted         bool   `json:"IsDeleted"`
	MaThanhPhanHoSo   string `json:"MaThanhPhanHoSo"`
	DuongDanTaiTepTin string `json:"DuongDanTaiTepTin"`
	DuocSoHoa         Num    `json:"DuocSoHoa"`
	DuocTaiSuDung     Num    `json:"DuocTaiSuDung"`
	DuocLayTuKhoDMQG  Num    `json:"DuocLayTuKhoDMQG"`
	MaKetQuaThayThe   string `json:"MaKetQuaThayThe"`
}

// LePhi is a fee or charge of the dossier.
type LePhi struct {
	TenPhiLePhi  string `json:"TenPhiLePhi"`
	MaPhiLePhi   string `json:"MaPhiLePhi"`
	HinhThucThu  Num    `json:"HinhThucThu"`
	Gia          Num    `json:"Gia"` // VND
	LoaiPhiLePhi Num    `json:"LoaiPhiLePhi"`
}

// HoSoBoSung is one supplementation round: the request and, once the
// applicant answered, its reception.
type HoSoBoSung struct {
	HoSoBoSungId         string    `json:"HoSoBoSungId"`
	NguoiYeuCauBoSung    string    `json:"NguoiYeuCauBoSung"`
	NoiDungBoSung        string    `json:"NoiDungBoSung"`
	NgayBoSung           string    `json:"NgayBoSung"`
	NguoiTiepNhanBoSung  string    `json:"NguoiTiepNhanBoSung"`
	ThongTinTiepNhan     string    `json:"ThongTinTiepNhan"`
	NgayTiepNhanBoSung   string    `json:"NgayTiepNhanBoSung"`
	TrangThaiBoSung      Num       `json:"TrangThaiBoSung"` // 0 waiting for the applicant, 1 answered
	DanhSachGiayToBoSung []TaiLieu `json:"DanhSachGiayToBoSung"`
	DanhSachLePhiBoSung  []LePhi   `json:"DanhSachLePhiBoSung"`
	NgayHenTraTruoc      string    `json:"NgayHenTraTruoc"`
	NgayHenTraMoi        string    `json:"NgayHenTraMoi"`
}

// GiayToKetQua is a result document.
type GiayToKetQua struct {
	TenGiayTo            string `json:"TenGiayTo"`
	MaThanhPhanHoSo      string `json:"MaThanhPhanHoSo"`
	GiayToId             string `json:"GiayToId"`
	DuongDanTepTinKetQua string `json:"DuongDanTepTinKetQua"`
	MaGiayToKetQua       string `json:"MaGiayToKetQua"`
}

// QuaTrinh is one entry of a dossier's process log (QuaTrinhXuLyDongBoDVC).
type QuaTrinh struct {
	MaHoSo                 string `json:"MaHoSo"`
	NguoiXuLy              string `json:"NguoiXuLy"` // ≤ 50 characters
	ChucDanh               string `json:"ChucDanh"`
	ThoiDiemXuLy           string `json:"ThoiDiemXuLy"`
	PhongBanXuLy           string `json:"PhongBanXuLy"`
	NoiDungXuLy            string `json:"NoiDungXuLy"`
	TrangThai              Num    `json:"TrangThai"` // 1–10, the status the step led to
	NgayBatDau             string `json:"NgayBatDau"`
	NgayKetThucTheoQuyDinh string `json:"NgayKetThucTheoQuyDinh"`
}
