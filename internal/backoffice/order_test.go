package backoffice

import (
	"slices"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
)

// TestPageOrder: every action the dossier page offers a form for has its
// place in the page's order, once, so no offered form goes missing.
func TestPageOrder(t *testing.T) {
	if len(pageOrder) != len(shownActions) {
		t.Fatalf("pageOrder has %d actions, shownActions %d", len(pageOrder), len(shownActions))
	}
	for _, act := range shownActions {
		if n := len(slices.DeleteFunc(slices.Clone(pageOrder), func(a dossier.Action) bool { return a != act })); n != 1 {
			t.Errorf("%s is %d times in pageOrder, want once", act, n)
		}
	}
}

// TestOpened: the failed form is the open one; without an error (or on a
// stale page) the suggested one is.
func TestOpened(t *testing.T) {
	for _, tt := range []struct {
		name         string
		v            dossierView
		open, closed string
	}{
		{"suggested", dossierView{Suggested: "receive"}, "receive", "refuse"},
		{"failed form instead of the suggested", dossierView{Suggested: "receive", ErrorOf: "refuse", Error: "x"}, "refuse", "receive"},
		{"stale page keeps the suggested", dossierView{Suggested: "receive", ErrorOf: "refuse", Stale: true}, "receive", "refuse"},
		{"nothing suggested", dossierView{}, "", "receive"},
	} {
		if tt.open != "" && !tt.v.Opened(tt.open) {
			t.Errorf("%s: %s is folded, want it open", tt.name, tt.open)
		}
		if tt.v.Opened(tt.closed) {
			t.Errorf("%s: %s is open, want it folded", tt.name, tt.closed)
		}
	}
}
