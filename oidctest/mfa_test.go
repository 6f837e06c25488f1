package oidctest_test

import (
	"fmt"
	"net/http"
	"testing"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

func TestMFARequiredForAnAudience(t *testing.T) {
	t.Parallel()
	const api = "https://orders.example.com"
	srv, r, l := offlineLogin(t, oidctest.WithMFARequiredFor(api))
	status, body := post(t, srv, oidctest.EndpointToken, refreshForm(l.token.RefreshToken, "audience", api), testClientID, testSecret)
	if status != http.StatusForbidden || body["error"] != "mfa_required" {
		t.Fatalf("%d %v", status, body)
	}
	if tokens := srv.MFATokens(); len(tokens) != 1 || body["mfa_token"] != tokens[0] {
		t.Errorf("mfa_token %v, issued %v", body["mfa_token"], tokens)
	}
	if got := fmt.Sprint(body["mfa_requirements"]); got != "map[challenge:[map[type:otp]]]" {
		t.Errorf("mfa_requirements %s", got)
	}
	// The refused refresh left the refresh token unspent, and other audiences need no MFA.
	status, body = post(t, srv, oidctest.EndpointToken, refreshForm(l.token.RefreshToken), testClientID, testSecret)
	if status != http.StatusOK {
		t.Fatalf("refresh for the login's audience: %d %v", status, body)
	}
	// A login that asked for multi-factor authentication passes.
	mfa := r.login(oauth2.SetAuthURLParam("acr_values", oidctest.MultiFactorACR))
	status, body = post(t, srv, oidctest.EndpointToken, refreshForm(mfa.token.RefreshToken, "audience", api), testClientID, testSecret)
	if status != http.StatusOK {
		t.Errorf("refresh after an MFA login: %d %v", status, body)
	}
}

func TestAudienceScopesWidenRefreshScopes(t *testing.T) {
	t.Parallel()
	const api = "https://orders.example.com"
	srv, _, l := offlineLogin(t, oidctest.WithAudienceScopes(api, "read:orders"))
	status, body := post(t, srv, oidctest.EndpointToken, refreshForm(l.token.RefreshToken, "scope", "read:orders"), testClientID, testSecret)
	if status != http.StatusBadRequest || body["error"] != "invalid_scope" {
		t.Fatalf("an audience's scope without its audience: %d %v", status, body)
	}
	status, body = post(t, srv, oidctest.EndpointToken, refreshForm(l.token.RefreshToken, "scope", "read:orders", "audience", api), testClientID, testSecret)
	if status != http.StatusOK || body["scope"] != "read:orders" {
		t.Errorf("%d %v", status, body)
	}
}
