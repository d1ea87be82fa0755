package api

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/slips"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/web"
)

// SlipStore is what the slip endpoints read beyond the dossier service.
type SlipStore interface {
	Version(ctx context.Context, id int64) (*catalog.Version, error)
	DossiersReceived(ctx context.Context, unit *org.Unit, from, to time.Time, limit int) ([]dossier.Dossier, error)
	WalkInsAt(ctx context.Context, unit *org.Unit, from, to time.Time, limit int) ([]dossier.WalkIn, error)
}

// maxRegisterRows bounds one printed register.
const maxRegisterRows = 5000

// slip serves slips 01–06 and 08 of one dossier, under the dossier's authorization.
func (h *Handler) slip(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	d, err := h.Dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	no := r.PathValue("no")
	pdf, err := slips.DossierSlip(r.Context(), no, d, h.Slips, slips.Input{Issuer: slips.IssuerOf(r.Context(), h.Store, d.UnitCode),
		TrackingURL: web.PublicURL(h.BaseURL, r, slips.QRPath(no, d.Code)), Now: h.now(), Lang: Lang(r)})
	if err != nil {
		return err
	}
	web.ServePDF(w, "phieu-"+no+"-"+d.Code+".pdf", pdf)
	return nil
}

// register serves register 07 of a unit's subtree over a period, to staff
// who may read that unit: the dossiers received, then the walk-in
// applicants guided or refused.
func (h *Handler) register(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	if a.Citizen {
		return apperr.New(apperr.Forbidden, "staff_only", "Chỉ cán bộ mới in được sổ theo dõi hồ sơ.", "Only staff may print the register.")
	}
	q := r.URL.Query()
	u, err := h.readableUnit(r, a)
	if err != nil {
		return err
	}
	clk, err := h.Clock(r.Context(), "")
	if err != nil {
		return err
	}
	from, to, err := stats.ParsePeriod("", q.Get("from"), q.Get("to"), h.now(), clk.Location())
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
	walkIns, err := h.Slips.WalkInsAt(r.Context(), u, from, to, maxRegisterRows)
	if err != nil {
		return err
	}
	if len(walkIns) > maxRegisterRows {
		return apperr.Newf(apperr.Invalid, "period_too_long", "Kỳ báo cáo có hơn %d lượt hướng dẫn, từ chối; vui lòng chọn kỳ ngắn hơn.",
			"The period holds more than %d guidance and refusals; choose a shorter one.", maxRegisterRows)
	}
	ptrs := make([]*dossier.Dossier, len(rows))
	for i := range rows {
		ptrs[i] = &rows[i]
	}
	wptrs := make([]*dossier.WalkIn, len(walkIns))
	for i := range walkIns {
		wptrs[i] = &walkIns[i]
	}
	var buf bytes.Buffer
	if err := slips.Register(&buf, slips.RegisterInput{Issuer: slips.IssuerOf(r.Context(), h.Store, u.Code), From: from, To: to,
		Rows: ptrs, WalkIns: wptrs, Now: h.now()}); err != nil {
		return err
	}
	web.ServePDF(w, "so-theo-doi-"+u.Code+".pdf", buf.Bytes())
	return nil
}
