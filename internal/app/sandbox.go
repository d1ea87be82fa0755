package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/sandbox/dvcqgportal"
	"github.com/motcua/motcua/internal/sandbox/eidprovider"
	"github.com/motcua/motcua/internal/sandbox/mailbox"
	"github.com/motcua/motcua/internal/sandbox/smsgw"
)

// sandboxEIDPath is where --demo serves its sandbox e-ID provider.
const sandboxEIDPath = "/sandbox/vneid"

// demoEID builds the demo's sandbox e-ID provider at baseURL and the
// relying-party settings that use it: the demo citizens (An, verified at
// the desk; Bình, self-declared) and one person without an account yet,
// whose first e-ID login opens a verified account. Only with --demo: the
// provider says on its page that it is not the real VNeID.
func demoEID(baseURL string) (http.Handler, config.OIDC, error) {
	base := strings.TrimRight(baseURL, "/")
	issuer := base + sandboxEIDPath
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		return nil, config.OIDC{}, err
	}
	var citizens []eidprovider.Citizen
	for i, c := range demo.Citizens {
		citizens = append(citizens, eidprovider.Citizen{Sub: "demo-" + string(rune('a'+i)), IDNumber: c.IDNumber, FullName: c.FullName,
			BirthDate: demoBirths[c.IDNumber], Phone: c.Phone, Email: c.Email})
	}
	// demoBirths and demoNewPerson are shared with the sandbox population
	// registry (population.go), so both sandboxes tell the same story.
	citizens = append(citizens, eidprovider.Citizen{Sub: "demo-new", IDNumber: demoNewPerson.IDNumber, FullName: demoNewPerson.FullName,
		BirthDate: demoNewPerson.BirthDate})
	client := eidprovider.Client{ID: "motcua-demo", Secret: hex.EncodeToString(secret),
		RedirectURIs: []string{base + "/dang-nhap/vneid/callback"}, PostLogoutRedirectURIs: []string{base + "/"}}
	p, err := eidprovider.New(issuer, citizens, eidprovider.WithClient(client))
	if err != nil {
		return nil, config.OIDC{}, err
	}
	return p, config.OIDC{Issuer: issuer, ClientID: client.ID, ClientSecret: client.Secret}, nil
}

// Where --demo serves the sandboxes of what leaves the building.
const (
	sandboxMailPath   = "/sandbox/thu/"
	sandboxSMSPath    = "/sandbox/sms"
	sandboxDVCQGPath  = "/sandbox/dvcqg"
	demoSenderAddress = "Một cửa Hà Nội (THỬ NGHIỆM) <motcua-demo@example.vn>"
)

// outboundSandboxes are the demo's mail catcher, SMS gateway and national
// portal; nil fields are not served.
type outboundSandboxes struct {
	mail, sms, portal http.Handler
}

// demoOutbound points the notice channels and the national-portal sync at
// sandboxes when --demo leaves them unconfigured, so that a newcomer sees
// the e-mail, the SMS and the portal's copy of a dossier offline: the real
// clients speak the real protocols to them. The mail catcher's SMTP server
// stops with ctx.
func demoOutbound(ctx context.Context, cfg *config.Config, log *slog.Logger) (outboundSandboxes, error) {
	var sb outboundSandboxes
	base := strings.TrimRight(cfg.BaseURL, "/")
	token := func() (string, error) {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		return hex.EncodeToString(b), nil
	}
	if cfg.Notices.SMTPURL == "" {
		box, err := mailbox.Start(ctx, mailbox.WithLogger(log))
		if err != nil {
			return sb, fmt.Errorf("starting the demo's mail catcher: %w", err)
		}
		cfg.Notices.SMTPURL, cfg.Notices.SMTPFrom = box.URL(), demoSenderAddress
		sb.mail = box
		log.InfoContext(ctx, "demo e-mail goes to the sandbox mail catcher", "page", base+sandboxMailPath)
	}
	if cfg.Notices.SMSURL == "" {
		tok, err := token()
		if err != nil {
			return sb, err
		}
		sb.sms = smsgw.New(tok, smsgw.WithLogger(log))
		cfg.Notices.SMSURL, cfg.Notices.SMSToken = base+sandboxSMSPath+smsgw.SendPath, tok
	}
	if cfg.DVCQG.URL == "" {
		tok, err := token()
		if err != nil {
			return sb, err
		}
		sb.portal = dvcqgportal.New(tok, dvcqgportal.WithLogger(log))
		cfg.DVCQG = config.DVCQG{URL: base + sandboxDVCQGPath, CreatePath: dvcqgportal.CreatePath, UpdatePath: dvcqgportal.UpdatePath,
			ProgressPath: dvcqgportal.ProgressPath, Token: tok, InboundToken: cfg.DVCQG.InboundToken}
	}
	return sb, nil
}

// register mounts the sandboxes that run.
func (sb outboundSandboxes) register(mux *http.ServeMux) {
	if sb.mail != nil {
		mux.Handle(sandboxMailPath, sb.mail)
	}
	if sb.sms != nil {
		mux.Handle(sandboxSMSPath+"/", sb.sms)
	}
	if sb.portal != nil {
		mux.Handle(sandboxDVCQGPath+"/", sb.portal)
	}
}
