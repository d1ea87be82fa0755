// Package notice tells citizens what happens to their dossiers by e-mail,
// SMS and Zalo: which events are told, to whom and through which
// channels (the citizen's choice), one record per event and channel
// written in the transaction that decides it, and the job that sends it,
// once per change and in the order of the dossier's events.
package notice

import (
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
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
func (r Record) Masked() string { return Mask(r.Recipient) }

// Mask hides the middle of a phone number or the local part of an e-mail
// address ("84912***678", "n***@example.vn").
func Mask(s string) string {
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		if at <= 1 {
			return "***" + s[at:]
		}
		return s[:1] + "***" + s[at:]
	}
	if len(s) <= 6 {
		return "***"
	}
	return s[:len(s)-6] + "***" + s[len(s)-3:]
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
