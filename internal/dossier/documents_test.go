package dossier

import (
	"slices"
	"testing"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/files"
)

// flaggedVersion has a declaration the online form stands for, an
// identity card shown at the desk and an ordinary upload, all required.
func flaggedVersion() *catalog.Version {
	v := testVersion()
	v.Documents = []catalog.Document{
		{Key: "to_khai", Name: "Tờ khai", Originals: 1, Required: true, Declaration: true},
		{Key: "cccd", Name: "Thẻ căn cước (xuất trình)", Originals: 1, Required: true, Present: true},
		{Key: "ban_ve", Name: "Bản vẽ", Copies: 1, Required: true},
		{Key: "anh", Name: "Ảnh", Copies: 1},
	}
	return v
}

// TestRequiredDocumentsOnline: online, a required paper shown at the desk
// and the declaration are never asked as files; an upload is, once,
// however many files it has; several files for one document count as it.
func TestRequiredDocumentsOnline(t *testing.T) {
	v := flaggedVersion()
	file := func(key string) Document { return Document{Kind: DocApplication, DocKey: key} }
	for _, tt := range []struct {
		name    string
		docs    []Document
		missing []string // fields of the error, nil for accepted
	}{
		{"nothing", nil, []string{"doc.ban_ve"}},
		{"only the declaration and the card", []Document{file("to_khai"), file("cccd")}, []string{"doc.ban_ve"}},
		{"the upload", []Document{file("ban_ve")}, nil},
		{"two files of the upload", []Document{file("ban_ve"), file("ban_ve")}, nil},
		{"the upload and an optional one", []Document{file("anh"), file("ban_ve"), file("anh")}, nil},
	} {
		err := requiredDocuments(v, tt.docs)
		if tt.missing == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != "documents_missing" || e.Kind != apperr.Invalid {
			t.Errorf("%s: %v, want documents_missing", tt.name, err)
			continue
		}
		var got []string
		for _, f := range e.Fields {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, tt.missing) {
			t.Errorf("%s: fields %v, want %v", tt.name, got, tt.missing)
		}
	}
}

// TestChecklistShownAndDeclaration: at the counter the declaration and the
// card shown are checklist lines like the others, ticked or excused; a
// document ticked may carry several scans, one not ticked none.
func TestChecklistShownAndDeclaration(t *testing.T) {
	v := flaggedVersion()
	scans := func(key string, n int) []Document {
		out := make([]Document, n)
		for i := range out {
			out[i] = Document{Kind: DocApplication, DocKey: key}
		}
		return out
	}
	all := []ReceivedDocument{{Key: "to_khai", Received: true}, {Key: "cccd", Received: true}, {Key: "ban_ve", Received: true}}
	for _, tt := range []struct {
		name   string
		lines  []ReceivedDocument
		scans  []Document
		fields []string // nil: accepted
	}{
		{"every one ticked", all, nil, nil},
		{"front and back of the card", all, scans("cccd", 2), nil},
		{"card not shown", []ReceivedDocument{{Key: "to_khai", Received: true}, {Key: "ban_ve", Received: true}}, nil, []string{"doc.cccd"}},
		{"declaration not handed in", []ReceivedDocument{{Key: "cccd", Received: true}, {Key: "ban_ve", Received: true}}, nil, []string{"doc.to_khai"}},
		{"two scans of a paper not ticked, named once", all, scans("anh", 2), []string{"doc.anh"}},
	} {
		_, err := checklist(v, tt.lines, tt.scans)
		if tt.fields == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != "checklist_invalid" {
			t.Errorf("%s: %v, want checklist_invalid", tt.name, err)
			continue
		}
		var got []string
		for _, f := range e.Fields {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, tt.fields) {
			t.Errorf("%s: fields %v, want %v", tt.name, got, tt.fields)
		}
	}
}

// TestSeveralFilesPerDocument: the caps of the service are per document
// (files.MaxPerDocument) and per dossier; two documents may each hold the
// most.
func TestSeveralFilesPerDocument(t *testing.T) {
	many := func(key string, n int) []Document {
		out := make([]Document, n)
		for i := range out {
			out[i] = Document{Kind: DocApplication, DocKey: key}
		}
		return out
	}
	supplement := func(ds []Document) []Document {
		for i := range ds {
			ds[i].Kind = DocSupplement
		}
		return ds
	}
	for _, tt := range []struct {
		name      string
		have, add []Document
		ok        bool
	}{
		{"front and back", nil, many("cccd", 2), true},
		{"the most for two documents", nil, append(many("cccd", files.MaxPerDocument), many("ban_ve", files.MaxPerDocument)...), true},
		{"one over for the second document", nil, append(many("cccd", 2), many("ban_ve", files.MaxPerDocument+1)...), false},
		{"a supplement's files beside the application's", many("ban_ve", files.MaxPerDocument), supplement(many("ban_ve", 3)), true},
	} {
		if err := checkFileCount(tt.have, tt.add); tt.ok != (err == nil) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestCheckFiles: files name documents of the list; a document over its
// cap is named in the error's field, so a form shows it there.
func TestCheckFiles(t *testing.T) {
	v := flaggedVersion()
	many := make([]Document, files.MaxPerDocument+1)
	for i := range many {
		many[i] = Document{Kind: DocApplication, DocKey: "ban_ve"}
	}
	err := CheckFiles(v, nil, many)
	e, ok := apperr.As(err)
	if !ok || e.Code != "too_many_files" || len(e.Fields) != 1 || e.Fields[0].Name != "doc.ban_ve" {
		t.Fatalf("over the cap: %v %+v", err, e)
	}
	if msg := e.Fields[0].In("vi"); msg != "Mỗi giấy tờ có tối đa 10 tệp." {
		t.Errorf("field message %q", msg)
	}
	err = CheckFiles(v, nil, []Document{{Kind: DocApplication, DocKey: "ban_ve"}, {Kind: DocApplication, DocKey: "so_do"}})
	if e, ok := apperr.As(err); !ok || e.Code != "document_not_in_list" {
		t.Fatalf("unknown document: %v", err)
	}
	if err := CheckFiles(v, nil, many[:2]); err != nil {
		t.Fatalf("two files of one document: %v", err)
	}
}
