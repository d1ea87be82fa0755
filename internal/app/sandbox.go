package app

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/sandbox/eidprovider"
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
