package store

import "testing"

// TestStatusLists: the SQL lists are the dossier package's sets, written as
// integer literals.
func TestStatusLists(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"open", sqlOpen, "2, 4, 5, 6"},
		{"pending", sqlPending, "1, 2, 4, 5, 6"},
		{"uncounted", sqlUncounted, "1, 3"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
}
