package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/receipt"
	"github.com/motcua/motcua/internal/store"
)

// receiptUnits stores a district and two of its wards and returns the
// wards.
func receiptUnits(t *testing.T, db *store.DB) (*org.Unit, *org.Unit) {
	t.Helper()
	ctx := context.Background()
	err := db.UpsertUnits(ctx, []org.Unit{
		{Code: "000.00.02.H26", Name: "Quận Hoàn Kiếm", Kind: org.KindDistrict},
		{Code: "000.01.02.H26", Name: "UBND Phường Hàng Trống", Kind: org.KindCommune, ParentCode: "000.00.02.H26"},
		{Code: "000.02.02.H26", Name: "UBND Phường Hàng Bạc", Kind: org.KindCommune, ParentCode: "000.00.02.H26"},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.UnitByCode(ctx, "000.01.02.H26")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.UnitByCode(ctx, "000.02.02.H26")
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

func receiptIssuer(t *testing.T, db *store.DB, at time.Time) *receipt.Local {
	t.Helper()
	l, err := receipt.NewLocal(db, receipt.Options{Prefixes: map[string]string{"000.01.02.H26": "HT"}, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func payment(u *org.Unit, ref string, items ...receipt.Item) receipt.IssueRequest {
	if len(items) == 0 {
		items = []receipt.Item{{Kind: receipt.Charge, Code: "LP-KH", Name: "Lệ phí đăng ký kết hôn", Amount: 30000}}
	}
	return receipt.IssueRequest{UnitID: u.ID, UnitCode: u.Code, UnitName: u.Name,
		Payer: receipt.Payer{Name: "Nguyễn Văn An", IDNumber: "001085001234", Address: "12 Hàng Trống"},
		Items: items, Method: receipt.Online, PaymentRef: ref, DossierCode: "H26.01-250303-0007"}
}

// TestReceiptsStored issues a payment's fee and charge receipts on both
// engines and reads them back whole, by id and by dossier; issuing the
// same payment again gives the same receipts and uses no number.
func TestReceiptsStored(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := openStore(t, e)
		ht, _ := receiptUnits(t, db)
		// Nanoseconds, which PostgreSQL does not keep: the issued receipt
		// is the stored one.
		l := receiptIssuer(t, db, time.Date(2025, 3, 3, 9, 30, 0, 123456789, ict))
		req := payment(ht, "VNP14523678",
			receipt.Item{Kind: receipt.Charge, Code: "LP-KH", Name: "Lệ phí đăng ký kết hôn", Amount: 30000},
			receipt.Item{Kind: receipt.Fee, Code: "P-BS", Name: "Phí cấp bản sao trích lục", Amount: 8000})
		rs, err := l.Issue(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0].Kind != receipt.Fee || rs[0].Number != 1 || rs[1].Kind != receipt.Charge || rs[1].Number != 2 ||
			rs[0].ID == 0 || rs[1].ID == 0 || rs[0].Series != "HT-25E" {
			t.Fatalf("issued: %+v %+v", rs[0], rs[1])
		}
		for _, want := range rs {
			got, err := db.Receipt(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.IssuedAt.Equal(want.IssuedAt) || got.IssuedAt.Location().String() != "Asia/Ho_Chi_Minh" {
				t.Errorf("issued at %v, want %v", got.IssuedAt, want.IssuedAt)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read back:\n got %+v\nwant %+v", got, want)
			}
		}
		list, err := db.DossierReceipts(ctx, "H26.01-250303-0007")
		if err != nil || len(list) != 2 || list[0].ID != rs[0].ID || list[1].ID != rs[1].ID {
			t.Fatalf("dossier receipts: %+v %v", list, err)
		}
		if list, err := db.DossierReceipts(ctx, "H26.01-250303-0008"); err != nil || len(list) != 0 {
			t.Fatalf("other dossier: %+v %v", list, err)
		}
		if _, err := db.Receipt(ctx, rs[1].ID+100); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown receipt: %v", err)
		}
		// The same payment settled again: the same receipts.
		again, err := l.Issue(ctx, req)
		if err != nil || len(again) != 2 || again[0].ID != rs[0].ID || again[1].ID != rs[1].ID || again[1].Number != 2 {
			t.Fatalf("issued again: %+v %v", again, err)
		}
		next, err := l.Issue(ctx, payment(ht, "VNP2"))
		if err != nil || next[0].Number != 3 {
			t.Fatalf("next receipt: %+v %v", next, err)
		}
	})
}

// TestReceiptRollbackLeavesNoGap: a transaction that fails after taking
// a number gives it back; the caller's receipts stay unnumbered.
func TestReceiptRollbackLeavesNoGap(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := openStore(t, e)
		ht, _ := receiptUnits(t, db)
		at := time.Date(2025, 3, 3, 9, 30, 0, 0, ict)
		req := payment(ht, "VNP-FAIL")
		rs := req.Split(receipt.DefaultForm, "HT-25E", at)
		bad := *rs[0]
		bad.Kind = "thue" // refused by the table's check, after the first receipt took number 1
		if _, err := db.CreateReceipts(ctx, []*receipt.Receipt{rs[0], &bad}); err == nil {
			t.Fatal("a receipt of no known kind was stored")
		}
		if rs[0].ID != 0 || rs[0].Number != 0 {
			t.Errorf("failed receipt numbered: %+v", rs[0])
		}
		if list, err := db.DossierReceipts(ctx, req.DossierCode); err != nil || len(list) != 0 {
			t.Fatalf("after the failure: %+v %v", list, err)
		}
		got, err := receiptIssuer(t, db, at).Issue(ctx, payment(ht, "VNP-OK"))
		if err != nil || got[0].Number != 1 {
			t.Fatalf("after a rollback: %+v %v", got, err)
		}
	})
}

// TestReceiptNumbersConcurrent issues at once 50 receipts in one unit and
// series, 20 in another unit and 20 in the next year's series, while ten
// callbacks of one payment race: each sequence is exactly 1..n, and the
// raced payment has its receipt once.
func TestReceiptNumbersConcurrent(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := openStore(t, e)
		ht, hb := receiptUnits(t, db)
		l25 := receiptIssuer(t, db, time.Date(2025, 12, 31, 23, 0, 0, 0, ict))
		l26 := receiptIssuer(t, db, time.Date(2026, 1, 1, 0, 30, 0, 0, ict))
		type job struct {
			l   *receipt.Local
			req receipt.IssueRequest
		}
		var jobs []job
		for i := range 50 {
			jobs = append(jobs, job{l25, payment(ht, fmt.Sprintf("HT25-%02d", i))})
		}
		for i := range 20 {
			jobs = append(jobs, job{l25, payment(hb, fmt.Sprintf("HB25-%02d", i))}, job{l26, payment(ht, fmt.Sprintf("HT26-%02d", i))})
		}
		for range 10 {
			jobs = append(jobs, job{l25, payment(hb, "RACED")})
		}
		var mu sync.Mutex
		numbers := map[string][]int64{}
		raced := map[int64]bool{}
		var wg sync.WaitGroup
		errs := make(chan error, len(jobs))
		for _, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rs, err := j.l.Issue(ctx, j.req)
				if err == nil && len(rs) != 1 {
					err = fmt.Errorf("payment %s: %d receipts", j.req.PaymentRef, len(rs))
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if j.req.PaymentRef == "RACED" {
					raced[rs[0].ID] = true
					return
				}
				k := rs[0].UnitCode + " " + rs[0].Series
				numbers[k] = append(numbers[k], rs[0].Number)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(raced) != 1 {
			t.Fatalf("the raced payment has %d receipts", len(raced))
		}
		for id := range raced {
			r, err := db.Receipt(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			numbers["000.02.02.H26 BL-25E"] = append(numbers["000.02.02.H26 BL-25E"], r.Number)
		}
		want := map[string]int{"000.01.02.H26 HT-25E": 50, "000.02.02.H26 BL-25E": 21, "000.01.02.H26 HT-26E": 20}
		for k, n := range want {
			got := numbers[k]
			sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
			if len(got) != n {
				t.Errorf("%s: %d receipts, want %d", k, len(got), n)
				continue
			}
			for i, v := range got {
				if v != int64(i+1) {
					t.Errorf("%s: numbers %v, want 1..%d", k, got, n)
					break
				}
			}
		}
		if len(numbers) != len(want) {
			t.Errorf("sequences: %v", numbers)
		}
	})
}
