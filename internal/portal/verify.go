package portal

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/result"
	"github.com/motcua/motcua/internal/web"
)

// Verifier checks electronic results for the public verification page
// (result.Checker).
type Verifier interface {
	ByCode(ctx context.Context, code string) (*result.Report, error)
	ByFile(ctx context.Context, pdf []byte) (*result.Report, error)
}

// maxVerifyFile bounds a PDF uploaded to the verification page.
const maxVerifyFile = 20 << 20

// verifyView is the verification page: the upload form, and the report of
// a code or a file when there is one.
type verifyView struct {
	Report *result.Report
	// Message is the verdict in the reader's language.
	Message string
	Code    string
	Error   string
	// FromFile: the report is about an uploaded file.
	FromFile bool
}

// verifyForm serves /xac-thuc: the upload form.
func (h *Handler) verifyForm(w http.ResponseWriter, r *http.Request) error {
	if h.Verifier == nil {
		return apperr.ErrNotFound
	}
	h.web.Render(w, r, web.View{Name: "verify", Data: &verifyView{}})
	return nil
}

// verifyCode serves /xac-thuc/{code}, the QR code's target: the dossier's
// electronic result checked now. No personal data: what the result states
// publicly, the verdict, the signer's certificate.
func (h *Handler) verifyCode(w http.ResponseWriter, r *http.Request) error {
	if h.Verifier == nil {
		return apperr.ErrNotFound
	}
	code := r.PathValue("code")
	rep, err := h.Verifier.ByCode(r.Context(), code)
	if e, ok := apperr.As(err); ok && e.Code == result.ErrNoResult.Code {
		// Slip 01's QR leads here from reception on: until the result is
		// issued, the dossier's progress is what there is to see.
		http.Redirect(w, r, "/tra-cuu/"+url.PathEscape(code), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	h.web.Render(w, r, web.View{Name: "verify", NoIndex: true,
		Data: &verifyView{Report: rep, Code: rep.DossierCode, Message: rep.Verdict.Message(web.LangOf(r))}})
	return nil
}

// verifyFile serves the upload: a PDF someone holds, checked and matched
// with the results issued here. Nothing of it is kept.
func (h *Handler) verifyFile(w http.ResponseWriter, r *http.Request) error {
	if h.Verifier == nil {
		return apperr.ErrNotFound
	}
	lang := web.LangOf(r)
	v := &verifyView{FromFile: true}
	fail := func(status int, msg string) error {
		v.Error = msg
		h.web.Render(w, r, web.View{Name: "verify", Status: status, NoIndex: true, Data: v})
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxVerifyFile+1<<20)
	f, _, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail(http.StatusRequestEntityTooLarge, h.t(r, "verify.too_large"))
		}
		return fail(http.StatusBadRequest, h.t(r, "verify.no_file"))
	}
	defer f.Close()
	pdf, err := io.ReadAll(io.LimitReader(f, maxVerifyFile+1))
	if err != nil || len(pdf) > maxVerifyFile {
		return fail(http.StatusRequestEntityTooLarge, h.t(r, "verify.too_large"))
	}
	rep, err := h.Verifier.ByFile(r.Context(), pdf)
	if err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		return fail(e.Kind.Status(), e.Message(lang))
	}
	v.Report, v.Code, v.Message = rep, rep.DossierCode, rep.Verdict.Message(lang)
	h.web.Render(w, r, web.View{Name: "verify", NoIndex: true, Data: v})
	return nil
}
