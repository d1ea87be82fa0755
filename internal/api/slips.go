package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/slips"
)

// SlipStore is what the slip endpoints read beyond the dossier service.
type SlipStore interface {
	Version(ctx context.Context, id int64) (*catalog.Version, error)
	DossiersReceived(ctx context.Context, unit *org.Unit, from, to time.Time, limit int) ([]dossier.Dossier, error)
}

// maxRegisterRows bounds one printed register.
const maxRegisterRows = 5000

// issuer names the unit printing a slip, under its parent.
func (h *Handler) issuer(ctx context.Context, unitCode string) slips.Issuer {
	is := slips.Issuer{Place: "Hà Nội"}
	u, err := h.Store.UnitByCode(ctx, unitCode)
	if err != nil {
		return is
	}
	is.UnitName = u.Name
	if u.ParentCode != "" {
		if p, err := h.Store.UnitByCode(ctx, u.ParentCode); err == nil {
			is.ParentName = p.Name
		}
	}
	return is
}

// trackingURL is the QR target of a dossier: the public tracking page.
func (h *Handler) trackingURL(r *http.Request, code string) string {
	base := strings.TrimSuffix(h.BaseURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/tra-cuu/" + code
}

func writePDF(w http.ResponseWriter, name string, buf *bytes.Buffer) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(buf.Bytes())
}

// slip serves slips 01–06 of one dossier, under the dossier's authorization.
func (h *Handler) slip(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	d, err := h.Dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	no := r.PathValue("no")
	if err := slips.Applies(no, d); err != nil {
		if errors.Is(err, slips.ErrUnknownSlip) {
			return apperr.New(apperr.NotFound, "unknown_slip", "Không có mẫu phiếu này (01–06).", "No such slip (01–06).")
		}
		return apperr.Newf(apperr.Unprocessable, "slip_not_applicable", "Hồ sơ này không có phiếu %s: %v.", "This dossier has no slip %s: %v.", no, err)
	}
	v, err := h.Slips.Version(r.Context(), d.ProcedureVersionID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = slips.Render(&buf, no, slips.Input{Dossier: d, Version: v, Issuer: h.issuer(r.Context(), d.UnitCode),
		TrackingURL: h.trackingURL(r, d.Code), Now: h.now(), Lang: Lang(r)})
	if err != nil {
		return err
	}
	writePDF(w, "phieu-"+no+"-"+d.Code+".pdf", &buf)
	return nil
}

// register serves register 07 of a unit's subtree over a period, to staff
// who may read that unit.
func (h *Handler) register(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	if a.Citizen {
		return apperr.New(apperr.Forbidden, "staff_only", "Chỉ cán bộ mới in được sổ theo dõi hồ sơ.", "Only staff may print the register.")
	}
	q := r.URL.Query()
	code := q.Get("unit")
	if code == "" && len(a.Grants) > 0 {
		code = a.Grants[0].UnitCode
	}
	u, err := h.Store.UnitByCode(r.Context(), code)
	if err != nil {
		return err
	}
	if !canReadUnit(a, u) {
		return apperr.ErrNotFound
	}
	clk, err := h.Clock(r.Context(), "")
	if err != nil {
		return err
	}
	from, to, err := period(q.Get("from"), q.Get("to"), h.now(), clk.Location())
	if err != nil {
		return err
	}
	rows, err := h.Slips.DossiersReceived(r.Context(), u, from, to, maxRegisterRows)
	if err != nil {
		return err
	}
	if len(rows) > maxRegisterRows {
		return apperr.Newf(apperr.Invalid, "period_too_long", "Kỳ báo cáo có hơn %d hồ sơ; vui lòng chọn kỳ ngắn hơn.",
			"The period holds more than %d dossiers; choose a shorter one.", maxRegisterRows)
	}
	ptrs := make([]*dossier.Dossier, len(rows))
	for i := range rows {
		ptrs[i] = &rows[i]
	}
	var buf bytes.Buffer
	if err := slips.Register(&buf, slips.RegisterInput{Issuer: h.issuer(r.Context(), u.Code), From: from, To: to, Rows: ptrs, Now: h.now()}); err != nil {
		return err
	}
	writePDF(w, "so-theo-doi-"+u.Code+".pdf", &buf)
	return nil
}
