package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/internal/api"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/dvcqg"
)

const inboundToken = "cong-dvcqg-bi-mat"

// inboundServer serves the application's API with the national portal's
// inbound token configured (the application's wiring of the token is the
// configuration's; this copy of its handler shares its services and store).
func inboundServer(t *testing.T, env *apptest.Env, token string) string {
	t.Helper()
	h := *env.App.API
	h.DVCQGInboundToken = token
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v1/inbound/dvcqg"
}

type inboundReply struct {
	status  int
	header  http.Header
	items   []api.InboundResult
	errCode string
	errMsg  string
}

func deliver(t *testing.T, url, token, lang string, body []byte) inboundReply {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := inboundReply{status: res.StatusCode, header: res.Header}
	if res.StatusCode == 200 {
		if err := json.Unmarshal(raw, &out.items); err != nil {
			t.Fatalf("answer %s: %v", raw, err)
		}
		return out
	}
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("error answer %s: %v", raw, err)
	}
	out.errCode, out.errMsg = e.Error.Code, e.Error.Message
	return out
}

func hoSo(code string) dvcqg.HoSo {
	return dvcqg.HoSo{MaHoSo: code, MaTTHC: apptest.Marriage, TenTTHC: "Đăng ký kết hôn", KenhThucHien: "2",
		ChuHoSo: "Lê Thị Hoa", SoGiayToChuHoSo: "001185006789", LoaiDoiTuong: "1", SoDienThoai: "0901234567",
		TrichYeuHoSo: "Đăng ký kết hôn", DonViXuLy: apptest.HangTrong, NgayNopHoSo: "20251201080000", TrangThaiHoSo: "1",
		DinhDanhCHS: []dvcqg.DinhDanh{{LoaiDinhDanh: "1", SoDinhDanh: "001185006789"}}}
}

func body(t *testing.T, items ...dvcqg.HoSo) []byte {
	t.Helper()
	b, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func receptionQueue(t *testing.T, env *apptest.Env) []dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	u, err := env.DB.UnitByCode(ctx, apptest.HangTrong)
	if err != nil {
		t.Fatal(err)
	}
	q, _, err := env.DB.ReceptionQueue(ctx, u.ID, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestInboundDVCQGRefusesWholeRequests(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		url := inboundServer(t, env, inboundToken)
		unconfigured := inboundServer(t, env, "")
		good := body(t, hoSo("G22-251201-0100"))
		many := make([]dvcqg.HoSo, dvcqg.MaxInbound+1)
		for i := range many {
			many[i] = hoSo("G22-251201-9" + strings.Repeat("0", 3) + string(rune('a'+i%26)))
		}
		huge := []byte(`[{"MaHoSo":"x","GhiChu":"` + strings.Repeat("a", dvcqg.MaxInboundBytes) + `"}]`)
		cases := []struct {
			name   string
			url    string
			token  string
			lang   string
			body   []byte
			status int
			code   string
			msg    string
		}{
			{"no token", url, "", "", good, 401, "unauthorized", "Thiếu hoặc sai mã xác thực"},
			{"no token, English", url, "", "en", good, 401, "unauthorized", "bearer token is missing or invalid"},
			{"bad token", url, "sai-ma", "", good, 401, "unauthorized", "Cổng Dịch vụ công quốc gia"},
			{"a token prefix", url, inboundToken[:5], "", good, 401, "unauthorized", ""},
			{"no token configured", unconfigured, inboundToken, "", good, 401, "unauthorized", ""},
			{"not JSON", url, inboundToken, "", []byte(`[{"MaHoSo":`), 400, "bad_json", "JSON không hợp lệ"},
			{"an object, not an array", url, inboundToken, "", []byte(`{"MaHoSo":"x"}`), 400, "bad_json", "mảng JSON"},
			{"a field of the wrong type", url, inboundToken, "en", []byte(`[{"MaHoSo":12}]`), 400, "bad_json", "Dossier 1"},
			{"empty array", url, inboundToken, "", []byte(`[]`), 400, "bad_json", ""},
			{"over 100 dossiers", url, inboundToken, "", body(t, many...), 400, "too_many", "tối đa 100"},
			{"over 1 MiB", url, inboundToken, "", huge, 413, "body_too_large", ""},
		}
		for _, c := range cases {
			r := deliver(t, c.url, c.token, c.lang, c.body)
			if r.status != c.status || r.errCode != c.code || !strings.Contains(r.errMsg, c.msg) {
				t.Errorf("%s: %d %s %q, want %d %s containing %q", c.name, r.status, r.errCode, r.errMsg, c.status, c.code, c.msg)
			}
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: 401 without WWW-Authenticate", c.name)
			}
		}
		if q := receptionQueue(t, env); len(q) != 0 {
			t.Fatalf("refused requests filed %d dossiers", len(q))
		}
	})
}

func TestInboundDVCQGItems(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		url := inboundServer(t, env, inboundToken)
		unknownProc := hoSo("G22-251201-0002")
		unknownProc.MaTTHC = "9.999999"
		unknownUnit := hoSo("G22-251201-0003")
		unknownUnit.DonViXuLy = "000.99.99.H26"
		viaPlace := hoSo("G22-251201-0004")
		viaPlace.DonViXuLy, viaPlace.NoiNopHoSo = "", apptest.HangTrong
		badID := hoSo("G22-251201-0005")
		badID.DinhDanhCHS, badID.SoGiayToChuHoSo = nil, "12ab"
		r := deliver(t, url, inboundToken, "", body(t, hoSo("G22-251201-0001"), unknownProc, unknownUnit, viaPlace, badID))
		if r.status != 200 || len(r.items) != 5 {
			t.Fatalf("delivery: %d, %d items", r.status, len(r.items))
		}
		want := []struct {
			ma, errorCode, msg string
			filed              bool
		}{
			{"G22-251201-0001", "0", "thành công", true},
			{"G22-251201-0002", "1", "Không có thủ tục «9.999999»", false},
			{"G22-251201-0003", "1", "Không có đơn vị «000.99.99.H26»", false},
			{"G22-251201-0004", "0", "thành công", true},
			{"G22-251201-0005", "1", "applicant.id_number", false},
		}
		filed := map[string]string{}
		for i, w := range want {
			it := r.items[i]
			if it.MaHoSo != w.ma || it.ErrorCode != w.errorCode || !strings.Contains(it.Message, w.msg) || (it.Code != "") != w.filed {
				t.Errorf("item %d: %+v, want %+v", i, it, w)
			}
			if w.filed {
				filed[it.Code] = w.ma
			}
		}
		q := receptionQueue(t, env)
		if len(q) != 2 {
			t.Fatalf("reception queue has %d dossiers, want 2", len(q))
		}
		for _, d := range q {
			if _, ok := filed[d.Code]; !ok || d.Status != dossier.StatusSubmitted || d.Channel != dossier.ChannelOnline || d.Applicant.FullName != "Lê Thị Hoa" {
				t.Errorf("queued %s status %d channel %s applicant %q", d.Code, d.Status, d.Channel, d.Applicant.FullName)
			}
		}

		// The same dossier again: answered with our code, nothing filed.
		again := deliver(t, url, inboundToken, "en", body(t, hoSo("G22-251201-0001")))
		if again.status != 200 || len(again.items) != 1 || again.items[0].ErrorCode != "3" || filed[again.items[0].Code] != "G22-251201-0001" ||
			!strings.Contains(again.items[0].Message, "already exists") {
			t.Fatalf("duplicate: %d %+v", again.status, again.items)
		}
		if n := len(receptionQueue(t, env)); n != 2 {
			t.Fatalf("a duplicate filed a dossier: %d in the queue", n)
		}
	})
}

func TestInboundDVCQGConcurrentDuplicates(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		url := inboundServer(t, env, inboundToken)
		const n = 6
		replies := make([]inboundReply, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				replies[i] = deliver(t, url, inboundToken, "", body(t, hoSo("G22-251201-0042")))
			}()
		}
		wg.Wait()
		created, code := 0, ""
		for _, r := range replies {
			if r.status != 200 || len(r.items) != 1 {
				t.Fatalf("reply %d %+v", r.status, r.items)
			}
			it := r.items[0]
			switch it.ErrorCode {
			case "0":
				created++
			case "3":
			default:
				t.Fatalf("item %+v", it)
			}
			if code == "" {
				code = it.Code
			}
			if it.Code != code {
				t.Fatalf("answers name %s and %s", code, it.Code)
			}
		}
		if created != 1 {
			t.Fatalf("%d deliveries filed the dossier, want 1", created)
		}
		if q := receptionQueue(t, env); len(q) != 1 || q[0].Code != code {
			t.Fatalf("reception queue %d dossiers", len(q))
		}
	})
}
