package authchain_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// logoutLocation logs b in, then asks the logout route with query and returns where it sends
// the browser.
func logoutLocation(t *testing.T, app *testApp, b *browser, query string) *url.URL {
	t.Helper()
	step := newBrowser(t, false)
	step.Jar = b.Jar
	resp, _ := step.get(app.URL + "/auth/logout?" + query)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestLogoutForwardsStateToTheProvider(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	loc := logoutLocation(t, app, b, "state=xyz-1&federated&returnTo="+url.QueryEscape(app.URL+"/bye"))
	q := loc.Query()
	if q.Get("state") != "xyz-1" || q.Get("id_token_hint") == "" {
		t.Errorf("end-session URL = %s, want state and id_token_hint", loc)
	}
	if q.Has("federated") {
		t.Errorf("end-session URL of a provider that is not Auth0 has federated: %s", loc)
	}
	resp, _ := b.get(loc.String())
	if got := resp.Request.URL.String(); got != app.URL+"/bye?state=xyz-1" {
		t.Errorf("the provider sent the browser to %s, want /bye with the state", got)
	}
}

func TestLogoutWithoutIDTokenHint(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.DisableIDTokenHintInOIDCLogoutURL = true }})
	b := newBrowser(t, true)
	app.login(b, "/")
	loc := logoutLocation(t, app, b, "returnTo="+url.QueryEscape(app.URL+"/bye"))
	q := loc.Query()
	if q.Has("id_token_hint") || q.Get("client_id") != testClientID || q.Get("logout_hint") == "" {
		t.Errorf("end-session URL = %s, want client_id and no id_token_hint", loc)
	}
	resp, _ := b.get(loc.String())
	if got := resp.Request.URL.String(); got != app.URL+"/bye" {
		t.Errorf("the provider sent the browser to %s", got)
	}
}

func TestFederatedLogoutV2(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.LogoutStrategy = authchain.LogoutV2 }})
	for query, want := range map[string]bool{
		"federated": true, "federated=": true, "federated=true": true, "federated=false": false, "": false,
	} {
		b := newBrowser(t, true)
		app.login(b, "/")
		app.IdP.ResetRequests()
		loc := logoutLocation(t, app, b, query+"&returnTo="+url.QueryEscape(app.URL+"/bye"))
		if loc.Path != "/v2/logout" || loc.Query().Has("federated") != want {
			t.Errorf("?%s: logout URL = %s, want federated %v", query, loc, want)
		}
		resp, _ := b.get(loc.String())
		if got := resp.Request.URL.String(); got != app.URL+"/bye" {
			t.Errorf("?%s: the provider sent the browser to %s", query, got)
		}
		var sent bool
		for _, r := range app.IdP.Requests() {
			if r.Endpoint == oidctest.EndpointAuth0Logout {
				sent = r.Form.Has("federated")
			}
		}
		if sent != want {
			t.Errorf("?%s: the provider's /v2/logout got federated %v", query, sent)
		}
	}
}

// fakeAuth0 answers an Auth0 tenant's discovery document through an http.RoundTripper and
// records the headers of every request.
type fakeAuth0 struct {
	host    string // default tenant.eu.auth0.com
	mu      sync.Mutex
	headers []http.Header
}

func (f *fakeAuth0) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.headers = append(f.headers, r.Header.Clone())
	f.mu.Unlock()
	if r.URL.Path != "/.well-known/openid-configuration" {
		return &http.Response{StatusCode: http.StatusNotFound, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	}
	host := f.host
	if host == "" {
		host = "tenant.eu.auth0.com"
	}
	doc := strings.ReplaceAll(`{"issuer":"https://HOST/","authorization_endpoint":"https://HOST/authorize",`+
		`"token_endpoint":"https://HOST/oauth/token","jwks_uri":"https://HOST/.well-known/jwks.json",`+
		`"end_session_endpoint":"https://HOST/oidc/logout"}`, "HOST", host)
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(doc)), ContentLength: int64(len(doc)), Request: r,
	}, nil
}

func (f *fakeAuth0) sent() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.headers...)
}

// auth0Logout asks the logout route of an application on an Auth0 tenant (served by a
// fakeAuth0) and returns where it sends the browser, and the headers the tenant received.
func auth0Logout(t *testing.T, query string, config func(*authchain.Config)) (*url.URL, []http.Header) {
	t.Helper()
	tenant := &fakeAuth0{}
	cfg := authchain.Config{
		Domain: "tenant.eu.auth0.com", ClientID: testClientID, ClientSecret: testClientSecret,
		AppBaseURL: "https://app.example", Secret: testSecret, HTTPClient: &http.Client{Transport: tenant},
	}
	if config != nil {
		config(&cfg)
	}
	client, err := authchain.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	client.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://app.example/auth/logout?"+query, nil))
	loc, err := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusFound || err != nil {
		t.Fatalf("logout: %d %s", rec.Code, rec.Body)
	}
	return loc, tenant.sent()
}

func TestFederatedLogoutAtAnAuth0EndSessionEndpoint(t *testing.T) {
	t.Parallel()
	loc, _ := auth0Logout(t, "federated&state=s1", nil)
	if loc.Host != "tenant.eu.auth0.com" || loc.Path != "/oidc/logout" || !loc.Query().Has("federated") || loc.Query().Get("state") != "s1" {
		t.Errorf("logout URL = %s, want the end_session_endpoint with federated and state", loc)
	}
	loc, _ = auth0Logout(t, "", nil)
	if loc.Query().Has("federated") {
		t.Errorf("logout URL without ?federated = %s", loc)
	}
}

func TestTelemetryHeaderOnAuth0Domains(t *testing.T) {
	t.Parallel()
	_, sent := auth0Logout(t, "", nil)
	if len(sent) == 0 {
		t.Fatal("no request reached the tenant")
	}
	for _, h := range sent {
		raw, err := base64.StdEncoding.DecodeString(h.Get("Auth0-Client"))
		var v struct{ Name, Version string }
		if err != nil || json.Unmarshal(raw, &v) != nil || v.Name != "authchain" || v.Version != authchain.Version {
			t.Errorf("Auth0-Client = %q (%s), want authchain %s", h.Get("Auth0-Client"), raw, authchain.Version)
		}
		if h.Get("User-Agent") != "authchain/"+authchain.Version {
			t.Errorf("User-Agent = %q", h.Get("User-Agent"))
		}
	}

	_, sent = auth0Logout(t, "", func(c *authchain.Config) { c.DisableTelemetry = true })
	for _, h := range sent {
		if h.Get("Auth0-Client") != "" || h.Get("User-Agent") != "authchain/"+authchain.Version {
			t.Errorf("DisableTelemetry: Auth0-Client %q, User-Agent %q", h.Get("Auth0-Client"), h.Get("User-Agent"))
		}
	}
}

func TestNoTelemetryHeaderForOtherProviders(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	reqs := app.IdP.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request recorded")
	}
	for _, r := range reqs {
		if r.Header.Get("Auth0-Client") != "" {
			t.Errorf("%s %s carried Auth0-Client", r.Method, r.Path)
		}
	}
}

func TestDisableTelemetryFromEnv(t *testing.T) {
	t.Parallel()
	for value, want := range map[string]bool{"true": true, "false": false, "": false} {
		env := map[string]string{"AUTH0_DOMAIN": "tenant.auth0.com", "AUTH0_DISABLE_TELEMETRY": value}
		cfg, err := authchain.ConfigFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok && v != "" })
		if err != nil || cfg.DisableTelemetry != want {
			t.Errorf("AUTH0_DISABLE_TELEMETRY=%q: DisableTelemetry %v, %v; want %v", value, cfg.DisableTelemetry, err, want)
		}
	}
	env := map[string]string{"AUTH0_DISABLE_TELEMETRY": "maybe"}
	if _, err := authchain.ConfigFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err == nil || !strings.Contains(err.Error(), "AUTH0_DISABLE_TELEMETRY") {
		t.Errorf("a bad value: %v", err)
	}
}

// TestAuth0CustomDomain: an Auth0 tenant behind a custom domain gets what an Auth0 domain gets
// (federated at its end_session_endpoint, the telemetry header) with Auth0CustomDomain, and
// nothing of it without.
func TestAuth0CustomDomain(t *testing.T) {
	t.Parallel()
	for _, custom := range []bool{true, false} {
		tenant := &fakeAuth0{host: "login.example.com"}
		client, err := authchain.New(authchain.Config{
			Domain: "login.example.com", ClientID: testClientID, ClientSecret: testClientSecret,
			AppBaseURL: "https://app.example", Secret: testSecret, HTTPClient: &http.Client{Transport: tenant},
			Auth0CustomDomain: custom,
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		client.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://app.example/auth/logout?federated", nil))
		loc, _ := url.Parse(rec.Header().Get("Location"))
		if loc == nil || loc.Host != "login.example.com" || loc.Query().Has("federated") != custom {
			t.Errorf("Auth0CustomDomain %v: logout URL %s", custom, loc)
		}
		sent := tenant.sent()
		if len(sent) == 0 {
			t.Fatal("no request reached the tenant")
		}
		if (sent[0].Get("Auth0-Client") != "") != custom {
			t.Errorf("Auth0CustomDomain %v: Auth0-Client %q", custom, sent[0].Get("Auth0-Client"))
		}
	}
	cfg, err := authchain.ConfigFromLookup(func(k string) (string, bool) {
		return map[string]string{"AUTH0_CUSTOM_DOMAIN": "true"}[k], k == "AUTH0_CUSTOM_DOMAIN"
	})
	if err != nil || !cfg.Auth0CustomDomain {
		t.Errorf("AUTH0_CUSTOM_DOMAIN=true: %v, %v", cfg.Auth0CustomDomain, err)
	}
}
