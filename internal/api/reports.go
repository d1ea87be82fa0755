package api

// The periodic reports as files: form II.06a and the Decision 766 score,
// as .xlsx, PDF or JSON (internal/report). Who may read which unit, the
// period and the scope are read exactly as /api/v1/stats reads them.

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/stats"
)

var errBadFormat = apperr.New(apperr.Invalid, "bad_format", "Tham số format phải là xlsx, pdf hoặc json.", "format must be xlsx, pdf or json.")

func (h *Handler) reportII06a(w http.ResponseWriter, r *http.Request) error {
	return h.serveReport(w, r, report.KindII06a)
}

func (h *Handler) report766(w http.ResponseWriter, r *http.Request) error {
	return h.serveReport(w, r, report.Kind766)
}

// serveReport answers one report of ?unit= for the period in ?format=.
func (h *Handler) serveReport(w http.ResponseWriter, r *http.Request, kind string) error {
	a := actorFrom(r.Context())
	if a.Citizen {
		return apperr.New(apperr.Forbidden, "staff_only", "Chỉ cán bộ mới xem được báo cáo.", "Only staff may read reports.")
	}
	q := r.URL.Query()
	format := q.Get("format")
	switch format {
	case "":
		format = "xlsx"
	case "xlsx", "pdf", "json":
	default:
		return errBadFormat
	}
	own, err := ownScope(q.Get("scope"))
	if err != nil {
		return err
	}
	rq := report.Query{Own: own}
	clk, err := h.Clock(r.Context(), "")
	if err != nil {
		return err
	}
	if rq.Unit, err = h.readableUnit(r, a); err != nil {
		return err
	}
	if rq.From, rq.To, err = stats.ParsePeriod(q.Get("period"), q.Get("from"), q.Get("to"), h.now(), clk.Location()); err != nil {
		return err
	}
	svc := &stats.Service{Store: h.Store, Now: h.now}
	lang := Lang(r)
	b, err := report.Build(r.Context(), svc, h.Store, kind, rq, lang)
	if err != nil {
		return err
	}
	name := b.FileName(format)
	w.Header().Set("Cache-Control", "private, no-store")
	if format == report.FormatJSON {
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
		writeJSON(w, http.StatusOK, b.Value())
		return nil
	}
	var buf bytes.Buffer
	if err := b.Write(&buf, format, lang); err != nil {
		return err
	}
	w.Header().Set("Content-Type", report.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
	return nil
}
