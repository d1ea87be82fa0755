package apptest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// Page is one answer of a page, its body HTML-unescaped so that tests can
// look for text as a reader sees it.
type Page struct {
	Status int
	Header http.Header
	Body   string
	// Response is the raw answer (its body already read).
	Response *http.Response
}

// Browser is an HTTP client for the server's pages: it keeps cookies and
// does not follow redirects, so that each answer can be checked.
type Browser struct {
	t testing.TB
	// Base is the server's address; a test may point the browser (and its
	// cookies) at another server.
	Base string
	// Client is the underlying client (its Jar holds the cookies).
	Client *http.Client
}

// Browser returns a new client with an empty cookie jar.
func (e *Env) Browser() *Browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.T.Fatal(err)
	}
	c := *e.Server.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Browser{t: e.T, Base: e.URL, Client: &c}
}

// SameSite are the headers a browser sends with a form posted from this
// site (what http.CrossOriginProtection looks at).
func (b *Browser) SameSite() map[string]string {
	return map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": b.Base}
}

// Do sends a request: a urlencoded form when form is not nil, else body
// with contentType (both may be empty), with the extra headers.
func (b *Browser) Do(method, path string, form url.Values, header map[string]string) Page {
	b.t.Helper()
	if form != nil {
		return b.Send(method, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), header)
	}
	return b.Send(method, path, "", nil, header)
}

// Send sends a request with a raw body of the given content type.
func (b *Browser) Send(method, path, contentType string, body io.Reader, header map[string]string) Page {
	b.t.Helper()
	req, err := http.NewRequest(method, b.Base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.Client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return Page{Status: resp.StatusCode, Header: resp.Header, Body: html.UnescapeString(string(raw)), Response: resp}
}

// PostMultipart posts a multipart form (fields and files) with the extra
// headers.
func (b *Browser) PostMultipart(path string, fields map[string]string, files []File, header map[string]string) Page {
	b.t.Helper()
	ct, body := Multipart(fields, files)
	return b.Send("POST", path, ct, body, header)
}
