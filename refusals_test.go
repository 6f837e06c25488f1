package authchain_test

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/oidctest"
)

// loginFlow is one login started in a browser and not finished yet.
type loginFlow struct {
	state     string
	txn       string // the name of the transaction cookie the login set
	authorize string // the provider URL the login route redirected to
	callback  string // the provider's redirect back to the application, once visited
	login     *http.Response
}

// beginLogin sends b to /auth/login?query and fails the test unless the route redirects to
// the provider.
func beginLogin(t *testing.T, app *testApp, b *browser, query string) *loginFlow {
	t.Helper()
	u := app.URL + "/auth/login"
	if query != "" {
		u += "?" + query
	}
	resp, body := b.get(u)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), app.IdP.URL(oidctest.EndpointAuthorize)) {
		t.Fatalf("login redirected to %q, not to the provider", resp.Header.Get("Location"))
	}
	state := loc.Query().Get("state")
	if state == "" {
		t.Fatal("the authorization request has no state")
	}
	txn := loginTxnCookie(resp)
	if txn == nil {
		t.Fatal("the login set no transaction cookie")
	}
	return &loginFlow{state: state, txn: txn.Name, authorize: loc.String(), login: resp}
}

// loginTxnCookie returns the transaction cookie a login response set, or nil.
func loginTxnCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "__txn_") && c.MaxAge >= 0 {
			return c
		}
	}
	return nil
}

// visitProvider sends b to the provider, which logs in and redirects back; it returns the
// callback URL without visiting it.
func (f *loginFlow) visitProvider(t *testing.T, b *browser) string {
	t.Helper()
	resp, body := b.get(f.authorize)
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize: %d %s", resp.StatusCode, body)
	}
	f.callback = resp.Header.Get("Location")
	if f.callback == "" {
		t.Fatal("the provider did not redirect back")
	}
	return f.callback
}

// startToCallback starts a login and returns it with the provider's redirect back recorded.
func startToCallback(t *testing.T, app *testApp, b *browser, query string) *loginFlow {
	t.Helper()
	f := beginLogin(t, app, b, query)
	f.visitProvider(t, b)
	return f
}

// checkErrorPage checks a refusal: the status, an HTML error page naming code that no cache
// keeps, and no session cookie.
func checkErrorPage(t *testing.T, resp *http.Response, body string, status int, code string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("status %d, want %d; body: %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want an HTML page", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	if !strings.Contains(body, "<code>"+code+"</code>") {
		t.Errorf("the error page does not name %s: %s", code, body)
	}
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "__session") {
			t.Errorf("a refused request set the session cookie %s", c.Name)
		}
	}
}

// checkTxnDeleted checks that resp deletes the transaction cookie of f and that b no longer
// holds it.
func checkTxnDeleted(t *testing.T, app *testApp, b *browser, resp *http.Response, f *loginFlow) {
	t.Helper()
	name := f.txn
	deleted := false
	for _, c := range resp.Cookies() {
		if c.Name == name && c.MaxAge < 0 && c.Path == "/" {
			deleted = true
		}
	}
	if !deleted {
		t.Errorf("no Set-Cookie deletes %s; Set-Cookie: %q", name, resp.Header.Values("Set-Cookie"))
	}
	if app.cookie(b, name) != nil {
		t.Errorf("the browser still holds %s", name)
	}
}

// checkNoTxnChange checks that resp neither sets nor deletes any transaction cookie.
func checkNoTxnChange(t *testing.T, resp *http.Response) {
	t.Helper()
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "__txn_") {
			t.Errorf("Set-Cookie %s (Max-Age %d)", c.Name, c.MaxAge)
		}
	}
}

// checkSignedOut checks that the profile route sees no user in b.
func checkSignedOut(t *testing.T, app *testApp, b *browser) {
	t.Helper()
	if resp, body := b.get(app.URL + "/auth/profile"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("profile after a refused login: %d %s, want 401", resp.StatusCode, body)
	}
	if names := app.sessionCookies(b); len(names) != 0 {
		t.Errorf("the browser holds session cookies %v", names)
	}
}

// checkSignedInAs checks that the profile route shows the user sub in b.
func checkSignedInAs(t *testing.T, app *testApp, b *browser, sub string) {
	t.Helper()
	resp, body := b.get(app.URL + "/auth/profile")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"sub":"`+sub+`"`) {
		t.Errorf("profile: %d %s, want %s signed in", resp.StatusCode, body, sub)
	}
}

// withQuery returns rawURL with its query parameter key set to value.
func withQuery(t *testing.T, rawURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func TestCallbackRefusesBadState(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})

	t.Run("missing state", func(t *testing.T) {
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		resp, body := b.get(withQuery(t, f.callback, "state", ""))
		checkErrorPage(t, resp, body, http.StatusBadRequest, "missing_state")
		checkNoTxnChange(t, resp)
		checkSignedOut(t, app, b)
		if app.cookie(b, f.txn) == nil {
			t.Error("a response without state removed the login in progress")
		}
	})

	t.Run("forged state", func(t *testing.T) {
		b := newBrowser(t, false)
		for _, state := range []string{rand.Text(), strings.Repeat("a", 200), "../__session", "%00"} {
			u := app.URL + "/auth/callback?code=" + rand.Text() + "&iss=" + url.QueryEscape(app.IdP.Issuer()) + "&state=" + url.QueryEscape(state)
			resp, body := b.get(u)
			checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
			checkNoTxnChange(t, resp)
		}
		checkSignedOut(t, app, b)
		if n := app.IdP.Count(oidctest.EndpointToken, ""); n != 0 {
			t.Errorf("a forged state reached the token endpoint %d times", n)
		}
	})

	t.Run("replayed in the same browser", func(t *testing.T) {
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		resp, _ := b.get(f.callback)
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("first callback: %d", resp.StatusCode)
		}
		sub := oidctest.DefaultUser().Subject
		checkSignedInAs(t, app, b, sub)
		tokens := app.IdP.Count(oidctest.EndpointToken, "")
		resp, body := b.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
		if n := app.IdP.Count(oidctest.EndpointToken, ""); n != tokens {
			t.Error("the replayed code was sent to the token endpoint")
		}
		checkSignedInAs(t, app, b, sub)
	})

	t.Run("replayed in another browser", func(t *testing.T) {
		victim := newBrowser(t, false)
		f := startToCallback(t, app, victim, "")
		if resp, _ := victim.get(f.callback); resp.StatusCode != http.StatusFound {
			t.Fatalf("callback: %d", resp.StatusCode)
		}
		attacker := newBrowser(t, false)
		resp, body := attacker.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
		checkSignedOut(t, app, attacker)
	})

	t.Run("state of another browser's login", func(t *testing.T) {
		owner, other := newBrowser(t, false), newBrowser(t, false)
		f := startToCallback(t, app, owner, "")
		own := beginLogin(t, app, other, "")
		resp, body := other.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
		checkNoTxnChange(t, resp)
		checkSignedOut(t, app, other)
		if app.cookie(other, own.txn) == nil {
			t.Error("the refused callback removed the browser's own login in progress")
		}
		resp, _ = owner.get(f.callback)
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
			t.Errorf("the owner's login after the other browser's attempt: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		checkSignedInAs(t, app, owner, oidctest.DefaultUser().Subject)
	})

	t.Run("code of another login", func(t *testing.T) {
		attacker, victim := newBrowser(t, false), newBrowser(t, false)
		stolen := startToCallback(t, app, attacker, "")
		mine := startToCallback(t, app, victim, "")
		injected := withQuery(t, mine.callback, "code", mustQuery(t, stolen.callback, "code"))
		resp, body := victim.get(injected)
		checkErrorPage(t, resp, body, http.StatusBadRequest, "authorization_code_grant_error")
		checkTxnDeleted(t, app, victim, resp, mine)
		checkSignedOut(t, app, victim)
	})

	t.Run("tampered transaction cookie", func(t *testing.T) {
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		name := f.txn
		c := app.cookie(b, name)
		if c == nil {
			t.Fatal("no transaction cookie")
		}
		i := len(c.Value) / 2
		flipped := byte('A')
		if c.Value[i] == 'A' {
			flipped = 'B'
		}
		u, _ := url.Parse(app.URL)
		b.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: c.Value[:i] + string(flipped) + c.Value[i+1:], Path: "/"}})
		resp, body := b.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
		checkTxnDeleted(t, app, b, resp, f)
		checkSignedOut(t, app, b)
	})

	t.Run("transaction cookie of another state", func(t *testing.T) {
		b := newBrowser(t, false)
		first := startToCallback(t, app, b, "")
		second := beginLogin(t, app, b, "")
		if second.txn == first.txn {
			t.Fatalf("two logins in one browser share the cookie %s", first.txn)
		}
		c := app.cookie(b, second.txn)
		u, _ := url.Parse(app.URL)
		b.Jar.SetCookies(u, []*http.Cookie{{Name: first.txn, Value: c.Value, Path: "/"}})
		resp, body := b.get(first.callback)
		checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
		checkTxnDeleted(t, app, b, resp, first)
		checkSignedOut(t, app, b)
	})
}

func TestCallbackRefusesExpiredTransaction(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, false)
	f := startToCallback(t, app, b, "")
	app.IdP.Advance(time.Hour + time.Minute)
	resp, body := b.get(f.callback)
	checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
	checkTxnDeleted(t, app, b, resp, f)
	checkSignedOut(t, app, b)
	if n := app.IdP.Count(oidctest.EndpointToken, ""); n != 0 {
		t.Errorf("an expired login reached the token endpoint %d times", n)
	}
}

// mustQuery returns the query parameter key of rawURL.
func mustQuery(t *testing.T, rawURL, key string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	v := u.Query().Get(key)
	if v == "" {
		t.Fatalf("%s has no %s", rawURL, key)
	}
	return v
}

func TestCallbackRefusesBadIDTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		defect oidctest.Defect
	}{
		{"wrong issuer", oidctest.DefectWrongIssuer},
		{"wrong audience", oidctest.DefectWrongAudience},
		{"expired", oidctest.DefectExpired},
		{"unknown kid", oidctest.DefectUnknownKID},
		{"alg none", oidctest.DefectAlgNone},
		{"wrong nonce", oidctest.DefectWrongNonce},
		{"missing nonce", oidctest.DefectMissingNonce},
		{"issued in the future", oidctest.DefectIssuedInFuture},
		{"bad signature", oidctest.DefectBadSignature},
		{"wrong at_hash", oidctest.DefectWrongAtHash},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, appOptions{})
			b := newBrowser(t, false)
			f := startToCallback(t, app, b, "returnTo=/dashboard")
			app.IdP.QueueIDTokenDefect(tc.defect)
			resp, body := b.get(f.callback)
			checkErrorPage(t, resp, body, http.StatusBadGateway, "authorization_code_grant_error")
			checkTxnDeleted(t, app, b, resp, f)
			checkSignedOut(t, app, b)
			if n := app.IdP.Count(oidctest.EndpointToken, "authorization_code"); n != 1 {
				t.Errorf("%d code exchanges, want 1", n)
			}
		})
	}
}

func TestCallbackIDTokenClockTolerance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		behind time.Duration
		ok     bool
	}{
		{"iat 20s ahead of the application's clock", 20 * time.Second, true},
		{"iat 2m ahead of the application's clock", 2 * time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, appOptions{config: func(c *authchain.Config) {
				provider := c.Now
				c.Now = func() time.Time { return provider().Add(-tc.behind) }
			}})
			b := newBrowser(t, false)
			f := startToCallback(t, app, b, "")
			resp, body := b.get(f.callback)
			if tc.ok {
				if resp.StatusCode != http.StatusFound {
					t.Fatalf("callback: %d %s", resp.StatusCode, body)
				}
				checkSignedInAs(t, app, b, oidctest.DefaultUser().Subject)
				return
			}
			checkErrorPage(t, resp, body, http.StatusBadGateway, "authorization_code_grant_error")
			checkTxnDeleted(t, app, b, resp, f)
			checkSignedOut(t, app, b)
		})
	}
}

func TestCallbackRefusesBadAuthorizationResponse(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})

	for _, tc := range []struct {
		name   string
		defect oidctest.AuthorizeDefect
	}{
		{"wrong iss parameter", oidctest.DefectWrongIssParam},
		{"missing iss parameter", oidctest.DefectMissingIssParam},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, false)
			f := beginLogin(t, app, b, "")
			app.IdP.QueueAuthorizeDefect(tc.defect)
			f.visitProvider(t, b)
			tokens := app.IdP.Count(oidctest.EndpointToken, "")
			resp, body := b.get(f.callback)
			checkErrorPage(t, resp, body, http.StatusBadRequest, "authorization_error")
			checkTxnDeleted(t, app, b, resp, f)
			checkSignedOut(t, app, b)
			if n := app.IdP.Count(oidctest.EndpointToken, ""); n != tokens {
				t.Error("the code of a response with a wrong iss was exchanged")
			}
		})
	}

	t.Run("provider error parameter", func(t *testing.T) {
		b := newBrowser(t, false)
		f := beginLogin(t, app, b, "")
		app.IdP.FailNext(oidctest.EndpointAuthorize, 1, oidctest.OAuthError("access_denied", `<script>alert(1)</script>"'&`, 0))
		f.visitProvider(t, b)
		if mustQuery(t, f.callback, "error") != "access_denied" {
			t.Fatalf("the provider's redirect carries no error: %s", f.callback)
		}
		resp, body := b.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadRequest, "authorization_error")
		checkTxnDeleted(t, app, b, resp, f)
		checkSignedOut(t, app, b)
		if strings.Contains(body, "<script>") || strings.Contains(body, `"'&`) {
			t.Errorf("the provider's error_description is not escaped: %s", body)
		}
		if !strings.Contains(body, "access_denied") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("the page does not show the provider's error: %s", body)
		}
	})

	t.Run("missing code", func(t *testing.T) {
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		resp, body := b.get(withQuery(t, f.callback, "code", ""))
		checkErrorPage(t, resp, body, http.StatusBadRequest, "authorization_error")
		checkTxnDeleted(t, app, b, resp, f)
		checkSignedOut(t, app, b)
	})
}

func TestCallbackProviderFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		fault  oidctest.Fault
		status int
		code   string
	}{
		{"invalid_grant", oidctest.OAuthError("invalid_grant", "the code was already used", 0), http.StatusBadRequest, "authorization_code_grant_error"},
		{"OAuth error with status 503", oidctest.OAuthError("temporarily_unavailable", "", http.StatusServiceUnavailable), http.StatusBadGateway, "provider_unavailable"},
		{"HTTP 500", oidctest.HTTPStatus(http.StatusInternalServerError), http.StatusBadGateway, "provider_unavailable"},
		{"HTTP 200 with malformed JSON", oidctest.MalformedJSON(), http.StatusBadGateway, "provider_unavailable"},
	} {
		t.Run("token endpoint "+tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, appOptions{})
			b := newBrowser(t, false)
			f := startToCallback(t, app, b, "")
			app.IdP.FailNext(oidctest.EndpointToken, 1, tc.fault)
			resp, body := b.get(f.callback)
			checkErrorPage(t, resp, body, tc.status, tc.code)
			checkTxnDeleted(t, app, b, resp, f)
			checkSignedOut(t, app, b)
		})
	}

	t.Run("code expired at the provider", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t, appOptions{})
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		app.IdP.Advance(5 * time.Minute)
		resp, body := b.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadRequest, "authorization_code_grant_error")
		checkTxnDeleted(t, app, b, resp, f)
		checkSignedOut(t, app, b)
	})

	t.Run("token endpoint slower than HTTPTimeout", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.HTTPTimeout = 300 * time.Millisecond }})
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		app.IdP.FailNext(oidctest.EndpointToken, 1, oidctest.Latency(5*time.Second))
		start := time.Now()
		resp, body := b.get(f.callback)
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("the callback took %v against a 300ms timeout", elapsed)
		}
		checkErrorPage(t, resp, body, http.StatusBadGateway, "provider_unavailable")
		checkTxnDeleted(t, app, b, resp, f)
		checkSignedOut(t, app, b)
	})

	t.Run("JWKS unavailable", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t, appOptions{})
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		app.IdP.FailNext(oidctest.EndpointJWKS, 5, oidctest.HTTPStatus(http.StatusInternalServerError))
		resp, body := b.get(f.callback)
		if resp.StatusCode != http.StatusBadGateway {
			t.Errorf("status %d, want 502: %s", resp.StatusCode, body)
		}
		checkTxnDeleted(t, app, b, resp, f)
		checkSignedOut(t, app, b)
	})

	t.Run("provider down", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t, appOptions{})
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		if err := app.IdP.Close(); err != nil {
			t.Fatal(err)
		}
		resp, body := b.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadGateway, "provider_unavailable")
		checkTxnDeleted(t, app, b, resp, f)
		checkSignedOut(t, app, b)
	})
}

func TestLoginProviderUnavailable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault oidctest.Fault
	}{
		{"discovery HTTP 500", oidctest.HTTPStatus(http.StatusInternalServerError)},
		{"discovery malformed JSON", oidctest.MalformedJSON()},
		{"discovery OAuth error", oidctest.OAuthError("server_error", "", 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, appOptions{})
			b := newBrowser(t, false)
			app.IdP.FailNext(oidctest.EndpointDiscovery, 1, tc.fault)
			resp, body := b.get(app.URL + "/auth/login?returnTo=/dashboard")
			checkErrorPage(t, resp, body, http.StatusBadGateway, "provider_unavailable")
			if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
				t.Errorf("a login that could not start set cookies: %q", sc)
			}
			if n := app.IdP.Count(oidctest.EndpointDiscovery, ""); n != 1 {
				t.Errorf("%d discovery requests, want 1", n)
			}
			beginLogin(t, app, b, "")
		})
	}

	t.Run("provider down", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t, appOptions{})
		if err := app.IdP.Close(); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, false)
		resp, body := b.get(app.URL + "/auth/login")
		checkErrorPage(t, resp, body, http.StatusBadGateway, "provider_unavailable")
		if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
			t.Errorf("a login that could not start set cookies: %q", sc)
		}
	})
}

func TestRoutesAllowOnlyTheirMethods(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, true)
	if resp, body := app.login(b, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	requests := len(app.IdP.Requests())
	allow := map[string]string{"/auth/login": "GET", "/auth/callback": "GET", "/auth/logout": "GET, POST", "/auth/profile": "GET"}
	for route, allowed := range allow {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			if strings.Contains(allowed, method) {
				continue
			}
			req, err := http.NewRequest(method, app.URL+route+"?returnTo=/x&state=s&code=c", strings.NewReader("a=b"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != allowed {
				t.Errorf("%s %s: %d, Allow %q; want 405, Allow %s", method, route, resp.StatusCode, resp.Header.Get("Allow"), allowed)
			}
			if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
				t.Errorf("%s %s set cookies: %q", method, route, sc)
			}
		}
	}
	if n := len(app.IdP.Requests()); n != requests {
		t.Errorf("refused methods caused %d requests to the provider", n-requests)
	}
	checkSignedInAs(t, app, b, oidctest.DefaultUser().Subject)
}

func TestLoginPrefetch(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	for _, h := range [][2]string{
		{"Sec-Purpose", "prefetch"},
		{"Sec-Purpose", "prefetch;anonymous-client-ip"},
		{"Purpose", "prefetch"},
	} {
		b := newBrowser(t, false)
		resp, body := b.get(app.URL+"/auth/login?returnTo=/dashboard", h[0], h[1])
		if resp.StatusCode != http.StatusNoContent || body != "" {
			t.Errorf("%s: %s: %d %q, want 204 and no body", h[0], h[1], resp.StatusCode, body)
		}
		if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
			t.Errorf("%s: %s: a prefetch set cookies: %q", h[0], h[1], sc)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s: %s: Cache-Control %q, want no-store", h[0], h[1], cc)
		}
	}
	if n := len(app.IdP.Requests()); n != 0 {
		t.Errorf("prefetches caused %d requests to the provider", n)
	}

	b := newBrowser(t, false)
	resp, _ := b.get(app.URL+"/auth/login", "Sec-Purpose", "prefetch;prerender")
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("a prerender was answered %d, want the redirect to the provider", resp.StatusCode)
	}
	if c := loginTxnCookie(resp); c == nil || app.cookie(b, c.Name) == nil {
		t.Error("a prerender got no transaction cookie")
	}
}

func TestLoginRefusesBadParameters(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	for _, q := range []string{
		"scope=profile+email",
		"scope=openid-profile",
		"scope=OPENID",
		"scope=+",
		"max_age=-1",
		"max_age=abc",
		"max_age=",
		"max_age=1.5",
		"max_age=1e3",
		"max_age=+5",
		"max_age=0x10",
		"max_age=99999999999999999999",
		"max_age=%205",
		"login_hint=" + strings.Repeat("a", 4096),
	} {
		name := q
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		t.Run(name, func(t *testing.T) {
			b := newBrowser(t, false)
			resp, body := b.get(app.URL + "/auth/login?" + q)
			checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_request")
			if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
				t.Errorf("a refused login set cookies: %q", sc)
			}
		})
	}
	if n := len(app.IdP.Requests()); n != 0 {
		t.Errorf("refused logins caused %d requests to the provider", n)
	}

	b := newBrowser(t, false)
	f := beginLogin(t, app, b, "max_age=0&scope=email+openid")
	if got := mustQuery(t, f.authorize, "max_age"); got != "0" {
		t.Errorf("max_age=0 sent as %q", got)
	}
	if got := mustQuery(t, f.authorize, "scope"); got != "email openid" {
		t.Errorf("scope sent as %q", got)
	}
}

func TestLoginDoesNotForwardReservedParameters(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) {
		c.AuthorizationParameters = url.Values{"state": {"configured"}, "redirect_uri": {"https://evil.example/cb"}, "scope": {"openid profile"}}
	}})
	attack := url.Values{
		"client_id":             {"evil-client"},
		"redirect_uri":          {"https://evil.example/callback"},
		"response_type":         {"token"},
		"state":                 {"attacker-state"},
		"nonce":                 {"attacker-nonce"},
		"code_challenge":        {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"},
		"code_challenge_method": {"plain"},
		"response_mode":         {"fragment"},
		"request_uri":           {"urn:ietf:params:oauth:request_uri:evil"},
		"request":               {"eyJhbGciOiJub25lIn0.e30."},
	}
	b := newBrowser(t, false)
	f := beginLogin(t, app, b, attack.Encode())
	u, _ := url.Parse(f.authorize)
	q := u.Query()
	want := map[string]string{
		"client_id":             testClientID,
		"redirect_uri":          app.URL + "/auth/callback",
		"response_type":         "code",
		"code_challenge_method": "S256",
	}
	for k, v := range want {
		if got := q[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if got := q[k]; len(got) != 1 || got[0] == attack.Get(k) || len(got[0]) != 43 {
			t.Errorf("%s = %q, not the login's own", k, got)
		}
	}
	for _, k := range []string{"response_mode", "request_uri", "request"} {
		if q.Has(k) {
			t.Errorf("%s forwarded: %q", k, q[k])
		}
	}
	if names := app.txnCookies(b); len(names) != 1 || names[0] != f.txn {
		t.Errorf("the browser holds the transaction cookies %v, want only the login's own", names)
	}

	cb, _ := b.get(f.visitProvider(t, b))
	if cb.StatusCode != http.StatusFound || cb.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d %q", cb.StatusCode, cb.Header.Get("Location"))
	}
	checkSignedInAs(t, app, b, oidctest.DefaultUser().Subject)
}

func TestLoginForwardsParameters(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) {
		c.AuthorizationParameters = url.Values{
			"scope": {"openid profile"}, "audience": {"https://configured.example"},
			"connection": {"configured"}, "organization": {"org_configured"},
		}
	}})
	query := url.Values{
		"returnTo":   {"/dashboard"},
		"scope":      {"openid email"},
		"audience":   {"https://api.example.com"},
		"connection": {"github"},
		"prompt":     {"login"},
		"login_hint": {"alice@example.com"},
		"ui_locales": {"fr-CA"},
		"x_custom":   {"42 & more"},
	}
	b := newBrowser(t, false)
	f := beginLogin(t, app, b, query.Encode())
	u, _ := url.Parse(f.authorize)
	q := u.Query()
	for k, v := range query {
		if k == "returnTo" {
			continue
		}
		if got := q[k]; len(got) != 1 || got[0] != v[0] {
			t.Errorf("%s = %q, want %q", k, got, v[0])
		}
	}
	if got := q.Get("organization"); got != "org_configured" {
		t.Errorf("organization = %q, want the configured org_configured", got)
	}
	if q.Has("returnTo") {
		t.Error("returnTo was sent to the provider")
	}

	cb, _ := b.get(f.visitProvider(t, b))
	if cb.StatusCode != http.StatusFound || cb.Header.Get("Location") != "/dashboard" {
		t.Fatalf("callback: %d %q", cb.StatusCode, cb.Header.Get("Location"))
	}
	reqs := app.IdP.Requests()
	i := slices.IndexFunc(reqs, func(r oidctest.Request) bool { return r.Endpoint == oidctest.EndpointAuthorize })
	if i < 0 || reqs[i].Form.Get("audience") != "https://api.example.com" || reqs[i].Form.Get("login_hint") != "alice@example.com" {
		t.Errorf("the provider did not receive the forwarded parameters")
	}
}

func TestTransactionCookieAttributes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, false)
	f := beginLogin(t, app, b, "returnTo=/dashboard")
	cookies := f.login.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("the login set %d cookies, want 1: %q", len(cookies), f.login.Header.Values("Set-Cookie"))
	}
	c := cookies[0]
	if c.Name != "__txn_0" && c.Name != "__txn_1" {
		t.Errorf("cookie %s, want one of the slots __txn_0, __txn_1", c.Name)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != 3600 || c.Secure || c.Domain != "" {
		t.Errorf("transaction cookie attributes: %q", f.login.Header.Get("Set-Cookie"))
	}
	if strings.Contains(c.Value, "dashboard") {
		t.Error("the transaction cookie shows its content")
	}
	if cc := f.login.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("login redirect Cache-Control %q, want no-store", cc)
	}
}

func TestTransactionCookiesBounded(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, false)
	u, _ := url.Parse(app.URL)
	const logins = 30
	var flows []*loginFlow
	for i := range logins {
		f := beginLogin(t, app, b, "returnTo=/page/"+strings.Repeat("x", i))
		flows = append(flows, f)
		total := 0
		for _, c := range b.Jar.Cookies(u) {
			if strings.HasPrefix(c.Name, "__txn_") {
				total += len(c.Name) + 1 + len(c.Value)
			}
		}
		if n := len(app.txnCookies(b)); n > mw.TransactionSlots || total > mw.TransactionSlots*mw.MaxTransactionCookieBytes {
			t.Fatalf("after %d logins the browser holds %d transaction cookies, %d bytes", i+1, n, total)
		}
		app.IdP.Advance(time.Second)
	}
	first := flows[0].visitProvider(t, b)

	// The newest logins keep their slots; the first was replaced long ago.
	previous, newest := flows[logins-2], flows[logins-1]
	if held := app.txnCookies(b); len(held) != 2 || previous.txn == newest.txn {
		t.Fatalf("the browser holds %v; want the two newest logins, in their own slots", held)
	}
	cb, _ := b.get(newest.visitProvider(t, b))
	if cb.StatusCode != http.StatusFound || cb.Header.Get("Location") != "/page/"+strings.Repeat("x", logins-1) {
		t.Fatalf("the newest login: %d %q", cb.StatusCode, cb.Header.Get("Location"))
	}
	checkTxnDeleted(t, app, b, cb, newest)
	checkTxnDeleted(t, app, b, cb, previous) // a completed login ends the others

	resp, body := b.get(first)
	checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
}
