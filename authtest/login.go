package authtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

// Login logs a test browser in to the application at appURL through the real flow, starting
// at the default login route, appURL + "/auth/login": see LoginAt, which Login calls. An
// application whose Config.Routes moves the login route uses LoginAt.
func Login(t testing.TB, appURL string, idp *oidctest.Server, user ...oidctest.User) *http.Client {
	t.Helper()
	return LoginAt(t, strings.TrimSuffix(appURL, "/")+"/auth/login", idp, user...)
}

// LoginAt logs a test browser in through the real flow, starting at loginURL, the absolute URL
// of the application's login route (its AppBaseURL + Config.Routes.Login, e.g.
// "http://127.0.0.1:3000/account/login"): the login route, idp's authorize endpoint, which
// logs in the given user (or the next queued or default user) without a form, and the
// application's callback. It returns the browser: an *http.Client with the session in its
// cookie jar, which follows redirects and trusts idp's TLS certificate. Any failure fails t,
// as does a login that ends without a session cookie of the default name ("__session", or
// its chunks, with or without the "__Host-" prefix).
func LoginAt(t testing.TB, loginURL string, idp *oidctest.Server, user ...oidctest.User) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	if hc := idp.HTTPClient(); hc != nil {
		browser.Transport = hc.Transport
	}
	for _, u := range user {
		idp.QueueLogin(u)
	}
	resp, err := browser.Get(loginURL)
	if err != nil {
		t.Fatalf("authtest: logging in: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("authtest: logging in ended with %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	for _, c := range jar.Cookies(resp.Request.URL) {
		if strings.HasPrefix(strings.TrimPrefix(c.Name, session.HostPrefix), session.DefaultCookieName) {
			return browser
		}
	}
	t.Fatalf("authtest: the login ended at %s without a session cookie", resp.Request.URL.Path)
	return nil
}
