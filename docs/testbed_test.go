package docs_test

import (
	"encoding/base64"
	"encoding/json"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/oidctest"
)

// The credentials the examples register at their provider.
const (
	clientID     = "my-app"
	clientSecret = "my-secret"
	appSecret    = "a-secret-of-at-least-32-bytes-0123456789"
)

// testbed runs an application against a fake provider on loopback, the way the root package's
// ExampleNew does step by step: an oidctest provider, the application's server, and a browser
// (authtest.Browser, a client with a cookie jar).
type testbed struct {
	IdP     *oidctest.Server
	App     *httptest.Server
	Client  *authchain.Client
	Browser *authtest.Browser

	callbackPath string
}

// start builds a Client from cfg and serves the handler that app makes of it. It fills in
// what points cfg at the provider (Domain, ClientID, ClientSecret, AppBaseURL, Secret,
// AllowInsecureRequests) and registers the application there: its callback, and its home page
// and /goodbye as places to return to after logout. Unless cfg has a clock, the application
// tells time by the provider's, so that IdP.Advance moves both.
func start(cfg authchain.Config, app func(*authchain.Client) http.Handler, opts ...oidctest.Option) *testbed {
	tb := &testbed{App: httptest.NewUnstartedServer(nil), callbackPath: cfg.Routes.Callback}
	appURL := "http://" + tb.App.Listener.Addr().String() // Start makes it tb.App.URL
	if tb.callbackPath == "" {
		tb.callbackPath = authchain.DefaultRoutes().Callback
	}
	opts = append([]oidctest.Option{oidctest.WithSigningAlg("ES256"), oidctest.WithClient(oidctest.Client{
		ID: clientID, Secret: clientSecret,
		RedirectURIs:           []string{appURL + tb.callbackPath},
		PostLogoutRedirectURIs: []string{appURL + "/", appURL + "/goodbye"},
	})}, opts...)
	idp, err := oidctest.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	if err := idp.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	tb.IdP = idp
	cfg.Domain, cfg.ClientID, cfg.ClientSecret = idp.Issuer(), clientID, clientSecret
	cfg.AppBaseURL, cfg.AllowInsecureRequests = appURL, true
	if cfg.Secret == "" {
		cfg.Secret = appSecret
	}
	if cfg.Now == nil {
		cfg.Now = idp.Now
	}
	if tb.Client, err = authchain.New(cfg); err != nil {
		log.Fatal(err)
	}
	tb.App.Config.Handler = app(tb.Client)
	tb.App.Start()
	tb.Browser = authtest.NewBrowser(exampleT{})
	return tb
}

// exampleT reports a failure of an Example's browser, as a test's t does.
type exampleT struct{}

func (exampleT) Helper()                           {}
func (exampleT) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }

// Close stops the application and the provider.
func (tb *testbed) Close() {
	tb.App.Close()
	_ = tb.IdP.Close()
}

// Get navigates the browser to path on the application, following redirects, and returns the
// final status, path (with query; the whole URL when it is not on the application) and body.
func (tb *testbed) Get(path string) (status int, at, body string) {
	page := tb.Browser.Get(tb.App.URL + path)
	at = page.URL.RequestURI()
	if !strings.HasPrefix(page.URL.String(), tb.App.URL) {
		at = page.URL.String()
	}
	return page.Status, at, strings.TrimSpace(page.Body)
}

// Fetch calls path as browser JavaScript's fetch would, without following redirects.
func (tb *testbed) Fetch(method, path string) (status int, header http.Header, body string) {
	req, err := http.NewRequest(method, tb.App.URL+path, nil)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Mode", "cors")
	return tb.Send(req)
}

// Send sends req with the browser's cookies, without following redirects.
func (tb *testbed) Send(req *http.Request) (status int, header http.Header, body string) {
	page := tb.Browser.Send(req)
	return page.Status, page.Header, strings.TrimSpace(page.Body)
}

// Redirect requests path and returns where the application redirects the browser, without
// following it.
func (tb *testbed) Redirect(path string) *url.URL {
	status, header, body := tb.Fetch(http.MethodGet, path)
	loc, err := url.Parse(header.Get("Location"))
	if err != nil || loc.String() == "" {
		log.Fatalf("GET %s: %d %s, no redirect", path, status, body)
	}
	return loc
}

// audience returns the first audience of an access token (a JWT from oidctest), without
// verifying it, for showing what a token holds.
func audience(jwt string) string {
	switch aud := claim(jwt, "aud").(type) {
	case string:
		return aud
	case []any:
		if len(aud) > 0 {
			s, _ := aud[0].(string)
			return s
		}
	}
	return ""
}

// claim returns a claim of a JWT without verifying it.
func claim(jwt, name string) any {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return nil
	}
	return claims[name]
}

// LoginCookies logs the browser in and returns the cookies the callback sets, with their
// attributes.
func (tb *testbed) LoginCookies() []*http.Cookie {
	var cookies []*http.Cookie
	browser := *tb.Browser.Client
	browser.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if from := req.Response; from != nil && from.Request.URL.Path == tb.callbackPath {
			cookies = from.Cookies()
		}
		return nil
	}
	req, err := http.NewRequest(http.MethodGet, tb.App.URL+"/auth/login", nil)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := browser.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	return cookies
}
