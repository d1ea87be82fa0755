package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
)

// dossierView is a dossier as the API shows it to one caller: labels in the
// caller's language and the actions the caller may take now.
type dossierView struct {
	*dossier.Dossier
	Overdue     bool             `json:"overdue"`
	NextActions []dossier.Action `json:"next_actions"`
}

func (h *Handler) view(d *dossier.Dossier, a dossier.Actor, lang string) dossierView {
	d.StatusLabel = d.Status.Label(lang)
	if a.Citizen {
		d.HideUnreleased()
	}
	next := dossier.NextActions(d, a)
	if next == nil {
		next = []dossier.Action{}
	}
	return dossierView{Dossier: d, Overdue: d.Overdue(h.now()), NextActions: next}
}

// upload is one file part of a multipart request.
type upload struct {
	field string
	doc   dossier.Document
}

// readMultipart reads a multipart body (files.ReadMultipart): plain fields
// into fields, files (checked by content and size) staged in the file
// store. The whole body is bounded by the dossier limit. The caller keeps
// the files once the request is accepted (m.Keep) and defers m.Discard.
// opts may defer the files' sync to the commit (files.DeferSync).
func (h *Handler) readMultipart(w http.ResponseWriter, r *http.Request, opts ...files.Option) (*files.Multipart, map[string]string, []upload, error) {
	m, err := files.ReadMultipart(w, r, h.Files, files.Limits{Field: h.Limits.JSONBody, File: h.Limits.FileSize, Dossier: h.Limits.DossierSize}, false, opts...)
	if err != nil {
		return nil, nil, nil, err
	}
	ups := make([]upload, 0, len(m.Uploads))
	for _, u := range m.Uploads {
		doc := dossier.Document{Filename: u.Filename, ContentType: u.ContentType, Size: u.Size, SHA256: u.SHA256, StorageKey: u.Key, UploadedAt: h.now(),
			Content: u.Open}
		if k, ok := strings.CutPrefix(u.Field, "doc."); ok {
			doc.DocKey = k
		}
		ups = append(ups, upload{field: u.Field, doc: doc})
	}
	return m, m.Fields, ups, nil
}

// keep moves the files of an accepted request into place; a failure is
// logged only: the dossier is stored, and the sweeper recovers the files.
func (h *Handler) keep(r *http.Request, m *files.Multipart) {
	if err := m.Keep(r.Context()); err != nil {
		h.Log.ErrorContext(r.Context(), "keeping uploaded files", "err", err)
	}
}

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	var in dossier.SubmitInput
	hash := sha256.New()
	var m *files.Multipart
	if isMultipart(r) {
		// The files sync with the dossier's group commit.
		mp, fields, ups, err := h.readMultipart(w, r, files.DeferSync)
		if err != nil {
			return err
		}
		m = mp
		defer m.Discard()
		in.Durable = m.Durable()
		in.Procedure, in.Unit, in.Channel = fields["procedure"], fields["unit"], dossier.Channel(fields["channel"])
		var app dossier.Applicant
		var delivery dossier.Delivery
		for _, p := range []struct {
			name, kind, kindEN string
			into               any
			set                func()
		}{
			{"form", "một đối tượng", "an object", &in.Form, nil},
			{"applicant", "một đối tượng", "an object", &app, func() { in.Applicant = &app }},
			{"delivery", "một đối tượng", "an object", &delivery, func() { in.Delivery = &delivery }},
			{"received", "một mảng", "an array", &in.Received, nil},
		} {
			if err := jsonPart(fields, p.name, p.kind, p.kindEN, p.into); err != nil {
				return err
			}
			if p.set != nil && fields[p.name] != "" {
				p.set()
			}
		}
		fmt.Fprintf(hash, "%q|%q|%q|%q|%q", in.Procedure, in.Unit, fields["form"], fields["applicant"], in.Channel)
		if s := fields["delivery"]; s != "" {
			fmt.Fprintf(hash, "|delivery=%q", s)
		}
		if s := fields["received"]; s != "" {
			// Only when sent, so that the keys of earlier requests still match.
			fmt.Fprintf(hash, "|received=%q", s)
		}
		for _, u := range ups {
			u.doc.Kind = dossier.DocApplication
			in.Documents = append(in.Documents, u.doc)
			fmt.Fprintf(hash, "|%s=%s", u.doc.DocKey, u.doc.SHA256)
		}
	} else {
		ct := r.Header.Get("Content-Type")
		if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
			return apperr.New(apperr.Unsupported, "content_type", "Nội dung gửi lên phải ở dạng JSON hoặc multipart/form-data.", "The body must be application/json or multipart/form-data.")
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.Limits.JSONBody))
		if err != nil {
			return apperr.New(apperr.TooLarge, "body_too_large", "Yêu cầu quá lớn so với dung lượng cho phép.", "The request is too large.")
		}
		hash.Write(body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if err := h.decodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	if a.Citizen {
		acct := accountFrom(r.Context())
		in.Account = &dossier.Applicant{FullName: acct.FullName, IDNumber: acct.Username, Phone: acct.Phone, Email: acct.Email}
		// Form values equal to the account's identity are recorded as
		// such, as on the portal (dossier.Sources).
		k := auth.KnownOf(acct)
		in.Known = &k
	}
	if key := strings.TrimSpace(r.Header.Get("Idempotency-Key")); key != "" {
		if len(key) > 200 {
			return apperr.New(apperr.Invalid, "bad_idempotency_key", "Idempotency-Key quá dài (tối đa 200 ký tự).", "Idempotency-Key is too long (200 characters at most).")
		}
		in.IdemKey = key
		in.RequestHash = hex.EncodeToString(hash.Sum(nil))
	}
	d, replayed, err := h.Dossiers.Submit(r.Context(), a, in)
	if err != nil {
		return err
	}
	h.keep(r, m)
	status := http.StatusCreated
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/dossiers/"+d.Code)
	writeJSON(w, status, h.view(d, a, Lang(r)))
	return nil
}

func (h *Handler) listDossiers(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	q := r.URL.Query()
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	f := dossier.Filter{UnitCode: q.Get("unit"), Q: q.Get("q"), Procedure: q.Get("procedure"), Limit: limit, Now: h.now()}
	if s := q.Get("status"); s != "" {
		for _, part := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || !dossier.Status(n).Valid() {
				return apperr.New(apperr.Invalid, "bad_status", "Trạng thái phải là số từ 1 đến 10.", "status must be numbers from 1 to 10.")
			}
			f.Statuses = append(f.Statuses, dossier.Status(n))
		}
	}
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		return apperr.New(apperr.Invalid, "bad_overdue", "Tham số overdue phải là true hoặc false.", "overdue must be true or false.")
	}
	if s := q.Get("assignee"); s == "me" {
		f.AssigneeID = a.AccountID
	}
	if s := q.Get("cursor"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return apperr.New(apperr.Invalid, "bad_cursor", "Con trỏ phân trang không hợp lệ.", "Invalid cursor.")
		}
		f.Cursor = n
	}
	ds, next, err := h.Dossiers.Store.ListDossiers(r.Context(), a, f)
	if err != nil {
		return err
	}
	if err := h.Dossiers.MarkCompetence(r.Context(), a, ds); err != nil {
		return err
	}
	lang := Lang(r)
	views := make([]dossierView, len(ds))
	for i := range ds {
		views[i] = h.view(&ds[i], a, lang)
	}
	var nc any
	if next > 0 {
		nc = strconv.FormatInt(next, 10)
	}
	writeJSON(w, http.StatusOK, newList(views, nc))
	return nil
}

func (h *Handler) getDossier(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	d, err := h.Dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.view(d, a, Lang(r)))
	return nil
}

func (h *Handler) act(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	code := r.PathValue("code")
	var cmd dossier.Command
	var docs []dossier.Document
	var m *files.Multipart
	if isMultipart(r) {
		// Check visibility before accepting any file.
		if _, err := h.Dossiers.Get(r.Context(), a, code); err != nil {
			return err
		}
		mp, fields, ups, err := h.readMultipart(w, r)
		if err != nil {
			return err
		}
		m = mp
		defer m.Discard()
		if err := checkJSONText("command", []byte(fields["command"])); err != nil {
			return err
		}
		dec := json.NewDecoder(strings.NewReader(fields["command"]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cmd); err != nil {
			return apperr.New(apperr.Invalid, "bad_json", "Trường «command» phải là một đối tượng JSON hợp lệ.", "The command part must be a valid JSON object.")
		}
		kind := dossier.DocSupplement
		if cmd.Action == dossier.ActFinish || cmd.Action == dossier.ActDraftResult {
			kind = dossier.DocResult
		}
		for _, u := range ups {
			u.doc.Kind = kind
			docs = append(docs, u.doc)
		}
	} else if err := h.decodeJSON(w, r, &cmd); err != nil {
		return err
	}
	if cmd.Action == "" {
		return apperr.New(apperr.Invalid, "action_required", "Vui lòng chọn thao tác.", "The action is required.")
	}
	if cmd.Version <= 0 {
		return apperr.New(apperr.Invalid, "version_required", "Thiếu phiên bản hồ sơ (version).", "The dossier version is required.")
	}
	d, ev, err := h.Dossiers.Act(r.Context(), a, code, cmd, docs)
	if err != nil {
		return err
	}
	h.keep(r, m)
	h.Log.InfoContext(r.Context(), "dossier action", "code", d.Code, "action", ev.Action, "from", ev.From, "to", ev.To, "actor", a.AccountID)
	full, err := h.Dossiers.Get(r.Context(), a, d.Code)
	if apperr.Is(err, apperr.NotFound) {
		// A transfer may move the dossier out of the actor's sight.
		writeJSON(w, http.StatusOK, h.view(d, a, Lang(r)))
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.view(full, a, Lang(r)))
	return nil
}

func (h *Handler) document(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	d, err := h.Dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	doc, ok := d.Document(r.PathValue("id"))
	if !ok {
		return apperr.ErrNotFound
	}
	return files.Serve(r.Context(), w, h.Files, files.Download{Key: doc.StorageKey, ContentType: doc.ContentType, Filename: doc.Filename, Size: doc.Size})
}

func (h *Handler) track(w http.ResponseWriter, r *http.Request) error {
	p, err := h.Dossiers.Track(r.Context(), r.PathValue("code"), Lang(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// jsonPart decodes the multipart field name, when sent, as JSON into into,
// after the text checks every JSON part gets.
func jsonPart(fields map[string]string, name, kind, kindEN string, into any) error {
	s := fields[name]
	if err := checkJSONText(name, []byte(s)); err != nil {
		return err
	}
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), into); err != nil {
		return apperr.New(apperr.Invalid, "bad_json", fmt.Sprintf("Trường «%s» phải là %s JSON.", name, kind),
			fmt.Sprintf("The %s part must be a JSON %s.", name, kindEN))
	}
	return nil
}
