package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestStatus(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want int
	}{
		{"invalid", New(Invalid, "x", "x", "x"), http.StatusBadRequest},
		{"unprocessable", New(Unprocessable, "x", "x", "x"), http.StatusUnprocessableEntity},
		{"not found", ErrNotFound, http.StatusNotFound},
		{"conflict", New(Conflict, "x", "x", "x"), http.StatusConflict},
		{"forbidden", New(Forbidden, "x", "x", "x"), http.StatusForbidden},
		{"unauthorized", New(Unauthorized, "x", "x", "x"), http.StatusUnauthorized},
		{"too large", New(TooLarge, "x", "x", "x"), http.StatusRequestEntityTooLarge},
		{"unsupported", New(Unsupported, "x", "x", "x"), http.StatusUnsupportedMediaType},
		{"too many", New(TooMany, "x", "x", "x"), http.StatusTooManyRequests},
		{"internal kind", New(Internal, "x", "x", "x"), http.StatusInternalServerError},
		{"wrapped", fmt.Errorf("loading: %w", New(Conflict, "x", "x", "x")), http.StatusConflict},
		{"plain error", errors.New("disk full"), http.StatusInternalServerError},
		{"unknown kind", New(Kind(99), "x", "x", "x"), http.StatusInternalServerError},
	} {
		if got := Status(c.err); got != c.want {
			t.Errorf("%s: Status = %d, want %d", c.name, got, c.want)
		}
	}
	// Every declared kind has its own entry.
	for k := Internal; k <= TooMany; k++ {
		if _, ok := statuses[k]; !ok {
			t.Errorf("kind %d has no status", k)
		}
	}
}

func TestFieldIn(t *testing.T) {
	f := Field{Message: "Vui lòng nhập.", MessageEN: "Required."}
	if f.In("vi") != "Vui lòng nhập." || f.In("en") != "Required." || f.In("") != "Vui lòng nhập." {
		t.Errorf("%q %q", f.In("vi"), f.In("en"))
	}
	if (Field{Message: "Chỉ tiếng Việt."}).In("en") != "Chỉ tiếng Việt." {
		t.Error("no English message: the Vietnamese one is the fallback")
	}
}
