package backoffice

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/web"
)

// maxBatch bounds the dossiers of one batch.
const maxBatch = 100

// batchActions are the actions a batch may apply.
var batchActions = []dossier.Action{dossier.ActReceive, dossier.ActAssign, dossier.ActFinish}

type batchRow struct {
	Code   string
	OK     bool
	Reason string
}

type batchView struct {
	Frame
	Action   string
	Rows     []batchRow
	Done     int
	Failed   int
	BackURL  string
	BackText string
}

// batch serves POST /can-bo/hang-loat: action, codes (repeated) and each
// code's version as v.<code>. Each dossier goes through the service on its
// own; one failure does not stop the others.
func (h *Handler) batch(w http.ResponseWriter, r *http.Request, s *staff) error {
	if err := web.ParseForm(w, r, maxForm); err != nil {
		return err
	}
	f := r.PostForm
	act := dossier.Action(f.Get("action"))
	if !slices.Contains(batchActions, act) {
		return apperr.New(apperr.Invalid, "unknown_action", "Thao tác không hợp lệ.", "Unknown action.")
	}
	var codes []string
	seen := map[string]bool{}
	for _, c := range f["codes"] {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return apperr.New(apperr.Invalid, "codes_required", "Vui lòng chọn ít nhất một hồ sơ.", "Select at least one dossier.")
	}
	if len(codes) > maxBatch {
		return apperr.Newf(apperr.Invalid, "too_many_codes", "Mỗi lần chỉ xử lý tối đa %d hồ sơ.", "At most %d dossiers at a time.", maxBatch)
	}
	base := dossier.Command{Action: act}
	switch act {
	case dossier.ActAssign:
		base.Assignee = strings.TrimSpace(f.Get("assignee"))
		if base.Assignee == "" {
			return apperr.New(apperr.Invalid, "assignee_required", "Vui lòng chọn chuyên viên được phân công.", "Choose the specialist.")
		}
	case dossier.ActFinish:
		// A batch approves each dossier's own pending draft: one decision
		// text for many dossiers would be wrong for all but one.
	}
	lang := web.LangOf(r)
	v := &batchView{Frame: Frame{s, "/can-bo/"}, Action: string(act)}
	forbidden := 0
	for _, code := range codes {
		row := batchRow{Code: code}
		cmd := base
		n, err := strconv.Atoi(f.Get("v." + code))
		if err != nil {
			err = apperr.New(apperr.Invalid, "version_invalid", "Thiếu phiên bản hồ sơ; vui lòng tải lại trang.", "The dossier version is missing; reload the page.")
		} else {
			cmd.Version = n
			_, _, err = h.Dossiers.Act(r.Context(), s.Actor, code, cmd, nil)
		}
		if err == nil {
			row.OK = true
			v.Done++
			v.Rows = append(v.Rows, row)
			continue
		}
		v.Failed++
		e, ok := apperr.As(err)
		switch {
		case !ok:
			h.Log.ErrorContext(r.Context(), "batch action", "code", code, "action", act, "err", err)
			row.Reason = h.t(r, "b.internal")
		case e.Kind == apperr.Conflict:
			row.Reason = h.t(r, "b.stale")
		case e.Kind == apperr.Forbidden:
			forbidden++
			row.Reason = h.t(r, "b.forbidden") + " " + e.Message(lang)
		case e.Kind == apperr.NotFound:
			row.Reason = h.t(r, "b.notfound")
		default:
			row.Reason = e.Message(lang)
		}
		v.Rows = append(v.Rows, row)
	}
	switch act {
	case dossier.ActReceive:
		v.BackURL = "/can-bo/tiep-nhan"
	case dossier.ActAssign:
		v.BackURL = "/can-bo/viec-can-lam?ds=can-phan-cong"
	default:
		v.BackURL = "/can-bo/viec-can-lam?ds=cho-phe-duyet"
	}
	status := http.StatusOK
	if forbidden == len(codes) {
		status = http.StatusForbidden
	}
	h.web.Render(w, r, web.View{Name: "batch", Status: status, NoIndex: true, Data: v})
	return nil
}
