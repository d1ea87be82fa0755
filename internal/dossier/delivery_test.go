package dossier

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
)

func TestCheckDelivery(t *testing.T) {
	full := testVersion()
	partial := testVersion()
	partial.Class = catalog.ClassPartial
	for _, c := range []struct {
		name  string
		v     *catalog.Version
		in    *Delivery
		want  Delivery
		field string // the field named in the error, "" if accepted
		code  string
	}{
		{"none means at the desk", full, nil, Delivery{Method: DeliverInPerson}, "", ""},
		{"empty means at the desk", full, &Delivery{}, Delivery{Method: DeliverInPerson}, "", ""},
		{"post with its address", full, &Delivery{Method: "post", Address: "  12 Hàng Trống,\n Hoàn Kiếm "}, Delivery{Method: DeliverPost, Address: "12 Hàng Trống, Hoàn Kiếm"}, "", ""},
		{"post without an address", full, &Delivery{Method: "post", Address: "  "}, Delivery{}, "delivery.address", "address_required"},
		{"online, fully online procedure", full, &Delivery{Method: "online"}, Delivery{Method: DeliverOnline}, "", ""},
		{"online, partly online procedure", partial, &Delivery{Method: "online"}, Delivery{}, "delivery.method", "online_result_not_offered"},
		{"unknown method", full, &Delivery{Method: "pigeon"}, Delivery{}, "delivery.method", "method_invalid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := CheckDelivery(c.v, c.in)
			if c.field == "" {
				if err != nil || got != c.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
				}
				return
			}
			e, _ := apperr.As(err)
			if e == nil || e.Kind != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Name != c.field || e.Fields[0].Code != c.code {
				t.Fatalf("got %v, want %s on %s", err, c.code, c.field)
			}
		})
	}
}

// Delivery follows the applicant's choice unless the desk says otherwise,
// and online delivery needs an electronic result.
func TestDeliverOnlineNeedsResultFile(t *testing.T) {
	clk := testClock(t)
	desk := staff(1, unitX, org.RoleReceptionist)
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, ict)
	d := dossierIn(StatusFinished)
	d.Delivery = Delivery{Method: DeliverOnline}
	_, err := Apply(d, testVersion(), desk, Command{Action: ActDeliver, Version: 3}, now, clk)
	if e, _ := apperr.As(err); e == nil || e.Code != "result_file_required" || d.Status != StatusFinished {
		t.Fatalf("online without a file: %v, status %d", err, d.Status)
	}
	d.Documents = []Document{{Kind: DocResult, Filename: "kq.pdf"}}
	ev, err := Apply(d, testVersion(), desk, Command{Action: ActDeliver, Version: 3}, now, clk)
	if err != nil || d.Substate != "delivered_online" || ev.Data.(DeliverData).Method != DeliverOnline {
		t.Fatalf("online with a file: %v, substate %s", err, d.Substate)
	}
	p := dossierIn(StatusFinished)
	p.Delivery = Delivery{Method: DeliverPost, Address: "12 Hàng Trống"}
	if _, err := Apply(p, testVersion(), desk, Command{Action: ActDeliver, Version: 3}, now, clk); err != nil || p.Substate != "delivered_post" {
		t.Fatalf("as chosen: %v, substate %s", err, p.Substate)
	}
}

func TestDeliveryMethodsFor(t *testing.T) {
	partial := testVersion()
	partial.Class = catalog.ClassPartial
	if got := DeliveryMethodsFor(testVersion()); len(got) != 3 || got[2] != DeliverOnline {
		t.Errorf("fully online: %v", got)
	}
	if got := DeliveryMethodsFor(partial); len(got) != 2 || got[0] != DeliverInPerson || got[1] != DeliverPost {
		t.Errorf("partly online: %v", got)
	}
}
