package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dvcqg"
)

// errInboundUnauthorized answers a delivery without the portal's token.
var errInboundUnauthorized = apperr.New(apperr.Unauthorized, "unauthorized",
	"Thiếu hoặc sai mã xác thực của Cổng Dịch vụ công quốc gia.", "The national portal's bearer token is missing or invalid.")

// InboundResult answers one dossier of a delivery from the national
// portal, in the portal's own convention: error_code "0" filed, "3"
// already filed (Code is then the dossier we filed it as), "1" refused
// for its data (Message says why), "-1" our failure (to be sent again).
type InboundResult struct {
	MaHoSo    string `json:"MaHoSo"`
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
	Code      string `json:"code"`
}

// inboundAuthorized compares the bearer token with the configured one in
// constant time (over their hashes, so that the length does not leak
// either). No configured token refuses every delivery.
func (h *Handler) inboundAuthorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || h.DVCQGInboundToken == "" {
		return false
	}
	got, want := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(h.DVCQGInboundToken))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// inboundDVCQG files the dossiers the national portal delivers
// (POST /api/v1/inbound/dvcqg): a JSON array of up to dvcqg.MaxInbound
// HoSo, each filed at status 1 at the unit it names, answered item by item
// (200 with one InboundResult per dossier, in order). Only a body that
// cannot be read as such an array is refused as a whole (400).
func (h *Handler) inboundDVCQG(w http.ResponseWriter, r *http.Request) error {
	if !h.inboundAuthorized(r) {
		return errInboundUnauthorized
	}
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return apperr.New(apperr.Unsupported, "content_type", "Nội dung gửi lên phải ở dạng JSON (application/json).", "The body must be application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, dvcqg.MaxInboundBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.TooLarge, "body_too_large", "Yêu cầu quá lớn so với dung lượng cho phép.", "The request is too large.")
		}
		return apperr.New(apperr.Invalid, "bad_json", "Dữ liệu JSON không hợp lệ: không đọc được nội dung.", "Malformed JSON: the body could not be read.")
	}
	items, err := dvcqg.ParseInbound(body)
	if err != nil {
		var ie *dvcqg.InboundError
		if errors.As(err, &ie) {
			return apperr.New(apperr.Invalid, ie.Code, ie.VI, ie.EN)
		}
		return err
	}
	lang := Lang(r)
	out := make([]InboundResult, len(items))
	filed, dups, refused := 0, 0, 0
	for i, it := range items {
		res := InboundResult{MaHoSo: it.MaHoSo}
		d, dup, err := h.Dossiers.SubmitExternal(r.Context(), dvcqg.FromHoSo(it))
		e, isApp := apperr.As(err)
		switch {
		case err == nil && dup:
			dups++
			res.ErrorCode, res.Code = "3", d.Code
			res.Message = pick(lang, "Hồ sơ đã tồn tại, mã hồ sơ "+d.Code+".", "The dossier already exists as "+d.Code+".")
		case err == nil:
			filed++
			res.ErrorCode, res.Code = "0", d.Code
			res.Message = pick(lang, "Tiếp nhận thành công, mã hồ sơ "+d.Code+".", "Filed as "+d.Code+".")
		case isApp && e.Kind != apperr.Internal:
			refused++
			res.ErrorCode, res.Message = "1", itemMessage(e, lang)
		default:
			h.Log.ErrorContext(r.Context(), "filing a dossier from the national portal", "item", i, "err", err)
			res.ErrorCode = "-1"
			res.Message = pick(lang, "Hệ thống đang gặp sự cố, vui lòng gửi lại hồ sơ này sau.", "Something went wrong on our side; send this dossier again later.")
		}
		out[i] = res
	}
	h.Log.InfoContext(r.Context(), "national portal delivery", "items", len(items), "filed", filed, "duplicates", dups, "refused", refused)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// itemMessage is the error's message with its fields' own, in one line:
// the portal shows the message only.
func itemMessage(e *apperr.Error, lang string) string {
	msg := e.Message(lang)
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, fmt.Sprintf("%s: %s", f.Name, f.In(lang)))
	}
	if len(parts) > 0 {
		msg += " " + strings.Join(parts, "; ")
	}
	return msg
}

func pick(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}
