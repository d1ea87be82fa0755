package api_test

import (
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestLoginThrottle: five wrong passwords lock the username for 15 minutes,
// even against the right password; unknown usernames are throttled alike.
func TestLoginThrottle(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			var mu sync.Mutex
			now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			env := apptest.Start(t, e, app.Options{Now: clock})
			anon := env.Anon()
			login := func(user, pw string) apptest.Response {
				return anon.Raw("POST", "/api/v1/auth/token", "application/json",
					jsonBody(map[string]string{"username": user, "password": pw}), nil)
			}
			for i := 0; i < 5; i++ {
				if r := login(apptest.CitizenA, "sai-mat-khau"); r.Status != 401 {
					t.Fatalf("attempt %d: %d", i, r.Status)
				}
			}
			r := login(apptest.CitizenA, apptest.Password)
			if r.Status != 429 || r.DecodeError(t).Error.Code != "login_locked" {
				t.Fatalf("locked account: %d %s", r.Status, r.Body)
			}
			// Another user is not affected.
			if r := login(apptest.CitizenB, apptest.Password); r.Status != 200 {
				t.Fatalf("other user: %d", r.Status)
			}
			for i := 0; i < 5; i++ {
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
			// A success clears the count: one more failure does not lock.
			login(apptest.CitizenA, "sai")
			if r := login(apptest.CitizenA, apptest.Password); r.Status != 200 {
				t.Fatalf("after a success: %d", r.Status)
			}
		})
	}
}
