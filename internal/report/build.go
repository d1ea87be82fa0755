package report

// One entry for every surface (API, back office): build a report of a kind
// for a query, then render it in a format, so that which builder and which
// writer serve which request is decided here, once.

import (
	"context"
	"fmt"
	"io"

	"github.com/motcua/motcua/internal/stats"
)

// Kinds of report.
const (
	KindII06a = "ii06a" // form II.06a
	Kind766   = "766"   // the Decision 766 indicator set
)

// Formats a report is rendered in besides JSON.
const (
	FormatXLSX = "xlsx"
	FormatPDF  = "pdf"
	FormatJSON = "json"
)

// Built is one report built for one query.
type Built struct {
	Kind  string
	Query Query
	// II06a or D766 holds the report, as Kind says.
	II06a *II06a
	D766  *D766
}

// Build builds the report of kind for q; figs gives the Decision 766
// figures the statistics lack.
func Build(ctx context.Context, svc *stats.Service, figs Figures766, kind string, q Query, lang string) (*Built, error) {
	b := &Built{Kind: kind, Query: q}
	var err error
	switch kind {
	case KindII06a:
		b.II06a, err = BuildII06a(ctx, svc, q)
	case Kind766:
		b.D766, err = BuildD766(ctx, svc, figs, q, lang)
	default:
		return nil, fmt.Errorf("building a report: unknown kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Value is the report itself, what its JSON carries.
func (b *Built) Value() any {
	if b.II06a != nil {
		return b.II06a
	}
	return b.D766
}

// FileName names the report's file in format: II06a_… or QD766_….
func (b *Built) FileName(format string) string {
	prefix := "II06a"
	if b.Kind == Kind766 {
		prefix = "QD766"
	}
	return FileName(prefix, b.Query.Unit.Code, b.Query.From, b.Query.To, format)
}

// Write renders the report as .xlsx or PDF.
func (b *Built) Write(w io.Writer, format, lang string) error {
	switch {
	case format == FormatXLSX && b.II06a != nil:
		return WriteII06aXLSX(w, b.II06a, lang)
	case format == FormatPDF && b.II06a != nil:
		return WriteII06aPDF(w, b.II06a, lang)
	case format == FormatXLSX:
		return WriteD766XLSX(w, b.D766, lang)
	case format == FormatPDF:
		return WriteD766PDF(w, b.D766, lang)
	}
	return fmt.Errorf("rendering a report: unknown format %q", format)
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	switch format {
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatPDF:
		return "application/pdf"
	}
	return "application/json; charset=utf-8"
}
