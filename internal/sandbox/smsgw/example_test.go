package smsgw_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/motcua/motcua/internal/notice/sms"
	"github.com/motcua/motcua/internal/sandbox/smsgw"
)

// With --demo and no --sms-url, motcua mounts the gateway under
// /sandbox/sms/ and points its SMS client at BASE/sandbox/sms + SendPath
// with the same token.
func ExampleNew() {
	mux := http.NewServeMux()
	mux.Handle("/sandbox/sms/", smsgw.New("demo-sms-token", smsgw.WithLogger(slog.New(slog.DiscardHandler))))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := sms.New(sms.Config{URL: srv.URL + "/sandbox/sms" + smsgw.SendPath, Token: "demo-sms-token"})
	if err != nil {
		panic(err)
	}
	id, err := c.Send(context.Background(), sms.Message{To: "0912345678", Ref: "N1", Text: "Hồ sơ đã được tiếp nhận"})
	fmt.Println(id, err)
	// Output: SBX-000001 <nil>
}
