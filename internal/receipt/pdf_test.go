package receipt

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the receipts as rendered")

// tool finds a poppler utility: without it the test skips locally and
// fails in CI, as the slips' tests do.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not found (install poppler-utils)", name)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(tool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// normalise makes pdftotext -layout output comparable: runs of white space
// become one space, lines are trimmed and empty lines dropped.
func normalise(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
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
		t.Fatalf("%v (run go test ./internal/receipt/ -run TestGolden -update)", err)
	}
	if string(want) != text {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(text, "\n")
		for i := 0; i < max(len(wl), len(gl)); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Errorf("%s differs from %s at line %d:\nwant %q\ngot  %q\n(run with -update if the change is intended)", name, path, i+1, w, g)
				return
			}
		}
	}
}

// TestGolden renders a fee receipt, a charge receipt paid in cash and a
// receipt of many items that runs onto a second page, and compares their
// laid-out text with testdata/golden.
func TestGolden(t *testing.T) {
	ctx := context.Background()
	m := newMem()
	l, err := NewLocal(m, Options{Prefixes: map[string]string{"000.01.02.H26": "HT"}, Now: func() time.Time { return ict(2025, 3, 3, 9, 30) }})
	if err != nil {
		t.Fatal(err)
	}
	online, err := l.Issue(ctx, request())
	if err != nil {
		t.Fatal(err)
	}
	cash := request()
	cash.Method, cash.PaymentRef = Cash, "QUAY-2025-000118"
	cash.Payer = Payer{Name: "Trần Thị Bình"}
	cash.Items = []Item{{Kind: Charge, Code: "LP-HT", Name: "Lệ phí cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất", Amount: 2_005_000}}
	desk, err := l.Issue(ctx, cash)
	if err != nil {
		t.Fatal(err)
	}
	long := request()
	long.PaymentRef, long.Items = "VNP-LONG", nil
	for i := 1; i <= 30; i++ {
		long.Items = append(long.Items, Item{Kind: Fee, Code: fmt.Sprintf("P-%02d", i), Name: fmt.Sprintf("Phí thẩm định hồ sơ, hạng mục %d", i), Amount: int64(i) * 15000})
	}
	many, err := l.Issue(ctx, long)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		r     *Receipt
		pages string
	}{
		{"fee-online", online[0], "1"},
		{"charge-online", online[1], "1"},
		{"charge-cash", desk[0], "1"},
		{"fee-many-items", many[0], "2"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, err := l.PDF(ctx, c.r)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, c.name+".pdf")
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			info := normalise(run(t, "pdfinfo", file))
			if !strings.Contains(info, "\nPages: "+c.pages+"\n") || !strings.Contains(info, "\nPage size: 420 x 595 pts (A5)\n") {
				t.Errorf("pdfinfo:\n%s", info)
			}
			golden(t, c.name, normalise(run(t, "pdftotext", "-layout", file, "-")))
		})
	}
}
