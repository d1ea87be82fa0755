package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/slips"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range walkInMessages {
		messages[k] = v
	}
}

// walkInMessages are the words of the intake checklist, the walk-in
// outcomes and their list.
var walkInMessages = web.Messages{
	"in.documents.hint": {"Đánh dấu từng giấy tờ người nộp đã nộp và ghi số bản chính, bản sao. Giấy tờ bắt buộc chưa có: ghi rõ lý do nếu vẫn tiếp nhận, hoặc nội dung cần bổ sung, hoàn thiện để hướng dẫn. Bản quét (PDF, JPEG hoặc PNG) chỉ đính kèm cho giấy tờ đã nhận.",
		"Tick each document the applicant handed in and count its originals and copies. For a required document missing, write why if you still receive the dossier, or what to add or fix to guide the applicant. Attach scans (PDF, JPEG or PNG) only for documents received."},
	"in.doc.received":  {"Đã nhận", "Received"},
	"in.doc.originals": {"Bản chính", "Originals"},
	"in.doc.copies":    {"Bản sao", "Copies"},
	"in.doc.note":      {"Ghi chú, lý do", "Note, reason"},
	"in.doc.scan":      {"Bản quét", "Scan"},
	"in.refusal":       {"Lý do từ chối tiếp nhận (Phiếu 03)", "Reasons for refusing (slip 03)"},
	"in.refusal.hint": {"Chỉ điền khi từ chối tiếp nhận, ví dụ thủ tục không thuộc thẩm quyền của đơn vị.",
		"Only when refusing, for instance a procedure outside the unit's competence."},
	"in.guide":       {"Hướng dẫn bổ sung, hoàn thiện (Phiếu 02)", "Guide to complete (slip 02)"},
	"in.refuse":      {"Từ chối tiếp nhận (Phiếu 03)", "Refuse (slip 03)"},
	"in.walkins":     {"Hướng dẫn, từ chối đã ghi nhận", "Guidance and refusals recorded"},
	"d.received":     {"Giấy tờ đã nhận tại quầy", "Documents received at the desk"},
	"d.received.yes": {"đã nhận %d bản chính, %d bản sao", "received: %d originals, %d copies"},
	"d.received.no":  {"chưa nhận", "not received"},
	"wi.title":       {"Hướng dẫn, từ chối tiếp nhận hồ sơ tại quầy", "Guidance and refusals at the desk"},
	"wi.hint": {"Người nộp được hướng dẫn bổ sung, hoàn thiện hoặc bị từ chối tiếp nhận mà không có hồ sơ được tiếp nhận; mới nhất ở trên cùng.",
		"Walk-in applicants guided or refused without a dossier received; the newest first."},
	"wi.empty":       {"Chưa có lượt hướng dẫn, từ chối nào.", "No guidance or refusal yet."},
	"wi.done":        {"Đã ghi nhận. In phiếu cho người nộp:", "Recorded. Print the slip for the applicant:"},
	"wi.col.at":      {"Thời điểm", "At"},
	"wi.col.outcome": {"Kết quả", "Outcome"},
	"wi.col.officer": {"Cán bộ", "Officer"},
	"wi.col.slip":    {"Phiếu", "Slip"},
	"wi.guidance":    {"Hướng dẫn bổ sung, hoàn thiện", "Guided to complete"},
	"wi.refusal":     {"Từ chối tiếp nhận", "Refused"},
	"wi.slip":        {"Phiếu %s (PDF)", "Slip %s (PDF)"},
	"wo.title":       {"Từ chối tiếp nhận: thủ tục không thuộc thẩm quyền của đơn vị (Phiếu 03)", "Refuse: a procedure outside the unit's competence (slip 03)"},
	"wo.procedure":   {"Mã thủ tục yêu cầu", "Code of the procedure asked for"},
	"wo.procedure.hint": {"Mã trong Cơ sở dữ liệu quốc gia về thủ tục hành chính, ví dụ 2.000908; tra cứu tại trang Thủ tục hành chính.",
		"The national catalogue's code, e.g. 2.000908; look it up on the procedures page."},
	"wo.reason": {"Lý do từ chối", "Reasons for refusing"},
	"wo.submit": {"Từ chối tiếp nhận và in Phiếu 03", "Refuse and print slip 03"},
}

// otherRefusal is the form refusing a procedure the unit does not offer
// (its counter intake lists only those it offers): what was typed and the
// errors to show beside it.
type otherRefusal struct {
	Procedure, FullName, IDNumber, Phone, Reason string
	Errors                                       map[string]string
	Error                                        string
}

// refusePath takes the refusal of a procedure outside the unit's
// competence.
const refusePath = "/can-bo/tiep-nhan/tu-choi"

// walkInsPath lists the guidance and refusals given at the acting unit's
// desk to walk-in applicants; /{id}/phieu prints the slip of one.
const walkInsPath = "/can-bo/tiep-nhan/huong-dan"

// walkInRow is one record of the list with its slip's number.
type walkInRow struct {
	dossier.WalkIn
	Slip string
}

type walkInsView struct {
	Frame
	Rows []walkInRow
	Done *walkInRow // the record just made, when the page follows it
}

// walkInsPage lists the acting unit's walk-in records, newest first, to
// its staff (the dossier service checks the unit).
func (h *Handler) walkInsPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	list, err := h.Dossiers.UnitWalkIns(r.Context(), s.Actor, s.Unit.UnitID, pageSize)
	if err != nil {
		return err
	}
	v := &walkInsView{Frame: Frame{s, walkInsPath}}
	done, _ := strconv.ParseInt(r.URL.Query().Get("xong"), 10, 64)
	for _, wi := range list {
		row := walkInRow{WalkIn: wi, Slip: slips.WalkInNumber(&wi)}
		v.Rows = append(v.Rows, row)
		if wi.ID == done && done > 0 {
			v.Done = &row
		}
	}
	h.web.Render(w, r, web.View{Name: "walkins", NoIndex: true, Data: v})
	return nil
}

// walkInSlip prints slip 02 or 03 of a walk-in record again, for the
// staff of the unit that made it; anyone else gets 404.
func (h *Handler) walkInSlip(w http.ResponseWriter, r *http.Request, s *staff) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.ErrNotFound
	}
	wi, err := h.Dossiers.GetWalkIn(r.Context(), s.Actor, id)
	if err != nil {
		return err
	}
	pdf, err := slips.WalkInPDF(slips.WalkInInput{WalkIn: wi, Issuer: slips.IssuerOf(r.Context(), h.Store, wi.UnitCode),
		Now: h.now(), Lang: web.LangOf(r)})
	if err != nil {
		return err
	}
	web.ServePDF(w, "phieu-"+slips.WalkInNumber(wi)+"-huong-dan-"+strconv.FormatInt(wi.ID, 10)+".pdf", pdf)
	return nil
}

// otherRefusalPost records the refusal of a walk-in applicant asking for a
// procedure the unit does not offer (slip 03). The dossier service checks
// it as any refusal; the page shows its errors beside the fields.
func (h *Handler) otherRefusalPost(w http.ResponseWriter, r *http.Request, s *staff) error {
	if !s.mayIntake() {
		return errNoIntake()
	}
	if err := web.ParseForm(w, r, maxForm); err != nil {
		return err
	}
	f := r.PostForm
	o := otherRefusal{Procedure: strings.TrimSpace(f.Get("thu-tuc")), FullName: f.Get("applicant.full_name"),
		IDNumber: strings.TrimSpace(f.Get("applicant.id_number")), Phone: strings.TrimSpace(f.Get("applicant.phone")),
		Reason: f.Get("reason"), Errors: map[string]string{}}
	wi, err := h.Dossiers.RecordWalkIn(r.Context(), s.Actor, dossier.WalkInInput{Procedure: o.Procedure, Unit: s.Unit.UnitCode,
		Outcome: dossier.WalkInRefusal, Reason: o.Reason,
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, FullName: o.FullName, IDNumber: o.IDNumber, Phone: o.Phone}})
	if err == nil {
		http.Redirect(w, r, walkInsPath+"?xong="+strconv.FormatInt(wi.ID, 10), http.StatusSeeOther)
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || (e.Kind != apperr.Invalid && e.Kind != apperr.Unprocessable) {
		return err
	}
	lang := web.LangOf(r)
	o.Error = e.Message(lang)
	for _, fe := range e.Fields {
		o.Errors[fe.Name] = fe.In(lang)
	}
	if e.Code == "unknown_procedure" || e.Code == "procedure_required" {
		o.Errors["thu-tuc"] = o.Error
	}
	v, verr := h.intakeView(r, s, "", nil)
	if verr != nil {
		return verr
	}
	v.Other = o
	h.web.Render(w, r, web.View{Name: "intake", Status: e.Kind.Status(), NoIndex: true, Data: v})
	return nil
}
