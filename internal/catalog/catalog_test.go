package catalog

import (
	"slices"
	"testing"
)

// TestMissingDocuments: required documents without a file are missing, in
// the published order; optional ones never are.
func TestMissingDocuments(t *testing.T) {
	v := &Version{Documents: []Document{
		{Key: "to_khai", Name: "Tờ khai", Required: true},
		{Key: "anh", Name: "Ảnh 4x6"},
		{Key: "cccd", Name: "Căn cước", Required: true},
	}}
	keys := func(ds []Document) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Key)
		}
		return out
	}
	for _, tt := range []struct {
		name     string
		attached []string
		want     []string
	}{
		{"nothing attached", nil, []string{"to_khai", "cccd"}},
		{"only the optional one", []string{"anh"}, []string{"to_khai", "cccd"}},
		{"one required", []string{"cccd"}, []string{"to_khai"}},
		{"every required one", []string{"cccd", "to_khai"}, nil},
		{"everything", []string{"to_khai", "anh", "cccd"}, nil},
	} {
		got := keys(v.MissingDocuments(func(k string) bool { return slices.Contains(tt.attached, k) }))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: missing %v, want %v", tt.name, got, tt.want)
		}
	}
	if m := (&Version{}).MissingDocuments(func(string) bool { return false }); m != nil {
		t.Errorf("a version without documents misses %v", m)
	}
}

// TestMissingDocumentsNotUploaded: a required paper shown at the desk, or
// the declaration the online form replaces, is never missing online.
func TestMissingDocumentsNotUploaded(t *testing.T) {
	docs := []Document{
		{Key: "to_khai", Name: "Tờ khai", Required: true, Declaration: true},
		{Key: "cccd", Name: "Căn cước (xuất trình)", Required: true, Present: true},
		{Key: "ban_ve", Name: "Bản vẽ", Required: true},
	}
	v := &Version{Documents: docs}
	for _, tt := range []struct {
		name     string
		attached []string
		want     []string
	}{
		{"nothing attached", nil, []string{"ban_ve"}},
		{"the upload", []string{"ban_ve"}, nil},
		{"only the others", []string{"to_khai", "cccd"}, []string{"ban_ve"}},
	} {
		var got []string
		for _, d := range v.MissingDocuments(func(k string) bool { return slices.Contains(tt.attached, k) }) {
			got = append(got, d.Key)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: missing %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct {
		d    Document
		want bool
	}{{docs[0], false}, {docs[1], false}, {docs[2], true}} {
		if got := tt.d.Upload(); got != tt.want {
			t.Errorf("%s: Upload() = %v, want %v", tt.d.Key, got, tt.want)
		}
	}
}
