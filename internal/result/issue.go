package result

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

// FileStore keeps the issued documents (files.Store).
type FileStore interface {
	Put(ctx context.Context, r io.Reader) (key, sum string, size int64, err error)
}

// Issuer issues a dossier's electronic result at the leader's decision
// (dossier.ResultIssuer): the result document, with a QR code to the
// public verification page /xac-thuc/{dossier code}, signed with the key
// of the unit that decides, stored and added to the dossier's documents
// with the decision itself.
type Issuer struct {
	Signer  Signer
	Files   FileStore
	BaseURL string
	// Place is the place name written before the date ("Hà Nội").
	Place string
	// Prepare, when set, runs before a unit's first signature (the demo
	// CA issues the unit's certificate then).
	Prepare func(unitCode, unitName string) error
}

// Issue renders, signs and stores the result of d, decided by a now, and
// returns it as a result document; it issues nothing for a refusal or
// when the decision already carries a result file.
func (i *Issuer) Issue(ctx context.Context, d *dossier.Dossier, a dossier.Actor, now time.Time, docs []dossier.Document) ([]dossier.Document, error) {
	uploaded := false
	for k := range docs {
		if docs[k].Kind != dossier.DocResult {
			continue
		}
		uploaded = true
		if err := i.seal(ctx, d, a, now, &docs[k]); err != nil {
			return nil, err
		}
	}
	if uploaded || d.Status != dossier.StatusFinished || d.Result == nil || !d.Result.Granted {
		// A draft is not issued; a refusal has no result document here.
		return nil, nil
	}
	meta := Metadata{Number: d.Result.Number, Title: "Kết quả giải quyết thủ tục hành chính", IssueDate: now, Place: i.Place,
		Signer: a.Name, Agency: d.UnitName, ResultCode: d.Code}
	body := []string{
		"Thủ tục: " + d.ProcedureName + " (" + d.ProcedureCode + ").",
		"Hồ sơ số: " + d.Code + ".",
		"Người nộp hồ sơ: " + d.Applicant.DisplayName() + ".",
		"Nội dung: " + d.Result.Summary,
	}
	pdf, err := RenderResult(meta, body, VerifyURL(i.BaseURL, d.Code))
	if err != nil {
		return nil, fmt.Errorf("rendering the result of %s: %w", d.Code, err)
	}
	if i.Prepare != nil {
		if err := i.Prepare(d.UnitCode, d.UnitName); err != nil {
			return nil, fmt.Errorf("preparing the key of %s: %w", d.UnitCode, err)
		}
	}
	signed, err := i.Signer.Sign(ctx, d.UnitCode, pdf, SignInfo{Name: a.Name, Reason: "Kết quả giải quyết thủ tục hành chính, hồ sơ số " + d.Code,
		Location: d.UnitName, Time: now})
	if err != nil {
		return nil, err
	}
	key, sum, size, err := i.Files.Put(ctx, bytes.NewReader(signed))
	if err != nil {
		return nil, fmt.Errorf("storing the result of %s: %w", d.Code, err)
	}
	return []dossier.Document{{Kind: dossier.DocResult, Filename: "ket-qua-" + d.Code + ".pdf", ContentType: "application/pdf",
		Size: size, SHA256: sum, StorageKey: key, UploadedAt: now}}, nil
}

// ErrBadSignature refuses an uploaded result whose digital signature does
// not hold: changed after signing, or damaged.
var ErrBadSignature = apperr.New(apperr.Unprocessable, "result_signature_invalid",
	"Tệp kết quả có chữ ký số không hợp lệ (tệp đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng).",
	"The result file's digital signature is not valid (the file was changed after signing, or the signature is damaged).")

// seal checks an uploaded result: a signed PDF must be intact and signed
// whole (it is then kept as signed); an unsigned PDF uploaded with the
// decision is signed with the unit's key, the signed copy stored in its
// place. A draft's unsigned file stays a draft.
func (i *Issuer) seal(ctx context.Context, d *dossier.Dossier, a dossier.Actor, now time.Time, doc *dossier.Document) error {
	if doc.Content == nil || doc.ContentType != "application/pdf" {
		return nil
	}
	rc, err := doc.Content()
	if err != nil {
		return fmt.Errorf("reading the uploaded result: %w", err)
	}
	pdf, err := io.ReadAll(io.LimitReader(rc, maxResult))
	rc.Close()
	if err != nil {
		return fmt.Errorf("reading the uploaded result: %w", err)
	}
	v, err := Verify(pdf, nil)
	if err != nil {
		return err
	}
	if v.Signed() {
		for _, s := range v.Signatures {
			if !s.Intact {
				return ErrBadSignature
			}
		}
		if !v.Latest().WholeFile {
			return ErrBadSignature
		}
		return nil
	}
	if d.Status != dossier.StatusFinished || i.Signer == nil {
		return nil
	}
	if i.Prepare != nil {
		if err := i.Prepare(d.UnitCode, d.UnitName); err != nil {
			return fmt.Errorf("preparing the key of %s: %w", d.UnitCode, err)
		}
	}
	signed, err := i.Signer.Sign(ctx, d.UnitCode, pdf, SignInfo{Name: a.Name, Reason: "Kết quả giải quyết thủ tục hành chính, hồ sơ số " + d.Code,
		Location: d.UnitName, Time: now})
	if err != nil {
		return err
	}
	key, sum, size, err := i.Files.Put(ctx, bytes.NewReader(signed))
	if err != nil {
		return fmt.Errorf("storing the signed result of %s: %w", d.Code, err)
	}
	doc.StorageKey, doc.SHA256, doc.Size = key, sum, size
	return nil
}
