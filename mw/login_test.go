package mw

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/authchain/authchain/provider"
)

var base64URL43 = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func TestLoginSendsTheAuthorizationCodeRequestWithPKCE(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	params := rt.startLogin(newBrowser(), rt.login(), "")
	for name, want := range map[string]string{
		"response_type":         "code",
		"client_id":             testClientID,
		"redirect_uri":          testRedirectURI,
		"scope":                 DefaultScope,
		"code_challenge_method": "S256",
	} {
		if got := params[name]; len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"state", "nonce", "code_challenge"} {
		if v := params.Get(name); !base64URL43.MatchString(v) {
			t.Errorf("%s = %q, want 32 random bytes, base64url", name, v)
		}
	}
	if _, ok := params["returnTo"]; ok {
		t.Error("returnTo was sent to the provider")
	}
}

func TestLoginMakesNewSecretsForEveryLogin(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	login := rt.login()
	first := rt.startLogin(newBrowser(), login, "")
	second := rt.startLogin(newBrowser(), login, "")
	for _, name := range []string{"state", "nonce", "code_challenge"} {
		if first.Get(name) == second.Get(name) {
			t.Errorf("two logins share their %s", name)
		}
	}
}

func TestLoginQueryCannotOverrideTheFlowsOwnParameters(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	hostile := url.Values{}
	for _, name := range reservedParameters {
		hostile.Set(name, "evil")
	}
	hostile.Set("redirect_uri", "https://evil.test/cb")
	hostile.Set("code_challenge_method", "plain")
	hostile.Set("response_type", "token")
	login := rt.login(func(o *LoginOptions) {
		o.AuthorizationParameters = url.Values{"response_mode": {"form_post"}, "client_id": {"other"}}
	})
	params := rt.startLogin(newBrowser(), login, hostile.Encode())
	for _, name := range []string{"response_mode", "request", "request_uri"} {
		if _, ok := params[name]; ok {
			t.Errorf("%s was sent: %q", name, params[name])
		}
	}
	for name, want := range map[string]string{
		"client_id": testClientID, "redirect_uri": testRedirectURI, "response_type": "code",
		"code_challenge_method": "S256",
	} {
		if got := params[name]; len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"state", "nonce", "code_challenge"} {
		if params.Get(name) == "evil" {
			t.Errorf("the query set %s", name)
		}
	}
}

func TestLoginForwardsTheQueryOverTheConfiguredParameters(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	login := rt.login(func(o *LoginOptions) {
		o.AuthorizationParameters = url.Values{
			"scope": {"openid email"}, "audience": {"https://api.test"}, "prompt": {"consent"},
		}
	})
	params := rt.startLogin(newBrowser(), login, "scope=openid+profile&screen_hint=signup&prompt=login")
	for name, want := range map[string]string{
		"scope": "openid profile", "audience": "https://api.test", "prompt": "login", "screen_hint": "signup",
	} {
		if got := params[name]; len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestLoginRefusesBadParameters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, query string }{
		{"scope without openid", "scope=profile+email"},
		{"openid only as a prefix", "scope=openidx"},
		{"negative max_age", "max_age=-1"},
		{"max_age not a number", "max_age=ten"},
		{"max_age with a leading zero", "max_age=010"},
		{"max_age with a fraction", "max_age=1.5"},
		{"parameter too long", "ui_locales=" + strings.Repeat("a", 2049)},
		{"parameters too long for the cookie", "scope=openid+" + strings.Repeat("x", 1000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := newBrowser()
			res := b.get(rt.login(), "/auth/login?"+tc.query)
			if res.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", res.Code)
			}
			if !strings.Contains(res.Body.String(), "invalid_request") {
				t.Errorf("the page does not say invalid_request: %s", res.Body)
			}
			if res.Header().Get("Location") != "" || len(b.cookies) != 0 {
				t.Errorf("a refused login redirected or set cookies: %v", res.Header())
			}
		})
	}
}

func TestLoginAcceptsMaxAgeZero(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	if got := rt.startLogin(newBrowser(), rt.login(), "max_age=0").Get("max_age"); got != "0" {
		t.Errorf("max_age = %q, want 0", got)
	}
}

func TestLoginSetsAnHttpOnlyLaxTransactionCookie(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	res := b.get(rt.login(), "/auth/login")
	state := locationQuery(t, res.Header()).Get("state")
	lines := res.Header().Values("Set-Cookie")
	if len(lines) != 1 {
		t.Fatalf("Set-Cookie %q, want one transaction cookie", lines)
	}
	name := DefaultTransactionPrefix + strconv.Itoa(slotOf(state)) + "="
	for _, want := range []string{name, "Path=/", "Max-Age=3600", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("transaction cookie lacks %q: %.80s", want, lines[0])
		}
	}
	if strings.Contains(lines[0], state) {
		t.Error("the transaction cookie holds the state in clear")
	}
	if got := res.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
}

func TestLoginAnswersBadGatewayWhenTheProviderFails(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.authorizeErr = fmt.Errorf("%w: discovery: connection refused", provider.ErrUnavailable)
	b := newBrowser()
	res := b.get(rt.login(), "/auth/login?returnTo=/x")
	if res.Code != http.StatusBadGateway {
		t.Errorf("status %d, want 502", res.Code)
	}
	if res.Header().Get("Location") != "" || len(res.Header().Values("Set-Cookie")) != 0 {
		t.Errorf("a failed login redirected or set cookies: %v", res.Header())
	}
	if strings.Contains(res.Body.String(), "connection refused") {
		t.Error("the page shows the internal error")
	}
}

func TestLoginRefusesOtherMethods(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		b := newBrowser()
		res := b.do(rt.login(), b.request(method, "/auth/login", nil))
		if res.Code != http.StatusMethodNotAllowed || res.Header().Get("Allow") != http.MethodGet {
			t.Errorf("%s: %d, Allow %q; want 405, Allow GET", method, res.Code, res.Header().Get("Allow"))
		}
		if len(b.cookies) != 0 {
			t.Errorf("%s set cookies", method)
		}
	}
	if n, _, _, _, _ := rt.idp.calls(); n != 0 {
		t.Errorf("the provider was asked %d times", n)
	}
}

func TestLoginIgnoresPrefetches(t *testing.T) {
	t.Parallel()
	for _, header := range [][2]string{
		{"Sec-Purpose", "prefetch"},
		{"Purpose", "prefetch"},
		{"X-Moz", "prefetch"},
		{"Next-Router-Prefetch", "1"},
	} {
		t.Run(header[0], func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := newBrowser()
			r := b.request(http.MethodGet, "/auth/login", nil)
			r.Header.Set(header[0], header[1])
			res := b.do(rt.login(), r)
			if res.Code != http.StatusNoContent || len(b.cookies) != 0 {
				t.Errorf("prefetch: %d, cookies %v; want 204 and none", res.Code, b.cookies)
			}
			if n, _, _, _, _ := rt.idp.calls(); n != 0 {
				t.Error("a prefetch started a login")
			}
		})
	}
}

func TestLoginStartFromCodeTakesReturnToAndParameters(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	login := rt.login()
	b := newBrowser()
	r := b.request(http.MethodGet, "/account", nil)
	res := b.do(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		login.Start(w, r, "/account", url.Values{"prompt": {"login"}, "state": {"mine"}})
	}), r)
	params := locationQuery(t, res.Header())
	if params.Get("prompt") != "login" || params.Get("state") == "mine" {
		t.Errorf("Start sent %v", params)
	}
	cb := rt.callback()
	if got := b.get(cb, "/auth/callback?code=c&state="+url.QueryEscape(params.Get("state"))).Header().Get("Location"); got != "/account" {
		t.Errorf("after the login the browser lands on %q, want /account", got)
	}
}

// TestLoginKeepsOnlyASameOriginReturnTo runs the login and its callback: the browser lands on
// returnTo only when it is the application's own.
func TestLoginKeepsOnlyASameOriginReturnTo(t *testing.T) {
	t.Parallel()
	long := "/" + strings.Repeat("p", 600)
	for _, tc := range []struct {
		name, returnTo, signInPath, want string
	}{
		{"path", "/dashboard?tab=1#top", "", "/dashboard?tab=1#top"},
		{"absolute on the origin", testAppURL + "/settings", "", "/settings"},
		{"relative", "settings", "", "/settings"},
		{"none", "", "", "/"},
		{"none, configured default", "", "/home", "/home"},
		{"other host", "https://evil.test/", "", "/"},
		{"other host, configured default", "https://evil.test/", "/home", "/home"},
		{"network-path reference", "//evil.test/x", "", "/"},
		{"backslash", `/\evil.test`, "", "/"},
		{"other scheme", "javascript:alert(1)", "", "/"},
		{"other port", "https://app.test:8443/", "", "/"},
		{"userinfo", "https://app.test@evil.test/", "", "/"},
		{"too long for the cookie", long, "/home", "/home"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			login := rt.login(func(o *LoginOptions) { o.SignInReturnToPath = tc.signInPath })
			b := newBrowser()
			state := rt.startLogin(b, login, "returnTo="+url.QueryEscape(tc.returnTo)).Get("state")
			res := b.get(rt.callback(), "/auth/callback?code=c&state="+url.QueryEscape(state))
			if res.Code != http.StatusFound {
				t.Fatalf("callback: %d %s", res.Code, res.Body)
			}
			if got := res.Header().Get("Location"); got != tc.want {
				t.Errorf("landed on %q, want %q", got, tc.want)
			}
		})
	}
}

// locationQuery returns the query of h's Location.
func locationQuery(t *testing.T, h http.Header) url.Values {
	t.Helper()
	loc, err := url.Parse(h.Get("Location"))
	if err != nil || loc.String() == "" {
		t.Fatalf("Location %q: %v", h.Get("Location"), err)
	}
	return loc.Query()
}

// TestLoginIgnoresAConfiguredParameterWithoutValues: a configured parameter with no value
// (url.Values{"prompt": {}}) is left out instead of breaking every login.
func TestLoginIgnoresAConfiguredParameterWithoutValues(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	login := rt.login(func(o *LoginOptions) {
		o.AuthorizationParameters = url.Values{"prompt": {}, "audience": {"https://api.test"}}
	})
	params := rt.startLogin(newBrowser(), login, "")
	if _, ok := params["prompt"]; ok || params.Get("audience") != "https://api.test" {
		t.Errorf("authorization parameters %v; want audience and no prompt", params)
	}
}
