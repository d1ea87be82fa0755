package dvcqg

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestClientAnswers(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		body      string
		delay     time.Duration
		exists    bool
		permanent bool
		ok        bool
	}{
		{"accepted", 200, `{"error_code":"0","message":"Đồng bộ thành công"}`, 0, false, false, true},
		{"accepted, numeric code", 200, `{"error_code":0,"message":"thành công"}`, 0, false, false, true},
		{"already exists", 200, `{"error_code":"3","message":"Hồ sơ đã tồn tại trên hệ thống"}`, 0, true, false, false},
		{"already exists, -3", 200, `{"error_code":"-3","message":"Mã hồ sơ ĐÃ TỒN TẠI"}`, 0, true, false, false},
		{"3 without the words is a refusal", 200, `{"error_code":"3","message":"Sai định dạng"}`, 0, false, true, false},
		{"other refusal", 200, `{"error_code":"-1","message":"Mã thủ tục không hợp lệ"}`, 0, false, true, false},
		{"refusal with HTTP 400", 400, `{"error_code":"2","message":"Thiếu trường MaHoSo"}`, 0, false, true, false},
		{"401 without JSON", 401, `Unauthorized`, 0, false, true, false},
		{"server error", 500, `{"error_code":"-1","message":"Lỗi hệ thống"}`, 0, false, false, false},
		{"bad gateway, HTML", 502, `<html>Bad Gateway</html>`, 0, false, false, false},
		{"200 that is not JSON", 200, `<html>maintenance</html>`, 0, false, false, false},
		{"timeout", 200, `{"error_code":"0","message":"thành công"}`, 500 * time.Millisecond, false, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			type request struct {
				auth, path, ctype string
				got               []HoSo
			}
			seen := make(chan request, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				req := request{auth: r.Header.Get("Authorization"), path: r.URL.Path, ctype: r.Header.Get("Content-Type")}
				b, _ := io.ReadAll(r.Body)
				if err := json.Unmarshal(b, &req.got); err != nil {
					t.Errorf("the body is not an array of dossiers: %v", err)
				}
				seen <- req
				if c.delay > 0 {
					select {
					case <-time.After(c.delay):
					case <-r.Context().Done():
					}
				}
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			}))
			defer srv.Close()
			cl := NewClient(Config{URL: srv.URL + "/", CreatePath: "/api/hoso/create", Token: "t0k", Timeout: 100 * time.Millisecond}, nil)
			err := cl.Create(context.Background(), []HoSo{{MaHoSo: "X-1"}})
			if c.ok != (err == nil) || c.exists != errors.Is(err, ErrExists) || c.permanent != IsPermanent(err) {
				t.Fatalf("err = %v (exists %v, permanent %v), want ok %v exists %v permanent %v",
					err, errors.Is(err, ErrExists), IsPermanent(err), c.ok, c.exists, c.permanent)
			}
			req := <-seen
			if req.auth != "Bearer t0k" || req.path != "/api/hoso/create" || req.ctype != "application/json; charset=utf-8" {
				t.Fatalf("request: auth %q path %q type %q", req.auth, req.path, req.ctype)
			}
			if len(req.got) != 1 || req.got[0].MaHoSo != "X-1" {
				t.Fatalf("sent %+v", req.got)
			}
		})
	}
}

func TestClientEndpoints(t *testing.T) {
	var mu sync.Mutex
	paths := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths[r.URL.Path]++
		mu.Unlock()
		io.WriteString(w, `{"error_code":"0","message":"thành công"}`)
	}))
	defer srv.Close()
	cl := NewClient(Config{URL: srv.URL, CreatePath: "c", UpdatePath: "u", ProgressPath: "p"}, nil)
	ctx := context.Background()
	if err := cl.Create(ctx, []HoSo{{}}); err != nil {
		t.Fatal(err)
	}
	if err := cl.Update(ctx, []HoSo{{}}); err != nil {
		t.Fatal(err)
	}
	if err := cl.Progress(ctx, []QuaTrinh{{}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if paths["/c"] != 1 || paths["/u"] != 1 || paths["/p"] != 1 {
		t.Fatalf("calls: %v", paths)
	}
}

func TestClientConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	err = NewClient(Config{URL: "http://" + addr, CreatePath: "c"}, nil).Create(context.Background(), []HoSo{{}})
	if err == nil || IsPermanent(err) || errors.Is(err, ErrExists) {
		t.Fatalf("connection refused: %v, want a temporary error", err)
	}
}
