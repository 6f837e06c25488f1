package authchain_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

func TestLogoutThroughTheProvider(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	if len(app.sessionCookies(b)) == 0 {
		t.Fatal("not signed in")
	}
	step := newBrowser(t, false)
	step.Jar = b.Jar
	resp, _ := step.get(app.URL + "/auth/logout?returnTo=" + url.QueryEscape(app.URL+"/bye"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("logout: %d %v", resp.StatusCode, resp.Header)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	if !strings.HasPrefix(loc.String(), app.IdP.URL(oidctest.EndpointEndSession)) ||
		q.Get("client_id") != testClientID || q.Get("post_logout_redirect_uri") != app.URL+"/bye" ||
		q.Get("id_token_hint") == "" || q.Get("logout_hint") == "" {
		t.Errorf("end-session URL = %s", loc)
	}
	if len(app.sessionCookies(b)) != 0 {
		t.Errorf("session cookies left: %v", app.sessionCookies(b))
	}
	if n := app.IdP.Count(oidctest.EndpointRevocation, ""); n != 1 {
		t.Errorf("refresh token revoked %d times, want 1", n)
	}
	resp, _ = b.get(loc.String())
	if resp.Request.URL.String() != app.URL+"/bye" {
		t.Errorf("the provider sent the browser to %s", resp.Request.URL)
	}
	if resp, _ := b.get(app.URL + "/auth/profile"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("profile after logout: %d", resp.StatusCode)
	}
}

func TestLogoutStrategies(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.LogoutStrategy = authchain.LogoutV2 }})
	b := newBrowser(t, false)
	resp, _ := b.get(app.URL + "/auth/logout")
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Path != "/v2/logout" || loc.Query().Get("returnTo") != app.URL+"/" || loc.Query().Get("client_id") != testClientID {
		t.Errorf("v2 logout URL = %s", loc)
	}
}

// minimalProvider serves a discovery document without end_session_endpoint.
func minimalProvider(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":%q,"token_endpoint":%q,"jwks_uri":%q}`,
			srv.URL, srv.URL+"/authorize", srv.URL+"/token", srv.URL+"/jwks")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLogoutWithoutProviderLogoutIsLocal(t *testing.T) {
	t.Parallel()
	idp := minimalProvider(t)
	appSrv := httptest.NewServer(nil)
	t.Cleanup(appSrv.Close)
	client, err := authchain.New(authchain.Config{
		Domain: idp.URL, ClientID: "id", ClientSecret: "s", AppBaseURL: appSrv.URL,
		Secret: testSecret, AllowInsecureRequests: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	appSrv.Config.Handler = client.Middleware(userPage())
	for _, tc := range []struct{ returnTo, want string }{
		{"/bye?x=1", "/bye?x=1"},
		{appSrv.URL + "/bye", "/bye"},
		{"https://evil.example/", "/"},
		{"//evil.example", "/"},
		{"", "/"},
	} {
		resp, _ := newBrowser(t, false).get(appSrv.URL + "/auth/logout?returnTo=" + url.QueryEscape(tc.returnTo))
		if got := resp.Header.Get("Location"); got != tc.want {
			t.Errorf("returnTo %q: Location %q, want %q", tc.returnTo, got, tc.want)
		}
	}

	strict, err := authchain.New(authchain.Config{
		Domain: idp.URL, ClientID: "id", ClientSecret: "s", AppBaseURL: appSrv.URL,
		Secret: testSecret, AllowInsecureRequests: true, LogoutStrategy: authchain.LogoutOIDC,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	strict.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/auth/logout", nil))
	if rec.Code != http.StatusBadGateway {
		t.Errorf("oidc strategy without end_session_endpoint: %d", rec.Code)
	}
}

func TestLogoutClearsTransactionCookies(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, false)
	b.get(app.URL + "/auth/login")
	b.get(app.URL + "/auth/login")
	resp, _ := b.get(app.URL + "/auth/logout")
	deleted := 0
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "__txn_") && c.MaxAge < 0 {
			deleted++
		}
	}
	if deleted != 2 {
		t.Errorf("%d transaction cookies deleted, want 2", deleted)
	}
}
