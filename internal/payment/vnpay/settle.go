package vnpay

import (
	"context"
	"time"
)

// Settlement is what a gateway's callback reports about one attempt.
type Settlement struct {
	Ref        string    // our unique reference of the attempt (vnp_TxnRef)
	Amount     int64     // VND, as the gateway reports it (vnp_Amount / 100)
	Paid       bool      // the gateway says the money was taken
	GatewayRef string    // the gateway's transaction id (vnp_TransactionNo)
	BankCode   string    // vnp_BankCode
	PaidAt     time.Time // the gateway's time (vnp_PayDate), parsed in GMT+7; zero if absent
	Code       string    // the gateway's result code (vnp_ResponseCode)
	Raw        string    // the callback as received (the query string), kept verbatim
}

// Outcome is what the domain did with a settlement.
type Outcome int

// Outcomes of Settler.Settle.
const (
	Settled        Outcome = iota // recorded now (paid or failed)
	UnknownRef                    // no attempt has this reference
	AmountMismatch                // the attempt's amount differs
	AlreadySettled                // the attempt was settled before (a replay or a duplicate)
)

// Settler records a gateway's report about an attempt. The payment domain
// implements it, checking reference, amount and state atomically so that
// two callbacks at once settle once. An error means "unexpected error".
type Settler interface {
	Settle(ctx context.Context, gateway string, s Settlement) (Outcome, error)
}
