package backoffice_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestReportsPage: the reports page shows II.06a of the acting unit for
// this month as a table (one dossier received online and in progress at
// Hàng Trống), downloads it as .xlsx, PDF and JSON with the file's name,
// shows the 766 score; a leader of the district picks a ward below it; a
// unit the member may not read is 404, a bad date or format 400.
func TestReportsPage(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			env.Login("ht.receptionist").MustAct(&d, "receive", nil)

			lead := login(t, env, "ht.leader")
			p := lead.get("/can-bo/bao-cao")
			want(t, "II.06a", p, 200, `id="ii06a"`, "Số hồ sơ nhận giải quyết", "Số kỳ trước chuyển qua", "Trong hạn",
				`<th scope="row">Cấp xã</th>`, `<th scope="row">Hộ tịch</th>`, `<th scope="row">Tổng cộng</th>`,
				`<option value="`+apptest.HangTrong+`" selected>Phường Hàng Trống</option>`)
			// Every row: received 1 = online 1; in progress 1 = within 1.
			if n := strings.Count(p.body, `<td class="num">1</td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">1</td><td class="num">0</td>`); n != 3 {
				t.Errorf("%d rows with the dossier's cells, want 3 (level, field, total)\n%s", n, p.body)
			}
			for format, ct := range map[string]string{"xlsx": "application/vnd.openxmlformats", "pdf": "application/pdf", "json": "application/json"} {
				p := lead.get("/can-bo/bao-cao?dinh-dang=" + format)
				if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), ct) ||
					!strings.HasPrefix(p.header.Get("Content-Disposition"), `attachment; filename="II06a_`+apptest.HangTrong+"_") ||
					!strings.HasSuffix(p.header.Get("Content-Disposition"), "."+format+`"`) {
					t.Errorf("%s: %d %v", format, p.status, p.header)
				}
			}
			if p := lead.get("/can-bo/bao-cao?dinh-dang=json"); !strings.Contains(p.body, `"in_progress_within":1`) {
				t.Errorf("json: %s", p.body)
			}
			want(t, "766", lead.get("/can-bo/bao-cao?bao-cao=766"), 200, `id="d766"`, "Tổng điểm:", `id="ind-4.2"`, "Không đo",
				// The dossier, received online, is the only one received.
				"1 / 1 (100,00 %)", "7,33 / 7,33")

			district := login(t, env, "hk.leader")
			want(t, "district", district.get("/can-bo/bao-cao"), 200, `<option value="`+apptest.HangTrong+`">Phường Hàng Trống</option>`)
			want(t, "district on the ward", district.get("/can-bo/bao-cao?don-vi-bc="+apptest.HangTrong), 200,
				`<option value="`+apptest.HangTrong+`" selected>`, `<th scope="row">Hộ tịch</th>`)

			other := login(t, env, "hb.leader")
			if p := other.get("/can-bo/bao-cao?don-vi-bc=" + apptest.HangTrong); p.status != http.StatusNotFound {
				t.Errorf("another ward: %d", p.status)
			}
			for _, q := range []string{"tu-ngay=31/02/2025", "dinh-dang=docx", "bao-cao=ii06b", "tu-ngay=10/03/2025&den-ngay=01/03/2025"} {
				if p := lead.get("/can-bo/bao-cao?" + q); p.status != http.StatusBadRequest {
					t.Errorf("%s: %d", q, p.status)
				}
			}
		})
	}
}
