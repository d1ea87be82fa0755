package app_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestDemoPayOnline is the citizen's journey to pay a fee with the demo's
// sandbox VNPay, on both engines, over HTTP as a browser would: the dossier
// page lists the fee and offers VNPay; paying goes to the sandbox's page
// (labelled), whose success button calls motcua's IPN server to server and
// sends the browser back to the return page; the dossier has moved on,
// through the system actor, and its e-receipt downloads. A replayed IPN
// changes nothing.
func TestDemoPayOnline(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) { c.Demo = true })
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			env.Login("ht.receptionist").MustAct(&d, "receive", nil)
			env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			env.Login("ht.specialist").MustAct(&d, "request_fee", map[string]any{"amount": 150000})

			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			do := func(method, u string, form url.Values) (*http.Response, string) {
				t.Helper()
				var body io.Reader
				if form != nil {
					body = strings.NewReader(form.Encode())
				}
				req, err := http.NewRequest(method, u, body)
				if err != nil {
					t.Fatal(err)
				}
				if form != nil {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Origin", env.URL)
				}
				res, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res, string(b)
			}
			if res, _ := do("POST", env.URL+"/dang-nhap", url.Values{"username": {apptest.CitizenA}, "password": {apptest.Password}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %d", res.StatusCode)
			}
			page := env.URL + "/ho-so/" + d.Code
			res, body := do("GET", page, nil)
			for _, want := range []string{`id="fees"`, "Lệ phí", "150.000", `action="/ho-so/` + d.Code + `/thanh-toan"`, `id="pay-vnpay"`} {
				if res.StatusCode != 200 || !strings.Contains(body, want) {
					t.Fatalf("dossier page: %d, missing %q\n%s", res.StatusCode, want, body)
				}
			}
			// Pay: a page of ours goes on to the gateway.
			res, body = do("POST", page+"/thanh-toan", url.Values{"gateway": {"vnpay"}})
			m := regexp.MustCompile(`id="gateway-link" href="([^"]+)"`).FindStringSubmatch(body)
			if res.StatusCode != 200 || m == nil {
				t.Fatalf("pay: %d\n%s", res.StatusCode, body)
			}
			payURL := html.UnescapeString(m[1])
			if !strings.HasPrefix(payURL, env.URL+"/sandbox/vnpay/paymentv2/vpcpay.html?") || !strings.Contains(payURL, "vnp_Amount=15000000") {
				t.Fatalf("the payment URL: %s", payURL)
			}
			res, body = do("GET", payURL, nil)
			if res.StatusCode != 200 || !strings.Contains(body, "MÔI TRƯỜNG THỬ NGHIỆM") {
				t.Fatalf("the sandbox's page: %d\n%s", res.StatusCode, body)
			}
			action := regexp.MustCompile(`<form method="post" action="([^"]+)">\s*<input type="hidden" name="q" value="([^"]*)">`).FindStringSubmatch(body)
			if action == nil {
				t.Fatalf("no choice form on the sandbox's page:\n%s", body)
			}
			to, _ := url.Parse(payURL)
			choose, _ := to.Parse(html.UnescapeString(action[1]))
			res, body = do("POST", choose.String(), url.Values{"q": {html.UnescapeString(action[2])}, "choice": {"success"}})
			back := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(back, env.URL+"/thanh-toan/vnpay/ket-qua?") {
				t.Fatalf("the sandbox's answer: %d to %q\n%s", res.StatusCode, back, body)
			}
			res, body = do("GET", back, nil)
			if res.StatusCode != 200 || !strings.Contains(body, "Thanh toán thành công") || !strings.Contains(body, `href="/ho-so/`+d.Code+`"`) {
				t.Fatalf("the return page: %d\n%s", res.StatusCode, body)
			}

			// The IPN moved the dossier on (the return page only shows).
			var got apptest.Dossier
			if st := env.Login(apptest.CitizenA).Do("GET", "/api/v1/dossiers/"+d.Code, nil, &got); st != 200 || got.Status != 4 {
				t.Fatalf("after payment: %d status %d", st, got.Status)
			}
			var pays struct {
				Payments []struct {
					Status string `json:"status"`
					Amount int64  `json:"amount"`
					Method string `json:"method"`
				} `json:"payments"`
			}
			if st := env.Login(apptest.CitizenA).Do("GET", "/api/v1/dossiers/"+d.Code+"/payments", nil, &pays); st != 200 ||
				len(pays.Payments) != 1 || pays.Payments[0].Status != "paid" || pays.Payments[0].Amount != 150000 || pays.Payments[0].Method != "online" {
				t.Fatalf("payments: %d %+v", st, pays)
			}
			// A replay of the gateway's notice: "already confirmed".
			q, _ := url.Parse(back)
			res, body = do("GET", env.URL+"/api/v1/payments/vnpay/ipn?"+q.RawQuery, nil)
			if res.StatusCode != 200 || !strings.Contains(body, `"RspCode":"02"`) {
				t.Fatalf("replayed IPN: %d %s", res.StatusCode, body)
			}
			// A forged one: "invalid signature".
			forged := strings.Replace(q.RawQuery, "vnp_Amount=15000000", "vnp_Amount=100", 1)
			if res, body = do("GET", env.URL+"/api/v1/payments/vnpay/ipn?"+forged, nil); !strings.Contains(body, `"RspCode":"97"`) {
				t.Fatalf("forged IPN: %d %s", res.StatusCode, body)
			}

			// The receipt: on the page, and as a PDF.
			res, body = do("GET", page, nil)
			rm := regexp.MustCompile(`<a href="(/ho-so/[^"]+/bien-lai/\d+)">`).FindStringSubmatch(body)
			if rm == nil || !strings.Contains(body, "BIÊN LAI THU LỆ PHÍ") {
				t.Fatalf("no receipt on the dossier page:\n%s", body)
			}
			res, body = do("GET", env.URL+rm[1], nil)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("receipt: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			text := apptest.PDFText(t, []byte(body), "-raw")
			for _, want := range []string{"BIÊN LAI THU LỆ PHÍ", "150.000", "Một trăm năm mươi nghìn đồng", d.Code} {
				if !strings.Contains(text, want) {
					t.Errorf("the receipt lacks %q:\n%s", want, text)
				}
			}
			// Before the decision, slip 01's QR target shows the progress.
			if res, _ = do("GET", env.URL+"/xac-thuc/"+d.Code, nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tra-cuu/"+d.Code {
				t.Fatalf("/xac-thuc before the result: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}

			// The leader's decision issues the electronic result, signed
			// with the ward's certificate from the demo CA; it goes online.
			env.Login("ht.leader").MustAct(&got, "finish", map[string]any{"result": map[string]any{
				"number": "15/2026/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
			env.Login("ht.receptionist").MustAct(&got, "deliver", map[string]any{"method": "online"})
			res, body = do("GET", page, nil)
			dm := regexp.MustCompile(`<a href="(/ho-so/[^"]+/tai-lieu/\d+)"[^>]*>[^<]*ket-qua-`).FindStringSubmatch(body)
			if dm == nil {
				t.Fatalf("no electronic result on the dossier page:\n%s", body)
			}
			res, signed := do("GET", env.URL+dm[1], nil)
			if res.StatusCode != 200 || !strings.HasPrefix(signed, "%PDF-") {
				t.Fatalf("the result: %d", res.StatusCode)
			}
			if out := apptest.PDFSig(t, []byte(signed)); !strings.Contains(out, "Signature is Valid") {
				t.Fatalf("pdfsig on the result:\n%s", out)
			}
			if text := apptest.PDFText(t, []byte(signed), "-raw"); !strings.Contains(text, "15/2026/GCNKH") || !strings.Contains(text, d.Code) {
				t.Errorf("the result's text:\n%s", text)
			}
			// The QR's target, for anyone: valid, with no personal data.
			ares, err := http.Get(env.URL + "/xac-thuc/" + d.Code)
			if err != nil {
				t.Fatal(err)
			}
			ab, _ := io.ReadAll(ares.Body)
			ares.Body.Close()
			res, body = ares, string(ab)
			if res.StatusCode != 200 || !strings.Contains(body, "verdict--valid") || !strings.Contains(body, "15/2026/GCNKH") ||
				!strings.Contains(body, "Phường Hàng Trống") || strings.Contains(body, "Nguyễn Văn An") || strings.Contains(body, apptest.CitizenA) {
				t.Fatalf("/xac-thuc: %d\n%s", res.StatusCode, body)
			}
			if res, _ = do("GET", env.URL+"/xac-thuc/000.00.00.H26-000000-0000", nil); res.StatusCode != 404 {
				t.Fatalf("/xac-thuc of an unknown code: %d", res.StatusCode)
			}
			// A file checked by upload: the original, then a modified copy.
			upload := func(content []byte) (int, string) {
				t.Helper()
				ct, mb := apptest.Multipart(nil, []apptest.File{{Field: "file", Name: "ket-qua.pdf", Content: content}})
				req, _ := http.NewRequest("POST", env.URL+"/xac-thuc", mb)
				req.Header.Set("Content-Type", ct)
				req.Header.Set("Origin", env.URL)
				res, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(b)
			}
			if st, b := upload([]byte(signed)); st != 200 || !strings.Contains(b, "verdict--valid") || !strings.Contains(b, d.Code) {
				t.Fatalf("upload of the result: %d\n%s", st, b)
			}
			modified := []byte(signed)
			i := strings.Index(signed, "15/2026")
			if i < 0 {
				// The text is compressed: flip a byte of the signed range.
				i = len(modified) / 3
			}
			modified[i] ^= 0x01
			if st, b := upload(modified); st != 200 || !strings.Contains(b, "verdict--modified") || !strings.Contains(b, `id="not-ours"`) {
				t.Fatalf("upload of a modified copy: %d\n%s", st, b)
			}
			if st, b := upload([]byte("không phải PDF")); st != 400 || !strings.Contains(b, "không phải là tệp PDF") {
				t.Fatalf("upload of a text file: %d\n%s", st, b)
			}

			// The leader revokes the result: the page says so, with the
			// reason, for the code and for the file alike.
			if r := env.Login("ht.specialist").Act(&got, "revoke_result", map[string]any{"reason": "Sai họ tên"}); r.Status != 403 {
				t.Fatalf("a specialist revoking: %d %s", r.Status, r.Body)
			}
			env.Login("ht.leader").MustAct(&got, "revoke_result", map[string]any{"reason": "Ghi sai số giấy chứng nhận"})
			if r := env.Login("ht.leader").Act(&got, "revoke_result", map[string]any{"reason": "lần hai"}); r.Status != 422 {
				t.Fatalf("revoking twice: %d %s", r.Status, r.Body)
			}
			ares, err = http.Get(env.URL + "/xac-thuc/" + d.Code)
			if err != nil {
				t.Fatal(err)
			}
			ab, _ = io.ReadAll(ares.Body)
			ares.Body.Close()
			if !strings.Contains(string(ab), "verdict--revoked") || !strings.Contains(string(ab), "Kết quả đã bị thu hồi") || !strings.Contains(string(ab), "Ghi sai số giấy chứng nhận") {
				t.Fatalf("/xac-thuc after revocation:\n%s", ab)
			}
			if st, b := upload([]byte(signed)); st != 200 || !strings.Contains(b, "verdict--revoked") {
				t.Fatalf("upload of a revoked result: %d\n%s", st, b)
			}

			// The indicators count it: paid online, an electronic result,
			// solved fully online.
			var st struct {
				Level4 *struct {
					FeesPaid           int   `json:"fees_paid"`
					FeesPaidOnline     int   `json:"fees_paid_online"`
					OnlineTransactions int   `json:"online_transactions"`
					OnlineAmount       int64 `json:"online_amount"`
					Finished           int   `json:"finished"`
					ResultsElectronic  int   `json:"results_electronic"`
					SolvedFullyOnline  int   `json:"solved_fully_online"`
				} `json:"level4"`
			}
			if code := env.Login("ht.leader").Do("GET", "/api/v1/stats", nil, &st); code != 200 || st.Level4 == nil {
				t.Fatalf("stats: %d %+v", code, st)
			}
			if l := st.Level4; l.FeesPaid != 1 || l.FeesPaidOnline != 1 || l.OnlineTransactions != 1 || l.OnlineAmount != 150000 ||
				l.Finished != 1 || l.ResultsElectronic != 1 || l.SolvedFullyOnline != 1 {
				t.Fatalf("level-4 indicators: %+v", *l)
			}

			// Another citizen: the same 404 for the receipt.
			other := env.Login(apptest.CitizenB)
			if st := other.Do("GET", "/api/v1/dossiers/"+d.Code+"/receipts", nil, nil); st != 404 {
				t.Fatalf("B reading A's receipts: %d", st)
			}
		})
	}
}
