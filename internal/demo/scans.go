package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
)

// scans stores one sample scan, once, and attaches it to the online
// dossiers for every document they need: an online submission carries a
// file for every required document. One file (one write and sync) keeps
// loading the demo quick on a busy disk.
type scans struct {
	files files.Store
	key   string // storage key of the sample, once stored
	sum   string // its SHA-256
	size  int64
}

// required returns the application documents an online submission of v
// needs, each the sample scan.
func (s *scans) required(ctx context.Context, v *catalog.Version, at time.Time) ([]dossier.Document, error) {
	missing := v.MissingDocuments(func(string) bool { return false })
	if len(missing) == 0 {
		return nil, nil
	}
	if s.key == "" {
		if s.files == nil {
			return nil, fmt.Errorf("online demo dossiers need a file store for their scans")
		}
		key, sum, size, err := s.files.Put(ctx, bytes.NewReader(SamplePDF("Ban quet mau (du lieu demo)")))
		if err != nil {
			return nil, fmt.Errorf("storing the sample scan: %w", err)
		}
		s.key, s.sum, s.size = key, sum, size
	}
	out := make([]dossier.Document, len(missing))
	for i, d := range missing {
		out[i] = dossier.Document{Kind: dossier.DocApplication, DocKey: d.Key, Filename: d.Key + ".pdf",
			ContentType: "application/pdf", Size: s.size, SHA256: s.sum, StorageKey: s.key, UploadedAt: at}
	}
	return out, nil
}

// SamplePDF is a one-page A4 PDF showing one line of ASCII text: the
// sample scan of the demo data and the benchmarks.
func SamplePDF(text string) []byte {
	text = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(text)
	stream := "BT /F1 14 Tf 60 780 Td (" + text + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
