package authchain_test

import (
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

const (
	testClientID     = "app-client"
	testClientSecret = "app-client-secret"
	testSecret       = "0123456789abcdef0123456789abcdef-app-secret"
)

// idpKey signs the tokens of every provider of this test binary: generating an RSA key is most
// of what starting one costs.
var idpKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// testApp is an application using authchain, served by httptest, with its provider.
type testApp struct {
	t      *testing.T
	URL    string
	IdP    *oidctest.Server
	Client *authchain.Client
	cfg    authchain.Config
}

// appOptions tune a testApp.
type appOptions struct {
	config   func(*authchain.Config)
	idp      []oidctest.Option
	register func(*oidctest.Client)
	// handler is the application behind the middleware; default: a page that shows the user.
	handler func(c *authchain.Client) http.Handler
}

// newTestApp starts a provider and an application whose routes are served by
// client.Middleware around the handler.
func newTestApp(t *testing.T, o appOptions) *testApp {
	t.Helper()
	var mu sync.RWMutex
	var h http.Handler = http.NotFoundHandler()
	appSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.RLock()
		defer mu.RUnlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(appSrv.Close)

	reg := oidctest.Client{
		ID: testClientID, Secret: testClientSecret,
		RedirectURIs:           []string{appSrv.URL + "/auth/callback"},
		PostLogoutRedirectURIs: []string{appSrv.URL + "/", appSrv.URL + "/bye"},
	}
	if o.register != nil {
		o.register(&reg)
	}
	idp := oidctest.NewServer(t, append([]oidctest.Option{oidctest.WithClient(reg), oidctest.WithSigningKey(idpKey())}, o.idp...)...)
	cfg := authchain.Config{
		Domain: idp.Issuer(), ClientID: testClientID, ClientSecret: testClientSecret,
		AppBaseURL: appSrv.URL, Secret: testSecret, AllowInsecureRequests: true,
		HTTPClient: idp.HTTPClient(), Now: idp.Now,
	}
	if o.config != nil {
		o.config(&cfg)
	}
	client, err := authchain.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	app := o.handler
	if app == nil {
		app = func(*authchain.Client) http.Handler { return userPage() }
	}
	mu.Lock()
	h = client.Middleware(app(client))
	mu.Unlock()
	return &testApp{t: t, URL: appSrv.URL, IdP: idp, Client: client, cfg: cfg}
}

// userPage writes "user: <sub>" or "signed out".
func userPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := authchain.UserFrom(r.Context()); ok {
			_, _ = io.WriteString(w, "user: "+u.Subject()+" path: "+r.URL.Path)
			return
		}
		_, _ = io.WriteString(w, "signed out path: "+r.URL.Path)
	})
}

// browser is an HTTP client with a cookie jar that follows redirects, like a browser.
type browser struct {
	*http.Client
	t *testing.T
}

func newBrowser(t *testing.T, follow bool) *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return &browser{Client: c, t: t}
}

// get fetches url and returns the response with its body read.
func (b *browser) get(rawURL string, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// post sends an empty POST to url.
func (b *browser) post(rawURL string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.Post(rawURL, "application/x-www-form-urlencoded", nil)
	if err != nil {
		b.t.Fatalf("POST %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// login logs in through the real flow and returns the final response and body.
func (a *testApp) login(b *browser, returnTo string) (*http.Response, string) {
	a.t.Helper()
	u := a.URL + "/auth/login"
	if returnTo != "" {
		u += "?returnTo=" + url.QueryEscape(returnTo)
	}
	return b.get(u)
}

// cookie returns the browser's cookie for the app called name, or nil.
func (a *testApp) cookie(b *browser, name string) *http.Cookie {
	u, _ := url.Parse(a.URL)
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// sessionCookies returns the names of the session cookies the browser holds for the app.
func (a *testApp) sessionCookies(b *browser) []string {
	u, _ := url.Parse(a.URL)
	var names []string
	for _, c := range b.Jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "__session") {
			names = append(names, c.Name)
		}
	}
	return names
}

// txnCookies returns the names of the transaction cookies the browser holds for the app.
func (a *testApp) txnCookies(b *browser) []string {
	u, _ := url.Parse(a.URL)
	var names []string
	for _, c := range b.Jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "__txn_") {
			names = append(names, c.Name)
		}
	}
	return names
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
