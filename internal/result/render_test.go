package result

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the documents as rendered")

// normalise makes pdftotext -layout output comparable: runs of white
// space become one space, lines are trimmed and empty lines dropped.
func normalise(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// layoutText is the text of pdf as pdftotext -layout lays it out.
func layoutText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := tool(t, "pdftotext")
	f := filepath.Join(t.TempDir(), "result.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", f, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func golden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/result/ -run TestRenderGolden -update)", err)
	}
	if string(want) != text {
		t.Errorf("%s differs from %s (run with -update if the change is intended):\nwant:\n%s\ngot:\n%s", name, path, want, text)
	}
}

// TestRenderGolden compares the laid-out text of the sample result, before
// and after signing (the signature adds no visible text), with the golden
// file, and checks what the golden file must say.
func TestRenderGolden(t *testing.T) {
	pdf := renderSample(t)
	text := normalise(layoutText(t, pdf))
	golden(t, "result", text)
	for _, want := range []string{
		mottoState, mottoLine, "Số: 125/GP-UBND", "Hà Nội, ngày 05 tháng 02 năm 2026",
		"GIẤY PHÉP XÂY DỰNG", "ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH", "Mã kết quả: KQ-000.00.01.H29-260205-0001",
		"Có giá trị đến ngày 05 tháng 02 năm 2028.", "CHỦ TỊCH", "(Đã ký số)", "Nguyễn Thị Hồng Nhung",
		QRCaption, "https://motcua.example.vn/xac-thuc/KQ-000.00.01.H29-260205-0001",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("result does not say %q:\n%s", want, text)
		}
	}
	signed, _ := signedByDemo(t)
	if got := normalise(layoutText(t, signed)); got != text {
		t.Errorf("signing changed the text:\n%s", got)
	}
}

func TestRenderResultInput(t *testing.T) {
	ok := sampleMeta()
	for _, c := range []struct {
		name string
		edit func(*Metadata)
	}{
		{"no agency", func(m *Metadata) { m.Agency = " " }},
		{"no title", func(m *Metadata) { m.Title = "" }},
		{"no date", func(m *Metadata) { m.IssueDate = time.Time{} }},
	} {
		m := ok
		c.edit(&m)
		if _, err := RenderResult(m, sampleBody, ""); err == nil {
			t.Errorf("%s: rendered", c.name)
		}
	}
	// A long body flows onto a second page; no QR, no validity, no symbol.
	m := ok
	m.ValidUntil, m.Symbol = time.Time{}, ""
	var body []string
	for i := 0; i < 60; i++ {
		body = append(body, sampleBody[1])
	}
	pdf, err := RenderResult(m, body, "")
	if err != nil {
		t.Fatal(err)
	}
	text := layoutText(t, pdf)
	if strings.Count(text, "\f") < 2 || strings.Contains(text, QRCaption) || strings.Contains(text, "Có giá trị đến") ||
		!strings.Contains(text, "Số: 125") {
		t.Errorf("long result:\n%s", text)
	}
}

func TestMetadataHelpers(t *testing.T) {
	for _, c := range []struct{ n, s, want string }{
		{"12", "GP-UBND", "12/GP-UBND"}, {"12", "", "12"}, {"", "QĐ-UBND", "QĐ-UBND"}, {" 7 ", " TB ", "7/TB"},
	} {
		if got := (Metadata{Number: c.n, Symbol: c.s}).NumberSymbol(); got != c.want {
			t.Errorf("NumberSymbol(%q, %q) = %q", c.n, c.s, got)
		}
	}
	for _, c := range []struct{ base, code, want string }{
		{"https://dvc.example.vn/", "KQ-1", "https://dvc.example.vn/xac-thuc/KQ-1"},
		{"http://127.0.0.1:8080", "a/b c", "http://127.0.0.1:8080/xac-thuc/a%2Fb%20c"},
	} {
		if got := VerifyURL(c.base, c.code); got != c.want {
			t.Errorf("VerifyURL(%q, %q) = %q", c.base, c.code, got)
		}
	}
}
