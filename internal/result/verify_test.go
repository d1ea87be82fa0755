package result

import (
	"bytes"
	"testing"
)

// FuzzVerify: whatever the bytes, Verify answers without panicking, and
// never calls a file valid without trusted roots.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n/ByteRange [0 10 20 5] /Contents <3082>"))
	f.Add([]byte("%PDF-1.7\n/ByteRange [0 9 11 0]<>"))
	f.Add([]byte("%PDF-1.7\n/ByteRange [0 9 9999999999999999999999 1]"))
	f.Add([]byte("%PDF-1.7\n/ByteRange [0 9 12 0]<30>"))
	f.Add([]byte("%PDF-1.7\n/ByteRange [0 9 16 0]<3080300000>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Verify(data, nil)
		if err == nil && v.Valid() {
			t.Errorf("valid without roots: %q", data)
		}
		if err != nil && bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("a PDF header refused: %v", err)
		}
	})
}
