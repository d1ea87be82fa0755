package receipt

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// Options configure the local issuer.
type Options struct {
	// Form is the form symbol printed on every receipt; DefaultForm if
	// empty.
	Form string
	// Prefixes maps a unit code to the two capital letters of its series,
	// as registered with the tax office; DefaultPrefix for other units.
	Prefixes map[string]string
	// Now is the clock; time.Now if nil.
	Now func() time.Time
}

// Local issues receipts from motcua's own numbering, in its store.
type Local struct {
	store    Store
	form     string
	prefixes map[string]string
	now      func() time.Time
}

var _ Issuer = (*Local)(nil)

// NewLocal returns the local issuer, refusing a series prefix that is not
// two capital letters.
func NewLocal(s Store, o Options) (*Local, error) {
	l := &Local{store: s, form: o.Form, prefixes: map[string]string{}, now: o.Now}
	if l.form == "" {
		l.form = DefaultForm
	}
	if l.now == nil {
		l.now = time.Now
	}
	for unit, p := range o.Prefixes {
		if !prefixRE.MatchString(p) {
			return nil, fmt.Errorf("receipt series prefix %q of unit %s: want two capital letters", p, unit)
		}
		l.prefixes[unit] = p
	}
	return l, nil
}

// SeriesOf is the series a unit's receipts issued at t belong to.
func (l *Local) SeriesOf(unitCode string, t time.Time) string {
	p, ok := l.prefixes[unitCode]
	if !ok {
		p = DefaultPrefix
	}
	return Series(p, t)
}

// Issue validates the request, splits it by kind and has the store number
// and keep the receipts together.
func (l *Local) Issue(ctx context.Context, req IssueRequest) ([]*Receipt, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	at := l.now().In(Zone)
	rs := req.Split(l.form, l.SeriesOf(req.UnitCode, at), at)
	out, err := l.store.CreateReceipts(ctx, rs)
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("issuing receipts for dossier %s: %w", req.DossierCode, err)
	}
	return out, nil
}

// PDF renders the receipt.
func (l *Local) PDF(ctx context.Context, r *Receipt) ([]byte, error) {
	return Render(r)
}
