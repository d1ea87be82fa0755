package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func TestDashboard(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, clk := startMonday(t, e)
			citizen := env.Login(apptest.CitizenA)
			d1 := citizen.Submit(apptest.HangTrong)
			d2 := citizen.Submit(apptest.HangTrong)
			citizen.Submit(apptest.HangTrong)
			citizen.Submit(apptest.HangTrong)

			rec := login(t, env, "ht.receptionist")
			leader := login(t, env, "ht.leader")
			want(t, "empty dashboard", rec.get("/can-bo/"), 200, `id="count-waiting">4</a>`, `id="status-1">4</td>`,
				`id="month-online">0</dd>`, "Chưa có hồ sơ nào được giải quyết trong tháng.", "Không có hồ sơ nào quá hạn.",
				`href="/can-bo/tiep-nhan"`, `href="/can-bo/ho-so?loai=dang-xu-ly"`, `href="/can-bo/ho-so?loai=qua-han"`)
			done(t, env, rec, d1.Code, "receive", nil) // due 10/03 17:00

			// A counter intake, assigned and finished early.
			var d5 apptest.Dossier
			if st := env.Login("ht.receptionist").Do("POST", "/api/v1/dossiers", map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
				"form": apptest.MarriageForm(), "applicant": map[string]any{"id_number": apptest.CitizenB, "full_name": "Trần Thị Bình", "phone": "0987654321"},
				"received": apptest.MarriageReceived()}, &d5); st != 201 {
				t.Fatalf("counter intake: %d", st)
			}
			done(t, env, leader, d5.Code, "assign", url.Values{"assignee": {"ht.specialist"}})
			p := leader.postMultipart("/can-bo/ho-so/"+d5.Code, map[string]string{"action": "finish", "version": itoa(dossierOf(t, env, d5.Code).Version),
				"result_number": "1/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": "yes"}, nil)
			if p.status != http.StatusSeeOther {
				t.Fatalf("finish: %d\n%s", p.status, p.body)
			}

			clk.Set(time.Date(2025, 3, 5, 9, 0, 0, 0, vn))
			done(t, env, rec, d2.Code, "receive", nil) // due 12/03 17:00

			// Tuesday 11/03: d1 is overdue by one working day, d2 is due within one.
			clk.Set(time.Date(2025, 3, 11, 10, 0, 0, 0, vn))
			p = rec.get("/can-bo/")
			want(t, "dashboard", p, 200,
				`id="count-waiting">2</a>`, `id="count-in-progress">2</a>`, `id="count-overdue">1</a>`,
				`id="status-1">2</td>`, `id="status-2">2</td>`, `id="status-9">1</td>`, `id="status-3">0</td>`,
				"1. Mới đăng ký", "9. Đã xử lý xong",
				`id="due-today">0</a>`, `id="due-one">1</a>`, `id="due-overdue">1</dd>`,
				`id="overdue-`+d1.Code+`"`, "10/03/2025 17:00", "Quá hạn 1 ngày", "Đăng ký kết hôn",
				"Số liệu tháng 03/2025", `id="month-online">2</dd>`, `id="month-counter">1</dd>`, `id="month-finished">1</dd>`,
				"100,00 % (1 trên 1 hồ sơ giải quyết đúng hạn hoặc trước hạn)",
				`id="month-online-rate">66,67 %</dd>`, `id="month-online-rate-offered">66,67 %</dd>`)
			if strings.Contains(p.body, `id="overdue-`+d2.Code+`"`) {
				t.Fatal("d2 listed as overdue")
			}

			// Wednesday 12/03 09:00: d2 is due today, d1 overdue by two days.
			clk.Set(time.Date(2025, 3, 12, 9, 0, 0, 0, vn))
			want(t, "next day", rec.get("/can-bo/"), 200, `id="due-today">1</a>`, `id="due-one">1</a>`, "Quá hạn 2 ngày")
			want(t, "english", rec.get("/can-bo/?lang=en"), 200, "Overdue by 2 working days", "Received online", "100.00% (1 of 1 finished early or on time)",
				`id="month-online-rate">66.67%</dd>`)
			rec.get("/can-bo/?lang=vi")

			// Another commune counts nothing of it.
			want(t, "other commune", login(t, env, "hb.receptionist").get("/can-bo/"), 200, `id="status-2">0</td>`, `id="month-online">0</dd>`)

			// The district leader and the city administrator see the whole
			// area by default: the ward's overdue dossier is theirs to see.
			for _, who := range []string{"hk.leader", "city.admin"} {
				p := login(t, env, who).get("/can-bo/")
				want(t, who, p, 200, `id="dash-scope"`, `id="count-overdue">1</a>`, `id="count-in-progress">2</a>`,
					`id="due-overdue">1</dd>`, `id="status-2">2</td>`, `id="overdue-`+d1.Code+`"`,
					`href="/can-bo/ho-so?loai=qua-han&pham-vi=cap-duoi"`, `id="count-waiting">0</a>`)
			}
			// The district's receptionist counts the district's own desk.
			p = login(t, env, "hk.receptionist").get("/can-bo/")
			want(t, "district receptionist", p, 200, `id="count-overdue">0</a>`, `id="status-2">0</td>`)
			if strings.Contains(p.body, `id="dash-scope"`) {
				t.Fatal("a receptionist's dashboard claims the subtree")
			}
		})
	}
}

func TestCalendarAdmin(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, _ := startMonday(t, e)
			citizen := env.Login(apptest.CitizenA)
			api := env.Login("ht.receptionist")
			hbAPI := env.Login("hb.receptionist")
			receiveAt := func(unit string, c *apptest.Client) string {
				t.Helper()
				d := citizen.Submit(unit)
				c.MustAct(&d, "receive", nil)
				if d.LegalDueAt == nil {
					t.Fatal("no due date")
				}
				return *d.LegalDueAt
			}
			receive := func() string { t.Helper(); return receiveAt(apptest.HangTrong, api) }
			overrides := func() int {
				t.Helper()
				ovs, err := env.DB.CalendarOverrides(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				return len(ovs)
			}
			if due := receive(); !strings.HasPrefix(due, "2025-03-10T17:00") {
				t.Fatalf("due before the day off: %s", due)
			}

			admin := login(t, env, "city.admin")
			want(t, "calendar", admin.get("/can-bo/lich"), 200, "Lịch làm việc năm 2025", "30/04/2025", "Ngày Chiến thắng",
				`id="add-form"`, `name="date" type="text" inputmode="numeric"`, `placeholder="dd/mm/yyyy"`, `<fieldset`, `type="radio" id="kind-off" name="kind" value="off"`, `value="work"`, `href="/can-bo/lich"`)
			want(t, "other year", admin.get("/can-bo/lich?nam=2026"), 200, "Lịch làm việc năm 2026")
			want(t, "bad year", admin.get("/can-bo/lich?nam=abc"), http.StatusBadRequest)

			// Bad input: inline errors, nothing stored.
			p := admin.post("/can-bo/lich", url.Values{"action": {"add"}, "date": {"2025-02-30"}, "kind": {"holiday"}, "reason": {"  "}})
			want(t, "bad input", p, http.StatusBadRequest, "Chưa lưu được thay đổi", "Vui lòng nhập ngày hợp lệ theo dạng ngày/tháng/năm",
				"Vui lòng chọn loại ngày: ngày nghỉ hoặc ngày làm việc bù.", "Vui lòng nêu lý do", `aria-invalid="true"`)
			want(t, "no reason", admin.post("/can-bo/lich", url.Values{"action": {"add"}, "date": {"07/03/2025"}, "kind": {"off"}}),
				http.StatusBadRequest, "Vui lòng nêu lý do", `value="07/03/2025"`)
			want(t, "US order", admin.post("/can-bo/lich", url.Values{"action": {"add"}, "date": {"03/31/2025"}, "kind": {"off"}, "reason": {"x"}}),
				http.StatusBadRequest, "Vui lòng nhập ngày hợp lệ theo dạng ngày/tháng/năm", `value="03/31/2025"`)
			if n := overrides(); n != 0 {
				t.Fatalf("bad input stored %d overrides", n)
			}

			// Cross-site POST.
			p = admin.do("POST", "/can-bo/lich", url.Values{"action": {"add"}, "date": {"2025-03-07"}, "kind": {"off"}, "reason": {"Bão"}},
				map[string]string{"Sec-Fetch-Site": "cross-site"})
			want(t, "cross-site", p, http.StatusForbidden)
			if n := overrides(); n != 0 {
				t.Fatalf("cross-site post stored %d overrides", n)
			}

			// The city admin adds Friday 07/03 as a day off, typed as
			// people write it.
			p = admin.post("/can-bo/lich", url.Values{"action": {"add"}, "date": {"07/03/2025"}, "kind": {"off"}, "reason": {"Nghỉ phòng chống bão"}})
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/can-bo/lich?nam=2025&xong=add" {
				t.Fatalf("add: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
			}
			want(t, "added", admin.get("/can-bo/lich?nam=2025&xong=add"), 200, "Đã lưu ngày vào lịch làm việc", `id="day-2025-03-07"`,
				"07/03/2025", "Thứ Sáu", "Nghỉ phòng chống bão", "Thành phố điều chỉnh", "Xóa ngày 07/03/2025")
			if due := receive(); !strings.HasPrefix(due, "2025-03-11T17:00") {
				t.Fatalf("due after the day off: %s", due)
			}

			// Hàng Trống's unit admin sees the city's day (not theirs to
			// delete) and adds a day off of the ward's own: it moves the
			// ward's deadlines, not those of Hàng Bạc.
			ua := login(t, env, "ht.unit_admin")
			p = ua.get("/can-bo/lich")
			want(t, "unit admin", p, 200, "Nghỉ phòng chống bão", "Thành phố điều chỉnh", "chỉ áp dụng cho Phường Hàng Trống", `id="add-form"`)
			if strings.Contains(p.body, "Xóa ngày 07/03/2025") {
				t.Fatal("the unit admin is offered to delete the city's day")
			}
			want(t, "unit admin deletes the city's day", ua.post("/can-bo/lich", url.Values{"action": {"delete"}, "date": {"2025-03-07"}}), http.StatusNotFound)
			p = ua.post("/can-bo/lich", url.Values{"action": {"add"}, "date": {"10/3/2025"}, "kind": {"off"}, "reason": {"Phường tổ chức bầu cử bổ sung"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("unit admin add: %d\n%s", p.status, p.body)
			}
			want(t, "unit day", ua.get("/can-bo/lich?nam=2025"), 200, "Phường tổ chức bầu cử bổ sung", "Đơn vị "+apptest.HangTrong+" điều chỉnh", "Xóa ngày 10/03/2025")
			if n := overrides(); n != 2 {
				t.Fatalf("overrides after the unit admin: %d", n)
			}
			if due := receive(); !strings.HasPrefix(due, "2025-03-12T17:00") {
				t.Fatalf("Hàng Trống's due after its own day off: %s", due)
			}
			if due := receiveAt(apptest.HangBac, hbAPI); !strings.HasPrefix(due, "2025-03-11T17:00") {
				t.Fatalf("Hàng Bạc's due moved by Hàng Trống's day off: %s", due)
			}
			if p := admin.get("/can-bo/lich?nam=2025"); strings.Contains(p.body, "Phường tổ chức bầu cử bổ sung") {
				t.Fatal("the city's calendar shows a ward's day")
			}
			p = ua.post("/can-bo/lich", url.Values{"action": {"delete"}, "date": {"2025-03-10"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("unit admin delete: %d\n%s", p.status, p.body)
			}
			if due := receive(); !strings.HasPrefix(due, "2025-03-11T17:00") {
				t.Fatalf("Hàng Trống's due after deleting its day off: %s", due)
			}
			if n := overrides(); n != 1 {
				t.Fatalf("overrides after the unit admin's delete: %d", n)
			}
			// Every change is in the audit log with its actor.
			log, err := env.DB.AuditLog(context.Background(), store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range log {
				if strings.HasPrefix(e.Action, "calendar.") {
					got = append(got, e.Action+" "+e.Subject+" "+e.ActorName)
				}
			}
			if w := []string{
				"calendar.delete calendar:" + unitID(t, env, apptest.HangTrong) + ":2025-03-10 Cán bộ ht unit_admin",
				"calendar.set calendar:" + unitID(t, env, apptest.HangTrong) + ":2025-03-10 Cán bộ ht unit_admin",
				"calendar.set calendar:0:2025-03-07 Quản trị thành phố",
			}; strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
			}

			// Others get 403.
			rec := login(t, env, "ht.receptionist")
			want(t, "receptionist", rec.get("/can-bo/lich"), http.StatusForbidden)
			want(t, "receptionist post", rec.post("/can-bo/lich", url.Values{"action": {"delete"}, "date": {"2025-03-07"}}), http.StatusForbidden)
			if strings.Contains(rec.get("/can-bo/").body, `href="/can-bo/lich"`) {
				t.Fatal("the receptionist is offered the calendar link")
			}

			// The city admin deletes it; deadlines move back.
			p = admin.post("/can-bo/lich", url.Values{"action": {"delete"}, "date": {"2025-03-07"}})
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/can-bo/lich?nam=2025&xong=delete" {
				t.Fatalf("delete: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
			}
			p = admin.get("/can-bo/lich?nam=2025&xong=delete")
			want(t, "deleted", p, 200, "Đã xóa ngày khỏi lịch làm việc.")
			if strings.Contains(p.body, "Nghỉ phòng chống bão") {
				t.Fatal("the deleted day is still listed")
			}
			if n := overrides(); n != 0 {
				t.Fatalf("overrides after delete: %d", n)
			}
			if due := receive(); !strings.HasPrefix(due, "2025-03-10T17:00") {
				t.Fatalf("due after deleting the day off: %s", due)
			}
		})
	}
}

// unitID returns a unit's database id, as the audit log names it.
func unitID(t *testing.T, env *apptest.Env, code string) string {
	t.Helper()
	u, err := env.DB.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(u.ID, 10)
}

// TestCalendarTetAndOfficeHours: the page shows an announced Tết with its
// source, a future year as provisional until a city administrator
// confirms it; a unit administrator's office hours move the deadlines of
// that unit only, and dropping them inherits again.
func TestCalendarTetAndOfficeHours(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, _ := startMonday(t, e)
			admin := login(t, env, "city.admin")
			ua := login(t, env, "ht.unit_admin")
			want(t, "announced", admin.get("/can-bo/lich?nam=2025"), 200, `data-status="announced"`,
				"Đã công bố: nghỉ từ 25/01/2025 đến hết 02/02/2025.", "Nguồn: Thông báo", "Theo thông báo của Chính phủ")
			want(t, "announced en", admin.get("/can-bo/lich?nam=2026&lang=en"), 200, "Announced: days off from 14/02/2026 to 22/02/2026.")
			admin.get("/can-bo/lich?lang=vi")
			p := admin.get("/can-bo/lich?nam=2027")
			want(t, "provisional", p, 200, `data-status="provisional"`, "Dự kiến: tính theo Bộ luật Lao động, nghỉ từ 05/02/2027 đến hết 09/02/2027", `id="confirm-form"`)
			if p := ua.get("/can-bo/lich?nam=2027"); strings.Contains(p.body, `id="confirm-form"`) || !strings.Contains(p.body, `data-status="provisional"`) {
				t.Fatal("the unit admin is offered to confirm the year, or does not see it provisional")
			}
			want(t, "unit admin confirms", ua.post("/can-bo/lich", url.Values{"action": {"confirm_year"}, "year": {"2027"}}), http.StatusForbidden)
			p = admin.post("/can-bo/lich", url.Values{"action": {"confirm_year"}, "year": {"2027"}})
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/can-bo/lich?nam=2027&xong=confirm" {
				t.Fatalf("confirm: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
			}
			p = admin.get("/can-bo/lich?nam=2027&xong=confirm")
			want(t, "confirmed", p, 200, `data-status="confirmed"`, "Đã xác nhận lịch nghỉ Tết của năm.", "Quản trị thành phố xác nhận lúc")
			if strings.Contains(p.body, `id="confirm-form"`) {
				t.Fatal("a confirmed year is offered for confirmation")
			}
			want(t, "confirm twice", admin.post("/can-bo/lich", url.Values{"action": {"confirm_year"}, "year": {"2027"}}), http.StatusConflict)
			want(t, "confirm announced", admin.post("/can-bo/lich", url.Values{"action": {"confirm_year"}, "year": {"2025"}}), http.StatusConflict)

			// Office hours: the default, then Hàng Trống's own.
			want(t, "hours default", ua.get("/can-bo/lich"), 200, "Buổi sáng 07:00–11:30, buổi chiều 13:30–17:00.",
				"Theo giờ làm việc mặc định của hệ thống.", `id="hours-form"`, `name="afternoon_end" type="time"`)
			want(t, "bad hours", ua.post("/can-bo/lich", url.Values{"action": {"hours"}, "year": {"2025"}, "morning_start": {"11:30"},
				"morning_end": {"07:30"}, "afternoon_start": {"13:30"}, "afternoon_end": {"16:00"}}), http.StatusBadRequest,
				"Vui lòng nhập giờ dạng HH:MM, buổi sáng trước buổi chiều.", `value="07:30"`)
			p = ua.post("/can-bo/lich", url.Values{"action": {"hours"}, "year": {"2025"}, "morning_start": {"07:30"},
				"morning_end": {"11:30"}, "afternoon_start": {"13:30"}, "afternoon_end": {"16:00"}})
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/can-bo/lich?nam=2025&xong=hours" {
				t.Fatalf("hours: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
			}
			want(t, "own hours", ua.get("/can-bo/lich?nam=2025&xong=hours"), 200, "Đã lưu giờ làm việc.",
				"Buổi sáng 07:30–11:30, buổi chiều 13:30–16:00.", "Đây là giờ làm việc riêng của đơn vị.", `id="hours-reset-form"`)
			want(t, "city keeps the default", admin.get("/can-bo/lich"), 200, "Buổi sáng 07:00–11:30, buổi chiều 13:30–17:00.")

			citizen := env.Login(apptest.CitizenA)
			receiveAt := func(unit, who string) string {
				t.Helper()
				d := citizen.Submit(unit)
				env.Login(who).MustAct(&d, "receive", nil)
				if d.LegalDueAt == nil {
					t.Fatal("no due date")
				}
				return *d.LegalDueAt
			}
			if due := receiveAt(apptest.HangTrong, "ht.receptionist"); !strings.HasPrefix(due, "2025-03-10T16:00") {
				t.Fatalf("Hàng Trống's due with its own hours: %s", due)
			}
			if due := receiveAt(apptest.HangBac, "hb.receptionist"); !strings.HasPrefix(due, "2025-03-10T17:00") {
				t.Fatalf("Hàng Bạc's due moved by Hàng Trống's hours: %s", due)
			}
			p = ua.post("/can-bo/lich", url.Values{"action": {"hours_reset"}, "year": {"2025"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("hours reset: %d\n%s", p.status, p.body)
			}
			if due := receiveAt(apptest.HangTrong, "ht.receptionist"); !strings.HasPrefix(due, "2025-03-10T17:00") {
				t.Fatalf("Hàng Trống's due after dropping its hours: %s", due)
			}
			log, err := env.DB.AuditLog(context.Background(), store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range log {
				if e.Action == "calendar.confirm_year" || strings.HasPrefix(e.Action, "office_hours.") {
					got = append(got, e.Action+" "+e.Subject+" "+e.ActorName)
				}
			}
			ht := unitID(t, env, apptest.HangTrong)
			if w := []string{
				"office_hours.delete office_hours:" + ht + " Cán bộ ht unit_admin",
				"office_hours.set office_hours:" + ht + " Cán bộ ht unit_admin",
				"calendar.confirm_year calendar_year:2027 Quản trị thành phố",
			}; strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
			}
		})
	}
}
