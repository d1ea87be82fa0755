// Package smsgw is a SANDBOX brandname SMS gateway: it speaks the generic
// gateway protocol motcua's sms client speaks, so that a newcomer running
// motcua with --demo sees the text messages citizens would receive,
// offline, sent by the very client production uses.
//
// It is not a telecom gateway and sends nothing to any phone: motcua mounts
// it under /sandbox/sms/ only with --demo and no --sms-url. Its page says so
// in Vietnamese and English.
//
// It serves, below wherever it is mounted:
//   - POST …/api/send (SendPath): JSON {"to":"84…","text":"…","ref":"…"}
//     with "Authorization: Bearer <token>", answered 200 {"id":"SBX-…"}.
//     A ref already seen answers the same id and stores nothing (the
//     client sends a retried notice with the same ref). A missing or wrong
//     token is 401; a body that is not that JSON, a number that is not an
//     84 mobile number (84 and nine digits, as the client normalises it),
//     or an empty text is 400 {"error":"…"}, which the client reports as a
//     permanent refusal.
//   - GET anywhere else: a page listing the messages, newest first, with
//     the numbers masked (84912***678) and each text's segment count.
//
// Messages live in memory, the newest MaxMessages only: a restart forgets
// them, as befits a sandbox. Nothing about a message but its id and ref is
// logged.
package smsgw

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/notice/sms"
)

// SendPath is the send endpoint, below the mount point: the --sms-url of a
// gateway mounted at /sandbox/sms is BASE/sandbox/sms + SendPath.
const SendPath = "/api/send"

// MaxMessages is how many messages the sandbox keeps; older ones are
// forgotten, with their refs.
const MaxMessages = 200

// maxText bounds a message's text in characters: ten UCS-2 parts, more
// than any notice and about what brandname contracts allow.
const maxText = 670

// maxBody bounds a request body.
const maxBody = 64 << 10

// message is one message the sandbox accepted.
type message struct {
	ID       string
	At       time.Time
	To       string // 84…, as received; masked on the page
	Text     string
	Ref      string
	Segments int
	Unicode  bool
}

// gateway is the sandbox gateway.
type gateway struct {
	token string
	now   func() time.Time
	log   *slog.Logger

	mu    sync.Mutex
	msgs  []*message          // oldest first, at most MaxMessages
	byRef map[string]*message // refs of msgs
	seq   int64
}

// Option configures the gateway.
type Option func(*gateway)

// WithLogger sets the logger (slog.Default() otherwise).
func WithLogger(l *slog.Logger) Option { return func(g *gateway) { g.log = l } }

// New returns the sandbox gateway accepting messages that carry token as
// "Authorization: Bearer <token>"; an empty token refuses every message.
// It is safe for concurrent use.
func New(token string, opts ...Option) http.Handler {
	g := &gateway{token: token, now: time.Now, log: slog.Default(), byRef: map[string]*message{}}
	for _, o := range opts {
		o(g)
	}
	return g
}

// ServeHTTP routes by the path's end, so that the gateway works mounted at
// any prefix, with or without StripPrefix.
func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, SendPath) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			answer(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed: POST a message"})
			return
		}
		g.send(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		g.page(w)
	default:
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// authorized reports whether r carries the gateway's bearer token.
func (g *gateway) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && g.token != "" && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(g.token)) == 1
}

// request is the body the client posts.
type request struct {
	To   string `json:"to"`
	Text string `json:"text"`
	Ref  string `json:"ref"`
}

func (g *gateway) send(w http.ResponseWriter, r *http.Request) {
	if !g.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sandbox"`)
		answer(w, http.StatusUnauthorized, map[string]string{"error": "invalid token"})
		return
	}
	var q request
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(&q); err != nil {
		answer(w, http.StatusBadRequest, map[string]string{"error": "the body is not the JSON {\"to\",\"text\",\"ref\"}"})
		return
	}
	if dec.More() {
		answer(w, http.StatusBadRequest, map[string]string{"error": "the body holds more than one JSON value"})
		return
	}
	// The client normalises the number; the sandbox insists on that form,
	// as gateways do. The error never repeats the number.
	if n, err := sms.Normalize(q.To); err != nil || n != q.To {
		answer(w, http.StatusBadRequest, map[string]string{"error": "to is not a mobile number in the form 84xxxxxxxxx"})
		return
	}
	switch n := utf8.RuneCountInString(q.Text); {
	case !utf8.ValidString(q.Text):
		answer(w, http.StatusBadRequest, map[string]string{"error": "text is not valid UTF-8"})
		return
	case strings.TrimSpace(q.Text) == "":
		answer(w, http.StatusBadRequest, map[string]string{"error": "text is empty"})
		return
	case n > maxText:
		answer(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("text has %d characters; at most %d are taken", n, maxText)})
		return
	}
	q.Ref = strings.TrimSpace(q.Ref)
	if len(q.Ref) > 100 {
		answer(w, http.StatusBadRequest, map[string]string{"error": "ref is longer than 100 bytes"})
		return
	}

	g.mu.Lock()
	if m, seen := g.byRef[q.Ref]; seen && q.Ref != "" {
		// A retry of a message already taken: same id, nothing stored, as
		// a deduplicating gateway does (whatever the retry's text).
		g.mu.Unlock()
		g.log.InfoContext(r.Context(), "sandbox sms: repeated ref, same id", "id", m.ID, "ref", q.Ref)
		answer(w, http.StatusOK, map[string]string{"id": m.ID})
		return
	}
	g.seq++
	segs, ucs := sms.Segments(q.Text)
	m := &message{ID: fmt.Sprintf("SBX-%06d", g.seq), At: g.now(), To: q.To, Text: q.Text, Ref: q.Ref, Segments: segs, Unicode: ucs}
	g.msgs = append(g.msgs, m)
	if q.Ref != "" {
		g.byRef[q.Ref] = m
	}
	if len(g.msgs) > MaxMessages {
		old := g.msgs[0]
		if g.byRef[old.Ref] == old {
			delete(g.byRef, old.Ref)
		}
		g.msgs[0] = nil
		g.msgs = g.msgs[1:]
	}
	g.mu.Unlock()
	g.log.InfoContext(r.Context(), "sandbox sms: message accepted", "id", m.ID, "ref", m.Ref, "segments", m.Segments)
	answer(w, http.StatusOK, map[string]string{"id": m.ID})
}

// zone is Vietnam's time, in which the page shows times.
var zone = time.FixedZone("ICT", 7*3600)

type row struct {
	ID, At, To, Text, Ref, Coding string
	Segments                      int
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng SMS thử nghiệm / SMS gateway sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem}
.sandbox{background:#b00020;color:#fff;padding:1rem;font-weight:bold;border-radius:.3rem}
.en{color:#555;font-size:.95em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
td.text{white-space:pre-wrap}
</style></head>
<body>
<p class="sandbox" role="alert">THỬ NGHIỆM — không phải cổng SMS thật: không tin nhắn nào được gửi tới điện thoại<br><span lang="en">SANDBOX — not a real SMS gateway: no message reaches any phone</span></p>
<h1>Tin nhắn SMS đã nhận</h1>
<p class="en" lang="en">Text messages received, newest first (the newest {{.Max}} are kept)</p>
{{if .Rows}}<table>
<thead><tr><th>Thời điểm / Time</th><th>Mã / Id</th><th>Người nhận / To</th><th>Nội dung / Text</th><th>Tham chiếu / Ref</th><th>Số phần / Segments</th></tr></thead>
<tbody>
{{range .Rows}}<tr><td>{{.At}}</td><td>{{.ID}}</td><td>{{.To}}</td><td class="text">{{.Text}}</td><td>{{.Ref}}</td><td>{{.Segments}} ({{.Coding}})</td></tr>
{{end}}</tbody>
</table>{{else}}<p>Chưa có tin nhắn nào. <span class="en" lang="en">No message yet.</span></p>{{end}}
</body></html>
`))

func (g *gateway) page(w http.ResponseWriter) {
	g.mu.Lock()
	rows := make([]row, 0, len(g.msgs))
	for i := len(g.msgs) - 1; i >= 0; i-- {
		m := g.msgs[i]
		coding := "GSM-7"
		if m.Unicode {
			coding = "UCS-2"
		}
		rows = append(rows, row{ID: m.ID, At: m.At.In(zone).Format("02/01/2006 15:04:05"), To: sms.Mask(m.To),
			Text: m.Text, Ref: m.Ref, Segments: m.Segments, Coding: coding})
	}
	g.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	_ = pageTmpl.Execute(w, struct {
		Rows []row
		Max  int
	}{rows, MaxMessages})
}
