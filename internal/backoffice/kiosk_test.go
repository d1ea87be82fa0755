package backoffice_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// deliveredAtCounter takes a counter dossier of Hàng Trống, for an
// applicant without an account, through to its result handed over at the
// desk by method.
func deliveredAtCounter(t *testing.T, env *apptest.Env, method string) apptest.Dossier {
	t.Helper()
	rec, lead := env.Login("ht.receptionist"), env.Login("ht.leader")
	var d apptest.Dossier
	if st := rec.Do("POST", "/api/v1/dossiers", map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
		"form": apptest.MarriageForm(), "applicant": map[string]any{"id_number": "001085012345", "full_name": "Phạm Văn Đức", "phone": "0904123456"},
		"received": apptest.MarriageReceived()}, &d); st != 201 {
		t.Fatalf("counter intake: %d", st)
	}
	lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
	lead.MustAct(&d, "finish", map[string]any{"result": map[string]any{"summary": "Cấp giấy chứng nhận kết hôn", "granted": true}})
	rec.MustAct(&d, "deliver", map[string]any{"method": method})
	return d
}

// TestRatingKiosk: the desk's rating screen for an applicant at the
// counter records the rating once through the lifecycle, in Vietnamese and
// English, with large buttons and no personal data; only staff of the unit
// holding the dossier open it (others: 404), and the dashboard shows the
// month's shares with the number of ratings, per procedure too (both
// engines).
func TestRatingKiosk(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, clk := startMonday(t, e)
			d1 := deliveredAtCounter(t, env, "in_person")
			path := "/can-bo/danh-gia/" + d1.Code
			rec := login(t, env, "ht.receptionist")

			// The dossier page offers the screen.
			want(t, "dossier page", rec.get("/can-bo/ho-so/"+d1.Code), 200, `id="kiosk-link"`, `href="`+path+`"`,
				"Mời người nộp đánh giá trên màn hình")
			p := rec.get(path)
			want(t, "kiosk", p, 200, "Đánh giá sự hài lòng", d1.Code, "Đăng ký kết hôn",
				`id="rate-very_satisfied"`, ">Rất hài lòng</button>", ">Hài lòng</button>", ">Không hài lòng</button>",
				`name="version" value="`+itoa(d1.Version)+`"`, `id="kiosk-comment"`, `href="/can-bo/danh-gia.css"`)
			for _, private := range []string{"Phạm Văn Đức", "001085012345", "0904123456"} {
				if strings.Contains(p.body, private) {
					t.Fatalf("the kiosk shows %q to the public", private)
				}
			}
			want(t, "kiosk in English", rec.get(path+"?lang=en"), 200, "How satisfied are you?", ">Very satisfied</button>", ">Dissatisfied</button>")
			rec.get(path + "?lang=vi")
			css := rec.get("/can-bo/danh-gia.css")
			want(t, "kiosk css", css, 200, ".kiosk__choice")

			// Staff of another ward, or a district leader reading the
			// subtree: the same 404 as an unknown code, reading or writing.
			for _, who := range []string{"hb.receptionist", "hk.leader"} {
				b := login(t, env, who)
				want(t, who+" reads", b.get(path), 404)
				want(t, who+" rates", b.post(path, url.Values{"version": {itoa(d1.Version)}, "rating": {"very_satisfied"}}), 404)
			}
			want(t, "unknown", rec.get("/can-bo/danh-gia/000.12.02.H26-250303-9999"), 404)
			// A specialist of the ward sees why the screen takes no rating.
			want(t, "specialist", login(t, env, "ht.specialist").get(path), 200, `id="kiosk-closed"`, "không được thực hiện thao tác")

			// A made-up level is refused; nothing is recorded.
			want(t, "bad level", rec.post(path, url.Values{"version": {itoa(d1.Version)}, "rating": {"meh"}, "comment": {"Tốt"}}), 400,
				"Mức đánh giá phải là", `id="rate-satisfied"`, ">Tốt</textarea>")
			if got := dossierOf(t, env, d1.Code); got.Rating != "" {
				t.Fatalf("a refused rating was recorded: %q", got.Rating)
			}

			// The applicant taps "Hài lòng": recorded, thanked.
			p = rec.post(path, url.Values{"version": {itoa(d1.Version)}, "rating": {"satisfied"}, "comment": {"Cán bộ nhiệt tình"}})
			if p.status != http.StatusSeeOther || p.header.Get("Location") != path+"?xong=1" {
				t.Fatalf("rating: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
			}
			want(t, "thanks", rec.get(path+"?xong=1"), 200, `id="kiosk-thanks"`, "Cảm ơn ông/bà đã đánh giá.", "Ông/bà đã chọn: Hài lòng.")
			got := dossierOf(t, env, d1.Code)
			if got.Rating != "satisfied" {
				t.Fatalf("rating %q, want satisfied", got.Rating)
			}
			// Once: a second tap, even from a stale screen, is refused.
			p = rec.post(path, url.Values{"version": {itoa(got.Version)}, "rating": {"very_satisfied"}})
			want(t, "second rating", p, 422, "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần.")
			if strings.Contains(p.body, `id="rate-satisfied"`) {
				t.Fatal("the buttons are offered again after the rating")
			}
			want(t, "stale second rating", rec.post(path, url.Values{"version": {itoa(d1.Version)}, "rating": {"very_satisfied"}}), 422)
			if got := dossierOf(t, env, d1.Code); got.Rating != "satisfied" || got.Version != d1.Version+1 {
				t.Fatalf("after the second attempts: rating %q version %d", got.Rating, got.Version)
			}
			want(t, "rated screen", rec.get(path), 200, `id="kiosk-closed"`, "Hồ sơ đã được đánh giá: Hài lòng.")
			want(t, "dossier page after", rec.get("/can-bo/ho-so/"+d1.Code), 200, `id="rating"`, "Người nộp đã đánh giá: Hài lòng.")

			// A result sent by post: nobody at the counter to rate it.
			d2 := deliveredAtCounter(t, env, "post")
			want(t, "posted result", rec.get("/can-bo/danh-gia/"+d2.Code), 200, `id="kiosk-closed"`, "trả kết quả trực tiếp")
			if strings.Contains(rec.get("/can-bo/ho-so/"+d2.Code).body, `id="kiosk-link"`) {
				t.Fatal("the dossier page offers the screen for a posted result")
			}

			// Two more, one on each other level: a third each on the
			// dashboard, with the counts beside the shares.
			for _, level := range []string{"very_satisfied", "dissatisfied"} {
				d := deliveredAtCounter(t, env, "in_person")
				lead := login(t, env, "ht.leader")
				if p := lead.post("/can-bo/danh-gia/"+d.Code, url.Values{"version": {itoa(d.Version)}, "rating": {level}}); p.status != http.StatusSeeOther {
					t.Fatalf("rating %s: %d\n%s", level, p.status, p.body)
				}
			}
			clk.Set(time.Date(2025, 3, 4, 9, 0, 0, 0, vn))
			want(t, "dashboard", rec.get("/can-bo/"), 200, "Mức độ hài lòng tháng 03/2025",
				`id="sat-very_satisfied">33,33 % (1)</dd>`, `id="sat-satisfied">33,33 % (1)</dd>`, `id="sat-dissatisfied">33,33 % (1)</dd>`,
				`id="sat-total">3</dd>`, `id="sat-desk">3</dd>`, `id="sat-row-1.000894"`, "Đăng ký kết hôn (1.000894)")
			want(t, "dashboard in English", rec.get("/can-bo/?lang=en"), 200, "Satisfaction, 03/2025", `id="sat-very_satisfied">33.33% (1)</dd>`)
			rec.get("/can-bo/?lang=vi")
			// The district's leader reads the wards below: one row per
			// unit with ratings.
			want(t, "district dashboard", login(t, env, "hk.leader").get("/can-bo/"), 200, `id="sat-total">3</dd>`,
				`<tr id="sat-unit-`+apptest.HangTrong+`">`, "Phường Hàng Trống", `class="sat-dissatisfied">33,33 % (1)</td>`)
			// Another ward decided none of them.
			want(t, "other ward's dashboard", login(t, env, "hb.receptionist").get("/can-bo/"), 200, `id="satisfaction-none"`)
		})
	}
}
