package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestIndexSnapshots stores, on both engines, the public index's figures
// of a day, reads them back as they were (ranks and medians included),
// replaces them (the second process's write wins), keeps days and keys
// apart, and purges the days before a date only.
func TestIndexSnapshots(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := openStore(t, e)
		day := time.Date(2026, 12, 5, 0, 0, 0, 0, store.Zone)
		at := time.Date(2026, 12, 5, 0, 10, 3, 123456000, store.Zone)
		rows := []stats.IndexRow{
			{Code: "000.01.01.H26", Name: "Phường Hàng Trống", Kind: org.KindCommune, Parent: "000.00.01.H26",
				Finished: 5, OnTime: 4, Received: 5, Online: 5, Ratings: 5, Satisfied: 4,
				Times: stats.IndexTimes{Decided: 5, SolvedOnline: 5, MedianDays: 2.5},
				Rank:  map[stats.Figure]int{stats.FigOnTime: 2}, Peers: map[stats.Figure]int{stats.FigOnTime: 2}},
			{Code: "1.000894", Name: "Đăng ký kết hôn"},
		}
		if _, ok, err := db.IndexSnapshot(ctx, day, "units|a"); err != nil || ok {
			t.Fatalf("before saving: ok %v, %v", ok, err)
		}
		if err := db.SaveIndexSnapshot(ctx, store.IndexSnapshot{Day: day, Key: "units|a", Rows: rows, ComputedAt: at}); err != nil {
			t.Fatal(err)
		}
		got, ok, err := db.IndexSnapshot(ctx, day.Add(13*time.Hour), "units|a") // any time of the day
		if err != nil || !ok {
			t.Fatalf("reading: ok %v, %v", ok, err)
		}
		want := store.IndexSnapshot{Day: day, Key: "units|a", Rows: rows, ComputedAt: at.UTC()}
		if !reflect.DeepEqual(got, want) || !got.Day.Equal(day) {
			t.Fatalf("read back\n got %+v\nwant %+v", got, want)
		}

		// The same day and key again: replaced, not doubled.
		rows2 := []stats.IndexRow{{Code: "1.000894", Name: "Đăng ký kết hôn", Finished: 12, OnTime: 11}}
		if err := db.SaveIndexSnapshot(ctx, store.IndexSnapshot{Day: day, Key: "units|a", Rows: rows2, ComputedAt: at.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if got, _, err := db.IndexSnapshot(ctx, day, "units|a"); err != nil || !reflect.DeepEqual(got.Rows, rows2) || !got.ComputedAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("after replacing: %+v, %v", got, err)
		}
		// Another key, the day before and after: apart.
		prev, next := day.AddDate(0, 0, -1), day.AddDate(0, 0, 1)
		for _, s := range []store.IndexSnapshot{{Day: day, Key: "procedures|b"}, {Day: prev, Key: "units|a", Rows: rows}, {Day: next, Key: "units|a"}} {
			s.ComputedAt = at
			if err := db.SaveIndexSnapshot(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if got, ok, err := db.IndexSnapshot(ctx, prev, "units|a"); err != nil || !ok || !reflect.DeepEqual(got.Rows, rows) {
			t.Fatalf("the day before: %+v, %v, %v", got, ok, err)
		}
		if got, ok, err := db.IndexSnapshot(ctx, day, "procedures|b"); err != nil || !ok || len(got.Rows) != 0 {
			t.Fatalf("another key: %+v, %v, %v", got, ok, err)
		}

		// Purging before the day (at its last instant) keeps it and the
		// next.
		if n, err := db.PurgeIndexSnapshots(ctx, day.Add(24*time.Hour-time.Nanosecond)); err != nil || n != 1 {
			t.Fatalf("purged %d, %v; want the day before's one", n, err)
		}
		if _, ok, err := db.IndexSnapshot(ctx, prev, "units|a"); err != nil || ok {
			t.Fatalf("the day before survived the purge: %v, %v", ok, err)
		}
		for _, d := range []time.Time{day, next} {
			if _, ok, err := db.IndexSnapshot(ctx, d, "units|a"); err != nil || !ok {
				t.Fatalf("%s purged: %v, %v", d, ok, err)
			}
		}
	})
}
