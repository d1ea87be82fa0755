package notice

import (
	"bytes"
	"html"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/web"
)

// Input is what a notice about one event needs; everything is already
// loaded (no store, no request).
type Input struct {
	Lang          string // "vi" or "en"
	Code          string // dossier code
	ProcedureName string
	Name          string // the applicant's display name (may be empty)
	Event         dossier.Event
	Version       *catalog.Version // may be nil
	AppointedDue  time.Time        // zero when none
	TrackURL      string           // absolute link to the dossier page on the portal
}

// Content is the notice rendered for every channel.
type Content struct {
	Subject  string            // e-mail subject, with the dossier code: "[Hồ sơ HN-…] Bộ phận một cửa đã tiếp nhận hồ sơ"
	Text     string            // e-mail plain text
	HTML     string            // the same as HTML, escaped, inline-styled
	SMS      string            // one short line: code and the event's sentence
	ZaloData map[string]string // ZNS template_data
	// Action is the event's, which picks the channel's template (Zalo).
	Action string
}

// renderSMSMax bounds an SMS, in characters: five concatenated UCS-2
// parts (67 each). The sentence is short but for a reason or a list of
// documents typed by an officer, which the e-mail and the portal give in
// full.
const renderSMSMax = 5 * 67

// renderFact is one labelled line of a notice: procedure, code, date.
type renderFact struct{ Label, Value string }

// renderFrame is a notice before it is written for a channel.
type renderFrame struct {
	Lang     string
	Subject  string
	Greeting string
	Sentence string
	Apology  string // reschedule only
	Facts    []renderFact
	TrackURL string
	Track    string
	Footer   string
}

// Render writes the notice of in.Event for every channel, in in.Lang.
// It tells the event with EventText, the sentence of the portal's
// timeline, so the citizen reads the same words everywhere.
func Render(in Input) Content {
	lang := wLang(in.Lang)
	t := func(key string, args ...any) string { return wText(lang, key, args...) }
	ev := in.Event
	name := strings.TrimSpace(in.Name)

	f := renderFrame{Lang: lang, Sentence: EventText(ev, in.Version, lang), Track: t("notice.track"),
		TrackURL: strings.TrimSpace(in.TrackURL), Footer: t("notice.footer")}
	title := t("notice.subject.other")
	if _, ok := KindOf(ev); ok {
		title = t("notice.subject." + string(ev.Action))
	}
	f.Subject = t("notice.subject", in.Code, title)
	f.Greeting = t("notice.greeting.anonymous")
	if name != "" {
		f.Greeting = t("notice.greeting", name)
	}

	// The date the citizen waits for: the new one for a rescheduling
	// (the event is the authority, whatever came after), else the
	// appointed date the caller knows, unless the event voids it: a
	// refused or delivered dossier waits for nothing, and a request for
	// documents stops the clock until they are in.
	due, dueLabel := in.AppointedDue, "notice.due"
	switch ev.Action {
	case dossier.ActRefuse, dossier.ActRequestSupplement, dossier.ActDeliver, dossier.ActStop, dossier.ActWithdraw:
		due = time.Time{}
	}
	var oldDue time.Time
	if ev.Action == dossier.ActReschedule {
		f.Apology = t("notice.apology")
		if data, ok := ev.Data.(dossier.RescheduleData); ok {
			if !data.NewDue.IsZero() {
				due = data.NewDue
			}
			oldDue = data.OldDue
		}
		dueLabel = "notice.due.new"
	}
	if p := strings.TrimSpace(in.ProcedureName); p != "" {
		f.Facts = append(f.Facts, renderFact{t("notice.procedure"), p})
	}
	f.Facts = append(f.Facts, renderFact{t("notice.code"), in.Code})
	if !oldDue.IsZero() {
		f.Facts = append(f.Facts, renderFact{t("notice.due.old"), web.Date(oldDue)})
	}
	if !due.IsZero() {
		f.Facts = append(f.Facts, renderFact{t(dueLabel), web.Date(due)})
	}

	sms := in.Code + ": " + f.Sentence
	// The date matters in a short line when it is news: the day to come
	// back for a dossier just received (a rescheduling's sentence already
	// says its date).
	if ev.Action == dossier.ActReceive && !due.IsZero() {
		sms += " " + t("notice.sms.due", web.Date(due))
	}

	return Content{
		Action:  string(ev.Action),
		Subject: f.Subject,
		Text:    renderText(f),
		HTML:    renderHTML(f),
		SMS:     renderShort(sms, renderSMSMax),
		ZaloData: map[string]string{
			"ma_ho_so":     in.Code,
			"ten_thu_tuc":  strings.TrimSpace(in.ProcedureName),
			"noi_dung":     f.Sentence,
			"ngay_hen_tra": web.Date(due),
			"ten_cong_dan": name,
		},
	}
}

// renderText writes the plain-text e-mail.
func renderText(f renderFrame) string {
	var b strings.Builder
	b.WriteString(f.Greeting + "\n\n" + f.Sentence + "\n\n")
	if f.Apology != "" {
		b.WriteString(f.Apology + "\n\n")
	}
	for _, x := range f.Facts {
		b.WriteString(x.Label + ": " + x.Value + "\n")
	}
	if f.TrackURL != "" {
		b.WriteString("\n" + f.Track + ":\n" + f.TrackURL + "\n")
	}
	b.WriteString("\n" + f.Footer + "\n")
	return b.String()
}

// renderPage is the HTML e-mail: one narrow column with inline styles,
// which mail clients keep and phones read without zooming.
var renderPage = template.Must(template.New("notice").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<div style="max-width:560px;margin:0 auto;padding:24px 16px;background:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2937;">
<p style="margin:0 0 16px;">{{.Greeting}}</p>
<p style="margin:0 0 16px;font-weight:bold;">{{.Sentence}}</p>
{{- if .Apology}}
<p style="margin:0 0 16px;">{{.Apology}}</p>
{{- end}}
<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;">
{{- range .Facts}}
<tr><td style="padding:4px 12px 4px 0;color:#4b5563;vertical-align:top;">{{.Label}}</td><td style="padding:4px 0;font-weight:bold;">{{.Value}}</td></tr>
{{- end}}
</table>
{{- if .TrackURL}}
<p style="margin:0 0 16px;"><a href="{{.TrackURL}}" style="display:inline-block;padding:12px 16px;background:#b91c1c;color:#ffffff;text-decoration:none;border-radius:4px;">{{.Track}}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#4b5563;word-break:break-all;">{{.TrackURL}}</p>
{{- end}}
<p style="margin:24px 0 0;font-size:13px;color:#6b7280;">{{.Footer}}</p>
</div>
</body>
</html>
`))

// renderHTML writes the HTML e-mail. The template escapes every value (a
// note typed by an officer is text, never markup); should it fail, the
// plain text goes out escaped rather than no notice at all.
func renderHTML(f renderFrame) string {
	var b bytes.Buffer
	if err := renderPage.Execute(&b, f); err != nil {
		return "<pre>" + html.EscapeString(renderText(f)) + "</pre>"
	}
	return b.String()
}

// renderShort makes s one line of at most limit characters: line breaks and
// runs of spaces become one space, and a longer text is cut at a word
// with "…".
func renderShort(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)[:limit-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
