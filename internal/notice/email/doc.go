// Package email sends notices by e-mail over SMTP (wneessen/go-mail).
//
// A notice is a plain-text body with an optional HTML alternative, a UTF-8
// subject, and a Message-ID made of our reference and the sender's domain
// (<N12345@example.vn>), so that a retried notice carries the same id and
// the recipient's mail system can drop the duplicate; the reference also
// goes in the X-Motcua-Ref header.
//
// Errors: a 5xx reply to the recipient or to the message (RCPT TO, DATA, end
// of data) and an unusable recipient address wrap a *PermanentError; a 4xx
// reply, a refused or timed-out connection, and any failure before the
// transaction (greeting, STARTTLS, AUTH) are temporary, since they say
// nothing about this message. Test with IsPermanent. No error carries the
// recipient's address.
package email
