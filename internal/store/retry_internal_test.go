package store

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestRetryConflicts: a transaction aborted as a deadlock's victim or a
// serialization failure runs again, up to its tries; any other outcome
// ends the attempts at once.
func TestRetryConflicts(t *testing.T) {
	deadlock := &pgconn.PgError{Code: "40P01"}
	other := errors.New("constraint")
	for _, tc := range []struct {
		name      string
		tries     int
		outcomes  []error // each attempt's, in turn
		wantCalls int
		want      error
	}{
		{"succeeds at once", 3, []error{nil}, 1, nil},
		{"a deadlock, then success", 3, []error{deadlock, nil}, 2, nil},
		{"a serialization failure, then success", 3, []error{&pgconn.PgError{Code: "40001"}, nil}, 2, nil},
		{"deadlocks beyond the tries", 2, []error{deadlock, deadlock, nil}, 2, deadlock},
		{"another error is not retried", 3, []error{other, nil}, 1, other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := retryConflicts(tc.tries, func() error {
				calls++
				return tc.outcomes[calls-1]
			})
			if calls != tc.wantCalls || !errors.Is(err, tc.want) {
				t.Errorf("%d attempts, %v; want %d, %v", calls, err, tc.wantCalls, tc.want)
			}
		})
	}
}
