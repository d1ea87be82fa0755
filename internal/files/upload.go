package files

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"

	"github.com/gabriel-vasile/mimetype"

	"github.com/motcua/motcua/internal/apperr"
)

// Accepted content types for dossier documents, recognised by content.
var allowed = map[string]bool{
	"application/pdf": true,
	"image/jpeg":      true,
	"image/png":       true,
}

// Stored describes an accepted upload, staged in the store: the caller
// keeps it (Store.Keep) once the request is accepted, or discards it.
type Stored struct {
	Key         string
	SHA256      string
	Size        int64
	ContentType string
	Staged      Staged
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
// its content, whatever its name says) and stages it in st; the caller
// syncs st before committing anything that refers to it (ReadMultipart
// does), then keeps or discards it. On error nothing is left in st.
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
	s, err := st.Stage(ctx, &capped{r: br, left: limit})
	if errors.Is(err, errTooLarge) {
		return Stored{}, apperr.Newf(apperr.TooLarge, "file_too_large",
			"Tệp «%s» vượt quá dung lượng cho phép (%d MB).", "File %q is larger than the %d MB allowed.", filename, limit>>20)
	}
	if err != nil {
		return Stored{}, fmt.Errorf("storing upload: %w", err)
	}
	return Stored{Key: s.Key, SHA256: s.SHA256, Size: s.Size, ContentType: mt, Staged: s}, nil
}

// Limits bound a multipart upload.
type Limits struct {
	Field   int64 // one plain (non-file) field
	File    int64 // one file
	Dossier int64 // all files of one request
}

// How many files a dossier holds: MaxPerDocument for one document of the
// list, MaxPerDossier in all. ReadMultipart applies them to one request;
// the dossier service to the dossier.
const (
	MaxPerDocument = 10
	MaxPerDossier  = 50
)

// MaxFields is how many plain fields a multipart request may carry.
const MaxFields = 500

// MaxFilename is the longest file name kept, in bytes; a longer one is cut
// on a character boundary.
const MaxFilename = 200

// Upload is one file part of a multipart request, accepted and staged.
type Upload struct {
	Field    string // the part's form name, e.g. "doc.to_khai"
	Filename string // the name the client gave, at most MaxFilename bytes
	Stored
}

// Multipart is what ReadMultipart read. Its uploads are staged and durable
// (or, with DeferSync, made durable by the commit that refers to them, see
// Durable): Keep them once what refers to them is committed; Discard
// (deferred right after ReadMultipart) removes those not kept.
type Multipart struct {
	Fields  map[string]string // plain fields; a name sent twice keeps its last value
	Uploads []Upload
	// Rejected holds, by form name, the apperr error of each file Accept
	// refused (type, size, empty), when ReadMultipart was asked to keep
	// going; otherwise the first such error is returned.
	Rejected map[string]error

	st   Store
	kept bool
	// deferred: ReadMultipart left the uploads' sync to the commit and
	// Durable has not handed it over yet; Keep refuses then.
	deferred bool
}

// Option changes how ReadMultipart reads a request.
type Option int

// DeferSync leaves the uploads' sync to the commit that refers to them, so
// that a request waits for one sync, shared with that commit's group, where
// it waited for two in turn (issue 14). The caller must hand
// Multipart.Durable to that commit (dossier.NewDossier.Durable), which runs
// it before committing and commits nothing that needs it if it fails.
const DeferSync Option = 1

// Syncer makes uploads durable. Two Syncers of the same store are equal
// (==), so that a commit shared by several requests syncs once.
type Syncer interface {
	Sync(ctx context.Context) error
}

// storeSync is the Syncer of a store's staged uploads; comparable, equal
// for every request on the same store.
type storeSync struct{ st Store }

// Sync runs a round of the store's sync; a failure is the 503 ReadMultipart
// gives when it syncs itself.
func (s storeSync) Sync(ctx context.Context) error {
	if err := s.st.Sync(ctx); err != nil {
		return errSync(err)
	}
	return nil
}

// Durable hands the uploads' sync, left pending by DeferSync, to the
// commit that refers to them: it must run Sync before its COMMIT, and
// commit nothing that refers to the uploads if Sync fails. Nil when there
// is nothing to sync (no uploads, or ReadMultipart synced them). Keep
// refuses uploads read with DeferSync until Durable was called.
func (m *Multipart) Durable() Syncer {
	if m == nil || !m.deferred {
		return nil
	}
	m.deferred = false
	return storeSync{m.st}
}

// ErrSyncNotHandedOver is Keep's error for uploads read with DeferSync
// whose sync was never handed to a commit (Multipart.Durable): a surface
// that forgot it. Its handler logs the error and the staged files wait
// for Sweep; a test of the order of syncs and commits catches it (as
// api.TestSubmitSyncsFilesBeforeCommit does).
var ErrSyncNotHandedOver = errors.New("keeping uploads: their sync was never handed to the commit (files.DeferSync without Multipart.Durable)")

// Keep moves every upload into the store for good. It does not wait for
// the moves to be durable: ReadMultipart synced the staged files before
// the caller committed what refers to them, the next sync round (any
// request's) carries the moves, and should a power cut come first, Sweep
// moves the staged copies into place again. A failure likewise leaves the
// staged files for Sweep.
func (m *Multipart) Keep(ctx context.Context) error {
	return m.KeepSome(ctx, nil)
}

// KeepSome keeps the uploads which (nil: all) selects, as Keep does, and
// discards the others.
func (m *Multipart) KeepSome(ctx context.Context, which func(Upload) bool) error {
	if m == nil || m.kept {
		return nil
	}
	if m.deferred {
		// A programming error: the commit that refers to the uploads
		// did not make them durable first (see DeferSync). Nothing is
		// moved; the staged files stay for Sweep, which moves those a
		// committed dossier refers to.
		return ErrSyncNotHandedOver
	}
	m.kept = true
	// No sync here: it was the second round of every request with files,
	// on its critical path after the commit (issue 14).
	var errs []error
	for _, u := range m.Uploads {
		if which != nil && !which(u) {
			_ = m.st.Discard(u.Staged)
			continue
		}
		if err := m.st.Keep(ctx, u.Staged); err != nil {
			errs = append(errs, fmt.Errorf("keeping uploads: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Discard removes the staged uploads unless Keep was called.
func (m *Multipart) Discard() {
	if m == nil || m.kept {
		return
	}
	m.kept = true
	discard(m.st, m.Uploads)
}

func discard(st Store, ups []Upload) {
	for _, u := range ups {
		_ = st.Discard(u.Staged)
	}
}

// readTrace remembers the first error reading a part, to tell a broken
// body (400, 413) from a failing disk (500).
type readTrace struct {
	r   io.Reader
	err error
}

func (t *readTrace) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
}

// bodyError maps an error reading the body: too large for the limit, or
// malformed (cut short, garbled).
func bodyError(err error, lim Limits) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return TooLargeDossier(lim.Dossier)
	}
	return errBadMultipart()
}

// ReadMultipart reads a multipart/form-data body: plain fields, and files
// checked by content and size with Accept and staged in st. The whole body
// is bounded by lim.Dossier+lim.Field, the files by MaxPerDocument per
// form name and MaxPerDossier in all, the plain fields by MaxFields. Names,
// values and file names must be valid UTF-8 without NUL (apperr.BadText);
// file names are cut to MaxFilename bytes. A body cut short or garbled is
// a 400 (bad_multipart). A file part with an empty file name (a file input
// left empty) reads as an empty plain field. With keepGoing, a file Accept
// refuses is recorded in Rejected and reading goes on, so that a form can
// show every problem at once; everything else stays fatal. The staged
// files are durable when it returns (one Sync for the request, shared with
// the requests staging at the same time), so that the caller may commit
// what refers to them; a failing sync is a 503 (file_store_unavailable).
// With DeferSync it does not sync: the caller hands Multipart.Durable to
// its commit. On error nothing is left staged.
func ReadMultipart(w http.ResponseWriter, r *http.Request, st Store, lim Limits, keepGoing bool, opts ...Option) (_ *Multipart, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, lim.Dossier+lim.Field)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errBadMultipart()
	}
	out := &Multipart{Fields: map[string]string{}, st: st}
	defer func() {
		if err != nil {
			out.Discard()
		}
	}()
	var total int64
	perField := map[string]int{}
	fields := 0
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bodyError(err, lim)
		}
		name := p.FormName()
		if err := apperr.CheckText(name, name); err != nil {
			return nil, err
		}
		if p.FileName() == "" {
			if fields++; fields > MaxFields {
				return nil, apperr.Newf(apperr.Invalid, "too_many_fields", "Biểu mẫu có quá nhiều trường (tối đa %d).", "The form has too many fields (%d at most).", MaxFields)
			}
			b, err := io.ReadAll(io.LimitReader(p, lim.Field+1))
			if err != nil {
				return nil, bodyError(err, lim)
			}
			if int64(len(b)) > lim.Field {
				return nil, apperr.New(apperr.TooLarge, "body_too_large", "Yêu cầu quá lớn so với dung lượng cho phép.", "The request is too large.")
			}
			if err := apperr.CheckText(name, string(b)); err != nil {
				return nil, err
			}
			out.Fields[name] = string(b)
			continue
		}
		fn := p.FileName()
		if err := apperr.CheckText(name, fn); err != nil {
			return nil, err
		}
		fn = apperr.CutUTF8(fn, MaxFilename)
		perField[name]++
		if perField[name] > MaxPerDocument || len(out.Uploads)+len(out.Rejected) >= MaxPerDossier {
			return nil, TooManyFiles()
		}
		trace := &readTrace{r: p}
		stored, err := Accept(r.Context(), st, trace, fn, lim.File)
		if trace.err != nil {
			// The body broke: whatever Accept made of it, the request is bad.
			if stored.Staged.Temp != "" {
				_ = st.Discard(stored.Staged)
			}
			return nil, bodyError(trace.err, lim)
		}
		if err != nil {
			if _, ok := apperr.As(err); ok && keepGoing {
				if out.Rejected == nil {
					out.Rejected = map[string]error{}
				}
				out.Rejected[name] = err
				continue
			}
			return nil, err
		}
		out.Uploads = append(out.Uploads, Upload{Field: name, Filename: fn, Stored: stored})
		total += stored.Size
		if total > lim.Dossier {
			return nil, TooLargeDossier(lim.Dossier)
		}
	}
	// This is the one place every surface (API, portal, back office)
	// stages uploads through: the rule "durable before commit" lives here,
	// kept here or handed to the commit (DeferSync, Durable), whose Keep
	// refuses to run otherwise.
	if len(out.Uploads) == 0 {
		return out, nil
	}
	if slices.Contains(opts, DeferSync) {
		out.deferred = true
		return out, nil
	}
	if err := (storeSync{st}).Sync(r.Context()); err != nil {
		return nil, err
	}
	return out, nil
}

// errSync is the error for uploads the disk could not make durable: the
// request fails whole (its files are discarded) and may be sent again.
func errSync(err error) error {
	e := apperr.New(apperr.Unavailable, "file_store_unavailable",
		"Không lưu được tệp đính kèm lúc này. Vui lòng gửi lại sau ít phút.",
		"The attached files could not be saved just now. Please send them again in a few minutes.")
	e.Err = err
	return e
}

// TooManyFiles is the error for more files than a document or a dossier
// may hold.
func TooManyFiles() error {
	return apperr.Newf(apperr.Invalid, "too_many_files",
		"Quá nhiều tệp: mỗi giấy tờ tối đa %d tệp, mỗi hồ sơ tối đa %d tệp.",
		"Too many files: %d at most for one document, %d for one dossier.", MaxPerDocument, MaxPerDossier)
}

func errBadMultipart() error {
	return apperr.New(apperr.Invalid, "bad_multipart", "Dữ liệu multipart không hợp lệ.", "Malformed multipart body.")
}

// TooLargeDossier is the error for files that together exceed limit bytes.
func TooLargeDossier(limit int64) error {
	return apperr.Newf(apperr.TooLarge, "dossier_too_large", "Tổng dung lượng các tệp vượt quá %d MB.", "The files together exceed %d MB.", limit>>20)
}

// Open reads an upload's content while it is staged (before Keep), for
// the checks an action makes of the file it carries.
func (u Upload) Open() (io.ReadCloser, error) {
	if u.Staged.Temp == "" {
		return nil, errors.New("upload has no staged content")
	}
	return os.Open(u.Staged.Temp)
}
