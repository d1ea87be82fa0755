package dossier

import "testing"

func TestDocumentByURLID(t *testing.T) {
	d := &Dossier{Documents: []Document{{ID: 7, Filename: "a.pdf"}, {ID: 9, Filename: "b.pdf"}}}
	tests := []struct {
		id   string
		want string
	}{{"9", "b.pdf"}, {"7", "a.pdf"}, {"8", ""}, {"abc", ""}, {"", ""}, {"-7", ""}}
	for _, tt := range tests {
		doc, ok := d.Document(tt.id)
		if got := ""; ok {
			got = doc.Filename
			if got != tt.want {
				t.Errorf("Document(%q) = %q, want %q", tt.id, got, tt.want)
			}
		} else if tt.want != "" {
			t.Errorf("Document(%q) not found, want %q", tt.id, tt.want)
		}
	}
}
