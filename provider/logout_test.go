package provider

import (
	"net/url"
	"testing"
)

func TestLogoutSwitches(t *testing.T) {
	t.Parallel()
	req := LogoutRequest{ReturnTo: "https://app.example/", IDTokenHint: "idt", LogoutHint: "sid", State: "st", Federated: true}
	for _, tc := range []struct {
		name   string
		cfg    Config
		want   url.Values
		absent []string
	}{
		{"other provider", Config{Issuer: "https://idp.example/", ClientID: "c"},
			url.Values{"client_id": {"c"}, "id_token_hint": {"idt"}, "logout_hint": {"sid"}, "state": {"st"}}, []string{"federated"}},
		{"Auth0", Config{Issuer: "https://tenant.us.auth0.com/", ClientID: "c"},
			url.Values{"client_id": {"c"}, "id_token_hint": {"idt"}, "state": {"st"}, "federated": {""}}, nil},
		{"no id_token_hint", Config{Issuer: "https://idp.example/", ClientID: "c", DisableIDTokenHintInOIDCLogoutURL: true},
			url.Values{"client_id": {"c"}, "logout_hint": {"sid"}}, []string{"id_token_hint"}},
	} {
		p := &Provider{cfg: tc.cfg}
		got := p.endSessionParams(req)
		for k, v := range tc.want {
			if !got.Has(k) || got.Get(k) != v[0] {
				t.Errorf("%s: %s = %q, want %q (all: %v)", tc.name, k, got.Get(k), v[0], got)
			}
		}
		for _, k := range tc.absent {
			if got.Has(k) {
				t.Errorf("%s: %s sent (all: %v)", tc.name, k, got)
			}
		}
	}

	p := &Provider{cfg: Config{Issuer: "https://idp.example/", ClientID: "c"}}
	for federated, want := range map[bool]string{true: "client_id=c&federated=&returnTo=https%3A%2F%2Fapp.example%2F", false: "client_id=c&returnTo=https%3A%2F%2Fapp.example%2F"} {
		raw, err := p.v2LogoutURL(LogoutRequest{ReturnTo: "https://app.example/", State: "st", Federated: federated})
		u, _ := url.Parse(raw)
		if err != nil || u.Path != "/v2/logout" || u.RawQuery != want {
			t.Errorf("v2 federated %v: %s, %v; want query %s", federated, raw, err, want)
		}
	}
}

func TestAuth0ClientHeader(t *testing.T) {
	t.Parallel()
	// base64 of {"name":"authchain","version":"1.2.3"}
	if got, want := Auth0ClientHeader("authchain", "1.2.3"), "eyJuYW1lIjoiYXV0aGNoYWluIiwidmVyc2lvbiI6IjEuMi4zIn0="; got != want {
		t.Errorf("Auth0ClientHeader = %q, want %q", got, want)
	}
	for issuer, want := range map[string]bool{
		"https://tenant.auth0.com/": true, "https://t.eu.auth0.com/": true, "https://x.auth0app.com/": true,
		"https://auth0.com.evil.example/": false, "https://notauth0.com/": false, "https://idp.example/": false,
	} {
		if IsAuth0Issuer(issuer) != want {
			t.Errorf("IsAuth0Issuer(%q) = %v", issuer, !want)
		}
	}
}
