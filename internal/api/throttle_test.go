package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestLoginThrottle: five wrong passwords lock the username for 15 minutes,
// even against the right password (429 with Retry-After); unknown
// usernames are throttled alike; the 3rd to 5th attempts are slowed down.
func TestLoginThrottle(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			var mu sync.Mutex
			now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			var slept []time.Duration
			sleep := func(_ context.Context, d time.Duration) error {
				mu.Lock()
				defer mu.Unlock()
				slept = append(slept, d)
				return nil
			}
			env := apptest.Start(t, e, app.Options{Now: clock, LoginSleep: sleep})
			anon := env.Anon()
			login := func(user, pw string) apptest.Response {
				return anon.Raw("POST", "/api/v1/auth/token", "application/json",
					jsonBody(map[string]string{"username": user, "password": pw}), nil)
			}
			for i := 0; i < auth.AccountLimit; i++ {
				if r := login(apptest.CitizenA, "sai-mat-khau"); r.Status != 401 {
					t.Fatalf("attempt %d: %d", i, r.Status)
				}
			}
			if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; fmt.Sprint(slept) != fmt.Sprint(want) {
				t.Errorf("delays %v, want %v", slept, want)
			}
			r := login(apptest.CitizenA, apptest.Password)
			if r.Status != 429 || r.DecodeError(t).Error.Code != "login_locked" {
				t.Fatalf("locked account: %d %s", r.Status, r.Body)
			}
			if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra != 15*60 {
				t.Errorf("Retry-After %q, want 900", r.Header.Get("Retry-After"))
			}
			// Another user is not affected.
			if r := login(apptest.CitizenB, apptest.Password); r.Status != 200 {
				t.Fatalf("other user: %d", r.Status)
			}
			for i := 0; i < auth.AccountLimit; i++ {
				login("001099999999", "x")
			}
			if r := login("001099999999", "x"); r.Status != 429 {
				t.Fatalf("unknown username not throttled: %d", r.Status)
			}
			mu.Lock()
			now = now.Add(16 * time.Minute)
			mu.Unlock()
			if r := login(apptest.CitizenA, apptest.Password); r.Status != 200 {
				t.Fatalf("after the lockout: %d %s", r.Status, r.Body)
			}
			// A success is not counted: one more failure does not lock.
			login(apptest.CitizenA, "sai")
			if r := login(apptest.CitizenA, apptest.Password); r.Status != 200 {
				t.Fatalf("after a success: %d", r.Status)
			}
			// Oversized input is refused before any work, in the caller's
			// language, and stored nowhere.
			for _, tc := range []struct{ user, pw string }{
				{strings.Repeat("a", auth.MaxUsernameBytes+1), "x"},
				{apptest.CitizenA, strings.Repeat("p", auth.MaxPasswordBytes+1)},
			} {
				r := anon.Raw("POST", "/api/v1/auth/token?lang=en", "application/json",
					jsonBody(map[string]string{"username": tc.user, "password": tc.pw}), nil)
				if r.Status != 400 || r.DecodeError(t).Error.Code != "credentials_too_long" ||
					r.DecodeError(t).Error.Message != "The username or password is too long." {
					t.Fatalf("oversized credentials: %d %s", r.Status, r.Body)
				}
			}
		})
	}
}

// TestParallelWrongPasswords: 200 wrong passwords fired at once evaluate
// exactly the account's limit; every other one is refused unevaluated,
// the right password among them included.
func TestParallelWrongPasswords(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			counts := map[int]int{}
			for i := range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					pw := fmt.Sprintf("wrong-%03d", i)
					if i == 100 {
						pw = apptest.Password
					}
					r := env.Anon().Raw("POST", "/api/v1/auth/token", "application/json",
						jsonBody(map[string]string{"username": apptest.CitizenB, "password": pw}), nil)
					mu.Lock()
					counts[r.Status]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			evaluated := counts[401] + counts[200]
			if evaluated > auth.AccountLimit || counts[429] != 200-evaluated || counts[401]+counts[429]+counts[200] != 200 {
				t.Fatalf("answers %v: at most %d may be evaluated", counts, auth.AccountLimit)
			}
			t.Logf("answers %v", counts)
			if counts[401] == 0 {
				t.Fatalf("answers %v: no wrong password was evaluated", counts)
			}
		})
	}
}

// TestOwnerNotLockedOut: a browser that logged into the account before
// carries a device cookie and keeps logging in while someone else's
// guesses lock the account for everybody else; a device cookie of another
// account earns nothing.
func TestOwnerNotLockedOut(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			owner := env.Browser()
			form := func(user, pw string) map[string][]string {
				return map[string][]string{"username": {user}, "password": {pw}}
			}
			p := owner.Do("POST", "/dang-nhap", form(apptest.CitizenA, apptest.Password), owner.SameSite())
			if p.Status != http.StatusSeeOther {
				t.Fatalf("first login: %d", p.Status)
			}
			var device string
			for _, c := range p.Response.Cookies() {
				if c.Name == auth.DeviceCookie {
					device = c.Value
					if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
						t.Errorf("device cookie attributes: %+v", c)
					}
				}
			}
			if device == "" {
				t.Fatal("no device cookie after a successful login")
			}
			owner.Do("POST", "/dang-xuat", form("", ""), owner.SameSite())

			attacker := env.Browser()
			for range auth.AccountLimit + 3 {
				attacker.Do("POST", "/dang-nhap", form(apptest.CitizenA, "doan-mo-mat-khau"), attacker.SameSite())
			}
			if p := attacker.Do("POST", "/dang-nhap", form(apptest.CitizenA, apptest.Password), attacker.SameSite()); p.Status != http.StatusTooManyRequests ||
				p.Header.Get("Retry-After") == "" {
				t.Fatalf("attacker with the right password while locked: %d (Retry-After %q)", p.Status, p.Header.Get("Retry-After"))
			}
			// The API token endpoint honours the same cookie.
			api := env.Anon().Raw("POST", "/api/v1/auth/token", "application/json",
				jsonBody(map[string]string{"username": apptest.CitizenA, "password": apptest.Password}),
				map[string]string{"Cookie": auth.DeviceCookie + "=" + device})
			if api.Status != 200 {
				t.Fatalf("owner's device over the API: %d %s", api.Status, api.Body)
			}
			if p := owner.Do("POST", "/dang-nhap", form(apptest.CitizenA, apptest.Password), owner.SameSite()); p.Status != http.StatusSeeOther {
				t.Fatalf("owner locked out: %d", p.Status)
			}
			// B's device cookie is not a pass for A.
			b := env.Browser()
			if p := b.Do("POST", "/dang-nhap", form(apptest.CitizenB, apptest.Password), b.SameSite()); p.Status != http.StatusSeeOther {
				t.Fatalf("B's login: %d", p.Status)
			}
			if p := b.Do("POST", "/dang-nhap", form(apptest.CitizenA, apptest.Password), b.SameSite()); p.Status != http.StatusTooManyRequests {
				t.Fatalf("another account's device cookie: %d", p.Status)
			}
		})
	}
}

// TestPasswordSpraying: one address trying many usernames gets the address
// limit evaluated, no more.
func TestPasswordSpraying(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			counts := map[int]int{}
			for i := range 30 {
				r := env.Anon().Raw("POST", "/api/v1/auth/token", "application/json",
					jsonBody(map[string]string{"username": fmt.Sprintf("nobody-%02d", i), "password": "Password1!"}), nil)
				counts[r.Status]++
			}
			if counts[401] != auth.AddressLimit || counts[429] != 30-auth.AddressLimit {
				t.Fatalf("answers %v, want %d evaluated and the rest refused", counts, auth.AddressLimit)
			}
		})
	}
}

// TestTokenRevocation: DELETE /api/v1/auth/token ends the token at once.
func TestTokenRevocation(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			c := env.Login(apptest.CitizenA)
			other := env.Login(apptest.CitizenA)
			if st := c.Do("GET", "/api/v1/me", nil, nil); st != 200 {
				t.Fatalf("me: %d", st)
			}
			if r := c.Raw("DELETE", "/api/v1/auth/token", "", nil, nil); r.Status != 204 {
				t.Fatalf("revoke: %d %s", r.Status, r.Body)
			}
			if st := c.Do("GET", "/api/v1/me", nil, nil); st != 401 {
				t.Fatalf("revoked token still works: %d", st)
			}
			if r := c.Raw("DELETE", "/api/v1/auth/token", "", nil, nil); r.Status != 401 {
				t.Fatalf("revoking twice: %d", r.Status)
			}
			if st := other.Do("GET", "/api/v1/me", nil, nil); st != 200 {
				t.Fatalf("another token of the account was revoked too: %d", st)
			}
		})
	}
}
