package vnpaygw_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/motcua/motcua/internal/payment/vnpay"
	"github.com/motcua/motcua/internal/sandbox/vnpaygw"
)

// The gateway is mounted under /sandbox/vnpay/ without StripPrefix, next to
// the merchant's IPN endpoint; the app's vnpay.Client points at it with the
// same terminal code and secret. This is how --demo wires it.
func ExampleNew() {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	const tmn, secret = "DEMO0001", "demo-secret"
	mux.Handle("/sandbox/vnpay/", vnpaygw.New(tmn, secret, srv.URL+"/api/v1/payments/vnpay/ipn"))
	client := &vnpay.Client{
		TmnCode: tmn, HashSecret: secret,
		PayURL: srv.URL + "/sandbox/vnpay" + vnpaygw.PayPath,
		APIURL: srv.URL + "/sandbox/vnpay" + vnpaygw.APIPath,
	}
	res, err := client.QueryDR(context.Background(), "NOT-PAID-YET", time.Now())
	fmt.Println(res.Found, err)
	// Output: false <nil>
}
