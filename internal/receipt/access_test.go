package receipt

import (
	"bytes"
	"context"
	"testing"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

// readers lets the named actors read the named dossiers; the real rule
// is dossier.Service's, tested there.
type readers map[string][]string

func (r readers) Get(_ context.Context, a dossier.Actor, code string) (*dossier.Dossier, error) {
	for _, u := range r[code] {
		if u == a.Username {
			return &dossier.Dossier{Code: code}, nil
		}
	}
	return nil, apperr.ErrNotFound
}

// listStore is memStore that also reads back what it issued.
type listStore struct{ *memStore }

func (s listStore) Receipt(_ context.Context, id int64) (*Receipt, error) {
	for _, rs := range s.byRef {
		for _, r := range rs {
			if r.ID == id {
				return r, nil
			}
		}
	}
	return nil, apperr.ErrNotFound
}

func (s listStore) DossierReceipts(_ context.Context, code string) ([]*Receipt, error) {
	var out []*Receipt
	for _, rs := range s.byRef {
		for _, r := range rs {
			if r.DossierCode == code {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// TestAccess: the dossier's readers list and download its receipts;
// anyone else, an unknown id and another dossier's receipt get the same
// 404.
func TestAccess(t *testing.T) {
	ctx := context.Background()
	st := listStore{newMem()}
	l, _ := NewLocal(st, Options{})
	rs, err := l.Issue(ctx, request())
	if err != nil {
		t.Fatal(err)
	}
	other := request()
	other.DossierCode, other.PaymentRef = "H26.01-250303-0009", "VNP9"
	others, err := l.Issue(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	s := &Access{Store: st, Issuer: l, Dossiers: readers{
		"H26.01-250303-0007": {"citizen-an", "officer-ht"},
		"H26.01-250303-0009": {"citizen-binh"},
	}}
	an, officer, binh := dossier.Actor{Username: "citizen-an", Citizen: true}, dossier.Actor{Username: "officer-ht"}, dossier.Actor{Username: "citizen-binh", Citizen: true}
	for _, a := range []dossier.Actor{an, officer} {
		list, err := s.DossierReceipts(ctx, a, "H26.01-250303-0007")
		if err != nil || len(list) != 2 {
			t.Fatalf("%s lists: %d %v", a.Username, len(list), err)
		}
		name, data, err := s.PDF(ctx, a, "H26.01-250303-0007", rs[1].ID)
		if err != nil || name != "bien-lai-"+rs[1].Series+"-0000002.pdf" || !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Fatalf("%s downloads: %q %d bytes %v", a.Username, name, len(data), err)
		}
	}
	cases := []struct {
		name string
		a    dossier.Actor
		code string
		id   int64
	}{
		{"another citizen", binh, "H26.01-250303-0007", rs[0].ID},
		{"unknown id", an, "H26.01-250303-0007", 999},
		{"another dossier's receipt", an, "H26.01-250303-0007", others[0].ID},
		{"own dossier, receipt of one not readable", binh, "H26.01-250303-0009", rs[0].ID},
	}
	for _, c := range cases {
		if _, _, err := s.PDF(ctx, c.a, c.code, c.id); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := s.DossierReceipts(ctx, binh, "H26.01-250303-0007"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("another citizen lists: %v", err)
	}
}
