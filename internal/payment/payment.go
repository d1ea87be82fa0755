// Package payment owns what a dossier owes and how it is paid: the
// payment request of a dossier waiting for its fee (status 6), each
// attempt to pay it through a gateway (VNPay, the national payment
// platform) or at the desk, and the settlement of an attempt from the
// gateway's callback, which alone marks money received and then moves the
// dossier on through the system actor.
//
// States of a request: unpaid → pending (an attempt is open) → paid;
// cancelled (the dossier left status 6 unpaid); refunded. A paid request
// whose dossier had been withdrawn or stopped meanwhile is flagged for
// refund (RefundDue). Attempts: pending → paid or failed.
package payment

import (
	"time"

	"github.com/motcua/motcua/internal/catalog"
)

// State is the state of a payment request.
type State string

// Request states.
const (
	Unpaid    State = "unpaid"
	Pending   State = "pending"
	Paid      State = "paid"
	Cancelled State = "cancelled"
	Refunded  State = "refunded"
)

// AttemptState is the state of one attempt.
type AttemptState string

// Attempt states.
const (
	AttemptPending AttemptState = "pending"
	AttemptPaid    AttemptState = "paid"
	AttemptFailed  AttemptState = "failed"
)

// Methods of payment.
const (
	MethodOnline = "online"
	MethodCash   = "cash"
)

// GatewayCash names the desk's cash payments among attempts.
const GatewayCash = "cash"

// Line is one fee item of a request.
type Line struct {
	Kind   catalog.FeeKind `json:"kind"`
	Code   string          `json:"code"`
	Name   string          `json:"name"`
	Amount int64           `json:"amount"`
}

// Request is what a dossier owes now, and how it was paid.
type Request struct {
	ID          int64
	DossierID   int64
	DossierCode string
	UnitID      int64
	Lines       []Line
	Amount      int64
	State       State
	Method      string
	// RefundDue is set for money received for a dossier that no longer
	// waited for it (withdrawn, stopped): the unit must pay it back.
	RefundDue bool
	CreatedAt time.Time
	PaidAt    *time.Time
}

// Attempt is one try at paying a request.
type Attempt struct {
	ID        int64
	RequestID int64
	Gateway   string
	// Ref is our unique reference of the attempt, sent to the gateway
	// (vnp_TxnRef, MaThamChieu).
	Ref        string
	Amount     int64
	State      AttemptState
	CreatedAt  time.Time
	SettledAt  *time.Time
	GatewayRef string
	BankCode   string
	Code       string
	// Raw is the gateway's callback as received, kept verbatim.
	Raw string
}

// Settlement is what a gateway's callback (or a reconciliation query)
// reports about one attempt.
type Settlement struct {
	Ref        string
	Amount     int64
	Paid       bool
	GatewayRef string
	BankCode   string
	PaidAt     time.Time
	Code       string
	Raw        string
}

// Outcome is what Settle did with a settlement.
type Outcome int

// Outcomes of a settlement, in the order the gateways check them.
const (
	Settled        Outcome = iota // recorded now (paid or failed)
	UnknownRef                    // no attempt has this reference
	AmountMismatch                // the attempt's amount differs
	AlreadySettled                // settled before: a replay or a duplicate
)

func (o Outcome) String() string {
	switch o {
	case Settled:
		return "settled"
	case UnknownRef:
		return "unknown_ref"
	case AmountMismatch:
		return "amount_mismatch"
	case AlreadySettled:
		return "already_settled"
	}
	return "unknown"
}

// LinesOf turns the items a dossier owes at timing into request lines,
// dropping the exempt ones.
func LinesOf(dues []catalog.FeeDue, timing catalog.FeeTiming) []Line {
	var out []Line
	for _, d := range dues {
		if d.Collect == timing && d.Amount > 0 {
			out = append(out, Line{Kind: d.Kind, Code: d.Code, Name: d.Name, Amount: d.Amount})
		}
	}
	return out
}

// sum adds up the lines.
func sum(ls []Line) int64 {
	var n int64
	for _, l := range ls {
		n += l.Amount
	}
	return n
}
