package mailbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/motcua/motcua/internal/notice/email"
	"github.com/motcua/motcua/internal/sandbox/mailbox"
)

// With --demo and no --smtp-url, motcua starts the mailbox, points its
// e-mail client at URL() and mounts the page under /sandbox/thu/.
func ExampleStart() {
	ctx := context.Background()
	box, err := mailbox.Start(ctx, mailbox.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	defer box.Close()
	mux := http.NewServeMux()
	mux.Handle("/sandbox/thu/", box)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	mail, err := email.New(email.Config{URL: box.URL(), From: "Một cửa <motcua@demo.example.vn>"})
	if err != nil {
		panic(err)
	}
	_, err = mail.Send(ctx, email.Message{To: "an@example.vn", Ref: "N1", Subject: "Hồ sơ đã được tiếp nhận", Text: "Xin chào."})
	fmt.Println(err, box.Messages()[0].Subject)
	// Output: <nil> Hồ sơ đã được tiếp nhận
}
