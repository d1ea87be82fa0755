package app

// The notice channels: adapters from notice.Channel to the e-mail, SMS and
// Zalo ZNS clients, built from the --smtp-*, --sms-* and --zalo-* flags.

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/notice"
	"github.com/motcua/motcua/internal/notice/email"
	"github.com/motcua/motcua/internal/notice/sms"
	"github.com/motcua/motcua/internal/notice/zalo"
	"github.com/motcua/motcua/internal/reminder"
)

// sendTimeout bounds one call to a provider.
const sendTimeout = 30 * time.Second

// mailClient builds the e-mail client when --smtp-url is set (nil
// otherwise): citizens' notices and officers' digests share it.
func mailClient(cfg config.Config) (*email.Client, error) {
	n := cfg.Notices
	if n.SMTPURL == "" {
		return nil, nil
	}
	c, err := email.New(email.Config{URL: n.SMTPURL, From: n.SMTPFrom, Timeout: sendTimeout})
	if err != nil {
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	return c, nil
}

// noticeChannels builds the channels the config turns on.
func noticeChannels(cfg config.Config, mail *email.Client) (map[account.Channel]notice.Channel, error) {
	n := cfg.Notices
	out := map[account.Channel]notice.Channel{}
	if mail != nil {
		out[account.ChannelEmail] = emailChannel{mail}
	}
	if n.SMSURL != "" {
		c, err := sms.New(sms.Config{URL: n.SMSURL, Token: n.SMSToken, ASCII: n.SMSASCII, Timeout: sendTimeout})
		if err != nil {
			return nil, fmt.Errorf("--sms-url: %w", err)
		}
		out[account.ChannelSMS] = smsChannel{c: c, ascii: n.SMSASCII}
	}
	if n.ZaloToken != "" {
		templates, err := config.ZaloTemplates(n.ZaloTemplates)
		if err != nil {
			return nil, err
		}
		c, err := zalo.New(zalo.Config{URL: n.ZaloURL, AccessToken: n.ZaloToken, Timeout: sendTimeout})
		if err != nil {
			return nil, fmt.Errorf("--zalo-*: %w", err)
		}
		out[account.ChannelZalo] = zaloChannel{c: c, templates: templates}
	}
	return out, nil
}

// ref is the notice's stable reference at the provider: a retried notice
// carries the same one, so a provider that deduplicates drops the copy.
func ref(r *notice.Record) string { return "N" + strconv.FormatInt(r.ID, 10) }

// permanent marks the client's final refusals for the notice worker.
func permanent(err error, final func(error) bool) error {
	if err != nil && final(err) {
		return &notice.PermanentError{Err: err}
	}
	return err
}

type emailChannel struct{ c *email.Client }

func (emailChannel) Accepts(dossier.Event) bool { return true }

func (e emailChannel) Deliver(ctx context.Context, r *notice.Record, c notice.Content) (notice.Receipt, error) {
	id, err := e.c.Send(ctx, email.Message{To: r.Recipient, Ref: ref(r), Subject: c.Subject, Text: c.Text, HTML: c.HTML})
	return notice.Receipt{Ref: id, Parts: 1}, permanent(err, email.IsPermanent)
}

// smsChannel sends through the brandname gateway; ascii says the gateway
// gets the text without diacritics, which decides how many parts it is.
type smsChannel struct {
	c     *sms.Client
	ascii bool
}

func (smsChannel) Accepts(dossier.Event) bool { return true }

func (s smsChannel) Deliver(ctx context.Context, r *notice.Record, c notice.Content) (notice.Receipt, error) {
	text := c.SMS
	if s.ascii {
		text = sms.StripDiacritics(text)
	}
	parts, _ := sms.Segments(text)
	id, err := s.c.Send(ctx, sms.Message{To: r.Recipient, Ref: ref(r), Text: c.SMS})
	return notice.Receipt{Ref: id, Parts: parts}, permanent(err, sms.IsPermanent)
}

// zaloChannel sends approved ZNS templates: only the events that have one.
type zaloChannel struct {
	c         *zalo.Client
	templates map[string]string
}

func (z zaloChannel) Accepts(ev dossier.Event) bool { return z.templates[string(ev.Action)] != "" }

func (z zaloChannel) Deliver(ctx context.Context, r *notice.Record, c notice.Content) (notice.Receipt, error) {
	tpl := z.templates[c.Action]
	if tpl == "" {
		return notice.Receipt{}, &notice.PermanentError{Err: fmt.Errorf("no Zalo template for %q any more", c.Action)}
	}
	id, err := z.c.Send(ctx, zalo.Message{To: r.Recipient, Ref: ref(r), Template: tpl, Data: c.ZaloData})
	return notice.Receipt{Ref: id, Parts: 1}, permanent(err, zalo.IsPermanent)
}

// digestMailer sends officers' digests through the e-mail client.
type digestMailer struct{ c *email.Client }

func (m digestMailer) Mail(ctx context.Context, x reminder.Mail) (string, error) {
	return m.c.Send(ctx, email.Message{To: x.To, Ref: x.Ref, Subject: x.Subject, Text: x.Text, HTML: x.HTML})
}
