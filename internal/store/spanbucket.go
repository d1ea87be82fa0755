package store

import "time"

// The span buckets of a finished dossier's state (columns due_bucket and
// late_bucket of stats_dossiers, migration 00041) bound how far from a
// day its other days lie, so that the dossiers in progress at the end of a
// past period that finished after it are read from a few windows of an
// index instead of from every dossier finished since (drillStreams).
//
// A bucket k holds spans s with 2^k <= s < 2^(k+1) days (k = 0 also holds
// 0 and 1), the last bucket (spanBucketCap) every longer span:
//   - due_bucket: from reception to the due day, or to the finishing day
//     for a dossier without a due date; -1 while open. A dossier received
//     before td and due on td or later is due before td + 2^(k+1).
//   - late_bucket: from the due day to the finishing day of a dossier
//     finished on a later day than its due day; -1 for the others. One
//     due before od and finished on od or later is due on or after
//     od - 2^(k+1).
//
// The migration fills them with spanBucketSQL's rule for existing states;
// TestSpanBucketsMigration holds the two to each other.

// spanBucketCap is the last bucket, whose spans have no upper bound.
const spanBucketCap = 16

// spanBuckets are the buckets of a state's days (yyyymmdd, 0 for none).
func spanBuckets(recv, fin, due int) (dueBucket, lateBucket int) {
	if fin == 0 || recv == 0 {
		return -1, -1
	}
	end := due
	if due == 0 {
		end = fin
	}
	dueBucket, lateBucket = log2Bucket(civilDays(end)-civilDays(recv)), -1
	if due != 0 && fin > due {
		lateBucket = log2Bucket(civilDays(fin) - civilDays(due))
	}
	return dueBucket, lateBucket
}

// log2Bucket is the bucket of a span of days.
func log2Bucket(span int) int {
	k := 0
	for k < spanBucketCap && span >= 2<<k {
		k++
	}
	return k
}

// civilDays numbers the day yyyymmdd (days since 1970-01-01).
func civilDays(day int) int {
	return int(time.Date(day/10000, time.Month(day/100%100), day%100, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayPlus is the day yyyymmdd moved by n days.
func dayPlus(day, n int) int {
	t := time.Date(day/10000, time.Month(day/100%100), day%100+n, 0, 0, 0, 0, time.UTC)
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}
