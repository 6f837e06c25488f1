package frameworks_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

// ada is the user every test logs in as.
var ada = oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada Lovelace"}}

// clock is the application's clock, moved forward by the tests to make the session roll.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// app is an application under test: a server, the provider it logs in with, and its client.
type app struct {
	server *httptest.Server
	idp    *oidctest.Server
	client *authchain.Client
	clock  *clock
	// base is AppBaseURL: the server's URL followed by the base path.
	base string
}

// appOptions shape the application's server.
type appOptions struct {
	// basePath is the path AppBaseURL ends with ("/app"); "" for the root.
	basePath string
	// http2 serves over TLS with HTTP/2.
	http2 bool
}

// newApp starts an application whose handler the route function builds from its client.
func newApp(t *testing.T, opts appOptions, routes func(*authchain.Client) http.Handler) *app {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	if opts.http2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	base := srv.URL + opts.basePath

	idp := oidctest.NewServer(t, oidctest.WithClient(oidctest.Client{
		ID: "my-app", Secret: "my-secret", RedirectURIs: []string{base + "/auth/callback"},
	}))
	clk := &clock{now: time.Now()}
	client, err := authchain.New(authchain.Config{
		Domain:                idp.Issuer(),
		ClientID:              "my-app",
		ClientSecret:          "my-secret",
		AppBaseURL:            base,
		Secret:                "a-secret-of-at-least-32-bytes-0123456789",
		AllowInsecureRequests: true,
		Now:                   clk.Now,
	})
	require.NoError(t, err)
	srv.Config.Handler = routes(client)
	return &app{server: srv, idp: idp, client: client, clock: clk, base: base}
}

// greet is the protected page of every test: it answers with the signed-in user's name.
func greet(w http.ResponseWriter, r *http.Request) {
	u, ok := authchain.UserFrom(r.Context())
	if !ok {
		http.Error(w, "no user in the request's context", http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "Hello, %s (%s)", u.Name(), u.Subject())
}

// browser returns a client with a cookie jar that trusts the application's certificate and
// speaks HTTP/2 to it when the server does. follow chooses whether it follows redirects.
func (a *app) browser(t *testing.T, jar http.CookieJar, follow bool) *http.Client {
	t.Helper()
	c := &http.Client{Transport: a.server.Client().Transport, Jar: jar}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return c
}

// navigate sends a browser navigation to url.
func navigate(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// isSessionCookie reports whether name is the session cookie's (or one of its chunks').
func isSessionCookie(name string) bool {
	return strings.HasPrefix(strings.TrimPrefix(name, session.HostPrefix), session.DefaultCookieName)
}

// sessionCookies returns the session cookies a response sets.
func sessionCookies(resp *http.Response) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range resp.Cookies() {
		if isSessionCookie(c.Name) && c.Value != "" {
			out = append(out, c)
		}
	}
	return out
}

// checkLoginFlow is what every framework must do: a signed-out navigation to the protected
// path is sent to the login route, the browser logs in and lands on the page, which sees the
// user, and the session's cookie is set, then rolled on a later request, whose response it
// returns.
func (a *app) checkLoginFlow(t *testing.T, path string) *http.Response {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return a.checkLoginFlowWith(t, jar, path)
}

// checkLoginFlowWith is checkLoginFlow with the browser's cookie jar, which then holds the
// session.
func (a *app) checkLoginFlowWith(t *testing.T, jar http.CookieJar, path string) *http.Response {
	t.Helper()
	page := a.server.URL + path

	// Signed out: sent to the login route, returning to the page afterwards.
	resp, _ := navigate(t, a.browser(t, jar, false), page)
	require.Equal(t, http.StatusFound, resp.StatusCode, "a signed-out navigation to %s", path)
	loc, err := resp.Location()
	require.NoError(t, err)
	assert.Equal(t, strings.TrimPrefix(a.base, a.server.URL)+"/auth/login", loc.Path)
	assert.Equal(t, path, loc.Query().Get("returnTo"))

	// Logging in: login route → provider → callback → back to the page.
	a.idp.QueueLogin(ada)
	resp, body := navigate(t, a.browser(t, jar, true), page)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, path, resp.Request.URL.Path, "the login returns to the page")
	assert.Equal(t, "Hello, Ada Lovelace (user_42)", body)
	var inJar bool
	for _, c := range jar.Cookies(resp.Request.URL) {
		inJar = inJar || isSessionCookie(c.Name)
	}
	require.True(t, inJar, "the callback set the session cookie")

	// A minute and more later, the next request rolls the session: a new cookie.
	a.clock.Advance(2 * time.Minute)
	resp, body = navigate(t, a.browser(t, jar, false), page)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "Hello, Ada Lovelace (user_42)", body)
	assert.NotEmpty(t, sessionCookies(resp), "the rolling session writes its cookie again")
	return resp
}
