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

// PDFSig runs poppler's pdfsig on a PDF and returns its report. Without
// pdfsig the test skips locally and fails under CI=true (.ci/run installs
// poppler-utils).
func PDFSig(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdfsig (poppler-utils) is required under CI=true")
		}
		t.Skip("pdfsig not installed")
	}
	f, err := os.CreateTemp(t.TempDir(), "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(pdf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// pdfsig exits non-zero for an invalid signature: the report says why.
	out, _ := exec.Command(bin, f.Name()).CombinedOutput()
	return string(out)
}
