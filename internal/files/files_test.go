package files

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestLocalPutOpen(t *testing.T) {
	ctx := context.Background()
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key, sum, n, err := l.Put(ctx, strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if sum != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" || n != 5 {
		t.Fatalf("sum %s size %d", sum, n)
	}
	rc, err := l.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
	for _, bad := range []string{"../etc/passwd", "", strings.Repeat("0", 64)} {
		if _, err := l.Open(ctx, bad); err != ErrNotFound {
			t.Errorf("Open(%q) = %v, want ErrNotFound", bad, err)
		}
	}
}
