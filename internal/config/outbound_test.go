package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestValidateOutbound: the notice, sync and job settings go together as
// documented, and a bad one is refused with the flag's name.
func TestValidateOutbound(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string // "" = valid
	}{
		{"off", func(*Config) {}, ""},
		{"smtp", func(c *Config) {
			c.Notices.SMTPURL, c.Notices.SMTPFrom = "smtp://u:p@mail.example:587", "Một cửa <a@b.vn>"
		}, ""},
		{"smtps", func(c *Config) { c.Notices.SMTPURL, c.Notices.SMTPFrom = "smtps://mail.example", "a@b.vn" }, ""},
		{"smtp without sender", func(c *Config) { c.Notices.SMTPURL = "smtp://mail.example" }, "--smtp-from is needed"},
		{"smtp over http", func(c *Config) { c.Notices.SMTPURL, c.Notices.SMTPFrom = "http://mail.example", "a@b.vn" }, "--smtp-url must be a smtp or smtps URL"},
		{"sms", func(c *Config) { c.Notices.SMSURL = "https://sms.example/send" }, ""},
		{"sms without host", func(c *Config) { c.Notices.SMSURL = "https:///send" }, "--sms-url must be"},
		{"zalo without templates", func(c *Config) { c.Notices.ZaloToken = "t" }, "--zalo-templates is needed"},
		{"zalo template without id", func(c *Config) { c.Notices.ZaloToken, c.Notices.ZaloTemplates = "t", "receive=" }, "not action=template_id"},
		{"dvcqg", func(c *Config) {
			c.DVCQG = DVCQG{URL: "https://dvc.example", CreatePath: "/c", UpdatePath: "/u", ProgressPath: "/p"}
		}, ""},
		{"dvcqg without paths", func(c *Config) { c.DVCQG.URL = "https://dvc.example" }, "--dvcqg-create-path"},
		{"negative retry", func(c *Config) { c.Jobs.RetryBase = -time.Second }, "must not be negative"},
		{"no memory map", func(c *Config) { c.SQLiteMmapMB = 0 }, ""},
		{"negative memory map", func(c *Config) { c.SQLiteMmapMB = -1 }, "--sqlite-mmap-mb must be 0 or more"},
		{"small read cache", func(c *Config) { c.SQLiteReadCacheMB = 1 }, ""},
		{"files fsynced one by one", func(c *Config) { c.FilesSync = "fsync" }, ""},
		{"unknown files sync", func(c *Config) { c.FilesSync = "none" }, "--files-sync: unknown sync mode \"none\": syncfs or fsync"},
		{"no read cache", func(c *Config) { c.SQLiteReadCacheMB = 0 }, "--sqlite-read-cache-mb must be 1 or more"},
	} {
		c := Default()
		tc.edit(&c)
		err := c.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	got, err := ZaloTemplates("receive=231001, finish=231002")
	if want := map[string]string{"receive": "231001", "finish": "231002"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ZaloTemplates: %v %v, want %v", got, err, want)
	}
}
