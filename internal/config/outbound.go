package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Notices are the channels of notices to citizens (internal/notice); each
// is off until configured.
type Notices struct {
	// SMTPURL is smtp://user:pass@host:port (or smtps://); SMTPFrom the
	// sender, "Name <address>" allowed.
	SMTPURL, SMTPFrom string
	// SMSURL and SMSToken are the brandname gateway's endpoint and bearer
	// token; SMSASCII sends text without diacritics.
	SMSURL, SMSToken string
	SMSASCII         bool
	// ZaloURL, ZaloToken and ZaloTemplates (action=template_id, comma
	// separated) are the Zalo ZNS settings.
	ZaloURL, ZaloToken, ZaloTemplates string
}

// DVCQG is the national public service portal's sync.
type DVCQG struct {
	URL, CreatePath, UpdatePath, ProgressPath, Token string
	// InboundToken authenticates the portal's POST /api/v1/inbound/dvcqg.
	InboundToken string
}

// On reports whether outbound sync is configured.
func (d DVCQG) On() bool { return d.URL != "" }

// Jobs tunes the job queue.
type Jobs struct {
	// RetryBase is the first retry's delay; it doubles up to 15 minutes.
	RetryBase time.Duration
	// Poll is how often workers look for new jobs.
	Poll time.Duration
	// RescueAfter is how long a job left running by a killed process
	// waits before it runs again.
	RescueAfter time.Duration
}

// outboundFlags registers --smtp-*, --sms-*, --zalo-*, --dvcqg-* and --jobs-*.
func (c *Config) outboundFlags(fs *flag.FlagSet) {
	n := &c.Notices
	fs.StringVar(&n.SMTPURL, "smtp-url", envOr("SMTP_URL", n.SMTPURL), "SMTP server for e-mail notices, smtp://user:pass@host:port; e-mail is off without it (env MOTCUA_SMTP_URL)")
	fs.StringVar(&n.SMTPFrom, "smtp-from", envOr("SMTP_FROM", n.SMTPFrom), "sender of e-mail notices, e.g. \"Một cửa Hà Nội <motcua@hanoi.gov.vn>\" (env MOTCUA_SMTP_FROM)")
	fs.StringVar(&n.SMSURL, "sms-url", envOr("SMS_URL", n.SMSURL), "brandname SMS gateway endpoint (JSON {to,text,ref}); SMS is off without it (env MOTCUA_SMS_URL)")
	fs.StringVar(&n.SMSToken, "sms-token", envOr("SMS_TOKEN", n.SMSToken), "bearer token of the SMS gateway (env MOTCUA_SMS_TOKEN)")
	fs.BoolVar(&n.SMSASCII, "sms-ascii", envOr("SMS_ASCII", "") == "true", "send SMS text without Vietnamese diacritics (env MOTCUA_SMS_ASCII=true)")
	fs.StringVar(&n.ZaloURL, "zalo-url", envOr("ZALO_URL", n.ZaloURL), "Zalo ZNS endpoint (default https://business.openapi.zalo.me/message/template) (env MOTCUA_ZALO_URL)")
	fs.StringVar(&n.ZaloToken, "zalo-token", envOr("ZALO_TOKEN", n.ZaloToken), "Zalo Official Account access token; Zalo is off without it (env MOTCUA_ZALO_TOKEN)")
	fs.StringVar(&n.ZaloTemplates, "zalo-templates", envOr("ZALO_TEMPLATES", n.ZaloTemplates), "approved ZNS template per event, e.g. receive=231001,finish=231002 (env MOTCUA_ZALO_TEMPLATES)")
	d := &c.DVCQG
	fs.StringVar(&d.URL, "dvcqg-url", envOr("DVCQG_URL", d.URL), "base URL of the national public service portal's sync API; sync is off without it (env MOTCUA_DVCQG_URL)")
	fs.StringVar(&d.CreatePath, "dvcqg-create-path", envOr("DVCQG_CREATE_PATH", d.CreatePath), "path of the dossier-creation endpoint (env MOTCUA_DVCQG_CREATE_PATH)")
	fs.StringVar(&d.UpdatePath, "dvcqg-update-path", envOr("DVCQG_UPDATE_PATH", d.UpdatePath), "path of the dossier-update endpoint (env MOTCUA_DVCQG_UPDATE_PATH)")
	fs.StringVar(&d.ProgressPath, "dvcqg-progress-path", envOr("DVCQG_PROGRESS_PATH", d.ProgressPath), "path of the process-log endpoint (env MOTCUA_DVCQG_PROGRESS_PATH)")
	fs.StringVar(&d.Token, "dvcqg-token", envOr("DVCQG_TOKEN", d.Token), "bearer token for the national portal (env MOTCUA_DVCQG_TOKEN)")
	fs.StringVar(&d.InboundToken, "dvcqg-inbound-token", envOr("DVCQG_INBOUND_TOKEN", d.InboundToken), "token the national portal presents at POST /api/v1/inbound/dvcqg; inbound is off without it (env MOTCUA_DVCQG_INBOUND_TOKEN)")
	fs.DurationVar(&c.Jobs.RetryBase, "jobs-retry-base", c.Jobs.RetryBase, "first retry delay of a failed job; it doubles up to 15m (default 5s)")
	fs.DurationVar(&c.Jobs.Poll, "jobs-poll", c.Jobs.Poll, "how often workers look for new jobs (default 1s)")
	fs.DurationVar(&c.Jobs.RescueAfter, "jobs-rescue-after", c.Jobs.RescueAfter, "how long a job left running by a killed process waits before it runs again (default 3m)")
}

// validateOutbound checks the notice and sync settings.
func (c *Config) validateOutbound() []error {
	var errs []error
	n := c.Notices
	checkURL := func(flag, v string, schemes ...string) {
		if v == "" {
			return
		}
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
			errs = append(errs, fmt.Errorf("--%s must be a %s URL", flag, strings.Join(schemes, " or ")))
		}
	}
	checkURL("smtp-url", n.SMTPURL, "smtp", "smtps")
	if n.SMTPURL != "" && n.SMTPFrom == "" {
		errs = append(errs, errors.New("--smtp-from is needed with --smtp-url"))
	}
	checkURL("sms-url", n.SMSURL, "http", "https")
	checkURL("zalo-url", n.ZaloURL, "http", "https")
	if n.ZaloToken != "" && n.ZaloTemplates == "" {
		errs = append(errs, errors.New("--zalo-templates is needed with --zalo-token"))
	}
	if _, err := ZaloTemplates(n.ZaloTemplates); err != nil {
		errs = append(errs, err)
	}
	checkURL("dvcqg-url", c.DVCQG.URL, "http", "https")
	if c.DVCQG.On() && (c.DVCQG.CreatePath == "" || c.DVCQG.UpdatePath == "" || c.DVCQG.ProgressPath == "") {
		errs = append(errs, errors.New("--dvcqg-create-path, --dvcqg-update-path and --dvcqg-progress-path are needed with --dvcqg-url"))
	}
	if c.Jobs.RetryBase < 0 || c.Jobs.Poll < 0 || c.Jobs.RescueAfter < 0 {
		errs = append(errs, errors.New("--jobs-retry-base, --jobs-poll and --jobs-rescue-after must not be negative"))
	}
	return errs
}

// ZaloTemplates parses --zalo-templates: action=template_id pairs.
func ZaloTemplates(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range List(s) {
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("--zalo-templates: %q is not action=template_id", p)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}
