package mw

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

const rawMFAToken = "raw-mfa-token-from-the-provider"

func demandMFA(rt *routes) {
	rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
		return &provider.RefreshResult{}, &provider.Error{StatusCode: 403, Code: "mfa_required",
			MFAToken: rawMFAToken, MFARequirements: json.RawMessage(`{"challenge":[{"type":"otp"}]}`)}
	}
}

func TestMFATokenIsSealedAndExpires(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	demandMFA(rt)
	codec, err := session.NewCodec(PurposeMFAToken, strings.Repeat("s", 32))
	if err != nil {
		t.Fatal(err)
	}
	tokens := rt.accessTokens(func(o *AccessTokensOptions) { o.MFATokens = codec })
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	_, err = accessToken(b, tokens, AccessTokenRequest{Audience: "https://pay.example.com", Refresh: true})
	var me *token.MFARequiredError
	if !errors.As(err, &me) || me.MFAToken == "" || strings.Contains(err.Error(), rawMFAToken) {
		t.Fatalf("error %v", err)
	}
	c, err := tokens.OpenMFAToken(me.MFAToken)
	if err != nil || c.MFAToken != rawMFAToken || c.Audience != "https://pay.example.com" {
		t.Fatalf("opened %+v, %v", c, err)
	}
	// Sealed under its own purpose: the session codec of the same secret does not open it.
	other, _ := session.NewCodec(session.PurposeSession, strings.Repeat("s", 32))
	if _, err := other.Open(mfaTokenName, me.MFAToken); err == nil {
		t.Error("a session codec opened the mfa token")
	}
	rt.clk.now = rt.clk.now.Add(DefaultMFATokenTTL + time.Second)
	if _, err := tokens.OpenMFAToken(me.MFAToken); !errors.Is(err, ErrMFATokenExpired) {
		t.Errorf("after its lifetime: %v", err)
	}
}

func TestAccessTokenRouteWithoutMFACodecNeverShowsTheProvidersToken(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	demandMFA(rt)
	route := AccessTokenRoute(AccessTokenRouteOptions{Tokens: rt.accessTokens(), Now: rt.clk.Now})
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now.Add(-2*time.Hour)))
	res := b.get(route, "/auth/access-token")
	body := res.Body.String()
	if res.Code != http.StatusForbidden || strings.Contains(body, rawMFAToken) || strings.Contains(body, `"mfa_token"`) {
		t.Fatalf("%d %s", res.Code, body)
	}
	if !strings.Contains(body, `"error":"mfa_required"`) || !strings.Contains(body, `"mfa_requirements":{"challenge":[{"type":"otp"}]}`) {
		t.Errorf("body %s", body)
	}
}
