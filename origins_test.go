package authchain_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// originsApp is one application served on two origins, app-a.test and app-b.test, which
// both reach the same test server.
type originsApp struct {
	t      *testing.T
	A, B   string
	direct string // the server's own address, not one of the application's origins
	IdP    *oidctest.Server
	addr   string
}

func newOriginsApp(t *testing.T) *originsApp {
	t.Helper()
	var h http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	a := &originsApp{t: t, A: "http://app-a.test:" + port, B: "http://app-b.test:" + port, direct: srv.URL, addr: addr}
	a.IdP = oidctest.NewServer(t, oidctest.WithSigningKey(idpKey()), oidctest.WithClient(oidctest.Client{
		ID: testClientID, Secret: testClientSecret,
		RedirectURIs:           []string{a.A + "/auth/callback", a.B + "/auth/callback"},
		PostLogoutRedirectURIs: []string{a.A + "/", a.B + "/"},
	}))
	client, err := authchain.New(authchain.Config{
		Domain: a.IdP.Issuer(), ClientID: testClientID, ClientSecret: testClientSecret,
		AppBaseURLs: []string{a.A, a.B}, Secret: testSecret, AllowInsecureRequests: true,
		HTTPClient: a.IdP.HTTPClient(), Now: a.IdP.Now,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h = client.Middleware(userPage())
	return a
}

// browser returns a browser whose app-a.test and app-b.test reach the application's server.
// It records the URLs it visits; with follow false it stops at the first redirect.
func (a *originsApp) browser(follow bool) (*http.Client, *[]string) {
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, "app-a.test:") || strings.HasPrefix(addr, "app-b.test:") {
			addr = a.addr
		}
		return dialer.DialContext(ctx, network, addr)
	}}
	a.t.Cleanup(tr.CloseIdleConnections)
	var visited []string
	c := &http.Client{Jar: jar, Transport: tr, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		visited = append(visited, req.URL.String())
		if !follow {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return c, &visited
}

func (a *originsApp) get(c *http.Client, rawURL string, header ...string) (*http.Response, string) {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// redirectURI returns the redirect_uri of the authorization request a login response sends
// the browser to.
func redirectURI(t *testing.T, resp *http.Response) string {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login status = %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query().Get("redirect_uri")
}

func TestOriginsLoginLandsOnTheOriginItStartedOn(t *testing.T) {
	a := newOriginsApp(t)
	for _, origin := range []string{a.A, a.B} {
		t.Run(origin, func(t *testing.T) {
			c, visited := a.browser(true)
			resp, body := a.get(c, origin+"/auth/login?returnTo=/page")
			if got := resp.Request.URL.String(); got != origin+"/page" || !strings.HasPrefix(body, "user: ") {
				t.Fatalf("landed on %s with %q, want %s/page signed in", got, body, origin)
			}
			var callbacks []string
			for _, v := range *visited {
				if strings.Contains(v, "/auth/callback") {
					callbacks = append(callbacks, v)
				}
			}
			if len(callbacks) != 1 || !strings.HasPrefix(callbacks[0], origin+"/auth/callback?") {
				t.Errorf("callbacks visited = %q, want one on %s", callbacks, origin)
			}
		})
	}
}

func TestOriginsRequestOnAnotherHostIs400(t *testing.T) {
	a := newOriginsApp(t)
	c, _ := a.browser(false)
	for _, path := range []string{"/auth/login?returnTo=/x", "/auth/callback?code=c&state=s", "/auth/logout"} {
		for _, host := range []string{"evil.example", strings.TrimPrefix(a.direct, "http://")} {
			resp, body := a.get(c, a.A+path, "Host", host)
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
				t.Errorf("%s with Host %s: status %d, Location %q, want 400 and no redirect", path, host, resp.StatusCode, resp.Header.Get("Location"))
			}
			if strings.Contains(body, "evil") {
				t.Errorf("%s with Host %s: the page names the host: %q", path, host, body)
			}
		}
	}
}

func TestOriginsForwardedHeadersNotListedAreIgnored(t *testing.T) {
	a := newOriginsApp(t)
	c, _ := a.browser(false)
	resp, _ := a.get(c, a.A+"/auth/login", "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https")
	if got := redirectURI(t, resp); got != a.A+"/auth/callback" {
		t.Errorf("redirect_uri = %q, want %s/auth/callback", got, a.A)
	}
	resp, _ = a.get(c, a.direct+"/auth/login", "X-Forwarded-Host", "evil.example")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unlisted server address with X-Forwarded-Host evil: status %d, want 400", resp.StatusCode)
	}
}

func TestOriginsBehindAProxyTheForwardedOriginIsUsed(t *testing.T) {
	a := newOriginsApp(t)
	c, _ := a.browser(false)
	host := strings.TrimPrefix(a.B, "http://")
	resp, _ := a.get(c, a.direct+"/auth/login", "X-Forwarded-Host", host+", proxy.internal", "X-Forwarded-Proto", "http")
	if got := redirectURI(t, resp); got != a.B+"/auth/callback" {
		t.Errorf("redirect_uri = %q, want %s/auth/callback", got, a.B)
	}
}

func TestOriginsReturnToOnAnotherListedOriginIsRefused(t *testing.T) {
	a := newOriginsApp(t)
	c, _ := a.browser(true)
	resp, body := a.get(c, a.A+"/auth/login?returnTo="+url.QueryEscape(a.B+"/page"))
	if got := resp.Request.URL.String(); got != a.A+"/" || !strings.HasPrefix(body, "user: ") {
		t.Fatalf("landed on %s with %q, want %s/ signed in", got, body, a.A)
	}
}

func TestOriginsLogoutReturnsToTheOriginItWasMadeOn(t *testing.T) {
	a := newOriginsApp(t)
	c, _ := a.browser(true)
	a.get(c, a.B+"/auth/login")
	resp, body := a.get(c, a.B+"/auth/logout")
	if got := resp.Request.URL.String(); got != a.B+"/" || !strings.HasPrefix(body, "signed out") {
		t.Fatalf("logout landed on %s with %q, want %s/ signed out", got, body, a.B)
	}
}

func TestOriginsConfig(t *testing.T) {
	base := authchain.Config{
		Domain: "example.auth0.com", ClientID: "id", ClientSecret: "secret", Secret: testSecret,
	}
	for name, tc := range map[string]struct {
		bases  []string
		single string
		want   string
	}{
		"both":           {bases: []string{"https://a.example"}, single: "https://a.example", want: "not both"},
		"empty":          {bases: []string{}, want: "AppBaseURLs"},
		"not http":       {bases: []string{"https://a.example", "ftp://b.example"}, want: "AppBaseURLs[1]"},
		"relative":       {bases: []string{"/app"}, want: "AppBaseURLs[0]"},
		"other path":     {bases: []string{"https://a.example/app", "https://b.example/other"}, want: "same path"},
		"listed twice":   {bases: []string{"https://a.example", "https://A.example:443/"}, want: "twice"},
		"with query":     {bases: []string{"https://a.example/?x=1"}, want: "AppBaseURLs[0]"},
		"with user info": {bases: []string{"https://u@a.example/"}, want: "AppBaseURLs[0]"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := base
			cfg.AppBaseURLs, cfg.AppBaseURL = tc.bases, tc.single
			_, err := authchain.New(cfg)
			if !errors.Is(err, authchain.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want ErrInvalidConfig mentioning %q", err, tc.want)
			}
		})
	}
	cfg := base
	cfg.AppBaseURLs = []string{"https://a.example/app", "https://b.example/app/"}
	if _, err := authchain.New(cfg); err != nil {
		t.Fatalf("New with two origins under one path: %v", err)
	}
}

func TestOriginsFromEnvironment(t *testing.T) {
	env := map[string]string{"APP_BASE_URL": " https://a.example , https://b.example "}
	cfg, err := authchain.ConfigFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AppBaseURL != "" || len(cfg.AppBaseURLs) != 2 || cfg.AppBaseURLs[0] != "https://a.example" || cfg.AppBaseURLs[1] != "https://b.example" {
		t.Errorf("AppBaseURL %q, AppBaseURLs %q; want the list of two", cfg.AppBaseURL, cfg.AppBaseURLs)
	}
	env["APP_BASE_URL"] = "https://a.example"
	if cfg, _ = authchain.ConfigFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); cfg.AppBaseURL != "https://a.example" || cfg.AppBaseURLs != nil {
		t.Errorf("one URL: AppBaseURL %q, AppBaseURLs %q", cfg.AppBaseURL, cfg.AppBaseURLs)
	}
}

func TestOriginsCookiesAreSecureWhenEveryOriginIsHTTPS(t *testing.T) {
	idp := oidctest.NewServer(t, oidctest.WithSigningKey(idpKey()), oidctest.WithClient(oidctest.Client{ID: testClientID, Secret: testClientSecret}))
	for _, tc := range []struct {
		second string
		secure bool
	}{{"https://b.example", true}, {"http://b.example", false}} {
		client, err := authchain.New(authchain.Config{
			Domain: idp.Issuer(), ClientID: testClientID, ClientSecret: testClientSecret,
			AppBaseURLs: []string{"https://a.example", tc.second}, Secret: testSecret, AllowInsecureRequests: true,
			HTTPClient: idp.HTTPClient(), Now: idp.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		client.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://a.example/auth/login", nil))
		cookies := rec.Result().Cookies()
		if rec.Code != http.StatusFound || len(cookies) != 1 {
			t.Fatalf("with %s: login status %d, %d cookies", tc.second, rec.Code, len(cookies))
		}
		if cookies[0].Secure != tc.secure {
			t.Errorf("with %s: transaction cookie Secure = %v, want %v", tc.second, cookies[0].Secure, tc.secure)
		}
	}
}
