package redisstore_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
)

// newBrowser returns an HTTP client with a cookie jar that follows redirects.
func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// response is what a request got back.
type response struct {
	status   int
	body     string
	servedBy string
	header   http.Header
}

// get fetches path through the load balancer with the browser: from the instance on, or from
// the next in turn when on is nil. Redirects keep going to on (the browser repeats the header).
func (d *deployment) get(browser *http.Client, on *instance, path string) response {
	d.t.Helper()
	req, err := http.NewRequest(http.MethodGet, d.URL+path, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	return d.do(browser, on, req)
}

// getWith fetches path with the cookies given and no jar: a request of a browser that holds
// them, which keeps them whatever the answer.
func (d *deployment) getWith(cookies []*http.Cookie, on *instance, path string) response {
	d.t.Helper()
	req, err := http.NewRequest(http.MethodGet, d.URL+path, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return d.do(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, on, req)
}

func (d *deployment) do(client *http.Client, on *instance, req *http.Request) response {
	d.t.Helper()
	if on != nil {
		req.Header.Set(instanceHeader, on.name)
	}
	resp, err := client.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(body), servedBy: resp.Header.Get(instanceHeader), header: resp.Header}
}

// login logs a new browser in as sub through the real flow, every request of it served by on,
// and returns the browser.
func (d *deployment) login(on *instance, sub string) *http.Client {
	d.t.Helper()
	return d.loginWith(newBrowser(), on, sub)
}

// loginWith logs the browser in as sub, every request of it served by on, and returns it. A
// browser signed in at the provider gets single sign-on: the same provider session.
func (d *deployment) loginWith(browser *http.Client, on *instance, sub string) *http.Client {
	d.t.Helper()
	d.IdP.QueueLogin(oidctest.User{Subject: sub})
	if r := d.get(browser, on, "/auth/login?returnTo=/"); r.status != http.StatusOK || r.body != "user: "+sub || r.servedBy != on.name {
		d.t.Fatalf("login on %s: %d %q from %s", on.name, r.status, r.body, r.servedBy)
	}
	return browser
}

// cookies returns the cookies the browser holds for the application.
func (d *deployment) cookies(browser *http.Client) []*http.Cookie {
	u, _ := url.Parse(d.URL)
	return browser.Jar.Cookies(u)
}

// sessionID returns the provider's session id of sub's only session.
func (d *deployment) sessionID(sub string) string {
	d.t.Helper()
	ids := d.IdP.SessionIDs(sub)
	if len(ids) != 1 {
		d.t.Fatalf("%s has %d sessions at the provider, want 1", sub, len(ids))
	}
	return ids[0]
}

// postLogoutToken posts raw as the logout_token to the instance's own back-channel logout
// route, as the provider does, and returns the status and body.
func (d *deployment) postLogoutToken(on *instance, raw string) (int, string) {
	d.t.Helper()
	resp, err := http.Post(on.URL+"/auth/backchannel-logout", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"logout_token": {raw}}.Encode()))
	if err != nil {
		d.t.Fatalf("POST to %s's back-channel logout: %v", on.name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// logoutToken mints a logout token for the provider session sid and the user sub.
func (d *deployment) logoutToken(sid, sub string, defects ...oidctest.LogoutDefect) string {
	d.t.Helper()
	raw, err := d.IdP.LogoutToken(oidctest.LogoutTokenOptions{ClientID: deployClientID, SessionID: sid, Subject: sub, Defects: defects})
	if err != nil {
		d.t.Fatal(err)
	}
	return raw
}

// refreshes returns how many refreshes the provider served.
func (d *deployment) refreshes() int { return d.IdP.Count(oidctest.EndpointToken, "refresh_token") }

// within calls cond until it returns true, failing the test when it has not after bound: a
// failure bound, never a measure of speed.
func within(t *testing.T, bound time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after %s", what, bound)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
