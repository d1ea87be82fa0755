package slips

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

type fakeUnits map[string]*org.Unit

func (f fakeUnits) UnitByCode(_ context.Context, code string) (*org.Unit, error) {
	if u, ok := f[code]; ok {
		return u, nil
	}
	return nil, apperr.ErrNotFound
}

type fakeVersions struct{ v *catalog.Version }

func (f fakeVersions) Version(context.Context, int64) (*catalog.Version, error) { return f.v, nil }

// TestIssuerOf names the unit, its parent and the place from the tree's
// root, whatever the province; a unit it cannot read leaves names empty.
func TestIssuerOf(t *testing.T) {
	units := fakeUnits{
		"C":  {Code: "C", Name: "Thành phố Hà Nội"},
		"D":  {Code: "D", Name: "Quận Hoàn Kiếm", ParentCode: "C"},
		"W":  {Code: "W", Name: "Phường Hàng Trống", ParentCode: "D"},
		"P":  {Code: "P", Name: "Tỉnh Ninh Bình"},
		"PW": {Code: "PW", Name: "Phường Hoa Lư", ParentCode: "P"},
	}
	for _, tc := range []struct {
		code string
		want Issuer
	}{
		{"W", Issuer{UnitName: "Phường Hàng Trống", ParentName: "Quận Hoàn Kiếm", Place: "Hà Nội"}},
		{"C", Issuer{UnitName: "Thành phố Hà Nội", Place: "Hà Nội"}},
		{"PW", Issuer{UnitName: "Phường Hoa Lư", ParentName: "Tỉnh Ninh Bình", Place: "Ninh Bình"}},
		{"X", Issuer{}},
	} {
		if got := IssuerOf(context.Background(), units, tc.code); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.code, got, tc.want)
		}
	}
}

// TestDossierSlip answers 404 for an unknown slip, 422 for a slip the
// dossier has no occasion for yet, and a PDF otherwise.
func TestDossierSlip(t *testing.T) {
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	d := &dossier.Dossier{Code: "X-250303-0001", Status: dossier.StatusSubmitted, SubmittedAt: now, Applicant: dossier.Applicant{FullName: "Nguyễn Văn An"}}
	vs := fakeVersions{&catalog.Version{}}
	in := Input{Issuer: Issuer{UnitName: "Phường Hàng Trống", Place: "Hà Nội"}, TrackingURL: "http://x/tra-cuu/X-250303-0001", Now: now}
	if _, err := DossierSlip(context.Background(), "09", d, vs, in); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("slip 09: %v, want not found", err)
	}
	if _, err := DossierSlip(context.Background(), "01", d, vs, in); !apperr.Is(err, apperr.Unprocessable) {
		t.Errorf("slip 01 before reception: %v, want unprocessable", err)
	}
	d.Status, d.ReceivedAt, d.LegalDueAt = dossier.StatusReceived, &now, &now
	pdf, err := DossierSlip(context.Background(), "01", d, vs, in)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("slip 01: %v, %q", err, pdf[:min(len(pdf), 8)])
	}
}
