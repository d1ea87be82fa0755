package apptest

import (
	"os"
	"os/exec"
	"testing"
)

// PDFText extracts a PDF's text with pdftotext (poppler-utils), in its
// -layout or -raw mode. Without pdftotext the test skips locally and fails
// under CI=true (.ci/run installs it).
func PDFText(t testing.TB, pdf []byte, mode string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is required under CI=true")
		}
		t.Skip("pdftotext not installed")
	}
	f, err := os.CreateTemp(t.TempDir(), "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(pdf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command(bin, mode, f.Name(), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
