package mw

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/token"
)

// tokenAnswer is an answer of the access-token route: a token or an error.
type tokenAnswer struct {
	status    int
	header    http.Header
	raw       string
	Token     string `json:"token"`
	Scope     string `json:"scope"`
	ExpiresAt int64  `json:"expires_at"`
	ExpiresIn int64  `json:"expires_in"`
	TokenType string `json:"token_type"`
	Error     struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// accessTokenRoute returns the access-token route over tokens, on rt's clock.
func (rt *routes) accessTokenRoute(tokens *AccessTokens) http.Handler {
	return AccessTokenRoute(AccessTokenRouteOptions{Tokens: tokens, Now: rt.clk.Now})
}

// askToken sends r to the access-token route h for b and decodes the answer.
func askToken(t *testing.T, b *browser, h http.Handler, r *http.Request) tokenAnswer {
	t.Helper()
	res := b.do(h, r)
	a := tokenAnswer{status: res.Code, header: res.Header(), raw: res.Body.String()}
	if res.Header().Get("Content-Type") != "application/json" || res.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("answer %d with Content-Type %q, Cache-Control %q; want JSON, no-store",
			res.Code, res.Header().Get("Content-Type"), res.Header().Get("Cache-Control"))
	}
	if err := json.Unmarshal(res.Body.Bytes(), &a); err != nil {
		t.Fatalf("answer %d %q: %v", res.Code, res.Body, err)
	}
	for _, secret := range []string{"rt-1", "rt-2", "idt-1"} {
		if strings.Contains(a.raw, secret) {
			t.Errorf("the answer holds %s: %s", secret, a.raw)
		}
	}
	return a
}

func TestAccessTokenRouteHandsOutAValidTokenWithoutRefreshing(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	rt.clk.now = rt.clk.now.Add(10 * time.Minute)
	a := askToken(t, b, rt.accessTokenRoute(rt.accessTokens()), b.request(http.MethodGet, "/auth/access-token", nil))
	if len(a.header.Values("Set-Cookie")) != 0 {
		t.Errorf("a valid token wrote the session: %q", a.header.Values("Set-Cookie"))
	}
	want := signedInSession(rt.clk.now.Add(-10 * time.Minute)).TokenSet
	if a.status != http.StatusOK || a.Token != "at-1" || a.Scope != want.Scope || a.TokenType != "Bearer" {
		t.Errorf("answer %+v, want the session's token", a)
	}
	if a.ExpiresAt != want.ExpiresAt.Unix() || a.ExpiresIn != 50*60 {
		t.Errorf("expires_at %d, expires_in %d; want %d, 3000", a.ExpiresAt, a.ExpiresIn, want.ExpiresAt.Unix())
	}
	if _, _, _, _, n := rt.idp.calls(); n != 0 {
		t.Errorf("%d refreshes for a valid token", n)
	}
}

func TestAccessTokenRouteServesTheLoginsScopeFromTheSession(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	a := askToken(t, b, rt.accessTokenRoute(rt.accessTokens()), b.request(http.MethodGet, "/auth/access-token?scope=email+openid", nil))
	if a.status != http.StatusOK || a.Token != "at-1" {
		t.Errorf("answer %+v, want the session's token", a)
	}
	if _, _, _, _, n := rt.idp.calls(); n != 0 {
		t.Errorf("%d refreshes for a scope the login has", n)
	}
}

func TestAccessTokenRouteRefreshesAnExpiredTokenAndSavesTheRotation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		advance time.Duration
		buffer  time.Duration
	}{
		{"expired", time.Hour, 0},
		{"within the refresh buffer", 59 * time.Minute, 2 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := newBrowser()
			rt.signIn(b, signedInSession(rt.clk.now))
			rt.clk.now = rt.clk.now.Add(tc.advance)
			tokens := rt.accessTokens(func(o *AccessTokensOptions) { o.RefreshBuffer = tc.buffer })
			a := askToken(t, b, rt.accessTokenRoute(tokens), b.request(http.MethodGet, "/auth/access-token", nil))
			if a.status != http.StatusOK || a.Token != "at-2" || a.ExpiresIn != 3600 {
				t.Errorf("answer %+v, want the refreshed token", a)
			}
			want := provider.RefreshRequest{RefreshToken: "rt-1", Subject: "user-1"}
			if len(rt.idp.refreshes) != 1 || rt.idp.refreshes[0] != want {
				t.Errorf("refreshes %+v, want %+v", rt.idp.refreshes, want)
			}
			s := rt.sessionOf(b)
			if s == nil {
				t.Fatal("the refresh signed the browser out")
			}
			if s.TokenSet.RefreshToken != "rt-2" || s.TokenSet.AccessToken != "at-2" || !s.TokenSet.ExpiresAt.Equal(rt.clk.now.Add(time.Hour)) {
				t.Errorf("saved token set %+v, want the rotated refresh token and the new access token", s.TokenSet)
			}
			if s.TokenSet.IDToken != "idt-1" || s.User.StringClaim("name") != "Ada Lovelace" || s.Internal.SID != "sid-1" {
				t.Errorf("a refresh without an ID token changed the login: %+v, user %v", s, s.User.Claims())
			}
		})
	}
}

func TestAccessTokenRouteAsksForTheQuerysAudienceAndScope(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.refresh = func(q provider.RefreshRequest) (*provider.RefreshResult, error) {
		return &provider.RefreshResult{Tokens: &provider.Tokens{
			AccessToken: "api-token", TokenType: "Bearer", ExpiresAt: rt.clk.now.Add(time.Hour),
		}}, nil
	}
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	route := rt.accessTokenRoute(rt.accessTokens())
	target := "/auth/access-token?audience=https%3A%2F%2Fapi.test&scope=read%3Aitems"
	a := askToken(t, b, route, b.request(http.MethodGet, target, nil))
	if a.status != http.StatusOK || a.Token != "api-token" || a.Scope != "read:items" {
		t.Errorf("answer %+v, want the API's token with the requested scope", a)
	}
	want := provider.RefreshRequest{RefreshToken: "rt-1", Audience: "https://api.test", Scope: "read:items", Subject: "user-1"}
	if len(rt.idp.refreshes) != 1 || rt.idp.refreshes[0] != want {
		t.Errorf("refreshes %+v, want %+v", rt.idp.refreshes, want)
	}
	s := rt.sessionOf(b)
	if s == nil || s.TokenSet.AccessToken != "at-1" || s.TokenSet.RefreshToken != "rt-1" {
		t.Fatalf("session %+v: the API's token replaced the login's", s)
	}
	if len(s.AccessTokens) != 1 || s.AccessTokens[0].Audience != "https://api.test" || s.AccessTokens[0].AccessToken != "api-token" {
		t.Errorf("audience tokens %+v, want the API's", s.AccessTokens)
	}
	if a := askToken(t, b, route, b.request(http.MethodGet, target, nil)); a.Token != "api-token" || len(rt.idp.refreshes) != 1 {
		t.Errorf("second ask: %+v after %d refreshes; want the kept token without a refresh", a, len(rt.idp.refreshes))
	}
	if a := askToken(t, b, route, b.request(http.MethodGet, "/auth/access-token", nil)); a.Token != "at-1" {
		t.Errorf("the default token is %q, want the login's", a.Token)
	}
}

func TestAccessTokenRouteAnswers401WithTheReason(t *testing.T) {
	t.Parallel()
	refused := &provider.Error{StatusCode: 400, Code: "invalid_grant", Description: "refresh token revoked"}
	for _, tc := range []struct {
		name          string
		signedIn      bool
		noRefresh     bool
		refreshErr    error
		wantCode      string
		wantRefreshes int
	}{
		{name: "signed out", wantCode: token.CodeMissingSession},
		{name: "no refresh token", signedIn: true, noRefresh: true, wantCode: token.CodeMissingRefreshToken},
		{name: "refresh refused", signedIn: true, refreshErr: refused, wantCode: token.CodeFailedToRefreshToken, wantRefreshes: 1},
		{name: "provider unavailable", signedIn: true, refreshErr: fmt.Errorf("%w: token endpoint", provider.ErrUnavailable),
			wantCode: token.CodeFailedToRefreshToken, wantRefreshes: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			if tc.refreshErr != nil {
				rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
					return &provider.RefreshResult{}, tc.refreshErr
				}
			}
			b := newBrowser()
			if tc.signedIn {
				s := signedInSession(rt.clk.now)
				if tc.noRefresh {
					s.TokenSet.RefreshToken = ""
				}
				rt.signIn(b, s)
			}
			before := maps.Clone(b.cookies)
			rt.clk.now = rt.clk.now.Add(2 * time.Hour)
			a := askToken(t, b, rt.accessTokenRoute(rt.accessTokens()), b.request(http.MethodGet, "/auth/access-token", nil))
			if a.status != http.StatusUnauthorized || a.Error.Code != tc.wantCode || a.Error.Message == "" || a.Token != "" {
				t.Errorf("answer %+v, want 401 %s", a, tc.wantCode)
			}
			if _, _, _, _, n := rt.idp.calls(); n != tc.wantRefreshes {
				t.Errorf("%d refreshes, want %d", n, tc.wantRefreshes)
			}
			if !maps.Equal(b.cookies, before) {
				t.Error("a failed refresh changed the session")
			}
		})
	}
}

func TestAccessTokenRouteRefusesCrossSiteRequests(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	rt.clk.now = rt.clk.now.Add(2 * time.Hour)
	r := b.request(http.MethodGet, "/auth/access-token", nil)
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	before := maps.Clone(b.cookies)
	a := askToken(t, b, rt.accessTokenRoute(rt.accessTokens()), r)
	if a.status != http.StatusForbidden || a.Error.Code != CodeCrossSiteRequest || a.Token != "" {
		t.Errorf("answer %+v, want 403 %s", a, CodeCrossSiteRequest)
	}
	if _, _, _, _, n := rt.idp.calls(); n != 0 || !maps.Equal(b.cookies, before) {
		t.Errorf("a cross-site request refreshed (%d) or changed the session", n)
	}
}

func TestAccessTokenRouteRefusesOtherMethods(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	res := b.do(rt.accessTokenRoute(rt.accessTokens()), b.request(http.MethodPost, "/auth/access-token", nil))
	if res.Code != http.StatusMethodNotAllowed || res.Header().Get("Allow") != http.MethodGet {
		t.Errorf("POST: %d, Allow %q; want 405, Allow GET", res.Code, res.Header().Get("Allow"))
	}
}

// getterFunc is an AccessTokenGetter of a function.
type getterFunc func(http.ResponseWriter, *http.Request, AccessTokenRequest) (*token.AccessToken, error)

func (f getterFunc) AccessToken(w http.ResponseWriter, r *http.Request, q AccessTokenRequest) (*token.AccessToken, error) {
	return f(w, r, q)
}

func TestAccessTokenRouteHidesTheStoresError(t *testing.T) {
	t.Parallel()
	route := AccessTokenRoute(AccessTokenRouteOptions{Tokens: getterFunc(func(http.ResponseWriter, *http.Request, AccessTokenRequest) (*token.AccessToken, error) {
		return nil, errors.New("store: dial redis://:hunter2@10.0.0.7: refused")
	})})
	b := newBrowser()
	a := askToken(t, b, route, b.request(http.MethodGet, "/auth/access-token", nil))
	if a.status != http.StatusServiceUnavailable || a.Error.Code != CodeSessionStoreUnavailable {
		t.Errorf("answer %+v, want 503 %s", a, CodeSessionStoreUnavailable)
	}
	if strings.Contains(a.raw, "hunter2") || strings.Contains(a.raw, "10.0.0.7") {
		t.Errorf("the answer shows the internal error: %s", a.raw)
	}
}

// A refresh that cannot take the lock shared by the instances (the coordinator's store is
// down) is not a refused refresh: the answer is 503, and the session is kept.
func TestAccessTokenRouteAnswers503WhenTheRefreshLockIsUnavailable(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
		return &provider.RefreshResult{}, fmt.Errorf("provider: waiting for another instance's refresh: %w", errRecordsDown)
	}
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	before := maps.Clone(b.cookies)
	rt.clk.now = rt.clk.now.Add(2 * time.Hour)
	a := askToken(t, b, rt.accessTokenRoute(rt.accessTokens()), b.request(http.MethodGet, "/auth/access-token", nil))
	if a.status != http.StatusServiceUnavailable || a.Error.Code != CodeSessionStoreUnavailable || a.header.Get("Retry-After") != "1" {
		t.Errorf("answer %+v, Retry-After %q; want 503 %s", a, a.header.Get("Retry-After"), CodeSessionStoreUnavailable)
	}
	if strings.Contains(a.raw, "10.0.0.9") {
		t.Errorf("the answer shows the internal error: %s", a.raw)
	}
	if !maps.Equal(b.cookies, before) {
		t.Error("the failed refresh changed the session")
	}
}

func TestAccessTokenRouteOmitsAnUnknownExpiry(t *testing.T) {
	t.Parallel()
	route := AccessTokenRoute(AccessTokenRouteOptions{Tokens: getterFunc(func(http.ResponseWriter, *http.Request, AccessTokenRequest) (*token.AccessToken, error) {
		return &token.AccessToken{Token: "opaque", TokenType: "Bearer"}, nil
	})})
	b := newBrowser()
	a := askToken(t, b, route, b.request(http.MethodGet, "/auth/access-token", nil))
	if a.status != http.StatusOK || a.Token != "opaque" || a.ExpiresAt != 0 || a.ExpiresIn != 0 {
		t.Errorf("answer %+v, want the token without an expiry", a)
	}
}
