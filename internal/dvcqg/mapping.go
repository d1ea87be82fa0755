package dvcqg

// The one place where our dossier becomes the portal's payload and back:
// when the portal's catalogue (Circular 04/2025/TT-VPCP) renames or adds a
// field, this file changes and nothing else.

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh wherever the binary runs

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

// zone is where the portal reads times: Vietnam's.
var zone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		// Vietnam has kept UTC+7 without daylight saving since 1975.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

// TimeLayout is the portal's time format, yyyyMMddHHmmss.
const TimeLayout = "20060102150405"

// FormatTime writes t as the portal reads it, in Vietnam's zone; the zero
// time is "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zone).Format(TimeLayout)
}

// ParseTime reads a portal time (Vietnam's zone); "" is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(TimeLayout, s, zone)
}

func ftime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return FormatTime(*t)
}

// Source is everything the payload of one dossier is made of: the dossier
// with its events (oldest first, the i-th having seq i+1) and documents,
// and what the dossier row does not carry.
type Source struct {
	Dossier *dossier.Dossier
	// Field is the procedure's field (catalog.Procedure.Field), FieldCode
	// its national code (Config.FieldCodes), "" when not configured.
	Field, FieldCode string
	// ExternalCode is the portal's code of a dossier that came from it:
	// the portal knows the dossier by it, not by ours.
	ExternalCode string
	// ReceivedUnitCode is the agency identifier of the unit that received
	// the dossier (NoiNopHoSo); DonViXuLy is the one holding it now.
	ReceivedUnitCode string
	// PortalUserID is the owner's national-portal user id (the TechID
	// claim), "" when unknown.
	PortalUserID string
	// OwnerVNeID is set when the owner account's identity was vouched for
	// by the national e-ID.
	OwnerVNeID bool
	// PaidOnline is set when the dossier's fee was paid through a gateway.
	PaidOnline bool
}

// Code is the dossier's code at the portal: the portal's own for a dossier
// that came from it, ours otherwise.
func (s Source) Code() string {
	if s.ExternalCode != "" {
		return s.ExternalCode
	}
	return s.Dossier.Code
}

// Channel codes (KenhThucHien).
var channelCodes = map[dossier.Channel]Num{dossier.ChannelCounter: "1", dossier.ChannelOnline: "2", dossier.ChannelPost: "3"}

// Return-method codes (HinhThuc). Unverified: provincial systems differ;
// these follow KenhThucHien's numbering (1 at the desk, 2 online, 3 post).
var deliveryCodes = map[string]Num{dossier.DeliverInPerson: "1", dossier.DeliverOnline: "2", dossier.DeliverPost: "3"}

// Applicant kinds (LoaiDoiTuong): we have no state-agency applicants, so
// 3 is never sent; organisations are 4 (other organisation).
var kindCodes = map[dossier.ApplicantKind]Num{dossier.ApplicantCitizen: "1", dossier.ApplicantBusiness: "2", dossier.ApplicantOrganisation: "4"}

// MaxSummary is the longest TrichYeuHoSo the portal takes, in characters.
const MaxSummary = 1000

// MaxHandler is the longest NguoiXuLy the portal takes, in characters.
const MaxHandler = 50

// ToHoSo maps a dossier to the portal's payload. Statuses map one to one
// (dossier.Status is the portal's code set): 5, 6 and 8 are sent as they
// are, never folded into 9.
func ToHoSo(src Source) HoSo {
	d := src.Dossier
	a := d.Applicant
	ownerName, ownerNo, ownerKind, personalID := a.FullName, a.IDNumber, a.Kind, a.IDNumber
	switch {
	case a.OnBehalfOf != nil:
		// The dossier is the represented party's; the person acting is
		// only its messenger.
		p := a.OnBehalfOf
		ownerName, ownerKind, ownerNo, personalID = p.Name, p.Kind, p.IDNumber, p.IDNumber
		if ownerNo == "" {
			ownerNo = p.TaxCode
		}
	case a.OrgName != "":
		ownerName, personalID = a.OrgName, ""
		if a.TaxCode != "" {
			ownerNo = a.TaxCode
		}
	}
	h := HoSo{
		MaHoSo:                      src.Code(),
		MaTTHC:                      d.ProcedureCode,
		TenTTHC:                     d.ProcedureName,
		MaLinhVuc:                   src.FieldCode,
		TenLinhVuc:                  src.Field,
		KenhThucHien:                channelCodes[d.Channel],
		SoGiayToChuHoSo:             ownerNo,
		ChuHoSo:                     ownerName,
		LoaiDoiTuong:                kindCodes[ownerKind],
		Email:                       a.Email,
		SoDienThoai:                 a.Phone,
		TrichYeuHoSo:                truncate(d.ProcedureName, MaxSummary),
		NgayTiepNhan:                ftime(d.ReceivedAt),
		NgayHenTra:                  ftime(d.Appointment()),
		TrangThaiHoSo:               num(int64(d.Status)),
		NgayTra:                     ftime(d.DeliveredAt),
		HinhThuc:                    deliveryCodes[d.Delivery.Method],
		NgayKetThucXuLy:             ftime(d.FinishedAt),
		DonViXuLy:                   d.UnitCode,
		NoiNopHoSo:                  src.ReceivedUnitCode,
		TaiKhoanDuocXacThucVoiVNeID: bit(src.OwnerVNeID),
		DuocThanhToanTrucTuyen:      "0",
		NgayNopHoSo:                 FormatTime(d.SubmittedAt),
		DinhDanhCHS:                 []DinhDanh{},
		DSKetNoiCSDL:                []KetNoiCSDL{},
		TaiLieuNop:                  []TaiLieu{},
		DanhSachLePhi:               []LePhi{},
		DanhSachTepDinhKemKhac:      []TaiLieu{},
		DanhSachHoSoBoSung:          supplementRounds(d.Events),
		DanhSachGiayToKetQua:        []GiayToKetQua{},
	}
	if d.Channel == dossier.ChannelOnline {
		h.MaDoiTuong = src.PortalUserID
	}
	if h.HinhThuc == "" {
		h.HinhThuc = deliveryCodes[dossier.DeliverInPerson]
	}
	if d.Result != nil && !d.Result.IssuedAt.IsZero() {
		h.ThongTinTra = truncate(d.Result.Summary, MaxSummary)
	}
	if d.FeeVND > 0 {
		switch {
		case src.PaidOnline:
			h.DuocThanhToanTrucTuyen = "1"
		case d.FeePaidAt != nil:
			h.DuocThanhToanTrucTuyen = "3"
		}
		h.DanhSachLePhi = append(h.DanhSachLePhi, LePhi{TenPhiLePhi: "Phí, lệ phí", HinhThucThu: h.DuocThanhToanTrucTuyen, Gia: num(d.FeeVND), LoaiPhiLePhi: "1"})
	}
	// A 9-digit number is the legacy identity card; 12 digits the personal
	// ID. A business's tax code is neither.
	switch {
	case len(personalID) == 12 && digits(personalID):
		h.DinhDanhCHS = append(h.DinhDanhCHS, DinhDanh{LoaiDinhDanh: "1", SoDinhDanh: personalID})
	case len(personalID) == 9 && digits(personalID):
		h.DinhDanhCHS = append(h.DinhDanhCHS, DinhDanh{LoaiDinhDanh: "2", SoDinhDanh: personalID})
	}
	for _, e := range d.Events {
		if e.To == dossier.StatusRefused && e.From != dossier.StatusRefused {
			h.NgayTuChoi = FormatTime(e.At)
		}
	}
	for _, doc := range d.Documents {
		id := strconv.FormatInt(doc.ID, 10)
		switch doc.Kind {
		case dossier.DocResult:
			g := GiayToKetQua{TenGiayTo: doc.Filename, MaThanhPhanHoSo: doc.DocKey, GiayToId: id}
			if d.Result != nil {
				g.MaGiayToKetQua = d.Result.Number
			}
			h.DanhSachGiayToKetQua = append(h.DanhSachGiayToKetQua, g)
		default:
			// Every file we hold is a scan or an upload: digitised.
			h.HoSoCoThanhPhanSoHoa = "1"
			h.TaiLieuNop = append(h.TaiLieuNop, TaiLieu{TepDinhKemId: id, TenTepDinhKem: doc.Filename,
				MaThanhPhanHoSo: doc.DocKey, DuocSoHoa: "1", DuocTaiSuDung: "0", DuocLayTuKhoDMQG: "0"})
		}
	}
	if h.HoSoCoThanhPhanSoHoa == "" {
		h.HoSoCoThanhPhanSoHoa = "0"
	}
	return h
}

// supplementRounds lists the supplementation requests of the event log,
// each with the applicant's answer when there is one.
func supplementRounds(evs []dossier.Event) []HoSoBoSung {
	out := []HoSoBoSung{}
	open := -1
	for _, e := range evs {
		switch e.Action {
		case dossier.ActRequestSupplement:
			content := e.Note
			var docs []string
			switch sd := e.Data.(type) {
			case dossier.SupplementData:
				docs = sd.Documents
			case *dossier.SupplementData:
				docs = sd.Documents
			}
			if len(docs) > 0 {
				content = strings.TrimSpace(strings.Join(docs, "; ") + ". " + content)
			}
			out = append(out, HoSoBoSung{HoSoBoSungId: strconv.FormatInt(e.ID, 10), NguoiYeuCauBoSung: e.ActorName,
				NoiDungBoSung: content, NgayBoSung: FormatTime(e.At), TrangThaiBoSung: "0",
				DanhSachGiayToBoSung: []TaiLieu{}, DanhSachLePhiBoSung: []LePhi{}})
			open = len(out) - 1
		case dossier.ActSupplement:
			if open >= 0 {
				r := &out[open]
				r.NguoiTiepNhanBoSung, r.ThongTinTiepNhan = e.ActorName, e.Note
				r.NgayTiepNhanBoSung, r.TrangThaiBoSung = FormatTime(e.At), "1"
				open = -1
			}
		}
	}
	return out
}

// ToQuaTrinh maps the events after seq afterSeq (the first event has seq
// 1) to process-log entries, oldest first: each says who acted, when,
// where and what, and the status the step led to.
func ToQuaTrinh(src Source, afterSeq int64) []QuaTrinh {
	d := src.Dossier
	var out []QuaTrinh
	for i, e := range d.Events {
		if int64(i+1) <= afterSeq {
			continue
		}
		start := e.At
		if i > 0 {
			start = d.Events[i-1].At
		}
		content := actionLabels[e.Action]
		if content == "" {
			content = string(e.Action)
		}
		if note := strings.TrimSpace(e.Note); note != "" {
			content += ": " + note
		}
		out = append(out, QuaTrinh{
			MaHoSo:                 src.Code(),
			NguoiXuLy:              truncate(e.ActorName, MaxHandler),
			ChucDanh:               roleLabels[e.Role],
			ThoiDiemXuLy:           FormatTime(e.At),
			PhongBanXuLy:           e.UnitCode,
			NoiDungXuLy:            truncate(content, MaxSummary),
			TrangThai:              num(int64(e.To)),
			NgayBatDau:             FormatTime(start),
			NgayKetThucTheoQuyDinh: ftime(d.LegalDueAt),
		})
	}
	return out
}

var actionLabels = map[dossier.Action]string{
	dossier.ActSubmit:            "Nộp hồ sơ",
	dossier.ActReceive:           "Tiếp nhận hồ sơ",
	dossier.ActRefuse:            "Từ chối tiếp nhận",
	dossier.ActRequestSupplement: "Yêu cầu bổ sung hồ sơ",
	dossier.ActSupplement:        "Bổ sung hồ sơ",
	dossier.ActAssign:            "Phân công xử lý",
	dossier.ActTransfer:          "Chuyển hồ sơ",
	dossier.ActRequestFee:        "Yêu cầu thực hiện nghĩa vụ tài chính",
	dossier.ActFeePaid:           "Đã nộp phí, lệ phí",
	dossier.ActDraftResult:       "Dự thảo kết quả",
	dossier.ActApproveDraft:      "Thẩm định dự thảo",
	dossier.ActReturnDraft:       "Trả lại dự thảo",
	dossier.ActFinish:            "Phê duyệt, ban hành kết quả",
	dossier.ActReturnResult:      "Chuyển kết quả về bộ phận một cửa",
	dossier.ActConsult:           "Lấy ý kiến đơn vị liên quan",
	dossier.ActAnswerConsult:     "Trả lời ý kiến",
	dossier.ActDeliver:           "Trả kết quả",
	dossier.ActStop:              "Dừng xử lý",
	dossier.ActWithdraw:          "Rút hồ sơ",
	dossier.ActReschedule:        "Gia hạn, hẹn lại ngày trả",
	dossier.ActRate:              "Đánh giá mức độ hài lòng",
	dossier.ActRevokeResult:      "Thu hồi kết quả",
}

var roleLabels = map[string]string{
	string(org.RoleReceptionist): "Cán bộ tiếp nhận",
	string(org.RoleSpecialist):   "Chuyên viên",
	string(org.RoleLeader):       "Lãnh đạo",
	string(org.RoleHead):         "Trưởng phòng",
	dossier.RoleApplicant:        "Người nộp hồ sơ",
	dossier.RoleSystem:           "Hệ thống",
}

// truncate keeps the first n characters of s.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Inbound is the name of the portal in the event log of the dossiers it
// delivers.
const Inbound = "Cổng Dịch vụ công quốc gia"

// FromHoSo maps a dossier delivered by the portal to what the dossier
// service files (dossier.Service.SubmitExternal), which checks it.
//
// The receiving unit is DonViXuLy, the unit the portal routes the dossier
// to for handling, which must hold one of our agency identifiers;
// NoiNopHoSo is used only when DonViXuLy is empty (on the portal the place
// of submission is usually the portal itself).
func FromHoSo(h HoSo) dossier.ExternalInput {
	unit := strings.TrimSpace(h.DonViXuLy)
	if unit == "" {
		unit = strings.TrimSpace(h.NoiNopHoSo)
	}
	// The personal ID of the person acting: the 12-digit one if given,
	// else the 9-digit one, else the owner's document number.
	id := ""
	for _, want := range []Num{"1", "2"} {
		for _, dd := range h.DinhDanhCHS {
			if id == "" && strings.TrimSpace(string(dd.LoaiDinhDanh)) == string(want) {
				id = strings.TrimSpace(dd.SoDinhDanh)
			}
		}
	}
	owner, number := strings.TrimSpace(h.ChuHoSo), strings.TrimSpace(h.SoGiayToChuHoSo)
	app := dossier.Applicant{FullName: owner, Phone: strings.TrimSpace(h.SoDienThoai), Email: strings.TrimSpace(h.Email)}
	switch k := strings.TrimSpace(string(h.LoaiDoiTuong)); k {
	case "", "1":
		app.Kind = dossier.ApplicantCitizen
		if id == "" {
			id = number
		}
	case "2":
		app.Kind, app.OrgName, app.TaxCode = dossier.ApplicantBusiness, owner, number
	case "3", "4":
		app.Kind, app.OrgName = dossier.ApplicantOrganisation, owner
		if id == "" {
			id = number
		}
	default:
		// Refused by the service as an unknown applicant kind.
		app.Kind = dossier.ApplicantKind("LoaiDoiTuong " + k)
	}
	app.IDNumber = id
	return dossier.ExternalInput{ExternalCode: strings.TrimSpace(h.MaHoSo), Procedure: strings.TrimSpace(h.MaTTHC), Unit: unit,
		Applicant: app, Source: Inbound, Note: truncate(h.TrichYeuHoSo, MaxSummary)}
}
