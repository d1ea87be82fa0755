package files

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gabriel-vasile/mimetype"

	"github.com/motcua/motcua/internal/apperr"
)

// Accepted content types for dossier documents, recognised by content.
var allowed = map[string]bool{
	"application/pdf": true,
	"image/jpeg":      true,
	"image/png":       true,
}

// Stored describes an accepted upload.
type Stored struct {
	Key         string
	SHA256      string
	Size        int64
	ContentType string
}

var errTooLarge = errors.New("file too large")

type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// Probe one byte: exactly at the limit is fine.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, errTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// Accept checks that r holds a PDF, JPEG or PNG of at most limit bytes (by
// its content, whatever its name says) and stores it.
func Accept(ctx context.Context, st Store, r io.Reader, filename string, limit int64) (Stored, error) {
	br := bufio.NewReaderSize(r, 3072)
	head, err := br.Peek(3072)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Stored{}, fmt.Errorf("reading upload: %w", err)
	}
	if len(head) == 0 {
		return Stored{}, apperr.Newf(apperr.Invalid, "file_empty", "Tệp «%s» rỗng.", "File %q is empty.", filename)
	}
	mt := mimetype.Detect(head).String()
	if !allowed[mt] {
		return Stored{}, apperr.Newf(apperr.Unsupported, "file_type",
			"Tệp «%s» không phải PDF, JPEG hoặc PNG. Vui lòng tải lên bản quét dạng PDF, JPEG hoặc PNG.",
			"File %q is not a PDF, JPEG or PNG. Upload a scan as PDF, JPEG or PNG.", filename)
	}
	key, sum, n, err := st.Put(ctx, &capped{r: br, left: limit})
	if errors.Is(err, errTooLarge) {
		return Stored{}, apperr.Newf(apperr.TooLarge, "file_too_large",
			"Tệp «%s» vượt quá dung lượng cho phép (%d MB).", "File %q is larger than the %d MB allowed.", filename, limit>>20)
	}
	if err != nil {
		return Stored{}, fmt.Errorf("storing upload: %w", err)
	}
	return Stored{Key: key, SHA256: sum, Size: n, ContentType: mt}, nil
}
