package reminder

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"time"
)

// words are the e-mail's sentences in one language.
type words struct {
	Subject      string // day, count
	Greeting     string // name
	Intro        string // count
	Overdue      string
	OverdueNote  string
	Apology      string // day
	ApologyNote  string // next working day, day
	DueSoon      string // next working day
	DueSoonNote  string
	Due          string
	Rescheduled  string
	Open         string
	Footer       string
	DateLayout   string
	DueLayout    string
	WeekdayNames [7]string
}

var vocabulary = map[string]words{
	"vi": {
		Subject:      "[motcua] Hồ sơ đến hạn ngày {{day .Day}}: {{.Len}} hồ sơ",
		Greeting:     "Kính gửi {{.Name}},",
		Intro:        "Hôm nay, {{weekday .Day}} ngày {{day .Day}}, Anh/Chị có {{.Len}} hồ sơ được giao đang quá hạn hoặc sắp đến hạn.",
		Overdue:      "Hồ sơ đã quá hạn",
		OverdueNote:  "Đề nghị khẩn trương giải quyết và báo cáo lãnh đạo đơn vị.",
		Apology:      "Cần lập văn bản xin lỗi trong hôm nay",
		ApologyNote:  "Các hồ sơ dưới đây hết hạn vào ngày {{day .NextDay}} và chưa được gia hạn. Theo Điều 19 Nghị định 61/2018/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 107/2021/NĐ-CP), khi hồ sơ không giải quyết được đúng hạn, cơ quan giải quyết phải gửi văn bản xin lỗi tổ chức, cá nhân, nêu rõ lý do và hẹn lại thời gian trả kết quả (mẫu 04) chậm nhất 01 ngày làm việc trước ngày hết hạn. Nếu hồ sơ không kịp trả kết quả đúng hạn, hôm nay ({{day .Day}}) là ngày cuối cùng để trình lãnh đạo thực hiện chức năng “Gia hạn, xin lỗi” trên hệ thống. Ngày hẹn chỉ được điều chỉnh một lần.",
		DueSoon:      "Đến hạn đến hết ngày làm việc tiếp theo, {{day .NextDay}}",
		DueSoonNote:  "Gồm hồ sơ đến hạn hôm nay (đã quá thời hạn gửi văn bản xin lỗi) và hồ sơ đã gia hạn.",
		Due:          "Hạn",
		Rescheduled:  "đã gia hạn",
		Open:         "Xem hồ sơ",
		Footer:       "Thư này do hệ thống motcua gửi tự động lúc 07:00 mỗi ngày làm việc; vui lòng không trả lời thư.",
		DateLayout:   "02/01/2006",
		DueLayout:    "15:04 02/01/2006",
		WeekdayNames: [7]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"},
	},
	"en": {
		Subject:      "[motcua] Dossiers falling due on {{day .Day}}: {{.Len}}",
		Greeting:     "Dear {{.Name}},",
		Intro:        "Today, {{weekday .Day}} {{day .Day}}, {{.Len}} of the dossiers assigned to you are overdue or falling due.",
		Overdue:      "Overdue",
		OverdueNote:  "Please settle them without delay and report to the head of your unit.",
		Apology:      "Apology letter due today",
		ApologyNote:  "The dossiers below fall due on {{day .NextDay}} and were never rescheduled. Under Article 19 of Decree 61/2018/NĐ-CP (as amended by Decree 107/2021/NĐ-CP), when a dossier cannot be settled in time, the unit must send the applicant a letter of apology giving the reason and a new date (form 04) at least one working day before the due date. If a dossier will not be ready in time, today ({{day .Day}}) is the last day to ask the head of the unit to use “Reset the due date” in the system. The date may be reset only once.",
		DueSoon:      "Falling due by the end of the next working day, {{day .NextDay}}",
		DueSoonNote:  "Dossiers due today (too late for an apology) and dossiers already rescheduled.",
		Due:          "Due",
		Rescheduled:  "rescheduled",
		Open:         "Open the dossier",
		Footer:       "This message is sent automatically by motcua at 07:00 on every working day; please do not reply.",
		DateLayout:   "02/01/2006",
		DueLayout:    "15:04 02/01/2006",
		WeekdayNames: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	},
}

// funcs formats for the language of w.
func funcs(w words, base string) map[string]any {
	return map[string]any{
		"day":     func(t time.Time) string { return t.Format(w.DateLayout) },
		"due":     func(t time.Time) string { return t.Format(w.DueLayout) },
		"weekday": func(t time.Time) string { return w.WeekdayNames[t.Weekday()] },
		"link":    func(code string) string { return base + "/can-bo/ho-so/" + code },
		"status":  func(it Item, lang string) string { return it.Status.Label(lang) },
	}
}

const textBody = `{{.W.Greeting | sentence}}

{{.W.Intro | sentence}}
{{- if .Overdue}}

== {{.W.Overdue}} ({{len .Overdue}}) ==
{{.W.OverdueNote}}
{{- range .Overdue}}
{{template "item" $.Item .}}
{{- end}}
{{- end}}
{{- if .Apology}}

== {{.W.Apology | sentence}} ({{len .Apology}}) ==
{{.W.ApologyNote | sentence}}
{{- range .Apology}}
{{template "item" $.Item .}}
{{- end}}
{{- end}}
{{- if .DueSoon}}

== {{.W.DueSoon | sentence}} ({{len .DueSoon}}) ==
{{.W.DueSoonNote}}
{{- range .DueSoon}}
{{template "item" $.Item .}}
{{- end}}
{{- end}}

--
{{.W.Footer}}
{{define "item"}}
- {{.It.Code}} · {{.It.ProcedureName}}
  {{.W.Due}}: {{due .It.Due}}{{if .It.Rescheduled}} ({{.W.Rescheduled}}){{end}} · {{status .It .Lang}}
  {{link .It.Code}}{{end}}`

const htmlBody = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;background:#ffffff">
<div style="max-width:640px;margin:0 auto">
<p>{{.W.Greeting | sentence}}</p>
<p>{{.W.Intro | sentence}}</p>
{{- if .Overdue}}
<h2 style="font-size:17px;margin:24px 0 4px;color:#b00020">{{.W.Overdue}} ({{len .Overdue}})</h2>
<p style="margin:0 0 8px">{{.W.OverdueNote}}</p>
{{template "items" $.Items .Overdue}}
{{- end}}
{{- if .Apology}}
<h2 style="font-size:17px;margin:24px 0 4px;color:#8a4b00">{{.W.Apology | sentence}} ({{len .Apology}})</h2>
<p style="margin:0 0 8px;padding:8px 12px;background:#fff4e0;border-left:4px solid #e0a030">{{.W.ApologyNote | sentence}}</p>
{{template "items" $.Items .Apology}}
{{- end}}
{{- if .DueSoon}}
<h2 style="font-size:17px;margin:24px 0 4px;color:#1a4d8f">{{.W.DueSoon | sentence}} ({{len .DueSoon}})</h2>
<p style="margin:0 0 8px">{{.W.DueSoonNote}}</p>
{{template "items" $.Items .DueSoon}}
{{- end}}
<p style="margin-top:32px;font-size:13px;color:#666666">{{.W.Footer}}</p>
</div>
</body>
</html>
{{define "items"}}<ul style="padding-left:20px;margin:0">
{{- range .List}}
<li style="margin-bottom:10px"><a href="{{link .Code}}" style="color:#1a4d8f;font-weight:bold">{{.Code}}</a> · {{.ProcedureName}}<br>
{{$.W.Due}}: {{due .Due}}{{if .Rescheduled}} ({{$.W.Rescheduled}}){{end}} · {{status . $.Lang}} · <a href="{{link .Code}}" style="color:#1a4d8f">{{$.W.Open}}</a></li>
{{- end}}
</ul>{{end}}`

// itemView and itemsView feed the "item" and "items" templates.
type itemView struct {
	It   Item
	W    words
	Lang string
}

type itemsView struct {
	List []Item
	W    words
	Lang string
}

// page is the root of both templates.
type page struct {
	*Digest
	W       words
	Lang    string
	Subject string
}

// Item wraps one item for the text template.
func (p page) Item(it Item) itemView { return itemView{It: it, W: p.W, Lang: p.Lang} }

// Items wraps a list for the HTML template.
func (p page) Items(list []Item) itemsView { return itemsView{List: list, W: p.W, Lang: p.Lang} }

// Render writes the digest's e-mail in lang ("vi", the default, or "en");
// links start at baseURL. To and Ref are the caller's.
func Render(d Digest, baseURL, lang string) (Mail, error) {
	if _, ok := vocabulary[lang]; !ok {
		lang = "vi"
	}
	w := vocabulary[lang]
	fm := funcs(w, strings.TrimRight(baseURL, "/"))
	// The sentences are templates too (they hold the dates and counts):
	// the bodies run them through "sentence", whose output html/template
	// then escapes like any other string.
	fm["sentence"] = func(src string) (string, error) { return runText("sentence", src, fm, &d) }
	p := page{Digest: &d, W: w, Lang: lang}
	var err error
	if p.Subject, err = runText("subject", w.Subject, fm, &d); err != nil {
		return Mail{}, err
	}
	text, err := runText("text", textBody, fm, p)
	if err != nil {
		return Mail{}, err
	}
	t, err := htmltemplate.New("html").Funcs(fm).Parse(htmlBody)
	if err != nil {
		return Mail{}, fmt.Errorf("rendering the digest: %w", err)
	}
	var b strings.Builder
	if err := t.Execute(&b, p); err != nil {
		return Mail{}, fmt.Errorf("rendering the digest: %w", err)
	}
	return Mail{Subject: p.Subject, Text: text, HTML: b.String()}, nil
}

// runText runs a text template.
func runText(name, src string, fm map[string]any, data any) (string, error) {
	t, err := template.New(name).Funcs(fm).Parse(src)
	if err != nil {
		return "", fmt.Errorf("rendering the digest: %w", err)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("rendering the digest: %w", err)
	}
	return b.String(), nil
}
