package receipt

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

// Dossiers reads a dossier with the reader's rights (dossier.Service).
type Dossiers interface {
	Get(ctx context.Context, a dossier.Actor, code string) (*dossier.Dossier, error)
}

// Access serves receipts to their readers: a receipt may be read by
// whoever may read its dossier (the citizen who owns it, the staff of its
// unit and above), and by no one else. The portal's and the back office's
// download routes both go through it, so the rule is written once.
type Access struct {
	Store    Store
	Dossiers Dossiers
	Issuer   Issuer
}

// DossierReceipts lists the receipts of a dossier the actor may read; an
// unknown or forbidden dossier is apperr.ErrNotFound.
func (s *Access) DossierReceipts(ctx context.Context, a dossier.Actor, code string) ([]*Receipt, error) {
	d, err := s.Dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	rs, err := s.Store.DossierReceipts(ctx, d.Code)
	if err != nil {
		return nil, fmt.Errorf("listing the receipts of %s: %w", d.Code, err)
	}
	return rs, nil
}

// Of lists the receipts of a dossier the caller already read with the
// reader's rights (a dossier page).
func (s *Access) Of(ctx context.Context, d *dossier.Dossier) ([]*Receipt, error) {
	rs, err := s.Store.DossierReceipts(ctx, d.Code)
	if err != nil {
		return nil, fmt.Errorf("listing the receipts of %s: %w", d.Code, err)
	}
	return rs, nil
}

// Receipt reads a receipt of the dossier code for the actor. Unknown,
// forbidden and belonging to another dossier answer the same
// apperr.ErrNotFound, so that ids cannot be probed.
func (s *Access) Receipt(ctx context.Context, a dossier.Actor, code string, id int64) (*Receipt, error) {
	d, err := s.Dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	r, err := s.Store.Receipt(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && r.DossierCode != d.Code) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading receipt %d of %s: %w", id, d.Code, err)
	}
	return r, nil
}

// PDF renders a receipt of the dossier for the actor, with the file name
// to download it under ("bien-lai-HT-25E-0000042.pdf").
func (s *Access) PDF(ctx context.Context, a dossier.Actor, code string, id int64) (name string, data []byte, err error) {
	r, err := s.Receipt(ctx, a, code, id)
	if err != nil {
		return "", nil, err
	}
	data, err = s.Issuer.PDF(ctx, r)
	if err != nil {
		return "", nil, fmt.Errorf("rendering receipt %d of %s: %w", id, code, err)
	}
	return FileName(r), data, nil
}

// FileName is the name a receipt's PDF is downloaded under.
func FileName(r *Receipt) string {
	return "bien-lai-" + r.Series + "-" + r.NumberText() + ".pdf"
}
