package mailbox

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// zone is Vietnam's time, in which the page shows times.
var zone = time.FixedZone("ICT", 7*3600)

type listRow struct {
	ID                           int64
	At, From, To, Subject, MsgID string
}

type pageData struct {
	Max     int
	Rows    []listRow
	Msg     *Message
	At      string
	To      string
	Missing bool
}

// The HTML part of a message is shown two ways, neither of them raw in
// the page: rendered in an iframe whose srcdoc attribute holds it escaped,
// sandboxed with no permission at all (no scripts, no forms, no
// navigation of the page, an opaque origin) and under the page's CSP,
// which the srcdoc document inherits (no outside loads: remote images and
// trackers stay blank); and as its source, escaped in a <pre>. Checked in
// Chromium: inline styles and diacritics render, a script and a remote
// image do nothing. (Headless screenshots may show the frame blank: the
// sandboxed frame runs in its own process.)
var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hộp thư thử nghiệm / Mailbox sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem}
.sandbox{background:#b00020;color:#fff;padding:1rem;font-weight:bold;border-radius:.3rem}
.en{color:#555;font-size:.95em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.8rem;border:1px solid #ddd}
iframe{width:100%;height:28rem;border:1px solid #ccc}
.problem{color:#8a4b00}
</style></head>
<body>
<p class="sandbox" role="alert">THỬ NGHIỆM — không phải hộp thư thật: thư không được gửi tới ai<br><span lang="en">SANDBOX — not a real mail server: no e-mail reaches anybody</span></p>
{{if .Msg}}{{with .Msg}}
<p><a href="./">← Tất cả thư <span class="en" lang="en">/ All messages</span></a></p>
<h1 id="subject">{{.Subject}}</h1>
<dl>
<dt>Nhận lúc <span class="en" lang="en">/ Received</span></dt><dd>{{$.At}}</dd>
<dt>Từ <span class="en" lang="en">/ From</span></dt><dd>{{.From}}{{if .EnvelopeFrom}} <span class="en">(MAIL FROM {{.EnvelopeFrom}})</span>{{end}}</dd>
<dt>Gửi tới <span class="en" lang="en">/ Delivered to</span></dt><dd>{{$.To}}</dd>
{{if .HeaderTo}}<dt>To</dt><dd>{{.HeaderTo}}</dd>{{end}}
{{if .Cc}}<dt>Cc</dt><dd>{{.Cc}}</dd>{{end}}
{{if .MessageID}}<dt>Message-ID</dt><dd>{{.MessageID}}</dd>{{end}}
{{if .Ref}}<dt>X-Motcua-Ref</dt><dd>{{.Ref}}</dd>{{end}}
{{if .Date}}<dt>Date</dt><dd>{{.Date}}</dd>{{end}}
<dt>Kích thước <span class="en" lang="en">/ Size</span></dt><dd>{{.Size}} byte</dd>
</dl>
{{range .Problems}}<p class="problem">⚠ {{.}}</p>{{end}}
<h2>Nội dung văn bản <span class="en" lang="en">/ Plain text</span></h2>
{{if .Text}}<pre id="text">{{.Text}}</pre>{{else}}<p>Không có phần văn bản. <span class="en" lang="en">No plain-text part.</span></p>{{end}}
<h2>Nội dung HTML <span class="en" lang="en">/ HTML</span></h2>
{{if .HTML}}<p class="en">Hiển thị trong khung cách ly: không chạy script, không tải gì từ bên ngoài. <span lang="en">Shown in a sandboxed frame: no scripts run, nothing is loaded from outside.</span></p>
<iframe id="html" title="HTML" sandbox="" referrerpolicy="no-referrer" srcdoc="{{.HTML}}"></iframe>
<details><summary>Mã nguồn HTML <span class="en" lang="en">/ HTML source</span></summary><pre id="html-source">{{.HTML}}</pre></details>
{{else}}<p>Không có phần HTML. <span class="en" lang="en">No HTML part.</span></p>{{end}}
{{if .Attachments}}<h2>Tệp đính kèm <span class="en" lang="en">/ Attachments</span></h2>
<ul>{{range .Attachments}}<li>{{if .Name}}{{.Name}}{{else}}(không tên / unnamed){{end}} — {{.Type}}, {{.Size}} byte</li>{{end}}</ul>{{end}}
{{end}}{{else if .Missing}}
<p>Không tìm thấy thư này: hộp thư chỉ giữ {{.Max}} thư mới nhất.</p>
<p class="en" lang="en">No such message: the mailbox keeps the newest {{.Max}} only.</p>
<p><a href="./">← Tất cả thư <span class="en" lang="en">/ All messages</span></a></p>
{{else}}
<h1>Thư đã nhận</h1>
<p class="en" lang="en">E-mails received, newest first (the newest {{.Max}} are kept)</p>
{{if .Rows}}<table>
<thead><tr><th>Thời điểm / Time</th><th>Từ / From</th><th>Đến / To</th><th>Tiêu đề / Subject</th><th>Message-ID</th></tr></thead>
<tbody>
{{range .Rows}}<tr><td>{{.At}}</td><td>{{.From}}</td><td>{{.To}}</td><td><a href="?id={{.ID}}">{{if .Subject}}{{.Subject}}{{else}}(không tiêu đề / no subject){{end}}</a></td><td>{{.MsgID}}</td></tr>
{{end}}</tbody>
</table>{{else}}<p>Chưa có thư nào. <span class="en" lang="en">No message yet.</span></p>{{end}}
{{end}}
</body></html>
`))

// ServeHTTP serves the page at whatever path the mailbox is mounted: the
// list, or with ?id=N one message.
func (m *Mailbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// The page's own scripts: none. The e-mail's HTML inherits this policy
	// in its srcdoc frame: inline styles and data: images only.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'")
	d := pageData{Max: MaxMessages}
	if q := r.URL.Query().Get("id"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		x, ok := m.Message(id)
		if err != nil || !ok {
			d.Missing = true
			w.WriteHeader(http.StatusNotFound)
			_ = pageTmpl.Execute(w, d)
			return
		}
		d.Msg, d.At, d.To = &x, x.Received.In(zone).Format("02/01/2006 15:04:05"), strings.Join(x.To, ", ")
		_ = pageTmpl.Execute(w, d)
		return
	}
	for _, x := range m.Messages() {
		from := x.From
		if from == "" {
			from = x.EnvelopeFrom
		}
		d.Rows = append(d.Rows, listRow{ID: x.ID, At: x.Received.In(zone).Format("02/01/2006 15:04:05"), From: from,
			To: strings.Join(x.To, ", "), Subject: x.Subject, MsgID: x.MessageID})
	}
	_ = pageTmpl.Execute(w, d)
}
