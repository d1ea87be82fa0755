package paygov

import (
	"io"
	"log/slog"
)

// slogTo is a text logger writing to w.
func slogTo(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}
