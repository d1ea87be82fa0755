// Package notice tells citizens what happens to their dossiers by e-mail,
// SMS and Zalo: which events are told, to whom and through which
// channels (the citizen's choice), one record per event and channel
// written in the transaction that decides it, and the job that sends it,
// once per change and in the order of the dossier's events.
package notice

import (
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/notice/email"
	"github.com/motcua/motcua/internal/vn"
)

// Status is where a notice stands.
type Status string

// Statuses of a notice.
const (
	// Queued notices wait for their job (first try or a retry).
	Queued Status = "queued"
	// Sent notices were accepted by the provider.
	Sent Status = "sent"
	// Failed notices were refused for good or ran out of attempts.
	Failed Status = "failed"
)

// Record is one notice about one event through one channel.
type Record struct {
	ID, DossierID, EventID int64
	// AccountID is the citizen's account; 0 for a dossier filed without one.
	AccountID   int64
	Kind        account.NoticeKind
	Channel     account.Channel
	Recipient   string
	Lang        string
	Status      Status
	ProviderRef string
	Error       string
	Attempts    int
	// Parts counts the billable messages of a sent SMS (1 otherwise).
	Parts     int
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    *time.Time
}

// Masked is the recipient with its middle hidden, for pages and logs:
// staff see that a notice went out and roughly where, not the contact.
// E-mail addresses and phone numbers are masked as everywhere else
// (email.MaskAddress, vn.MaskPhone).
func (r Record) Masked() string {
	if r.Channel == account.ChannelEmail {
		return email.MaskAddress(r.Recipient)
	}
	return vn.MaskPhone(r.Recipient)
}

// Audience is who hears of a dossier's events: its owner's account, or
// the applicant's contact for a dossier filed without one.
type Audience struct {
	AccountID    int64
	Email, Phone string
	// Lang is the language notices are written in ("vi" or "en").
	Lang  string
	Prefs account.Preferences
}
