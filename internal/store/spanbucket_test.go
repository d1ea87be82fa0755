package store_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/motcua/motcua/internal/store"
)

func TestSpanBuckets(t *testing.T) {
	for _, tc := range []struct {
		name           string
		recv, fin, due int
		dueB, lateB    int
	}{
		{"open", 20250301, 0, 20250310, -1, -1},
		{"same day", 20250301, 20250301, 20250301, 0, -1},
		{"due next day, finished on it", 20250301, 20250302, 20250302, 0, -1},
		{"due in 2 days", 20250301, 20250302, 20250303, 1, -1},
		{"due in 3 days", 20250301, 20250302, 20250304, 1, -1},
		{"due in 4 days, 1 late", 20250301, 20250306, 20250305, 2, 0},
		{"across February, leap year", 20240227, 20240305, 20240302, 2, 1}, // 4 days to the due day, 3 late
		{"no due date: to the finishing day", 20250101, 20250201, 0, 4, -1},
		{"due before reception, 10 days late", 20250310, 20250311, 20250301, 0, 3},
		{"a year", 20240101, 20250101, 20241231, 8, 0},
		{"centuries: the last bucket", 19000101, 21000101, 21000101, 16, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, l := store.SpanBuckets(tc.recv, tc.fin, tc.due)
			if d != tc.dueB || l != tc.lateB {
				t.Errorf("buckets %d, %d; want %d, %d", d, l, tc.dueB, tc.lateB)
			}
		})
	}
	for _, tc := range []struct{ day, n, want int }{
		{20250301, -1, 20250228}, {20240301, -1, 20240229}, {20241231, 1, 20250101}, {20250101, -32, 20241130},
	} {
		if got := store.DayPlus(tc.day, tc.n); got != tc.want {
			t.Errorf("%d %+d days = %d, want %d", tc.day, tc.n, got, tc.want)
		}
	}
}

// TestSpanBucketsMigration: the migration that adds the span buckets fills
// them for the states already there as the upkeep writes them.
func TestSpanBucketsMigration(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := openStore(t, e)
		r := rand.New(rand.NewPCG(41, 1))
		base := 20200101
		spans := []int{0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 100, 365, 1000, 40000, 70000}
		want := map[int64][2]int{}
		for id := int64(1); id <= 300; id++ {
			recv := store.DayPlus(base, r.IntN(2500))
			fin, due := 0, 0
			if r.IntN(5) > 0 {
				fin = store.DayPlus(recv, spans[r.IntN(len(spans))])
			}
			switch r.IntN(4) {
			case 0: // no due date
			case 1: // due before reception: a rescheduled clock
				due = store.DayPlus(recv, -r.IntN(5))
			default:
				due = store.DayPlus(recv, spans[r.IntN(len(spans))])
			}
			if err := db.InsertSumState(ctx, id, recv, fin, due); err != nil {
				t.Fatal(err)
			}
			d, l := store.SpanBuckets(recv, fin, due)
			want[id] = [2]int{d, l}
		}
		if err := db.RedoMigration(ctx, 41); err != nil {
			t.Fatal(err)
		}
		got, err := db.SpanBucketsStored(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d states after the migration, want %d", len(got), len(want))
		}
		seen := map[int]bool{}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("state %d: the migration wrote buckets %v, the upkeep %v", id, got[id], w)
			}
			seen[w[0]], seen[100+w[1]] = true, true
		}
		// The set covers the buckets from the first to the last.
		for _, k := range []int{0, 1, 2, 3, 4, 8, 16, 100, 101, 116} {
			if !seen[k] {
				t.Errorf("no state in bucket %d: the set does not test it", k)
			}
		}
	})
}
