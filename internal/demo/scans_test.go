package demo

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestSamplePDF: the sample scan is a PDF the upload check would accept
// and, where poppler is installed, one that reads back its text.
func TestSamplePDF(t *testing.T) {
	pdf := SamplePDF("Ban quet mau (du lieu demo): to khai")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF: %q", pdf)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if !strings.Contains(string(out), "Ban quet mau (du lieu demo): to khai") {
		t.Fatalf("text: %q", out)
	}
}
