package authchain_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
)

// send sends a request from b with the given headers and form body (a POST when form is not
// nil) and returns the response with its body read.
func (b *browser) send(method, rawURL string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	read, _ := io.ReadAll(resp.Body)
	return resp, string(read)
}

// checkLogoutRefused checks that resp is the confirmation page of a refused logout: nothing
// deleted, nothing revoked, a form that posts back to the route with returnTo.
func checkLogoutRefused(t *testing.T, app *testApp, b *browser, resp *http.Response, body, returnTo string) {
	t.Helper()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("refused logout: %d %q, want 200 and an HTML page", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("refused logout: Cache-Control %q, want no-store", cc)
	}
	if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Errorf("a refused logout set cookies: %q", sc)
	}
	if n := app.IdP.Count(oidctest.EndpointRevocation, ""); n != 0 {
		t.Errorf("a refused logout revoked %d tokens", n)
	}
	if !strings.Contains(body, `<form method="post">`) || !strings.Contains(body, `<button type="submit">`) {
		t.Errorf("the page has no form that posts back to the logout route: %s", body)
	}
	if returnTo != "" && !strings.Contains(body, `name="returnTo" value="`+returnTo+`"`) {
		t.Errorf("the page's form does not keep returnTo %q: %s", returnTo, body)
	}
	checkSignedInAs(t, app, b, oidctest.DefaultUser().Subject)
}

func TestLogoutRefusesCrossSiteRequests(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, false)
	f := startToCallback(t, app, b, "")
	if resp, _ := b.get(f.callback); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	bye := app.URL + "/bye"
	logout := app.URL + "/auth/logout?returnTo=" + url.QueryEscape(bye)

	resp, body := b.get(logout, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate")
	checkLogoutRefused(t, app, b, resp, body, bye)

	resp, body = b.send(http.MethodPost, logout, url.Values{}, "Sec-Fetch-Site", "cross-site")
	checkLogoutRefused(t, app, b, resp, body, bye)

	resp, body = b.send(http.MethodPost, app.URL+"/auth/logout", url.Values{"returnTo": {bye}}, "Origin", "https://evil.example")
	checkLogoutRefused(t, app, b, resp, body, bye)

	// The page's button: a same-origin POST with returnTo in its body logs out.
	resp, _ = b.send(http.MethodPost, logout, url.Values{"returnTo": {bye}}, "Sec-Fetch-Site", "same-origin", "Origin", app.URL)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc.String(), app.IdP.URL(oidctest.EndpointEndSession)) ||
		loc.Query().Get("post_logout_redirect_uri") != bye {
		t.Errorf("confirmed logout: %d %s, want 303 to the provider's logout returning to %s", resp.StatusCode, loc, bye)
	}
	if n := app.IdP.Count(oidctest.EndpointRevocation, ""); n != 1 {
		t.Errorf("confirmed logout revoked %d tokens, want 1", n)
	}
	checkSignedOut(t, app, b)
}

func TestLogoutByPost(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	for _, tc := range []struct {
		name   string
		query  string
		form   url.Values
		header []string
		want   string
	}{
		{"returnTo in the body", "", url.Values{"returnTo": {"/bye"}}, []string{"Sec-Fetch-Site", "same-origin"}, "/bye"},
		{"returnTo in the query", "?returnTo=%2Fbye", url.Values{}, nil, "/bye"},
		{"no returnTo", "", url.Values{}, []string{"Sec-Fetch-Site", "none"}, "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, true)
			app.login(b, "/")
			step := newBrowser(t, false)
			step.Jar = b.Jar
			resp, body := step.send(http.MethodPost, app.URL+"/auth/logout"+tc.query, tc.form, tc.header...)
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || loc.Query().Get("post_logout_redirect_uri") != app.URL+tc.want {
				t.Errorf("POST logout: %d %s %s, want 303 returning to %s", resp.StatusCode, loc, body, tc.want)
			}
			checkSignedOut(t, app, b)
		})
	}
}

func TestLogoutRefusesABadForm(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	step := newBrowser(t, false)
	step.Jar = b.Jar
	for name, body := range map[string]string{
		"too large": "returnTo=/" + strings.Repeat("x", 20<<10),
		"malformed": "returnTo=%zz",
	} {
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/auth/logout", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := step.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		read, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		checkErrorPage(t, resp, string(read), http.StatusBadRequest, "invalid_request")
		if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
			t.Errorf("%s: a refused logout set cookies", name)
		}
	}
	checkSignedInAs(t, app, b, oidctest.DefaultUser().Subject)
}

func TestLogoutAcceptsSameSiteNavigations(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	for _, site := range []string{"same-origin", "same-site", "none"} {
		b := newBrowser(t, true)
		app.login(b, "/")
		step := newBrowser(t, false)
		step.Jar = b.Jar
		if resp, body := step.get(app.URL+"/auth/logout", "Sec-Fetch-Site", site); resp.StatusCode != http.StatusFound {
			t.Errorf("GET logout, Sec-Fetch-Site %s: %d %s, want the redirect", site, resp.StatusCode, body)
		}
		checkSignedOut(t, app, b)
	}
}

func TestLogoutConfirmationEscapesReturnTo(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	attack := `"><script>alert(1)</script>`
	resp, body := b.get(app.URL+"/auth/logout?returnTo="+url.QueryEscape(attack), "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("confirmation page: %d %s", resp.StatusCode, body)
	}
	checkSignedInAs(t, app, b, oidctest.DefaultUser().Subject)
}

func TestAccessTokenRouteRefusesCrossSiteRequests(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.Advance(11 * time.Minute) // the access token has expired: an answer would refresh it
	before := refreshes(app)
	resp, body := b.get(app.URL+"/auth/access-token", "Sec-Fetch-Site", "cross-site")
	var got struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.Unmarshal([]byte(body), &got)
	if resp.StatusCode != http.StatusForbidden || got.Error.Code != "cross_site_request" || got.Error.Message == "" ||
		resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("cross-site access-token request: %d, code %q, Content-Type %q, Cache-Control %q; want 403 cross_site_request",
			resp.StatusCode, got.Error.Code, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if len(resp.Header.Values("Set-Cookie")) != 0 || refreshes(app) != before {
		t.Errorf("a refused request refreshed the token (%d refreshes) or set cookies", refreshes(app)-before)
	}
	for _, site := range []string{"same-origin", "same-site", "none", ""} {
		if resp, _ := b.get(app.URL+"/auth/access-token", "Sec-Fetch-Site", site); resp.StatusCode != http.StatusOK {
			t.Errorf("Sec-Fetch-Site %q: %d, want the token", site, resp.StatusCode)
		}
	}
}
