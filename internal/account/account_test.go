package account

import "testing"

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("mật khẩu đúng")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pw   string
		want bool
	}{
		{"mật khẩu đúng", true},
		{"mat khau dung", false},
		{"", false},
	}
	for _, tt := range tests {
		ok, err := VerifyPassword(h, tt.pw)
		if err != nil || ok != tt.want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
		}
	}
	h2, _ := HashPassword("mật khẩu đúng")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	for _, phc := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		if _, err := VerifyPassword(phc, "x"); err == nil {
			t.Errorf("VerifyPassword(%q) accepted a malformed hash", phc)
		}
	}
}

func TestTokens(t *testing.T) {
	tok, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if HashToken(tok) != hash || tok == hash || len(tok) < 40 {
		t.Errorf("token %q hash %q", tok, hash)
	}
	tok2, _, _ := NewToken()
	if tok == tok2 {
		t.Error("tokens repeat")
	}
}
