package files

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
)

// Download is a stored file as an HTTP answer describes it.
type Download struct {
	Key         string
	ContentType string
	Filename    string
	Size        int64
	// Inline asks the browser to show it (previews) rather than save it.
	Inline bool
	// CSP, if set, is the Content-Security-Policy of the answer.
	CSP string
}

// Serve streams a stored file with the headers every dossier download
// needs: its type (never sniffed), its name, and no caching beyond the
// user's own browser. The caller has already checked authorization.
func Serve(ctx context.Context, w http.ResponseWriter, st Store, d Download) error {
	rc, err := st.Open(ctx, d.Key)
	if err != nil {
		return fmt.Errorf("opening file %s: %w", d.Filename, err)
	}
	defer rc.Close()
	disp := "attachment"
	if d.Inline {
		disp = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": d.Filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	if d.CSP != "" {
		h.Set("Content-Security-Policy", d.CSP)
	}
	_, _ = io.Copy(w, rc)
	return nil
}
