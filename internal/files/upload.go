package files

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

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

// Limits bound a multipart upload.
type Limits struct {
	Field   int64 // one plain (non-file) field
	File    int64 // one file
	Dossier int64 // all files of one request
}

// Upload is one file part of a multipart request, accepted and stored.
type Upload struct {
	Field    string // the part's form name, e.g. "doc.to_khai"
	Filename string // the name the client gave, at most 200 bytes
	Stored
}

// Multipart is what ReadMultipart read.
type Multipart struct {
	Fields  map[string]string // plain fields; a name sent twice keeps its last value
	Uploads []Upload
	// Rejected holds, by form name, the apperr error of each file Accept
	// refused (type, size, empty), when ReadMultipart was asked to keep
	// going; otherwise the first such error is returned.
	Rejected map[string]error
}

// ReadMultipart reads a multipart/form-data body: plain fields, and files
// checked by content and size with Accept and written to st. The whole body
// is bounded by lim.Dossier+lim.Field. A file part with an empty file name
// (a file input left empty) reads as an empty plain field. With keepGoing,
// a file Accept refuses is recorded in Rejected and reading goes on, so that
// a form can show every problem at once; the dossier total stays fatal.
// Files stored before an error are harmless: the store is addressed by
// content and nothing refers to them.
func ReadMultipart(w http.ResponseWriter, r *http.Request, st Store, lim Limits, keepGoing bool) (*Multipart, error) {
	r.Body = http.MaxBytesReader(w, r.Body, lim.Dossier+lim.Field)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errBadMultipart()
	}
	out := &Multipart{Fields: map[string]string{}}
	var total int64
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, TooLargeDossier(lim.Dossier)
			}
			return nil, errBadMultipart()
		}
		name := p.FormName()
		if p.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(p, lim.Field+1))
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, TooLargeDossier(lim.Dossier)
				}
				return nil, errBadMultipart()
			}
			if int64(len(b)) > lim.Field {
				return nil, apperr.New(apperr.TooLarge, "body_too_large", "Yêu cầu quá lớn so với dung lượng cho phép.", "The request is too large.")
			}
			out.Fields[name] = string(b)
			continue
		}
		fn := p.FileName()
		if len(fn) > 200 {
			fn = fn[:200]
		}
		stored, err := Accept(r.Context(), st, p, p.FileName(), lim.File)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, TooLargeDossier(lim.Dossier)
			}
			if _, ok := apperr.As(err); ok && keepGoing {
				if out.Rejected == nil {
					out.Rejected = map[string]error{}
				}
				out.Rejected[name] = err
				continue
			}
			return nil, err
		}
		total += stored.Size
		if total > lim.Dossier {
			return nil, TooLargeDossier(lim.Dossier)
		}
		out.Uploads = append(out.Uploads, Upload{Field: name, Filename: fn, Stored: stored})
	}
	return out, nil
}

func errBadMultipart() error {
	return apperr.New(apperr.Invalid, "bad_multipart", "Dữ liệu multipart không hợp lệ.", "Malformed multipart body.")
}

// TooLargeDossier is the error for files that together exceed limit bytes.
func TooLargeDossier(limit int64) error {
	return apperr.Newf(apperr.TooLarge, "dossier_too_large", "Tổng dung lượng các tệp vượt quá %d MB.", "The files together exceed %d MB.", limit>>20)
}
