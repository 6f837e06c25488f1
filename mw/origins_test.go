package mw

import (
	"net/http"
	"net/url"
	"testing"
)

// twoOrigins is the BaseURLFor of an application on https://app.test and
// https://preview.test.
func twoOrigins(r *http.Request) (*url.URL, bool) {
	switch r.Host {
	case "app.test", "preview.test":
		return &url.URL{Scheme: "https", Host: r.Host, Path: "/"}, true
	}
	return nil, false
}

// onHost returns a request of b for target with Host host.
func onHost(b *browser, host, target string) *http.Request {
	r := b.request(http.MethodGet, target, nil)
	r.Host = host
	return r
}

func TestLoginUsesTheCallbackOnTheRequestsOrigin(t *testing.T) {
	rt := newRoutes(t)
	login := rt.login(func(o *LoginOptions) { o.BaseURLFor = twoOrigins })
	res := newBrowser().do(login, onHost(newBrowser(), "preview.test", "/auth/login"))
	loc, _ := url.Parse(res.Header().Get("Location"))
	if res.Code != http.StatusFound || loc.Query().Get("redirect_uri") != "https://preview.test/auth/callback" {
		t.Fatalf("login on preview.test: %d, redirect_uri %q", res.Code, loc.Query().Get("redirect_uri"))
	}
}

func TestRoutesRefuseAnUnlistedOrigin(t *testing.T) {
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.Now()))
	for name, h := range map[string]http.Handler{
		"/auth/login":                   rt.login(func(o *LoginOptions) { o.BaseURLFor = twoOrigins }),
		"/auth/callback?code=c&state=s": rt.callback(func(o *CallbackOptions) { o.BaseURLFor, o.RedirectURI = twoOrigins, testRedirectURI }),
		"/auth/logout":                  rt.logout(func(o *LogoutOptions) { o.BaseURLFor = twoOrigins }),
	} {
		res := b.do(h, onHost(b, "evil.test", name))
		if res.Code != http.StatusBadRequest || res.Header().Get("Location") != "" || len(res.Header().Values("Set-Cookie")) != 0 {
			t.Errorf("%s on evil.test: %d, Location %q, Set-Cookie %q; want 400 and nothing else", name, res.Code, res.Header().Get("Location"), res.Header().Values("Set-Cookie"))
		}
	}
	if a, x, l, _, _ := rt.idp.calls(); a+x+l != 0 {
		t.Errorf("the provider was called: authorize %d, exchange %d, logout %d", a, x, l)
	}
	if rt.sessionOf(b) == nil {
		t.Error("the session was deleted")
	}
}

func TestLogoutStaysOnTheRequestsOrigin(t *testing.T) {
	for _, tc := range []struct{ returnTo, want string }{
		{"/bye", "/bye"},
		{"https://preview.test/bye", "/bye"},
		{"https://app.test/bye", "/"},
	} {
		rt := newRoutes(t)
		b := newBrowser()
		rt.signIn(b, signedInSession(rt.clk.Now()))
		lo := rt.logout(func(o *LogoutOptions) { o.BaseURLFor = twoOrigins })
		res := b.do(lo, onHost(b, "preview.test", "/auth/logout?returnTo="+url.QueryEscape(tc.returnTo)))
		if got := res.Header().Get("Location"); res.Code != http.StatusFound || got != tc.want {
			t.Errorf("returnTo %s: %d to %q, want 302 to %q", tc.returnTo, res.Code, got, tc.want)
		}
	}
	rt := newRoutes(t)
	lo := rt.logout(func(o *LogoutOptions) { o.BaseURLFor = twoOrigins })
	newBrowser().do(lo, onHost(newBrowser(), "preview.test", "/auth/logout"))
	if got := rt.idp.logouts[0].ReturnTo; got != "https://preview.test/" {
		t.Errorf("the provider's returnTo = %q, want https://preview.test/", got)
	}
}
