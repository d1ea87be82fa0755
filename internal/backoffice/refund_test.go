package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestRefundAtTheDesk: a payment for a dossier withdrawn meanwhile shows on
// the dossier page as to be paid back; the ward's leader records the
// refund there; another ward's leader cannot.
func TestRefundAtTheDesk(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			ctx := context.Background()
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			env.Login("ht.receptionist").MustAct(&d, "receive", nil)
			env.Login("ht.leader").MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			env.Login("ht.specialist").MustAct(&d, "request_fee", map[string]any{"amount": 30000})
			// A payment opened, the dossier withdrawn, the money arrives.
			pays := env.App.Payments
			pays.Gateways["test"] = testGateway{}
			acct, _ := env.DB.AccountByUsername(ctx, apptest.CitizenA)
			actor, _ := env.App.Auth.Actor(ctx, acct)
			st, err := pays.Start(ctx, actor, d.Code, "test", "127.0.0.1", "", "vi")
			if err != nil {
				t.Fatal(err)
			}
			env.Login(apptest.CitizenA).MustAct(&d, "withdraw", map[string]any{"reason": "Nộp nhầm"})
			if out, err := pays.Settle(ctx, "test", payment.Settlement{Ref: st.Attempt.Ref, Amount: 30000, Paid: true}); err != nil || out != payment.Settled {
				t.Fatalf("settle: %v %v", out, err)
			}
			page := "/can-bo/ho-so/" + d.Code
			lead := login(t, env, "ht.leader")
			want(t, "dossier page", lead.get(page), 200, `id="payments"`, "cần hoàn trả cho người nộp", `action="`+page+`/hoan-phi"`)
			form := url.Values{"request": {"1"}}
			_, rs, _ := pays.Requests(ctx, dossier.SystemActor("test"), d.Code)
			form.Set("request", strconv.FormatInt(rs[0].ID, 10))
			other := login(t, env, "hb.leader")
			if p := other.post(page+"/hoan-phi", form); p.status != http.StatusNotFound {
				t.Fatalf("another ward's leader: %d", p.status)
			}
			if p := lead.post(page+"/hoan-phi", form); p.status != http.StatusSeeOther {
				t.Fatalf("refund: %d %s", p.status, p.body)
			}
			want(t, "after the refund", lead.get(page+"?xong=refund"), 200, "Đã ghi nhận hoàn phí.", "đã hoàn phí")
			if p := lead.post(page+"/hoan-phi", form); p.status != http.StatusUnprocessableEntity {
				t.Fatalf("refund twice: %d", p.status)
			}
		})
	}
}

// testGateway opens payments without a network.
type testGateway struct{}

func (testGateway) Begin(context.Context, payment.Begin) (string, error) {
	return "https://gateway.example/pay", nil
}

func (testGateway) Query(context.Context, payment.Attempt) (payment.Settlement, bool, error) {
	return payment.Settlement{}, false, nil
}
