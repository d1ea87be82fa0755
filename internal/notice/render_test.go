package notice

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/dossier"
)

var renderUpdate = flag.Bool("update", false, "rewrite testdata/*.golden from the notices as rendered")

// renderDump lays a Content out as text, channel by channel, for a golden
// file.
func renderDump(c Content) string {
	var b strings.Builder
	b.WriteString("== Subject\n" + c.Subject + "\n== Text\n" + c.Text + "== HTML\n" + c.HTML + "== SMS\n" + c.SMS + "\n== ZaloData\n")
	keys := make([]string, 0, len(c.ZaloData))
	for k := range c.ZaloData {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(k + "=" + c.ZaloData[k] + "\n")
	}
	return b.String()
}

func renderGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *renderUpdate {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/notice/ -run TestRenderGolden -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from %s (run with -update if the change is intended):\nwant:\n%s\ngot:\n%s", name, path, want, got)
	}
}

// renderInput is a notice about a marriage registration dossier.
func renderInput(lang string, ev dossier.Event) Input {
	return Input{Lang: lang, Code: "HN-2026-000123", ProcedureName: "Đăng ký kết hôn", Name: "Nguyễn Thị Lan",
		Event: ev, Version: wordingVersion, AppointedDue: time.Date(2026, 12, 10, 3, 0, 0, 0, time.UTC),
		TrackURL: "https://dichvucong.example.vn/ho-so/HN-2026-000123"}
}

// TestRenderGolden compares the notices of three events, in both
// languages, with their golden files, and checks what each must say
// whatever the layout.
func TestRenderGolden(t *testing.T) {
	events := map[string]dossier.Event{
		"receive": {Action: dossier.ActReceive, From: dossier.StatusSubmitted, To: dossier.StatusReceived},
		"request_supplement": {Action: dossier.ActRequestSupplement, From: dossier.StatusReceived, To: dossier.StatusSupplement,
			Note: "Giấy xác nhận đã hết hạn", Data: dossier.SupplementData{Documents: []string{"xac_nhan_hon_nhan", "to_khai"}}},
		"reschedule": {Action: dossier.ActReschedule, From: dossier.StatusProcessing, To: dossier.StatusProcessing,
			Note: "Cần xác minh thêm tại nơi cư trú",
			Data: dossier.RescheduleData{OldDue: time.Date(2026, 12, 10, 3, 0, 0, 0, time.UTC), NewDue: time.Date(2026, 12, 17, 3, 0, 0, 0, time.UTC)}},
	}
	// What the e-mail must carry besides the event's sentence, and what
	// the SMS must carry.
	musts := map[string]map[string][]string{
		"vi": {
			"receive":            {"Ngày hẹn trả kết quả", "10/12/2026"},
			"request_supplement": {"Giấy xác nhận tình trạng hôn nhân; Tờ khai đăng ký kết hôn", "Lý do: Giấy xác nhận đã hết hạn"},
			"reschedule":         {"xin lỗi", "17/12/2026", "Lý do: Cần xác minh thêm tại nơi cư trú"},
		},
		"en": {
			"receive":            {"Date set for the result", "10/12/2026"},
			"request_supplement": {"Giấy xác nhận tình trạng hôn nhân; Tờ khai đăng ký kết hôn", "Reason: Giấy xác nhận đã hết hạn"},
			"reschedule":         {"apologis", "17/12/2026", "Reason: Cần xác minh thêm tại nơi cư trú"},
		},
	}
	smsMusts := map[string]map[string][]string{
		"vi": {"receive": {"Hẹn trả: 10/12/2026."}, "reschedule": {"xin lỗi", "17/12/2026"}},
		"en": {"receive": {"Result due: 10/12/2026."}, "reschedule": {"apologis", "17/12/2026"}},
	}
	for _, lang := range []string{"vi", "en"} {
		for name, ev := range events {
			t.Run(name+"_"+lang, func(t *testing.T) {
				in := renderInput(lang, ev)
				c := Render(in)
				renderGolden(t, name+"_"+lang, renderDump(c))

				sentence := EventText(ev, in.Version, lang)
				if !strings.Contains(c.Subject, in.Code) {
					t.Errorf("subject %q lacks the code", c.Subject)
				}
				for _, s := range []string{sentence, in.ProcedureName, in.Code, in.TrackURL, in.Name} {
					if !strings.Contains(c.Text, s) {
						t.Errorf("text lacks %q:\n%s", s, c.Text)
					}
				}
				if !strings.HasPrefix(c.SMS, in.Code+": "+sentence) || strings.Contains(c.SMS, "\n") {
					t.Errorf("SMS %q is not one line of the code and the sentence %q", c.SMS, sentence)
				}
				if c.ZaloData["noi_dung"] != sentence || c.ZaloData["ma_ho_so"] != in.Code ||
					c.ZaloData["ten_thu_tuc"] != in.ProcedureName || c.ZaloData["ten_cong_dan"] != in.Name {
					t.Errorf("Zalo data %v", c.ZaloData)
				}
				for _, s := range musts[lang][name] {
					if !strings.Contains(c.Text, s) || !strings.Contains(c.HTML, s) {
						t.Errorf("text or HTML lacks %q", s)
					}
				}
				for _, s := range smsMusts[lang][name] {
					if !strings.Contains(c.SMS, s) {
						t.Errorf("SMS %q lacks %q", c.SMS, s)
					}
				}
			})
		}
	}
}

// TestRenderReschedule: the apology letter (Decree 61 art. 19) gives the
// new date everywhere, including Zalo, and the date given before.
func TestRenderReschedule(t *testing.T) {
	ev := dossier.Event{Action: dossier.ActReschedule, Data: dossier.RescheduleData{
		OldDue: time.Date(2026, 12, 10, 3, 0, 0, 0, time.UTC), NewDue: time.Date(2026, 12, 17, 3, 0, 0, 0, time.UTC)}}
	tests := []struct {
		lang, apology, newDue, oldDue string
	}{
		{"vi", "Chúng tôi thành thật xin lỗi", "Ngày hẹn trả kết quả mới: 17/12/2026", "Ngày hẹn trước đây: 10/12/2026"},
		{"en", "We sincerely apologise", "New date for the result: 17/12/2026", "Date given before: 10/12/2026"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			in := renderInput(tc.lang, ev)
			in.AppointedDue = time.Time{} // the event's date is enough
			c := Render(in)
			for _, s := range []string{tc.apology, tc.newDue, tc.oldDue} {
				if !strings.Contains(c.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, c.Text)
				}
			}
			if !strings.Contains(c.HTML, tc.apology) {
				t.Errorf("HTML lacks the apology")
			}
			if c.ZaloData["ngay_hen_tra"] != "17/12/2026" {
				t.Errorf("ngay_hen_tra = %q, want the new date", c.ZaloData["ngay_hen_tra"])
			}
		})
	}
	// Other events carry no apology.
	c := Render(renderInput("vi", dossier.Event{Action: dossier.ActReceive, From: dossier.StatusSubmitted}))
	if strings.Contains(c.Text, "xin lỗi") {
		t.Errorf("a reception apologises:\n%s", c.Text)
	}
}

// TestRenderEscapes: what an officer or an applicant typed is text in the
// HTML e-mail, never markup, and a link that is not http(s) is not made
// clickable.
func TestRenderEscapes(t *testing.T) {
	in := renderInput("vi", dossier.Event{Action: dossier.ActRefuse, From: dossier.StatusSubmitted, To: dossier.StatusRefused,
		Note: `<script>alert("x")</script> & "quote"`})
	in.Name = "<b>Lan</b>"
	in.ProcedureName = `Đăng ký <img src=x onerror=alert(1)>`
	c := Render(in)
	for _, bad := range []string{"<script", "<b>Lan", "<img"} {
		if strings.Contains(c.HTML, bad) {
			t.Errorf("HTML holds %q unescaped:\n%s", bad, c.HTML)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quote&#34;", "&lt;b&gt;Lan&lt;/b&gt;", "&lt;img src=x onerror=alert(1)&gt;"} {
		if !strings.Contains(c.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, c.HTML)
		}
	}
	// The plain text and the SMS are not HTML: they keep the words as typed.
	if !strings.Contains(c.Text, `Lý do: <script>alert("x")</script> & "quote"`) || !strings.Contains(c.SMS, "<script>") {
		t.Errorf("plain text altered the note:\n%s\n%s", c.Text, c.SMS)
	}

	in.TrackURL = "javascript:alert(1)"
	if c := Render(in); strings.Contains(c.HTML, `href="javascript:`) {
		t.Errorf("HTML links to %s", in.TrackURL)
	}
}

// TestRenderShortAndFallbacks: a long reason does not make a long SMS;
// missing name, date, link and language still give a complete notice; an
// event not sent still renders.
func TestRenderShortAndFallbacks(t *testing.T) {
	long := strings.Repeat("Hồ sơ thiếu chữ ký của người làm chứng.\n", 40)
	c := Render(Input{Code: "HN-1", Event: dossier.Event{Action: dossier.ActRefuse, Note: long}})
	if n := utf8.RuneCountInString(c.SMS); n > renderSMSMax || !strings.HasSuffix(c.SMS, "…") || strings.Contains(c.SMS, "\n") {
		t.Errorf("SMS of %d characters: %q", n, c.SMS)
	}
	if !strings.HasPrefix(c.SMS, "HN-1: Hồ sơ không được tiếp nhận. Lý do: Hồ sơ thiếu chữ ký") {
		t.Errorf("SMS %q", c.SMS)
	}
	if !strings.Contains(c.Text, strings.TrimSpace(long)) {
		t.Errorf("the e-mail cut the reason")
	}

	tests := []struct {
		name              string
		in                Input
		subject, greeting string
		absent            []string
	}{
		{"no name, default language", Input{Code: "HN-1", Event: dossier.Event{Action: dossier.ActFinish}},
			"[Hồ sơ HN-1] Đã có kết quả giải quyết", "Kính gửi Ông/Bà,", []string{"Ngày hẹn", "Thủ tục", "Xem hồ sơ"}},
		{"no name, English", Input{Lang: "en", Code: "HN-1", Event: dossier.Event{Action: dossier.ActDeliver}},
			"[Dossier HN-1] Your result was delivered", "Dear applicant,", []string{"Date set", "Procedure", "See your dossier"}},
		{"event not sent", Input{Lang: "en", Code: "HN-1", Name: "Lan", Event: dossier.Event{Action: dossier.ActAssign}},
			"[Dossier HN-1] News about your dossier", "Dear Lan,", []string{"[tl.", "[notice.", "[rating."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Render(tc.in)
			if c.Subject != tc.subject {
				t.Errorf("subject %q, want %q", c.Subject, tc.subject)
			}
			if !strings.HasPrefix(c.Text, tc.greeting+"\n") {
				t.Errorf("text does not open with %q:\n%s", tc.greeting, c.Text)
			}
			for _, s := range tc.absent {
				if strings.Contains(c.Text, s) || strings.Contains(c.HTML, s) {
					t.Errorf("notice says %q:\n%s", s, c.Text)
				}
			}
			if c.ZaloData["ngay_hen_tra"] != "" || c.ZaloData["ten_thu_tuc"] != "" {
				t.Errorf("Zalo data %v", c.ZaloData)
			}
		})
	}
}

// TestRenderDue: the appointed date is told while the citizen waits for
// it, and not when the event voids it.
func TestRenderDue(t *testing.T) {
	tests := []struct {
		act  dossier.Action
		want string // ngay_hen_tra
	}{
		{dossier.ActReceive, "10/12/2026"},
		{dossier.ActRequestFee, "10/12/2026"},
		{dossier.ActFinish, "10/12/2026"},
		{dossier.ActRefuse, ""},
		{dossier.ActRequestSupplement, ""},
		{dossier.ActDeliver, ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.act), func(t *testing.T) {
			c := Render(renderInput("vi", dossier.Event{Action: tc.act}))
			if got := c.ZaloData["ngay_hen_tra"]; got != tc.want {
				t.Errorf("ngay_hen_tra = %q, want %q", got, tc.want)
			}
			if shown := strings.Contains(c.Text, "Ngày hẹn trả kết quả: 10/12/2026"); shown != (tc.want != "") {
				t.Errorf("date shown in the e-mail: %v, want %v:\n%s", shown, tc.want != "", c.Text)
			}
			if shown := strings.Contains(c.SMS, "10/12/2026"); shown != (tc.act == dossier.ActReceive) {
				t.Errorf("date in the SMS %q: %v", c.SMS, shown)
			}
		})
	}
}
