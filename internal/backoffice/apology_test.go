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

// TestApologyWarningAndDeadline walks the apology rules of Decree
// 107/2021/NĐ-CP through the back office: dossiers received Monday
// 3/3/2025 fall due Monday 10/3 17:00; leaders are warned from two working
// days before (Thursday 6/3); the apology is accepted until Friday 7/3 and
// moves only the appointment.
func TestApologyWarningAndDeadline(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, clk := startMonday(t, e)
			citizen := env.Login(apptest.CitizenA)
			d1 := citizen.Submit(apptest.HangTrong)
			d2 := citizen.Submit(apptest.HangTrong)
			rec := login(t, env, "ht.receptionist")
			leader := login(t, env, "ht.leader")
			for _, d := range []apptest.Dossier{d1, d2} {
				done(t, env, rec, d.Code, "receive", nil)
			}

			clk.Set(time.Date(2025, 3, 4, 10, 0, 0, 0, vn)) // Tuesday
			if p := leader.get("/can-bo/"); strings.Contains(p.body, `id="apology-warning"`) {
				t.Fatal("warned three working days before the due date")
			}
			clk.Set(time.Date(2025, 3, 6, 10, 0, 0, 0, vn)) // Thursday
			want(t, "leader's dashboard", leader.get("/can-bo/"), 200, `id="apology-warning"`, "2 hồ sơ đến hạn trong 2 ngày làm việc tới", "han=2-ngay")
			if p := rec.get("/can-bo/"); strings.Contains(p.body, `id="apology-warning"`) {
				t.Fatal("the receptionist is warned: the apology is the leader's")
			}
			want(t, "warning list", leader.get("/can-bo/viec-can-lam?han=2-ngay"), 200, d1.Code, d2.Code)
			want(t, "dossier page", leader.get("/can-bo/ho-so/"+d1.Code), 200, `id="apology-warning"`, "chậm nhất ngày 07/03/2025")

			// Thursday: d1's apology is in time, to a working day; the
			// statutory date stays.
			path1 := "/can-bo/ho-so/" + d1.Code
			want(t, "new date on a Saturday", leader.post(path1, act("reschedule", dossierOf(t, env, d1.Code).Version,
				url.Values{"reason": {"Chờ xác minh"}, "new_due": {"2025-03-15"}})), http.StatusBadRequest, "Ngày hẹn mới phải là ngày làm việc")
			done(t, env, leader, d1.Code, "reschedule", url.Values{"reason": {"Chờ xác minh"}, "new_due": {"2025-03-20"}})
			got := dossierOf(t, env, d1.Code)
			if got.LegalDueAt == nil || got.AppointedDueAt == nil || !strings.HasPrefix(*got.LegalDueAt, "2025-03-10T17:00:00") ||
				!strings.HasPrefix(*got.AppointedDueAt, "2025-03-20T17:00:00") {
				t.Fatalf("after the apology: legal %v appointed %v", deref(got.LegalDueAt), deref(got.AppointedDueAt))
			}
			want(t, "rescheduled page", leader.get(path1), 200, "Hạn giải quyết theo quy định", "10/03/2025 17:00", `id="appointed-due"`, "20/03/2025 17:00")
			want(t, "one left to warn", leader.get("/can-bo/"), 200, "1 hồ sơ đến hạn trong 2 ngày làm việc tới")

			// Saturday 8/3: too late for d2's apology.
			clk.Set(time.Date(2025, 3, 8, 9, 0, 0, 0, vn))
			want(t, "late apology", leader.post("/can-bo/ho-so/"+d2.Code, act("reschedule", dossierOf(t, env, d2.Code).Version,
				url.Values{"reason": {"Chờ xác minh"}, "new_due": {"2025-03-20"}})), http.StatusUnprocessableEntity,
				"chậm nhất 01 ngày làm việc trước ngày hết hạn", "07/03/2025")
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
