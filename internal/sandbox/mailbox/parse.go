package mailbox

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

// Bounds of the MIME walk: a message nesting deeper or holding more parts
// is shown as far as these go, with a problem noted.
const (
	maxDepth = 8
	maxParts = 100
)

// words decodes RFC 2047 encoded words in any charset the WHATWG index
// knows (windows-1258 included).
var words = &mime.WordDecoder{CharsetReader: charsetReader}

func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	e, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q", charset)
	}
	return e.NewDecoder().Reader(input), nil
}

// header decodes a header's encoded words; an undecodable one is kept as
// sent.
func header(v string) string {
	d, err := words.DecodeHeader(v)
	if err != nil {
		return strings.ToValidUTF8(v, "\uFFFD")
	}
	return strings.ToValidUTF8(d, "\uFFFD")
}

// parse decodes a raw message; it never fails: what cannot be decoded is
// noted in Problems and shown as well as it can be.
func parse(raw []byte) *Message {
	x := &Message{Size: len(raw)}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		x.Problems = append(x.Problems, "the header cannot be read: the message is shown as received")
		x.Text = strings.ToValidUTF8(string(raw), "\uFFFD")
		return x
	}
	h := msg.Header
	x.From, x.HeaderTo, x.Cc = header(h.Get("From")), header(h.Get("To")), header(h.Get("Cc"))
	x.Subject = header(h.Get("Subject"))
	x.MessageID = strings.ToValidUTF8(strings.TrimSpace(h.Get("Message-Id")), "\uFFFD")
	x.Ref = strings.ToValidUTF8(strings.TrimSpace(h.Get("X-Motcua-Ref")), "\uFFFD")
	x.Date = strings.ToValidUTF8(strings.TrimSpace(h.Get("Date")), "\uFFFD")
	ctype := h.Get("Content-Type")
	if h.Get("Mime-Version") == "" && ctype == "" {
		ctype = "text/plain; charset=us-ascii"
	}
	w := walker{x: x}
	w.walk(ctype, h.Get("Content-Transfer-Encoding"), h.Get("Content-Disposition"), msg.Body, 0)
	return x
}

type walker struct {
	x     *Message
	parts int
}

func (w *walker) problem(format string, args ...any) {
	w.x.Problems = append(w.x.Problems, fmt.Sprintf(format, args...))
}

// walk decodes one MIME entity and, for a multipart, its parts.
func (w *walker) walk(ctype, cte, disposition string, body io.Reader, depth int) {
	w.parts++
	if w.parts > maxParts {
		if w.parts == maxParts+1 {
			w.problem("more than %d parts: the rest are not shown", maxParts)
		}
		return
	}
	media, params, err := mime.ParseMediaType(ctype)
	if ctype == "" || err != nil {
		// RFC 2045 §5.2: a missing or unreadable type is plain text.
		if ctype != "" {
			w.problem("unreadable Content-Type %q: read as plain text", clip(ctype))
		}
		media, params = "text/plain", map[string]string{"charset": "us-ascii"}
	}
	if strings.HasPrefix(media, "multipart/") {
		w.multipart(media, params, body, depth)
		return
	}
	data, err := decodeTransfer(cte, body)
	if err != nil {
		w.problem("the %s part's %s encoding is broken: shown as far as it decodes", media, strings.ToLower(strings.TrimSpace(cte)))
	}
	disp, dparams, _ := mime.ParseMediaType(disposition)
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = header(name)
	inline := disp != "attachment" && name == ""
	switch {
	case media == "text/plain" && inline && w.x.Text == "":
		w.x.Text = w.text(data, params["charset"])
	case media == "text/html" && inline && w.x.HTML == "":
		w.x.HTML = w.text(data, params["charset"])
	default:
		w.x.Attachments = append(w.x.Attachments, Attachment{Name: name, Type: media, Size: len(data)})
	}
}

func (w *walker) multipart(media string, params map[string]string, body io.Reader, depth int) {
	boundary := params["boundary"]
	if boundary == "" || depth >= maxDepth {
		if boundary == "" {
			w.problem("a %s without a boundary: shown as text", media)
		} else {
			w.problem("parts nested more than %d deep are not shown", maxDepth)
		}
		data, _ := io.ReadAll(body)
		if w.x.Text == "" {
			w.x.Text = strings.ToValidUTF8(string(data), "\uFFFD")
		}
		return
	}
	mr := multipart.NewReader(body, boundary)
	for {
		// NextRawPart: the transfer encoding is undone here, one way for
		// quoted-printable and base64 alike.
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			w.problem("a %s is cut short or malformed: its remaining parts are not shown", media)
			return
		}
		w.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p, depth+1)
		if w.parts > maxParts {
			return
		}
	}
}

// decodeTransfer undoes a Content-Transfer-Encoding; on error it returns
// what decoded before it.
func decodeTransfer(cte string, body io.Reader) ([]byte, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		// The decoder skips line breaks; other white space some senders
		// leave is removed as well.
		r = base64.NewDecoder(base64.StdEncoding, &spaceless{r: body})
	default: // 7bit, 8bit, binary, or nothing
		r = body
	}
	return io.ReadAll(r)
}

// spaceless drops spaces and tabs, which base64 does not skip.
type spaceless struct{ r io.Reader }

func (s *spaceless) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// text converts a text part to UTF-8 from its charset.
func (w *walker) text(data []byte, charset string) string {
	cs := strings.ToLower(strings.TrimSpace(charset))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
	default:
		e, err := htmlindex.Get(cs)
		if err != nil {
			w.problem("unknown charset %q: read as UTF-8", clip(charset))
			break
		}
		d, err := e.NewDecoder().Bytes(data)
		if err != nil {
			w.problem("text in %q does not decode: read as UTF-8", clip(charset))
			break
		}
		data = d
	}
	if !utf8.Valid(data) {
		w.problem("the text is not valid %s: bad bytes replaced", strings.ToUpper(cmp(cs, "utf-8")))
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

func cmp(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// clip cuts a sender's value quoted in a problem.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
