package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

func queryLimit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 200 {
		return 0, apperr.New(apperr.Invalid, "bad_limit", "Tham số limit phải là số từ 1 đến 200.", "limit must be a number from 1 to 200.")
	}
	return n, nil
}

func (h *Handler) listUnits(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.UnitFilter{Parent: q.Get("parent"), Q: q.Get("q")}
	if f.Parent == "" && f.Q == "" && q.Get("all") == "" {
		f.Roots = true
	}
	if f.Parent != "" {
		if _, err := h.Store.UnitByCode(r.Context(), f.Parent); err != nil {
			return err
		}
	}
	if q.Get("current") != "" {
		f.At = h.now()
	}
	us, err := h.Store.Units(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList[org.Unit](us, nil))
	return nil
}

func (h *Handler) getUnit(w http.ResponseWriter, r *http.Request) error {
	u, err := h.Store.UnitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (h *Handler) listProcedures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	f := store.ProcedureFilter{Q: q.Get("q"), Unit: q.Get("unit"), Field: q.Get("field"), Level: q.Get("level"),
		Cursor: q.Get("cursor"), Limit: limit, At: h.now()}
	switch f.Level {
	case "", "1", "2", "3", "4", "info", "partial", "full":
	default:
		return apperr.New(apperr.Invalid, "bad_level", "Mức độ phải là 1–4 hoặc info, partial, full.", "level must be 1–4 or info, partial, full.")
	}
	if f.Unit != "" {
		if _, err := h.Store.UnitByCode(r.Context(), f.Unit); err != nil {
			return err
		}
	}
	page, err := h.Store.ProcedureSummaries(r.Context(), f)
	if err != nil {
		return err
	}
	// The items come encoded from the store's cache: the list is written
	// around them rather than encoded again (issue 14).
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i, item := range page.JSON {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(item)
	}
	b.WriteString(`],"next_cursor":`)
	if page.Next == "" {
		b.WriteString("null")
	} else {
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(page.Next); err != nil {
			return fmt.Errorf("encoding the cursor: %w", err)
		}
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	b.WriteString("}\n")
	writeRawJSON(w, http.StatusOK, b.Bytes())
	return nil
}

func (h *Handler) getProcedure(w http.ResponseWriter, r *http.Request) error {
	body, err := h.Store.ProcedureJSON(r.Context(), r.PathValue("code"), h.now())
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, body, []byte("\n"))
	return nil
}

// writeRawJSON is writeJSON for a body already encoded, in parts.
func writeRawJSON(w http.ResponseWriter, status int, parts ...[]byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return // the client left
		}
	}
}
