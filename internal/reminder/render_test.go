package reminder

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// sampleDigest is Lan's digest of Friday 4 April 2025, built by hand.
func sampleDigest() Digest {
	item := func(code, proc string, y, mo, d, h int, s dossier.Status, resched bool) Item {
		return Item{Code: code, ProcedureName: proc, Due: at(y, 4, d, h, 0), Status: s, Rescheduled: resched}
	}
	return Digest{AccountID: lan, Name: "Nguyễn Thị Lan", Email: "lan@example.gov.vn",
		Day: at(2025, 4, 4, 0, 0), NextDay: at(2025, 4, 8, 0, 0),
		Overdue: []Item{
			item("000.01.02.H26-250320-0001", "Đăng ký kết hôn", 2025, 4, 2, 17, dossier.StatusProcessing, false),
			item("000.01.02.H26-250321-0002", "Cấp bản sao trích lục hộ tịch", 2025, 4, 3, 11, dossier.StatusReceived, true),
		},
		Apology: []Item{item("000.01.02.H26-250326-0004", "Đăng ký khai sinh", 2025, 4, 8, 17, dossier.StatusProcessing, false)},
		DueSoon: []Item{
			item("000.01.02.H26-250325-0003", "Đăng ký kết hôn", 2025, 4, 4, 17, dossier.StatusProcessing, false),
			item("000.01.02.H26-250326-0005", "Cấp phiếu lý lịch tư pháp", 2025, 4, 8, 17, dossier.StatusFee, true),
		},
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
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
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", name, got)
	}
}

func TestRenderGolden(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			m, err := Render(sampleDigest(), "https://motcua.example.gov.vn/", lang)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "digest."+lang+".subject.txt", m.Subject+"\n")
			golden(t, "digest."+lang+".txt", m.Text)
			golden(t, "digest."+lang+".html", m.HTML)
			if m.To != "" || m.Ref != "" {
				t.Errorf("Render set To %q or Ref %q, which are the caller's", m.To, m.Ref)
			}
		})
	}
}

func TestRenderSections(t *testing.T) {
	only := sampleDigest()
	only.Apology, only.DueSoon = nil, nil
	for _, tc := range []struct {
		name    string
		d       Digest
		lang    string
		subject string
		has     []string
		hasNot  []string
	}{
		{"every section", sampleDigest(), "vi", "[motcua] Hồ sơ đến hạn ngày 04/04/2025: 5 hồ sơ",
			[]string{"Hồ sơ đã quá hạn (2)", "Cần lập văn bản xin lỗi trong hôm nay (1)", "Đến hạn đến hết ngày làm việc tiếp theo, 08/04/2025 (2)",
				"Điều 19 Nghị định 61/2018/NĐ-CP", "hôm nay (04/04/2025) là ngày cuối cùng", "hết hạn vào ngày 08/04/2025",
				"Hạn: 11:00 03/04/2025 (đã gia hạn) · Được tiếp nhận", "thứ Sáu ngày 04/04/2025", "Yêu cầu thực hiện nghĩa vụ tài chính"},
			nil},
		{"overdue only", only, "vi", "[motcua] Hồ sơ đến hạn ngày 04/04/2025: 2 hồ sơ",
			[]string{"Hồ sơ đã quá hạn (2)"}, []string{"xin lỗi", "Đến hạn đến hết"}},
		{"unknown language", only, "fr", "[motcua] Hồ sơ đến hạn ngày 04/04/2025: 2 hồ sơ", []string{"Kính gửi Nguyễn Thị Lan,"}, nil},
		{"English", sampleDigest(), "en", "[motcua] Dossiers falling due on 04/04/2025: 5",
			[]string{"Overdue (2)", "Apology letter due today (1)", "Article 19 of Decree 61/2018/NĐ-CP", "Friday 04/04/2025", "Being processed"},
			[]string{"Kính gửi"}},
	} {
		m, err := Render(tc.d, "https://motcua.example.gov.vn", tc.lang)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m.Subject != tc.subject {
			t.Errorf("%s: subject %q, want %q", tc.name, m.Subject, tc.subject)
		}
		for _, s := range tc.has {
			if !strings.Contains(m.Text, s) {
				t.Errorf("%s: the text lacks %q", tc.name, s)
			}
		}
		for _, s := range tc.hasNot {
			if strings.Contains(m.Text, s) || strings.Contains(m.HTML, s) {
				t.Errorf("%s: the mail says %q", tc.name, s)
			}
		}
	}
}

// Names and procedure names come from the database: the HTML escapes
// them; the plain text keeps them as they are.
func TestRenderEscapes(t *testing.T) {
	d := sampleDigest()
	d.Name = `Lan <script>alert("x")</script>`
	d.Overdue[0].ProcedureName = `Thủ tục <b>đậm</b> & "ngoặc"`
	d.Overdue[0].Code = `X"><img src=x>`
	m, err := Render(d, "https://motcua.example.gov.vn", "vi")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<b>đậm", `"><img`} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("the HTML carries %q unescaped", bad)
		}
	}
	for _, want := range []string{"Lan &lt;script&gt;", "Thủ tục &lt;b&gt;đậm&lt;/b&gt; &amp;"} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	if !strings.Contains(m.Text, `Kính gửi Lan <script>alert("x")</script>,`) {
		t.Errorf("the plain text changed the name:\n%s", m.Text)
	}
}
