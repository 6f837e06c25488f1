package authchain_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

const (
	ordersAPI  = "https://orders.example.com"
	billingAPI = "https://billing.example.com"
	loginAPI   = "https://api.example.com"
)

// newMRRTApp is an application whose refresh token gives tokens for two more APIs, each with
// its own scope.
func newMRRTApp(t *testing.T) *testApp {
	t.Helper()
	return newTokenApp(t, appOptions{
		idp: []oidctest.Option{
			oidctest.WithAudienceScopes(ordersAPI, "read:orders", "write:orders"),
			oidctest.WithAudienceScopes(billingAPI, "read:invoices"),
		},
		config: func(c *authchain.Config) {
			c.AuthorizationParameters = url.Values{"audience": {loginAPI}}
			c.AudienceScopes = map[string]string{ordersAPI: "read:orders", billingAPI: "read:invoices"}
		},
	})
}

func tokenScope(t *testing.T, jwt string) string {
	t.Helper()
	s, _ := jwtClaims(t, jwt)["scope"].(string)
	return s
}

func TestAudienceGetsItsConfiguredScope(t *testing.T) {
	t.Parallel()
	app := newMRRTApp(t)
	b := newBrowser(t, true)
	app.login(b, "/")
	_, orders := b.get(app.URL + "/token?audience=" + url.QueryEscape(ordersAPI))
	if got := tokenScope(t, orders); got != "read:orders" {
		t.Errorf("orders token scope %q, want read:orders", got)
	}
	_, billing := b.get(app.URL + "/token?audience=" + url.QueryEscape(billingAPI))
	if got := tokenScope(t, billing); got != "read:invoices" {
		t.Errorf("billing token scope %q, want read:invoices", got)
	}
	_, login := b.get(app.URL + "/token")
	if got := tokenScope(t, login); got != "openid profile email offline_access" {
		t.Errorf("login token scope %q, want the default scope", got)
	}
}

func TestRequestedScopeIsMergedWithTheAudiences(t *testing.T) {
	t.Parallel()
	app := newMRRTApp(t)
	b := newBrowser(t, true)
	app.login(b, "/")
	_, merged := b.get(app.URL + "/token?audience=" + url.QueryEscape(ordersAPI) + "&scope=write:orders")
	if got := tokenScope(t, merged); got != "read:orders write:orders" {
		t.Errorf("merged scope %q, want %q", got, "read:orders write:orders")
	}
}

func TestAccessTokenRouteMergeScopesFalseAsksForExactlyTheScope(t *testing.T) {
	t.Parallel()
	app := newMRRTApp(t)
	for query, want := range map[string]string{
		"&scope=write:orders&mergeScopes=false": "write:orders",
		"&scope=write:orders":                   "read:orders write:orders",
	} {
		// A session of its own for each: a session's token with more scope also serves a
		// request for less.
		b := newBrowser(t, true)
		app.login(b, "/")
		_, body := b.get(app.URL + "/auth/access-token?audience=" + url.QueryEscape(ordersAPI) + query)
		var answer struct {
			Token string `json:"token"`
			Scope string `json:"scope"`
		}
		if err := json.Unmarshal([]byte(body), &answer); err != nil || answer.Token == "" {
			t.Fatalf("%s: %s", query, body)
		}
		if got := tokenScope(t, answer.Token); got != want {
			t.Errorf("%s: scope %q, want %q", query, got, want)
		}
	}
}

func TestAudienceScopesLoginScope(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{config: func(c *authchain.Config) {
		c.AuthorizationParameters = url.Values{"audience": {loginAPI}}
		c.AudienceScopes = map[string]string{loginAPI: "openid email offline_access read:things"}
	}})
	b := newBrowser(t, true)
	app.login(b, "/")
	var asked string
	for _, r := range app.IdP.Requests() {
		if r.Endpoint == oidctest.EndpointAuthorize {
			asked = r.Form.Get("scope")
		}
	}
	if asked != "openid email offline_access read:things" {
		t.Errorf("login asked for scope %q, want the login audience's", asked)
	}
}

func TestAudienceScopesValidation(t *testing.T) {
	t.Parallel()
	base := authchain.Config{
		Domain: "https://tenant.example.com", ClientID: "c", ClientSecret: "s",
		AppBaseURL: "https://app.example.com", Secret: testSecret,
	}
	for name, tc := range map[string]struct {
		params url.Values
		scopes map[string]string
		want   string
	}{
		"no login audience": {nil, map[string]string{ordersAPI: "read:orders"}, "AuthorizationParameters needs an audience"},
		"empty audience":    {url.Values{"audience": {loginAPI}}, map[string]string{"": "read"}, "an audience is empty"},
		"login without openid": {url.Values{"audience": {loginAPI}},
			map[string]string{loginAPI: "profile offline_access"}, "scope must include openid"},
	} {
		cfg := base
		cfg.AuthorizationParameters, cfg.AudienceScopes = tc.params, tc.scopes
		_, err := authchain.New(cfg)
		if !errors.Is(err, authchain.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an ErrInvalidConfig saying %q", name, err, tc.want)
		}
	}
}
