package backoffice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// counterDossier takes a dossier at Hàng Trống's desk for the ID number.
func counterDossier(t *testing.T, env *apptest.Env, idNumber, name string) apptest.Dossier {
	t.Helper()
	var d apptest.Dossier
	body := map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": apptest.MarriageForm(),
		"applicant": map[string]string{"id_number": idNumber, "full_name": name, "phone": "0912000111"}, "received": apptest.MarriageReceived()}
	if st := env.Login("ht.receptionist").Do("POST", "/api/v1/dossiers", body, &d); st != 201 {
		t.Fatalf("counter intake: %d", st)
	}
	return d
}

func jsonReader(t *testing.T, v any) io.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// TestIdentitySquatting: an account registered with someone else's ID
// number sees nothing of that person's counter dossiers and cannot act on
// them; the desk opens a verified account for the card holder, which
// suspends the squatter (not merged) and follows the counter dossiers;
// the ID number can no longer be registered.
func TestIdentitySquatting(t *testing.T) {
	const victim, victimName = "001301099999", "Lê Thị Cúc"
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			anon := env.Anon()
			reg := map[string]string{"id_number": victim, "full_name": "Kẻ Mạo Danh", "phone": "0911222333", "password": "mao-danh-2025"}
			var acct struct{ Assurance string }
			if st := anon.Do("POST", "/api/v1/citizens", reg, &acct); st != 201 || acct.Assurance != "self_declared" {
				t.Fatalf("squatter registration: %d %+v", st, acct)
			}
			squatter := env.LoginWith(victim, "mao-danh-2025")
			d := counterDossier(t, env, victim, victimName)
			own := squatter.Submit(apptest.HangTrong) // the squatter's own online dossier

			// The squatter sees only what it submitted itself.
			var list struct{ Items []apptest.Dossier }
			if st := squatter.Do("GET", "/api/v1/dossiers", nil, &list); st != 200 || len(list.Items) != 1 || list.Items[0].Code != own.Code {
				t.Fatalf("squatter's list: %d %+v", st, list.Items)
			}
			if st := squatter.Do("GET", "/api/v1/dossiers/"+d.Code, nil, nil); st != 404 {
				t.Fatalf("squatter reads the counter dossier: %d", st)
			}
			if r := squatter.Act(&d, "withdraw", map[string]any{"reason": "không cần nữa"}); r.Status != 404 {
				t.Fatalf("squatter withdraws the counter dossier: %d %s", r.Status, r.Body)
			}
			if statusOf(t, env, d.Code) != 2 {
				t.Fatal("the counter dossier changed")
			}
			sb := newBrowser(t, env)
			sb.post("/dang-nhap", url.Values{"username": {victim}, "password": {"mao-danh-2025"}})
			want(t, "squatter's page of the counter dossier", sb.get("/ho-so/"+d.Code), 404)

			// The desk looks the ID number up: a self-declared account.
			desk := login(t, env, "ht.receptionist")
			want(t, "look-up", desk.get("/can-bo/tai-khoan?so-dinh-danh="+victim), 200, "Kẻ Mạo Danh", "Tự khai (chưa xác minh)")
			// The name on the card differs: verification refused.
			p := desk.get("/can-bo/tai-khoan?so-dinh-danh=" + victim)
			m := regexp.MustCompile(`name="account" value="(\d+)"`).FindStringSubmatch(p.body)
			if m == nil {
				t.Fatalf("no account id on the page:\n%s", p.body)
			}
			want(t, "verify with another name", desk.post("/can-bo/tai-khoan", url.Values{"action": {"verify"}, "id_number": {victim},
				"account": {m[1]}, "name_on_card": {victimName}, "card_checked": {"yes"}}), http.StatusUnprocessableEntity,
				"Họ tên trên thẻ khác họ tên của tài khoản")
			// A specialist may not verify.
			want(t, "specialist", login(t, env, "ht.specialist").get("/can-bo/tai-khoan?so-dinh-danh="+victim), 403)
			// Unticked card check: refused, nothing changes.
			want(t, "card not checked", desk.post("/can-bo/tai-khoan", url.Values{"action": {"claim"}, "id_number": {victim},
				"name_on_card": {victimName}, "phone": {"0912000111"}}), 400, "Vui lòng xác nhận đã đối chiếu thẻ căn cước")
			if st := squatter.Do("GET", "/api/v1/me", nil, nil); st != 200 {
				t.Fatalf("a refused claim suspended the squatter: %d", st)
			}

			// The card holder claims the ID number at the desk.
			p = desk.post("/can-bo/tai-khoan", url.Values{"action": {"claim"}, "id_number": {victim},
				"name_on_card": {victimName}, "phone": {"0912000111"}, "card_checked": {"yes"}})
			want(t, "claim", p, 200, "Đã cấp tài khoản đã xác minh.", "Đã xác minh danh tính")
			if p.header.Get("Cache-Control") != "no-store" {
				t.Errorf("the one-time password page may be cached: %q", p.header.Get("Cache-Control"))
			}
			otp := regexp.MustCompile(`id="one-time-password">([^<]+)<`).FindStringSubmatch(p.body)
			if otp == nil {
				t.Fatalf("no one-time password:\n%s", p.body)
			}
			// The squatter is suspended: token dead, password refused.
			if st := squatter.Do("GET", "/api/v1/me", nil, nil); st != 401 {
				t.Fatalf("suspended squatter's token: %d", st)
			}
			if st := anon.Do("POST", "/api/v1/auth/token", map[string]string{"username": victim, "password": "mao-danh-2025"}, nil); st != 401 {
				t.Fatalf("suspended squatter's login: %d", st)
			}
			want(t, "squatter's session", sb.get("/ho-so"), http.StatusSeeOther)

			// The holder logs in with the one-time password, must change it
			// first, then follows the counter dossier (not the squatter's).
			hb := newBrowser(t, env)
			if p := hb.post("/dang-nhap", url.Values{"username": {victim}, "password": {otp[1]}}); p.status != http.StatusSeeOther {
				t.Fatalf("holder's login: %d\n%s", p.status, p.body)
			}
			if p := hb.get("/ho-so"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/doi-mat-khau" {
				t.Fatalf("must change the password first: %d %q", p.status, p.header.Get("Location"))
			}
			want(t, "weak new password", hb.post("/doi-mat-khau", url.Values{"current_password": {otp[1]},
				"new_password": {"1234567890"}, "new_password_confirm": {"1234567890"}}), 400, "Mật khẩu này quá phổ biến")
			if p := hb.post("/doi-mat-khau", url.Values{"current_password": {otp[1]}, "new_password": {"cuc-mat-khau-moi"},
				"new_password_confirm": {"cuc-mat-khau-moi"}}); p.status != http.StatusSeeOther {
				t.Fatalf("password change: %d\n%s", p.status, p.body)
			}
			want(t, "holder's dossiers", hb.get("/ho-so"), 200, d.Code, "Tài khoản đã xác minh danh tính")
			holder := env.LoginWith(victim, "cuc-mat-khau-moi")
			if st := holder.Do("GET", "/api/v1/dossiers", nil, &list); st != 200 || len(list.Items) != 1 || list.Items[0].Code != d.Code {
				t.Fatalf("holder's list: %d %+v", st, list.Items)
			}

			// The desk's changes are in the audit log, with the officer.
			for _, action := range []string{"account.claim", "account.suspend"} {
				es, err := env.DB.AuditLog(context.Background(), store.AuditFilter{Action: action})
				if err != nil || len(es) != 1 || es[0].ActorName != "Cán bộ ht receptionist" {
					t.Fatalf("audit log of %s: %+v %v", action, es, err)
				}
			}
			if es, _ := env.DB.AuditLog(context.Background(), store.AuditFilter{Action: "account.password"}); len(es) != 1 {
				t.Fatalf("password change not audited: %+v", es)
			}

			// The ID number belongs to a verified account: no new
			// registration, no second claim.
			r := anon.Raw("POST", "/api/v1/citizens", "application/json", jsonReader(t, reg), nil)
			if r.Status != 409 || r.DecodeError(t).Error.Code != "id_number_verified" {
				t.Fatalf("registration of a verified ID number: %d %s", r.Status, r.Body)
			}
			want(t, "second claim", desk.post("/can-bo/tai-khoan", url.Values{"action": {"claim"}, "id_number": {victim},
				"name_on_card": {victimName}, "phone": {"0912000111"}, "card_checked": {"yes"}}), 409, "đã thuộc về một tài khoản đã xác minh")
		})
	}
}

// TestDeskVerification: a self-declared account verified at the desk
// (name on the card matching) starts following the counter dossiers of
// its ID number, those taken before and after.
func TestDeskVerification(t *testing.T) {
	const id, name = "001301088888", "Phạm Văn Dũng"
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			if st := env.Anon().Do("POST", "/api/v1/citizens", map[string]string{"id_number": id, "full_name": name,
				"phone": "0911222444", "password": "dung-mat-khau-1"}, nil); st != 201 {
				t.Fatalf("registration: %d", st)
			}
			before := counterDossier(t, env, id, name)
			citizen := env.LoginWith(id, "dung-mat-khau-1")
			if st := citizen.Do("GET", "/api/v1/dossiers/"+before.Code, nil, nil); st != 404 {
				t.Fatalf("self-declared reads a counter dossier: %d", st)
			}

			desk := login(t, env, "ht.receptionist")
			want(t, "unknown ID", desk.get("/can-bo/tai-khoan?so-dinh-danh=001301077777"), 200, "Số định danh này chưa có tài khoản.")
			want(t, "bad ID", desk.get("/can-bo/tai-khoan?so-dinh-danh=12345"), 400)
			p := desk.get("/can-bo/tai-khoan?so-dinh-danh=" + id)
			m := regexp.MustCompile(`name="account" value="(\d+)"`).FindStringSubmatch(p.body)
			if m == nil {
				t.Fatalf("no account id:\n%s", p.body)
			}
			// Case and spacing of the typed name do not matter.
			p = desk.post("/can-bo/tai-khoan", url.Values{"action": {"verify"}, "id_number": {id}, "account": {m[1]},
				"name_on_card": {"PHẠM  VĂN DŨNG"}, "card_checked": {"yes"}})
			want(t, "verify", p, 200, "Đã xác minh tài khoản.", "Tài khoản nay theo dõi được 1 hồ sơ nộp trực tiếp.")
			var me struct{ Assurance string }
			if st := citizen.Do("GET", "/api/v1/me", nil, &me); st != 200 || me.Assurance != "verified" {
				t.Fatalf("me after verification: %d %+v", st, me)
			}
			after := counterDossier(t, env, id, name)
			for _, d := range []apptest.Dossier{before, after} {
				if st := citizen.Do("GET", "/api/v1/dossiers/"+d.Code, nil, nil); st != 200 {
					t.Fatalf("verified citizen reads counter dossier %s: %d", d.Code, st)
				}
			}
			if es, err := env.DB.AuditLog(context.Background(), store.AuditFilter{Action: "account.verify"}); err != nil || len(es) != 1 ||
				es[0].ActorName != "Cán bộ ht receptionist" || es[0].Subject != "account:"+m[1] {
				t.Fatalf("verification not audited: %+v %v", es, err)
			}
			want(t, "verify twice", desk.post("/can-bo/tai-khoan", url.Values{"action": {"verify"}, "id_number": {id}, "account": {m[1]},
				"name_on_card": {name}, "card_checked": {"yes"}}), 409)
		})
	}
}
