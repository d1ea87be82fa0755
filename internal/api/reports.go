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

// Report kinds of the routes, as their file names start.
const (
	reportII06a = "II06a"
	report766   = "QD766"
)

var errBadFormat = apperr.New(apperr.Invalid, "bad_format", "Tham số format phải là xlsx, pdf hoặc json.", "format must be xlsx, pdf or json.")

func (h *Handler) reportII06a(w http.ResponseWriter, r *http.Request) error {
	return h.serveReport(w, r, reportII06a)
}

func (h *Handler) report766(w http.ResponseWriter, r *http.Request) error {
	return h.serveReport(w, r, report766)
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
	rq := report.Query{}
	switch q.Get("scope") {
	case "", "subtree":
	case "own":
		rq.Own = true
	default:
		return apperr.New(apperr.Invalid, "bad_scope", "Tham số scope phải là subtree hoặc own.", "scope must be subtree or own.")
	}
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
	var body any
	var buf bytes.Buffer
	switch kind {
	case reportII06a:
		rep, err := report.BuildII06a(r.Context(), svc, rq)
		if err != nil {
			return err
		}
		body = rep
		switch format {
		case "xlsx":
			err = report.WriteII06aXLSX(&buf, rep, lang)
		case "pdf":
			err = report.WriteII06aPDF(&buf, rep, lang)
		}
		if err != nil {
			return err
		}
	default:
		d, err := report.BuildD766(r.Context(), svc, h.Store, rq, lang)
		if err != nil {
			return err
		}
		body = d
		switch format {
		case "xlsx":
			err = report.WriteD766XLSX(&buf, d, lang)
		case "pdf":
			err = report.WriteD766PDF(&buf, d, lang)
		}
		if err != nil {
			return err
		}
	}
	name := report.FileName(kind, rq.Unit.Code, rq.From, rq.To, format)
	w.Header().Set("Cache-Control", "private, no-store")
	switch format {
	case "json":
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
		writeJSON(w, http.StatusOK, body)
		return nil
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "pdf":
		w.Header().Set("Content-Type", "application/pdf")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
	return nil
}
