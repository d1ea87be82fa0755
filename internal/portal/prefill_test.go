package portal_test

import (
	"context"
	"maps"
	"net/http"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// prefillCode is a procedure whose form names the sources of its fields.
const prefillCode = "1.001193"

// importPrefillProcedure adds to the fixture a procedure asking for the
// applicant's identity, phone and residence, each with its source.
func importPrefillProcedure(t *testing.T, env *apptest.Env) {
	t.Helper()
	spec := apptest.Spec(prefillCode, "Đăng ký thường trú", catalog.LevelCommune, "all_communes", 5)
	spec.Version.Documents = []catalog.Document{{Key: "to_khai", Name: "Tờ khai thay đổi thông tin cư trú", Originals: 1, Required: false}}
	spec.Version.Form = catalog.Form{Fields: []catalog.Field{
		{Name: "applicant_full_name", Label: "Họ và tên", LabelEN: "Full name", Type: catalog.FieldText, Required: true, Source: catalog.SourceFullName},
		{Name: "applicant_id_number", Label: "Số định danh cá nhân", LabelEN: "Personal ID number", Type: catalog.FieldIDNumber, Required: true, Source: catalog.SourceIDNumber},
		{Name: "phone", Label: "Số điện thoại", LabelEN: "Phone", Type: catalog.FieldPhone, Source: catalog.SourcePhone},
		{Name: "applicant_residence", Label: "Nơi thường trú", LabelEN: "Permanent residence", Type: catalog.FieldText, Source: catalog.SourcePermanentResidence},
		{Name: "father_full_name", Label: "Họ và tên cha", LabelEN: "Father's name", Type: catalog.FieldText, Source: catalog.SourceFatherName},
		{Name: "reason", Label: "Lý do", LabelEN: "Reason", Type: catalog.FieldText, Required: true},
	}}
	rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{spec})
	if err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("importing the procedure: %v %v", err, rep.Rejected)
	}
}

// TestPrefillFromIdentity: the form comes filled from the account, each
// value saying where it came from; a value the citizen changes is kept as
// the citizen's, and the submission records which values the platform
// vouches for, which the officer then sees.
func TestPrefillFromIdentity(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		importPrefillProcedure(t, env)
		path := "/thu-tuc/" + prefillCode + "/nop-ho-so"
		loggedIn := func(id string) *browser {
			b := newBrowser(t, env)
			wantRedirect(t, "login "+id, b.post("/dang-nhap", login(id)), http.StatusSeeOther, "/ho-so")
			return b
		}
		a := loggedIn(apptest.CitizenA) // verified at the desk
		p := a.get(path)
		checkHTML(t, path, p, "vi")
		wantPage(t, "the form of a verified citizen", p, 200, []string{
			`id="field-applicant_full_name" name="applicant_full_name" value="Nguyễn Văn An"`,
			`id="field-applicant_id_number" name="applicant_id_number" value="` + apptest.CitizenA + `"`,
			`id="field-phone" name="phone" value="0912345678"`,
			`<span class="hint origin origin--identity" id="field-applicant_full_name-origin">Điền sẵn từ danh tính đã được xác thực của tài khoản.</span>`,
			`<span class="hint origin origin--account" id="field-phone-origin">Điền sẵn từ thông tin tài khoản của bạn.</span>`,
			`aria-describedby="field-applicant_full_name-origin"`,
		}, []string{
			// No lookup configured: no button, and the residence waits
			// for the citizen.
			`name="population"`, `id="field-applicant_residence-origin"`, `id="field-reason-origin"`,
		})
		en, _ := loggedIn(apptest.CitizenA).do("GET", path+"?lang=en", nil, nil)
		wantPage(t, "english", en, 200, []string{"Filled in from your account's verified identity."}, nil)

		b := loggedIn(apptest.CitizenB) // self-declared
		wantPage(t, "the form of a self-declared citizen", b.get(path), 200, []string{
			`value="Trần Thị Bình"`,
			`<span class="hint origin origin--account" id="field-applicant_full_name-origin">Điền sẵn từ thông tin tài khoản của bạn.</span>`,
		}, []string{"origin--identity"})

		// The citizen changes the name (a value of theirs now) and keeps
		// the ID number and the phone.
		fields := map[string]string{"unit": apptest.HangTrong, "applicant_full_name": "Nguyễn Văn Ân",
			"applicant_id_number": apptest.CitizenA, "phone": "0912 345 678", "applicant_residence": "", "reason": "Chuyển nơi ở"}
		review := a.postMultipart(path, fields, nil, nil)
		done := confirmReview(t, a, review)
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", done.status, done.body)
		}
		ds := dossiersOf(t, env, apptest.CitizenA)
		if len(ds) != 1 {
			t.Fatalf("%d dossiers", len(ds))
		}
		d, err := env.App.Dossiers.Get(context.Background(), dossier.Actor{AccountID: ds[0].OwnerID, Citizen: true}, ds[0].Code)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]dossier.Origin{"applicant_id_number": dossier.OriginIdentity, "phone": dossier.OriginAccount}
		if got := d.FormSources(); !maps.Equal(got, want) {
			t.Fatalf("recorded sources %v, want %v", got, want)
		}
		if d.Form["applicant_full_name"] != "Nguyễn Văn Ân" {
			t.Fatalf("the citizen's name became %v", d.Form["applicant_full_name"])
		}

		// A form posted back with an error keeps the citizen's change,
		// and says it is theirs.
		fields["reason"] = ""
		again := a.postMultipart(path, fields, nil, nil)
		wantPage(t, "the form again", again, 400, []string{
			`value="Nguyễn Văn Ân"`,
			`<span class="hint origin origin--edited" id="field-applicant_full_name-origin">Bạn đã sửa giá trị điền sẵn; hệ thống ghi nhận đây là thông tin do bạn khai.</span>`,
			`<span class="hint origin origin--identity" id="field-applicant_id_number-origin">`,
		}, nil)

		// The officer sees which values the identity vouches for.
		staff := newBrowser(t, env)
		wantRedirect(t, "staff login", staff.post("/dang-nhap", login("ht.receptionist")), http.StatusSeeOther, "/ho-so")
		wantPage(t, "the officer's dossier page", staff.get("/can-bo/ho-so/"+d.Code), 200, []string{
			apptest.CitizenA + ` <span class="origin origin--identity">(đúng danh tính đã xác thực)</span>`,
			`0912345678 <span class="origin origin--account">(từ tài khoản, người nộp tự khai)</span>`,
		}, []string{`Nguyễn Văn Ân <span class="origin`})
	})
}

// TestPrefillFromPopulation: with the citizen's consent the form is filled
// from the population database (a lookup logged with the procedure as its
// purpose); without consent, or with the database down, nothing is looked
// up or filled and what was typed stays; only a verified account may ask.
func TestPrefillFromPopulation(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			reg := apptest.StartRegistry(t)
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) {
				c.Population = reg.Config()
			})
			importPrefillProcedure(t, env)
			ctx := context.Background()
			path := "/thu-tuc/" + prefillCode + "/nop-ho-so"
			loggedIn := func(id string) *browser {
				b := newBrowser(t, env)
				wantRedirect(t, "login "+id, b.post("/dang-nhap", login(id)), http.StatusSeeOther, "/ho-so")
				return b
			}
			lookups := func() []population.Lookup {
				t.Helper()
				ls, _, err := env.DB.Lookups(ctx, store.LookupFilter{Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				return ls
			}
			residence := "Số 5 phố Lý Quốc Sư, Phường Hàng Trống, Quận Hoàn Kiếm, Thành phố Hà Nội"

			// A self-declared account is told how to get there; no button.
			b := loggedIn(apptest.CitizenB)
			wantPage(t, "self-declared", b.get(path), 200, []string{`<p class="notice" id="population">Tài khoản đã xác thực`},
				[]string{`name="population"`})
			p := b.postMultipart(path, map[string]string{"unit": apptest.HangTrong, "population": "1", "population_consent": "1"}, nil, nil)
			wantPage(t, "self-declared asks anyway", p, http.StatusForbidden, nil, []string{residence})

			a := loggedIn(apptest.CitizenA)
			wantPage(t, "verified", a.get(path), 200, []string{`name="population_consent"`, `name="population" value="1"`},
				[]string{residence})
			typed := map[string]string{"unit": apptest.HangTrong, "applicant_full_name": "Nguyễn Văn An",
				"applicant_id_number": apptest.CitizenA, "phone": "0912345678", "applicant_residence": "", "father_full_name": "", "reason": "Chuyển nơi ở", "population": "1"}

			// No consent: nothing looked up, the typed reason kept.
			p = a.postMultipart(path, typed, nil, nil)
			wantPage(t, "no consent", p, http.StatusBadRequest, []string{
				"Vui lòng đánh dấu đồng ý tra cứu", `<a href="#population-consent">`, `value="Chuyển nơi ở"`}, []string{residence})
			if n := len(lookups()); n != 1 { // B's refused attempt only
				t.Fatalf("%d lookups logged, want B's refusal only", n)
			}

			// The database down: a clear message, nothing filled.
			typed["population_consent"] = "1"
			reg.Down.Store(true)
			p = a.postMultipart(path, typed, nil, nil)
			wantPage(t, "down", p, http.StatusServiceUnavailable, []string{`id="population-error"`, `value="Chuyển nơi ở"`}, []string{residence})
			reg.Down.Store(false)

			// With consent: filled, each value saying where it came from.
			p = a.postMultipart(path, typed, nil, nil)
			wantPage(t, "filled", p, 200, []string{
				"Đã điền thông tin từ Cơ sở dữ liệu quốc gia về dân cư.",
				`name="applicant_residence" value="` + residence + `"`, `name="father_full_name" value="Nguyễn Văn Bảo"`,
				`<span class="hint origin origin--population" id="field-applicant_residence-origin">Điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư.</span>`,
				`<span class="hint origin origin--population" id="field-father_full_name-origin">`,
				`value="Chuyển nơi ở"`,
			}, nil)
			ls := lookups()
			if len(ls) != 3 || ls[0].Outcome != population.OutcomeFound || ls[0].ServiceCode != prefillCode || ls[0].IDNumber != apptest.CitizenA ||
				ls[1].Outcome != population.OutcomeUnavailable {
				t.Fatalf("lookup log: %+v", ls)
			}

			// The draft keeps the lookup: the page comes back filled.
			wantPage(t, "back later", a.get(path), 200, []string{`value="` + residence + `"`, "origin--population"}, nil)

			// The citizen corrects the father's name and submits: the
			// residence is recorded as the database's, the name as theirs.
			typed["applicant_residence"], typed["father_full_name"] = residence, "Nguyễn Văn Bảo Long"
			delete(typed, "population")
			delete(typed, "population_consent")
			done := confirmReview(t, a, a.postMultipart(path, typed, nil, nil))
			if done.status != http.StatusSeeOther {
				t.Fatalf("confirm: %d\n%s", done.status, done.body)
			}
			ds := dossiersOf(t, env, apptest.CitizenA)
			d, err := env.App.Dossiers.Get(ctx, dossier.Actor{AccountID: ds[0].OwnerID, Citizen: true}, ds[0].Code)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]dossier.Origin{"applicant_full_name": dossier.OriginIdentity, "applicant_id_number": dossier.OriginIdentity,
				"phone": dossier.OriginAccount, "applicant_residence": dossier.OriginPopulation}
			if got := d.FormSources(); !maps.Equal(got, want) {
				t.Fatalf("recorded sources %v, want %v", got, want)
			}
			staff := newBrowser(t, env)
			wantRedirect(t, "staff login", staff.post("/dang-nhap", login("ht.receptionist")), http.StatusSeeOther, "/ho-so")
			wantPage(t, "the officer's page", staff.get("/can-bo/ho-so/"+d.Code), 200, []string{
				residence + ` <span class="origin origin--population">(từ CSDL quốc gia về dân cư)</span>`,
			}, []string{`Nguyễn Văn Bảo Long <span class="origin`})
		})
	}
}
