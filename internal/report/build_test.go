package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/org"
)

// TestBuiltKindsAndFormats: an unknown kind or format is an error, not an
// empty file; each kind names its file and picks its writer.
func TestBuiltKindsAndFormats(t *testing.T) {
	if _, err := Build(context.Background(), nil, nil, "ii06b", Query{}, "vi"); err == nil {
		t.Error("an unknown kind was built")
	}
	q := Query{Unit: &org.Unit{Code: "000.00.00.H26"}, From: time.Date(2025, 1, 1, 0, 0, 0, 0, Zone), To: time.Date(2025, 2, 1, 0, 0, 0, 0, Zone)}
	ii := &Built{Kind: KindII06a, Query: q, II06a: &II06a{}}
	d := &Built{Kind: Kind766, Query: q, D766: &D766{}}
	for _, tc := range []struct {
		b    *Built
		want string
	}{{ii, "II06a_000.00.00.H26_2025-01-01_2025-01-31.xlsx"}, {d, "QD766_000.00.00.H26_2025-01-01_2025-01-31.xlsx"}} {
		if got := tc.b.FileName(FormatXLSX); got != tc.want {
			t.Errorf("file name %q, want %q", got, tc.want)
		}
		if tc.b.Value() == nil {
			t.Errorf("%s: no value", tc.b.Kind)
		}
		if err := tc.b.Write(&bytes.Buffer{}, "docx", "vi"); err == nil || !strings.Contains(err.Error(), "docx") {
			t.Errorf("%s as docx: %v", tc.b.Kind, err)
		}
	}
	if ContentType(FormatPDF) != "application/pdf" || !strings.Contains(ContentType(FormatXLSX), "spreadsheetml") {
		t.Error("content types")
	}
}
