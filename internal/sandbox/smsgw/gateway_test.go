package smsgw_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/internal/notice/sms"
	"github.com/motcua/motcua/internal/sandbox/smsgw"
)

const token = "sandbox-sms-token"

func start(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/sandbox/sms/", smsgw.New(token, smsgw.WithLogger(slog.New(slog.DiscardHandler))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func client(t *testing.T, srv *httptest.Server, tok string) *sms.Client {
	t.Helper()
	c, err := sms.New(sms.Config{URL: srv.URL + "/sandbox/sms" + smsgw.SendPath, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func page(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	res, err := http.Get(srv.URL + "/sandbox/sms/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("X-Frame-Options") != "DENY" ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: status %d, headers %v", res.StatusCode, res.Header)
	}
	return string(b)
}

// TestSendAndPage: the real client sends through the sandbox; the page
// lists the messages newest first with the number masked, the text with
// its diacritics, the ref and the segment count, under the sandbox label.
func TestSendAndPage(t *testing.T) {
	srv := start(t)
	c := client(t, srv, token)
	ctx := context.Background()
	id1, err := c.Send(ctx, sms.Message{To: "0912345678", Ref: "N1", Text: "Hồ sơ G01.123 đã được tiếp nhận."})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := c.Send(ctx, sms.Message{To: "+84 987 654 321", Ref: "N2", Text: "Ho so da duoc tiep nhan"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id1, "SBX-") || !strings.HasPrefix(id2, "SBX-") || id1 == id2 {
		t.Fatalf("ids %q and %q: want two distinct SBX- ids", id1, id2)
	}
	p := page(t, srv)
	for _, want := range []string{
		"THỬ NGHIỆM — không phải cổng SMS thật", "SANDBOX — not a real SMS gateway",
		"84912***678", "84987***321", "Hồ sơ G01.123 đã được tiếp nhận.", "N1", "N2", id1, id2,
		"1 (UCS-2)", "1 (GSM-7)",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, leak := range []string{"84912345678", "0912345678", "84987654321"} {
		if strings.Contains(p, leak) {
			t.Errorf("page shows the number %q unmasked", leak)
		}
	}
	if strings.Index(p, id2) > strings.Index(p, id1) {
		t.Error("page is not newest first")
	}
}

// TestRepeatedRef: a retry with the same ref answers the same id and
// stores no second message, also when the retries race.
func TestRepeatedRef(t *testing.T) {
	srv := start(t)
	c := client(t, srv, token)
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := c.Send(context.Background(), sms.Message{To: "0912345678", Ref: "N77", Text: "Nhắc lịch hẹn trả kết quả"})
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("ids %v: want one id for one ref", ids)
		}
	}
	if n := strings.Count(page(t, srv), "Nhắc lịch hẹn trả kết quả"); n != 1 {
		t.Errorf("page lists the message %d times, want once", n)
	}
	other, err := c.Send(context.Background(), sms.Message{To: "0912345678", Ref: "N78", Text: "Nhắc lịch hẹn trả kết quả"})
	if err != nil || other == ids[0] {
		t.Errorf("another ref: id %q, %v; want a new id", other, err)
	}
}

// TestRefusals: token, JSON, number and text are checked, with the status
// the client reads as a permanent refusal; the answers never repeat the
// number.
func TestRefusals(t *testing.T) {
	srv := start(t)
	good := `{"to":"84912345678","text":"Xin chào","ref":"N1"}`
	for _, tc := range []struct {
		name, method, path, auth, body string
		want                           int
	}{
		{"good", "POST", smsgw.SendPath, "Bearer " + token, good, 200},
		{"no token", "POST", smsgw.SendPath, "", good, 401},
		{"wrong token", "POST", smsgw.SendPath, "Bearer nope", good, 401},
		{"token without Bearer", "POST", smsgw.SendPath, token, good, 401},
		{"basic", "POST", smsgw.SendPath, "Basic dTpw", good, 401},
		{"not JSON", "POST", smsgw.SendPath, "Bearer " + token, "to=84912345678", 400},
		{"two values", "POST", smsgw.SendPath, "Bearer " + token, good + good, 400},
		{"number as number", "POST", smsgw.SendPath, "Bearer " + token, `{"to":84912345678,"text":"x","ref":"a"}`, 400},
		{"national form", "POST", smsgw.SendPath, "Bearer " + token, `{"to":"0912345678","text":"x","ref":"a"}`, 400},
		{"landline", "POST", smsgw.SendPath, "Bearer " + token, `{"to":"842438253536","text":"x","ref":"a"}`, 400},
		{"with plus", "POST", smsgw.SendPath, "Bearer " + token, `{"to":"+84912345678","text":"x","ref":"a"}`, 400},
		{"empty text", "POST", smsgw.SendPath, "Bearer " + token, `{"to":"84912345678","text":"  ","ref":"a"}`, 400},
		{"text too long", "POST", smsgw.SendPath, "Bearer " + token, `{"to":"84912345678","text":"` + strings.Repeat("ă", 671) + `","ref":"a"}`, 400},
		{"GET on send", "GET", smsgw.SendPath, "Bearer " + token, "", 405},
		{"POST on page", "POST", "/", "Bearer " + token, good, 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+"/sandbox/sms"+tc.path, strings.NewReader(tc.body))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.want {
				t.Fatalf("status %d (%s), want %d", res.StatusCode, b, tc.want)
			}
			var a struct{ ID, Error string }
			if tc.want != 405 {
				if err := json.Unmarshal(b, &a); err != nil {
					t.Fatalf("answer %q is not JSON: %v", b, err)
				}
			}
			if tc.want == 200 && !strings.HasPrefix(a.ID, "SBX-") || tc.want/100 == 4 && tc.want != 405 && a.Error == "" {
				t.Errorf("answer %s", b)
			}
			if strings.Contains(string(b), "912345678") {
				t.Errorf("answer %s repeats the number", b)
			}
		})
	}
	// The client reads a wrong token and a refused text as permanent.
	for _, tc := range []struct {
		tok string
		m   sms.Message
	}{
		{"nope", sms.Message{To: "0912345678", Ref: "N9", Text: "x"}},
		{token, sms.Message{To: "0912345678", Ref: "N9", Text: strings.Repeat("ơ", 700)}},
	} {
		if _, err := client(t, srv, tc.tok).Send(context.Background(), tc.m); !sms.IsPermanent(err) {
			t.Errorf("client error %v: want permanent", err)
		}
	}
}

// TestPageEscapes: a text with markup is shown as text.
func TestPageEscapes(t *testing.T) {
	srv := start(t)
	if _, err := client(t, srv, token).Send(context.Background(), sms.Message{To: "0912345678", Ref: `<b>r</b>`,
		Text: `<script>alert("x")</script> & <img src=x onerror=alert(1)>`}); err != nil {
		t.Fatal(err)
	}
	p := page(t, srv)
	if strings.Contains(p, "<script>alert") || strings.Contains(p, "<img") || strings.Contains(p, "<b>r") {
		t.Fatalf("page renders the message's markup:\n%s", p)
	}
	if !strings.Contains(p, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img") {
		t.Errorf("page lacks the escaped text:\n%s", p)
	}
}

// TestBounded: only the newest MaxMessages are kept, and a forgotten
// message's ref is new again.
func TestBounded(t *testing.T) {
	srv := start(t)
	c := client(t, srv, token)
	first, err := c.Send(context.Background(), sms.Message{To: "0912345678", Ref: "R0", Text: "tin số 0 hết"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= smsgw.MaxMessages; i++ {
		if _, err := c.Send(context.Background(), sms.Message{To: "0912345678", Ref: fmt.Sprintf("R%d", i), Text: fmt.Sprintf("tin số %d hết", i)}); err != nil {
			t.Fatal(err)
		}
	}
	p := page(t, srv)
	if strings.Contains(p, "tin số 0 hết") || !strings.Contains(p, "tin số 1 hết") || !strings.Contains(p, fmt.Sprintf("tin số %d hết", smsgw.MaxMessages)) {
		t.Error("page does not hold exactly the newest messages")
	}
	if n := strings.Count(p, "<tr><td>"); n != smsgw.MaxMessages {
		t.Errorf("page lists %d messages, want %d", n, smsgw.MaxMessages)
	}
	again, err := c.Send(context.Background(), sms.Message{To: "0912345678", Ref: "R0", Text: "tin số 0 hết"})
	if err != nil || again == first {
		t.Errorf("forgotten ref: id %q (first %q), %v; want a new id", again, first, err)
	}
}
