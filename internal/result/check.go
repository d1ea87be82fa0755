package result

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

// Records reads what the verification page needs from the store.
type Records interface {
	DossierByCode(ctx context.Context, code string) (*dossier.Dossier, error)
	Documents(ctx context.Context, dossierID int64) ([]dossier.Document, error)
	Events(ctx context.Context, dossierID int64) ([]dossier.Event, error)
	// ResultBySHA256 names the dossier whose result document has the
	// hash; apperr.NotFound when none.
	ResultBySHA256(ctx context.Context, sum string) (string, error)
}

// Opener reads a stored file (files.Store).
type Opener interface {
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// Checker answers the public verification page /xac-thuc: is the
// electronic result of a dossier, or a PDF someone holds, valid.
type Checker struct {
	Records Records
	Files   Opener
	// Roots are the certification authorities trusted.
	Roots *x509.CertPool
}

// Report is what the verification page shows: no personal data, only
// what the result itself states publicly.
type Report struct {
	DossierCode, Procedure, Agency, Number string
	IssuedAt                               time.Time
	Verdict                                Verdict
	// Signer is the signing certificate's subject; SignedAt the time
	// the signature states.
	Signer   string
	SignedAt time.Time
	SHA256   string
	// Ours says an uploaded file is a result this platform issued (its
	// hash is a stored result's).
	Ours bool
	// Revoked is set when the issuing unit revoked the result; RevokedAt
	// and RevokedReason say when and why. A revoked result is not valid
	// whatever its signature.
	Revoked       bool
	RevokedAt     time.Time
	RevokedReason string
}

// Valid reports whether the result stands: signed, intact, trusted and
// not revoked.
func (r *Report) Valid() bool { return r.Verdict.Code == "valid" && !r.Revoked }

// ErrNoResult answers ByCode for a dossier that has no electronic result
// (yet): a 404 the page may turn into the dossier's tracking page.
var ErrNoResult = apperr.New(apperr.NotFound, "no_electronic_result", "Hồ sơ chưa có kết quả điện tử.", "The dossier has no electronic result yet.")

// maxResult bounds a result read for checking.
const maxResult = 50 << 20

// ByCode checks the latest electronic result of the dossier of code. A
// dossier unknown or without an electronic result is the same 404.
func (c *Checker) ByCode(ctx context.Context, code string) (*Report, error) {
	d, err := c.Records.DossierByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	docs, err := c.Records.Documents(ctx, d.ID)
	if err != nil {
		return nil, fmt.Errorf("reading the documents of %s: %w", d.Code, err)
	}
	var latest *dossier.Document
	for i := range docs {
		if docs[i].Kind == dossier.DocResult && docs[i].ContentType == "application/pdf" {
			latest = &docs[i]
		}
	}
	if latest == nil || d.Result == nil {
		return nil, ErrNoResult
	}
	rc, err := c.Files.Open(ctx, latest.StorageKey)
	if err != nil {
		return nil, fmt.Errorf("opening the result of %s: %w", d.Code, err)
	}
	defer rc.Close()
	pdf, err := io.ReadAll(io.LimitReader(rc, maxResult))
	if err != nil {
		return nil, fmt.Errorf("reading the result of %s: %w", d.Code, err)
	}
	r, err := c.report(pdf)
	if err != nil {
		return nil, fmt.Errorf("checking the result of %s: %w", d.Code, err)
	}
	r.Ours = true
	fill(r, d)
	return r, c.revoked(ctx, r, d)
}

// revoked marks the report of d's result revoked when the unit revoked it.
func (c *Checker) revoked(ctx context.Context, r *Report, d *dossier.Dossier) error {
	evs, err := c.Records.Events(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("reading the history of %s: %w", d.Code, err)
	}
	d.Events = evs
	if ev := d.ResultRevoked(); ev != nil {
		r.Revoked, r.RevokedAt, r.RevokedReason = true, ev.At, ev.Note
	}
	return nil
}

// ByFile checks a PDF someone holds: its signature, and whether it is a
// result this platform issued (then of which dossier).
func (c *Checker) ByFile(ctx context.Context, pdf []byte) (*Report, error) {
	r, err := c.report(pdf)
	if err != nil {
		return nil, err
	}
	code, err := c.Records.ResultBySHA256(ctx, r.SHA256)
	switch {
	case apperr.Is(err, apperr.NotFound):
		return r, nil
	case err != nil:
		return nil, err
	}
	r.Ours = true
	d, err := c.Records.DossierByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	fill(r, d)
	return r, c.revoked(ctx, r, d)
}

func (c *Checker) report(pdf []byte) (*Report, error) {
	v, err := Verify(pdf, c.Roots)
	if err != nil {
		return nil, err
	}
	r := &Report{Verdict: v.Verdict(), SHA256: v.SHA256}
	if v.Signed() {
		s := v.Latest()
		r.Signer, r.SignedAt = s.Subject(), s.SigningTime
	}
	return r, nil
}

// fill adds what a dossier states publicly of its result.
func fill(r *Report, d *dossier.Dossier) {
	r.DossierCode, r.Procedure, r.Agency = d.Code, d.ProcedureName, d.UnitName
	if d.Result != nil {
		r.Number, r.IssuedAt = d.Result.Number, d.Result.IssuedAt
	}
}
