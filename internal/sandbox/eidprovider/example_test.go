package eidprovider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/motcua/motcua/internal/sandbox/eidprovider"
)

// The provider is mounted at its issuer's path without StripPrefix; this
// is how the app mounts it under /sandbox/vneid/ when started with --demo.
func ExampleNew() {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	p, err := eidprovider.New(srv.URL+"/sandbox/vneid",
		[]eidprovider.Citizen{{Sub: "demo-1", IDNumber: "001090000001", FullName: "Nguyễn Văn An", BirthDate: "05/03/1990"}},
		eidprovider.WithClient(eidprovider.Client{ID: "motcua", Secret: "demo-secret",
			RedirectURIs: []string{srv.URL + "/auth/vneid/callback"}}))
	if err != nil {
		panic(err)
	}
	mux.Handle("/sandbox/vneid/", p)

	res, err := http.Get(srv.URL + "/sandbox/vneid/.well-known/openid-configuration")
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var d struct {
		Issuer string `json:"issuer"`
		Token  string `json:"token_endpoint"`
	}
	_ = json.NewDecoder(res.Body).Decode(&d)
	fmt.Println(d.Issuer == p.Issuer(), d.Token == p.Issuer()+"/token")
	// Output: true true
}
