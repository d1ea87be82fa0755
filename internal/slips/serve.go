package slips

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

// Units finds units by agency identifier.
type Units interface {
	UnitByCode(ctx context.Context, code string) (*org.Unit, error)
}

// Versions reads the procedure version a dossier was filed under.
type Versions interface {
	Version(ctx context.Context, id int64) (*catalog.Version, error)
}

// IssuerOf names the unit with the agency identifier code as a slip's
// issuer: the unit, its kind, its parent, and the place, which is the root
// of the unit tree (the province or city) without its "Thành phố"/"Tỉnh"
// title. A unit that has ceased to exist carries the unit that took it
// over, so that a slip dated after the change names the agency in force
// (Issuer.At). What cannot be read stays empty: the slip still prints.
func IssuerOf(ctx context.Context, units Units, code string) Issuer {
	return issuerOf(ctx, units, code, 0)
}

func issuerOf(ctx context.Context, units Units, code string, hops int) Issuer {
	var is Issuer
	u, err := units.UnitByCode(ctx, code)
	if err != nil {
		return is
	}
	is.UnitName, is.Kind = u.Name, u.Kind
	root := u
	for depth := 0; root.ParentCode != "" && depth < 8; depth++ {
		p, err := units.UnitByCode(ctx, root.ParentCode)
		if err != nil {
			break
		}
		if depth == 0 {
			is.ParentName = p.Name
		}
		root = p
	}
	is.Place = root.Name
	for _, title := range []string{"Thành phố ", "Tỉnh "} {
		is.Place = strings.TrimPrefix(is.Place, title)
	}
	if u.ValidTo != nil && u.Successor != "" && u.Successor != code && hops < 4 {
		next := issuerOf(ctx, units, u.Successor, hops+1)
		if next.UnitName != "" {
			is.ValidTo, is.Successor = u.ValidTo, &next
		}
	}
	return is
}

// Registers numbers a received dossier in its desk's register (slip 07):
// the book (the year) and the entry, printed on slip 01. A Versions that
// is also a Registers gets them filled in.
type Registers interface {
	RegisterEntry(ctx context.Context, d *dossier.Dossier) (book string, entry int, err error)
}

// DossierSlip renders slip no (01–06, 08) of d, which the caller has already
// been allowed to read, into a PDF. in carries everything but the dossier
// and its procedure version. An unknown slip number answers apperr
// NotFound; a slip the dossier has no occasion for yet, Unprocessable.
func DossierSlip(ctx context.Context, no string, d *dossier.Dossier, versions Versions, in Input) ([]byte, error) {
	if err := Applies(no, d); err != nil {
		if errors.Is(err, ErrUnknownSlip) {
			return nil, apperr.New(apperr.NotFound, "unknown_slip", "Không có mẫu phiếu này (01–06, 08).", "No such slip (01–06, 08).")
		}
		return nil, apperr.Newf(apperr.Unprocessable, "slip_not_applicable", "Hồ sơ này chưa có phiếu %s: %v.", "This dossier has no slip %s yet: %v.", no, err)
	}
	v, err := versions.Version(ctx, d.ProcedureVersionID)
	if err != nil {
		return nil, err
	}
	in.Dossier, in.Version = d, v
	if reg, ok := versions.(Registers); ok && no == "01" && in.RegisterEntry == 0 {
		if in.RegisterBook, in.RegisterEntry, err = reg.RegisterEntry(ctx, d); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, no, in); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
