package provider_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/authchain/authchain/dpop"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
)

// dpopIdP is a provider that wants DPoP proofs with its nonce from the test client.
func dpopIdP(t *testing.T) *oidctest.Server {
	t.Helper()
	return oidctest.NewServer(t, oidctest.WithSigningKey(idpKey()), oidctest.WithDPoPNonce(), oidctest.WithClient(oidctest.Client{
		ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}, DPoPBoundAccessTokens: true,
	}))
}

func dpopProvider(t *testing.T, idp *oidctest.Server, key *dpop.Key) *provider.Provider {
	t.Helper()
	p, err := provider.New(provider.Config{
		Issuer: idp.Issuer(), ClientID: clientID, ClientSecret: clientSecret, RedirectURI: redirectURI,
		HTTPClient: idp.HTTPClient(), AllowInsecureRequests: true, Now: idp.Now, DPoP: key,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tokenRequests counts the requests to the token endpoint that carried a DPoP proof.
func tokenRequests(idp *oidctest.Server) int {
	n := 0
	for _, r := range idp.Requests() {
		if r.Endpoint == oidctest.EndpointToken && r.Header.Get("DPoP") != "" {
			n++
		}
	}
	return n
}

// TestDPoPExchangeAndRefresh: with Config.DPoP the code exchange and the refreshes carry
// proofs, the first request learns the provider's nonce and is sent again, and the tokens are
// DPoP tokens bound to the key.
func TestDPoPExchangeAndRefresh(t *testing.T) {
	t.Parallel()
	idp := dpopIdP(t)
	key, err := dpop.GenerateKey(dpop.WithClock(idp.Now))
	if err != nil {
		t.Fatal(err)
	}
	p := dpopProvider(t, idp, key)
	tokens := login(t, idp, p)
	if tokens.TokenType != "DPoP" {
		t.Fatalf("TokenType = %q, want DPoP", tokens.TokenType)
	}
	if tokenRequests(idp) != 2 || idp.DPoPProofs() != 1 {
		t.Errorf("token endpoint: %d requests, %d proofs accepted; want one refused for its nonce, then one accepted", tokenRequests(idp), idp.DPoPProofs())
	}

	idp.RotateDPoPNonce()
	res, err := p.Refresh(t.Context(), provider.RefreshRequest{RefreshToken: tokens.RefreshToken, Subject: tokens.Claims["sub"].(string)})
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if res.Tokens.TokenType != "DPoP" || res.Tokens.AccessToken == tokens.AccessToken {
		t.Errorf("refresh: %q token, want a new DPoP token", res.Tokens.TokenType)
	}
	if tokenRequests(idp) != 4 || idp.DPoPProofs() != 2 {
		t.Errorf("after a nonce rotation: %d requests, %d proofs accepted; want the refresh retried once", tokenRequests(idp), idp.DPoPProofs())
	}
}

// TestWithoutDPoPTheBoundClientIsRefused: the oidctest client that wants DPoP refuses the
// exchange of a Provider without a key, so the test above proves the proofs are sent.
func TestWithoutDPoPTheBoundClientIsRefused(t *testing.T) {
	t.Parallel()
	idp := dpopIdP(t)
	p := dpopProvider(t, idp, nil)
	var pe *provider.Error
	_, err := p.Exchange(t.Context(), "code", strings.Repeat("v", 43), provider.IDTokenCheck{MaxAge: -1})
	if !errors.As(err, &pe) || pe.Code != "invalid_dpop_proof" {
		t.Errorf("Exchange without a key: %v, want invalid_dpop_proof", err)
	}
}

// TestDPoPAuthorizationURLNamesTheKey: the authorization request carries dpop_jkt, the
// thumbprint of the key, and a provider that binds the code to it accepts the exchange.
func TestDPoPAuthorizationURLNamesTheKey(t *testing.T) {
	t.Parallel()
	idp := dpopIdP(t)
	key, _ := dpop.GenerateKey(dpop.WithClock(idp.Now))
	p := dpopProvider(t, idp, key)
	target, err := p.AuthorizationURL(t.Context(), url.Values{"client_id": {clientID}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(target)
	if got := u.Query().Get("dpop_jkt"); got != key.Thumbprint() {
		t.Errorf("dpop_jkt = %q, want %q", got, key.Thumbprint())
	}
}
