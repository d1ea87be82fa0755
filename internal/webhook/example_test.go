package webhook_test

import (
	"fmt"

	"github.com/motcua/motcua/internal/webhook"
)

// A receiver checks the signature of the raw body with the secret it was
// given and the X-Motcua-Timestamp header (docs/webhooks.md).
func ExampleVerify() {
	secret := "mK3x9Qe2V7uTzR4pLw8sYb1nHc6dFj0aGi5oNt2kUq8"
	body := `{"id":"1842","type":"dossier.receive","created_at":"2026-03-02T08:00:01Z","data":{"code":"H01.1-260302-0001","procedure":"1.000894","unit":"H01.1","from_status":1,"to_status":2,"at":"2026-03-02T08:00:00Z"}}`
	header := webhook.Sign(secret, "1772438401", []byte(body))
	fmt.Println(webhook.Verify(secret, "1772438401", body, header))
	fmt.Println(webhook.Verify(secret, "1772438401", body+" ", header))
	// Output:
	// true
	// false
}
