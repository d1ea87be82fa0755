package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/payment/paygov"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestPaygovPayment: with the national payment platform configured, the
// API opens a payment with INIT (signed, with the fee lines for the
// receipt), the platform's CONFIRM settles it once and the dossier moves
// on; a replay, a bad signature and a wrong amount change nothing. The
// platform is an httptest server; motcua's side is the production code.
func TestPaygovPayment(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			const secret, partner = "bi-mat-nen-tang", "HNI"
			var mu sync.Mutex
			var inits []map[string]any
			platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var m map[string]any
				_ = json.NewDecoder(r.Body).Decode(&m)
				mu.Lock()
				inits = append(inits, m)
				mu.Unlock()
				if r.Header.Get("Authorization") != "Bearer tok" {
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
				msg, _ := json.Marshal(map[string]string{"UrlThanhToan": "https://thanhtoan.dichvucong.gov.vn/pay?ref=" + m["MaThamChieu"].(string)})
				_ = json.NewEncoder(w).Encode(map[string]string{"error_code": "0", "message": string(msg)})
			}))
			t.Cleanup(platform.Close)
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) {
				c.Paygov = config.Paygov{URL: platform.URL, Token: "tok", Partner: partner, Secret: secret}
			})
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			env.Login("ht.receptionist").MustAct(&d, "receive", nil)
			env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			env.Login("ht.specialist").MustAct(&d, "request_fee", map[string]any{"amount": 70000})

			body, _ := json.Marshal(map[string]string{"gateway": "paygov"})
			r := env.Login(apptest.CitizenA).Raw("POST", "/api/v1/dossiers/"+d.Code+"/payments", "application/json", bytes.NewReader(body), nil)
			if r.Status != 201 {
				t.Fatalf("start: %d %s", r.Status, r.Body)
			}
			var out map[string]any
			_ = json.Unmarshal(r.Body, &out)
			ref, _ := out["id"].(string)
			if out["status"] != "pending" || out["amount"] != float64(70000) || !strings.HasSuffix(out["redirect_url"].(string), "ref="+ref) {
				t.Fatalf("started: %s", r.Body)
			}
			init := inits[0]
			if init["LoaiBanTin"] != "INIT" || init["MaDoiTac"] != partner || init["SoTien"] != "70000" || init["MaThamChieu"] != ref {
				t.Fatalf("INIT: %v", init)
			}
			want := paygov.Sign(secret, "INIT", init["PhienBan"].(string), partner, ref, "70000", init["LoaiHinhThanhToan"].(string),
				init["MaKenhThanhToan"].(string), init["MaThietBi"].(string), init["NgonNgu"].(string), init["MaTienTe"].(string),
				init["MaNganHang"].(string), init["ThongTinGiaoDich"].(string), init["ThoiGianGD"].(string), init["Ip"].(string))
			if init["MaXacThuc"] != want {
				t.Fatalf("INIT's MaXacThuc %v, want %s", init["MaXacThuc"], want)
			}
			if rcpt, _ := init["ThongTinBienLai"].(map[string]any); rcpt == nil || !strings.Contains(string(mustJSON(rcpt)), "70000") {
				t.Fatalf("INIT's receipt details: %v", init["ThongTinBienLai"])
			}

			confirm := func(amount, sig string) string {
				t.Helper()
				m := map[string]string{"LoaiBanTin": "CONFIRM", "MaLoi": "00", "MaDoiTac": partner, "MaThamChieu": ref, "SoTien": amount,
					"MaTienTe": "VND", "MaGiaoDich": "GD123", "MaNganHang": "VCB", "ThoiGianGD": paygov.FormatTime(time.Now()), "ThongTinGiaoDich": "Thanh toan"}
				m["MaXacThuc"] = paygov.Sign(secret, m["LoaiBanTin"], m["MaLoi"], m["MaDoiTac"], m["MaThamChieu"], m["SoTien"], m["MaTienTe"],
					m["MaGiaoDich"], m["MaNganHang"], m["ThoiGianGD"], m["ThongTinGiaoDich"])
				if sig != "" {
					m["MaXacThuc"] = sig
				}
				b, _ := json.Marshal(m)
				res, err := http.Post(env.URL+"/api/v1/payments/paygov/confirm", "application/json", bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				rb, _ := io.ReadAll(res.Body)
				var rep map[string]string
				_ = json.Unmarshal(rb, &rep)
				return rep["MaLoi"]
			}
			if code := confirm("70000", strings.Repeat("0", 64)); code != "97" {
				t.Fatalf("bad signature: %s", code)
			}
			if code := confirm("7000", ""); code != "04" {
				t.Fatalf("wrong amount: %s", code)
			}
			var got apptest.Dossier
			if env.Login(apptest.CitizenA).Do("GET", "/api/v1/dossiers/"+d.Code, nil, &got); got.Status != 6 {
				t.Fatalf("status %d before a good CONFIRM", got.Status)
			}
			if code := confirm("70000", ""); code != "00" {
				t.Fatalf("CONFIRM: %s", code)
			}
			if code := confirm("70000", ""); code != "02" {
				t.Fatalf("replay: %s", code)
			}
			if env.Login(apptest.CitizenA).Do("GET", "/api/v1/dossiers/"+d.Code, nil, &got); got.Status != 4 {
				t.Fatalf("status %d after CONFIRM", got.Status)
			}
			var rcs struct {
				Receipts []struct {
					Total  int64  `json:"total"`
					Method string `json:"method"`
				} `json:"receipts"`
			}
			if st := env.Login(apptest.CitizenA).Do("GET", "/api/v1/dossiers/"+d.Code+"/receipts", nil, &rcs); st != 200 || len(rcs.Receipts) != 1 || rcs.Receipts[0].Total != 70000 {
				t.Fatalf("receipts: %d %+v", st, rcs)
			}
		})
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
