package dossier

import (
	"slices"
	"testing"
)

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

// TestStatusSets checks the derived status sets against the definitions
// and the canonical codes the store's SQL depends on.
func TestStatusSets(t *testing.T) {
	all := Statuses()
	if len(all) != len(statusLabels) {
		t.Fatalf("Statuses lists %d, labels define %d", len(all), len(statusLabels))
	}
	for i, s := range all {
		if !s.Valid() || int(s) != i+1 {
			t.Fatalf("Statuses()[%d] = %d", i, s)
		}
	}
	for _, c := range []struct {
		name string
		set  []Status
		pred func(Status) bool
		want []Status
	}{
		{"open", OpenStatuses(), Status.Open, []Status{2, 4, 5, 6}},
		{"pending", PendingStatuses(), Status.Pending, []Status{1, 2, 4, 5, 6}},
		{"counted", StatusesWhere(Status.Counted), Status.Counted, []Status{2, 4, 5, 6, 7, 8, 9, 10}},
	} {
		if !slices.Equal(c.set, c.want) {
			t.Errorf("%s statuses = %v, want %v", c.name, c.set, c.want)
		}
		for _, s := range all {
			if c.pred(s) != slices.Contains(c.set, s) {
				t.Errorf("%s: status %d: predicate %v, in set %v", c.name, s, c.pred(s), slices.Contains(c.set, s))
			}
		}
	}
	if Status(0).Counted() || Status(11).Pending() {
		t.Error("an unknown status belongs to a set")
	}
}
