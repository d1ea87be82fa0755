package dossier

import (
	"testing"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/files"
)

// TestCheckFileCount: a dossier holds at most files.MaxPerDocument files
// for one document and files.MaxPerDossier in all, counting what it holds.
func TestCheckFileCount(t *testing.T) {
	docs := func(n int, kind, key string) []Document {
		out := make([]Document, n)
		for i := range out {
			out[i] = Document{Kind: kind, DocKey: key}
		}
		return out
	}
	cat := func(ls ...[]Document) []Document {
		var out []Document
		for _, l := range ls {
			out = append(out, l...)
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		have, add []Document
		ok        bool
	}{
		{"none", nil, nil, true},
		{"ten for one document", nil, docs(files.MaxPerDocument, DocApplication, "to_khai"), true},
		{"eleven for one document", nil, docs(files.MaxPerDocument+1, DocApplication, "to_khai"), false},
		{"eleventh by supplement", docs(files.MaxPerDocument, DocSupplement, "to_khai"), docs(1, DocSupplement, "to_khai"), false},
		{"supplement beside ten application files", docs(files.MaxPerDocument, DocApplication, "to_khai"), docs(1, DocSupplement, "to_khai"), true},
		{"results without a key", nil, docs(files.MaxPerDossier, DocResult, ""), true},
		{"fifty-first file", cat(docs(10, DocApplication, "a"), docs(10, DocApplication, "b"), docs(10, DocApplication, "c"), docs(10, DocApplication, "d"), docs(10, DocApplication, "e")), docs(1, DocResult, ""), false},
	} {
		err := checkFileCount(tc.have, tc.add)
		if tc.ok != (err == nil) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if e, ok := apperr.As(err); err != nil && (!ok || e.Code != "too_many_files" || e.Kind != apperr.Invalid) {
			t.Errorf("%s: error %v, want too_many_files", tc.name, err)
		}
	}
}
