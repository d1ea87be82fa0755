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
	"github.com/motcua/motcua/internal/vn"
)

// scans stores one sample scan per document of the demo catalogue, once,
// and attaches it to the online dossiers that need it: an online
// submission carries a file for every required document.
type scans struct {
	files files.Store
	keys  map[string]dossier.Document // by document key and name
}

// required returns the application documents an online submission of v
// needs, as sample scans.
func (s *scans) required(ctx context.Context, v *catalog.Version, at time.Time) ([]dossier.Document, error) {
	var out []dossier.Document
	for _, d := range v.MissingDocuments(func(string) bool { return false }) {
		id := d.Key + "|" + d.Name
		doc, ok := s.keys[id]
		if !ok {
			if s.files == nil {
				return nil, fmt.Errorf("online demo dossiers need a file store for their scans")
			}
			pdf := SamplePDF("Ban quet mau (du lieu demo): " + vn.Fold(d.Name))
			key, sum, size, err := s.files.Put(ctx, bytes.NewReader(pdf))
			if err != nil {
				return nil, fmt.Errorf("storing a sample scan: %w", err)
			}
			doc = dossier.Document{Kind: dossier.DocApplication, DocKey: d.Key, Filename: d.Key + ".pdf",
				ContentType: "application/pdf", Size: size, SHA256: sum, StorageKey: key}
			s.keys[id] = doc
		}
		doc.UploadedAt = at
		out = append(out, doc)
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
