package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// page is the signed-in page the load requests: it reads the session, and only signed-in
// users see it.
const page = "/en/profile"

// requestTimeout bounds one request, of the login or of the load.
const requestTimeout = 30 * time.Second

// browser is one user: a client with a cookie jar of its own and, to the app, one keep-alive
// connection.
type browser struct {
	client *http.Client
	target string // the page's URL
	marker []byte // what the page shows when this user is signed in
	buf    bytes.Buffer
}

// newBrowser returns a browser of origin's page, signed out.
func newBrowser(origin string) *browser {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &browser{
		client: &http.Client{
			Jar:       jar,
			Timeout:   requestTimeout,
			Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1},
		},
		target: origin + page,
	}
}

var (
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// logIn signs the browser in as name: the page sends it to the login route, which sends it to
// the provider's login form; the form is submitted and the callback brings it back to the
// page. From then on the browser follows no redirect.
func (b *browser) logIn(ctx context.Context, name string) error {
	b.marker = []byte(`<dd id="name">` + html.EscapeString(name) + `</dd>`)
	form, body, err := b.navigate(ctx, http.MethodGet, b.target, nil)
	if err != nil {
		return err
	}
	m := formAction.FindStringSubmatch(body)
	if form.StatusCode != http.StatusOK || m == nil {
		return fmt.Errorf("login: %s led to %d at %s, not to the provider's login form", page, form.StatusCode, form.Request.URL.Redacted())
	}
	action, err := form.Request.URL.Parse(html.UnescapeString(m[1]))
	if err != nil {
		return fmt.Errorf("login: the form's action: %w", err)
	}
	fields := url.Values{"name": {name}, "action": {"login"}}
	for _, in := range hiddenInput.FindAllStringSubmatch(body, -1) {
		fields.Set(html.UnescapeString(in[1]), html.UnescapeString(in[2]))
	}
	landed, body, err := b.navigate(ctx, http.MethodPost, action.String(), fields)
	if err != nil {
		return err
	}
	if landed.StatusCode != http.StatusOK || landed.Request.URL.String() != b.target || !strings.Contains(body, string(b.marker)) {
		return fmt.Errorf("login: the form led to %d at %s, not to the signed-in page", landed.StatusCode, landed.Request.URL.Redacted())
	}
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return nil
}

// navigate requests target (posting form when it is not nil), following redirects, and
// returns the last response and its body.
func (b *browser) navigate(ctx context.Context, method, target string, form url.Values) (*http.Response, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html")
	res, err := b.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	return res, string(raw), nil
}

// errNotSignedIn is a 200 response that is not the user's signed-in page.
var errNotSignedIn = errors.New("200 without the signed-in user's page")

// visit requests the page once, as the signed-in browser, and checks that it is the user's.
func (b *browser) visit() error {
	req, err := http.NewRequest(http.MethodGet, b.target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/html")
	res, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b.buf.Reset()
	if _, err := b.buf.ReadFrom(res.Body); err != nil {
		return err
	}
	switch {
	case res.StatusCode != http.StatusOK:
		return fmt.Errorf("status %d", res.StatusCode)
	case !bytes.Contains(b.buf.Bytes(), b.marker):
		return errNotSignedIn
	}
	return nil
}
