package mw

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// accessToken calls tokens.AccessToken for b's request, outside RollingSession, and keeps the
// cookies it writes.
func accessToken(b *browser, tokens *AccessTokens, q AccessTokenRequest) (*token.AccessToken, error) {
	return inRequest(b, func(w http.ResponseWriter, r *http.Request) (*token.AccessToken, error) {
		return tokens.AccessToken(w, r, q)
	})
}

func TestAccessTokensRefreshWhenAsked(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	at, err := accessToken(b, rt.accessTokens(), AccessTokenRequest{Refresh: true})
	if err != nil || at.Token != "at-2" {
		t.Fatalf("AccessToken = %+v, %v; want a refreshed token", at, err)
	}
	if s := rt.sessionOf(b); s == nil || s.TokenSet.RefreshToken != "rt-2" {
		t.Error("the rotated refresh token was not saved")
	}
}

func TestAccessTokensKeepTheProvidersErrorAsTheCause(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	refused := &provider.Error{StatusCode: 400, Code: "invalid_grant"}
	rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
		return &provider.RefreshResult{}, refused
	}
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	_, err := accessToken(b, rt.accessTokens(), AccessTokenRequest{Refresh: true})
	var te *token.Error
	var pe *provider.Error
	if !errors.As(err, &te) || te.Code != token.CodeFailedToRefreshToken || !errors.As(err, &pe) || pe != refused {
		t.Errorf("error %v, want failed_to_refresh_token caused by the provider's error", err)
	}
	if strings.Contains(err.Error(), "rt-1") {
		t.Error("the error holds the refresh token")
	}
	if s := rt.sessionOf(b); s == nil || s.TokenSet.RefreshToken != "rt-1" {
		t.Error("a refused refresh lost the session")
	}
}

func TestAccessTokensApplyTheRotationsTheyFollowed(t *testing.T) {
	t.Parallel()
	other := func(now time.Time) provider.Rotation {
		return provider.Rotation{Tokens: &provider.Tokens{
			AccessToken: "at-other", RefreshToken: "rt-2", TokenType: "Bearer", ExpiresAt: now.Add(time.Hour),
		}}
	}
	for _, tc := range []struct {
		name      string
		result    func(now time.Time) (*provider.RefreshResult, error)
		wantToken string
		wantErr   string
		wantRT    string
		wantAT    string
	}{
		{"then refreshed", func(now time.Time) (*provider.RefreshResult, error) {
			return &provider.RefreshResult{Followed: []provider.Rotation{other(now)}, Tokens: &provider.Tokens{
				AccessToken: "at-3", RefreshToken: "rt-3", ExpiresAt: now.Add(time.Hour),
			}}, nil
		}, "at-3", "", "rt-3", "at-3"},
		{"then refused", func(now time.Time) (*provider.RefreshResult, error) {
			return &provider.RefreshResult{Followed: []provider.Rotation{other(now)}}, &provider.Error{StatusCode: 400, Code: "invalid_grant"}
		}, "", token.CodeFailedToRefreshToken, "rt-2", "at-other"},
		{"then without a new refresh token", func(now time.Time) (*provider.RefreshResult, error) {
			return &provider.RefreshResult{Followed: []provider.Rotation{other(now)}, Tokens: &provider.Tokens{
				AccessToken: "at-3", ExpiresAt: now.Add(time.Hour),
			}}, nil
		}, "at-3", "", "rt-2", "at-3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) { return tc.result(rt.clk.now) }
			b := newBrowser()
			rt.signIn(b, signedInSession(rt.clk.now))
			rt.clk.now = rt.clk.now.Add(2 * time.Hour)
			at, err := accessToken(b, rt.accessTokens(), AccessTokenRequest{})
			var te *token.Error
			switch {
			case tc.wantErr == "" && (err != nil || at.Token != tc.wantToken):
				t.Errorf("AccessToken = %+v, %v; want %s", at, err, tc.wantToken)
			case tc.wantErr != "" && (!errors.As(err, &te) || te.Code != tc.wantErr):
				t.Errorf("AccessToken error %v, want %s", err, tc.wantErr)
			}
			s := rt.sessionOf(b)
			if s == nil || s.TokenSet.RefreshToken != tc.wantRT || s.TokenSet.AccessToken != tc.wantAT {
				t.Errorf("saved session %+v, want refresh token %s and access token %s", s, tc.wantRT, tc.wantAT)
			}
		})
	}
}

func TestAccessTokensTakeTheClaimsOfARefreshedIDToken(t *testing.T) {
	t.Parallel()
	refreshed := func(now time.Time) *provider.Tokens {
		t := refreshedTokens(now)
		t.IDToken = "idt-2"
		t.Claims = map[string]any{"sub": "user-1", "name": "Countess of Lovelace", "groups": []any{"admins"}}
		return t
	}
	t.Run("default claims", func(t *testing.T) {
		t.Parallel()
		rt := newRoutes(t)
		rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
			return &provider.RefreshResult{Tokens: refreshed(rt.clk.now)}, nil
		}
		b := newBrowser()
		rt.signIn(b, signedInSession(rt.clk.now))
		if _, err := accessToken(b, rt.accessTokens(), AccessTokenRequest{Refresh: true}); err != nil {
			t.Fatal(err)
		}
		s := rt.sessionOf(b)
		if s.TokenSet.IDToken != "idt-2" || s.User.StringClaim("name") != "Countess of Lovelace" || s.User.Get("groups") != nil {
			t.Errorf("session %+v, user %v; want the new ID token and its default claims", s.TokenSet, s.User.Claims())
		}
		if s.Internal.SID != "sid-1" || s.Internal.Subject != "user-1" {
			t.Errorf("internal %+v changed", s.Internal)
		}
	})
	t.Run("BeforeSessionSaved", func(t *testing.T) {
		t.Parallel()
		rt := newRoutes(t)
		rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
			return &provider.RefreshResult{Tokens: refreshed(rt.clk.now)}, nil
		}
		var sawGroups bool
		tokens := rt.accessTokens(func(o *AccessTokensOptions) {
			o.BeforeSessionSaved = func(_ context.Context, in BeforeSessionSavedInput) (*session.Session, error) {
				sawGroups = in.Session.User.Get("groups") != nil && in.IDToken == "idt-2"
				in.Session.User.Delete("name")
				return in.Session, nil
			}
		})
		b := newBrowser()
		rt.signIn(b, signedInSession(rt.clk.now))
		if _, err := accessToken(b, tokens, AccessTokenRequest{Refresh: true}); err != nil {
			t.Fatal(err)
		}
		s := rt.sessionOf(b)
		if !sawGroups || s.User.Get("groups") == nil || s.User.Get("name") != nil {
			t.Errorf("the hook saw every claim: %v; saved user %v, want the hook's", sawGroups, s.User.Claims())
		}
	})
	t.Run("BeforeSessionSaved refuses", func(t *testing.T) {
		t.Parallel()
		rt := newRoutes(t)
		rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
			return &provider.RefreshResult{Tokens: refreshed(rt.clk.now)}, nil
		}
		refusal := errors.New("no longer allowed")
		tokens := rt.accessTokens(func(o *AccessTokensOptions) {
			o.BeforeSessionSaved = func(context.Context, BeforeSessionSavedInput) (*session.Session, error) { return nil, refusal }
		})
		b := newBrowser()
		rt.signIn(b, signedInSession(rt.clk.now))
		_, err := accessToken(b, tokens, AccessTokenRequest{Refresh: true})
		var te *token.Error
		if !errors.As(err, &te) || te.Code != token.CodeFailedToRefreshToken || !errors.Is(err, refusal) {
			t.Errorf("error %v, want failed_to_refresh_token caused by the hook", err)
		}
		s := rt.sessionOf(b)
		if s == nil || s.TokenSet.RefreshToken != "rt-2" || s.User.StringClaim("name") != "Ada Lovelace" {
			t.Errorf("session %+v: want the rotated refresh token kept with the previous user", s)
		}
	})
}

func TestAccessTokensIgnoreAnIDTokenForASessionOfUnknownSubject(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
		t := refreshedTokens(rt.clk.now)
		t.IDToken, t.Claims = "idt-2", map[string]any{"sub": "someone-else", "name": "Mallory"}
		return &provider.RefreshResult{Tokens: t}, nil
	}
	s := signedInSession(rt.clk.now)
	s.Internal.Subject = ""
	s.User = session.NewUser(map[string]any{"name": "Ada Lovelace"})
	b := newBrowser()
	rt.signIn(b, s)
	if _, err := accessToken(b, rt.accessTokens(), AccessTokenRequest{Refresh: true}); err != nil {
		t.Fatal(err)
	}
	if rt.idp.refreshes[0].Subject != "" {
		t.Errorf("refresh asked for subject %q", rt.idp.refreshes[0].Subject)
	}
	got := rt.sessionOf(b)
	if got.User.StringClaim("name") != "Ada Lovelace" || got.TokenSet.IDToken != "idt-1" || got.TokenSet.RefreshToken != "rt-2" {
		t.Errorf("session %+v, user %v; want the new tokens with the login's user and ID token", got.TokenSet, got.User.Claims())
	}
}

func TestAccessTokensWithholdTheTokenWhenTheRotatedSessionCannotBeSaved(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("0123456789abcdef", 4<<10) // 64 KB: more than MaxChunks cookies hold
	rt := newRoutes(t)
	rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
		t := refreshedTokens(rt.clk.now)
		t.IDToken, t.Claims = "idt-2", map[string]any{"sub": "user-1"}
		return &provider.RefreshResult{Tokens: t}, nil
	}
	tokens := rt.accessTokens(func(o *AccessTokensOptions) {
		o.BeforeSessionSaved = func(_ context.Context, in BeforeSessionSavedInput) (*session.Session, error) {
			in.Session.User.Set("blob", huge)
			return in.Session, nil
		}
	})
	for _, rolling := range []bool{false, true} {
		b := newBrowser()
		rt.signIn(b, signedInSession(rt.clk.now))
		var at *token.AccessToken
		var err error
		var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			at, err = tokens.AccessToken(w, r, AccessTokenRequest{Refresh: true})
		})
		if rolling {
			h = RollingSession(RollingSessionOptions{Manager: rt.sessions})(h)
		}
		b.get(h, "/api")
		var te *token.Error
		if at != nil || !errors.As(err, &te) || te.Code != token.CodeFailedToSaveSession || !errors.Is(err, session.ErrTooLarge) {
			t.Errorf("rolling %v: AccessToken = %+v, %v; want failed_to_save_session caused by ErrTooLarge", rolling, at, err)
		}
	}
}

func TestAccessTokensBehindRollingSession(t *testing.T) {
	t.Parallel()
	t.Run("the refresh is saved when the response starts", func(t *testing.T) {
		t.Parallel()
		rt := newRoutes(t)
		tokens := rt.accessTokens()
		b := newBrowser()
		rt.signIn(b, signedInSession(rt.clk.now))
		rt.clk.now = rt.clk.now.Add(2 * time.Hour)
		var seen string
		h := RollingSession(RollingSessionOptions{Manager: rt.sessions})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := tokens.AccessToken(w, r, AccessTokenRequest{}); err != nil {
				t.Error(err)
			}
			if len(w.Header().Values("Set-Cookie")) != 0 {
				t.Error("the session was written before the response started")
			}
			seen = SessionFrom(r.Context()).TokenSet.RefreshToken
			w.WriteHeader(http.StatusNoContent)
		}))
		res := b.get(h, "/api")
		if seen != "rt-2" {
			t.Errorf("later handlers see refresh token %q, want the rotated one", seen)
		}
		if n := len(setCookies(res.Header(), testSessionCookie)); n != 1 {
			t.Errorf("%d session cookies written, want one", n)
		}
		if s := rt.sessionOf(b); s == nil || s.TokenSet.RefreshToken != "rt-2" {
			t.Error("the rotated refresh token was not saved")
		}
	})
	for _, tc := range []struct {
		name      string
		rotate    bool
		wantToken string
	}{
		{"a rotation is withheld after the response started", true, ""},
		{"a token without rotation is handed out after the response started", false, "at-2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			if !tc.rotate {
				rt.idp.refresh = func(provider.RefreshRequest) (*provider.RefreshResult, error) {
					t := refreshedTokens(rt.clk.now)
					t.RefreshToken = ""
					return &provider.RefreshResult{Tokens: t}, nil
				}
			}
			tokens := rt.accessTokens()
			b := newBrowser()
			rt.signIn(b, signedInSession(rt.clk.now))
			rt.clk.now = rt.clk.now.Add(2 * time.Hour)
			var at *token.AccessToken
			var err error
			h := RollingSession(RollingSessionOptions{Manager: rt.sessions})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusOK)
				at, err = tokens.AccessToken(w, r, AccessTokenRequest{})
			}))
			b.get(h, "/api")
			var te *token.Error
			switch {
			case tc.wantToken == "" && (at != nil || !errors.As(err, &te) || te.Code != token.CodeFailedToSaveSession || !errors.Is(err, ErrHeadersWritten)):
				t.Errorf("AccessToken = %+v, %v; want failed_to_save_session caused by ErrHeadersWritten", at, err)
			case tc.wantToken != "" && (err != nil || at.Token != tc.wantToken):
				t.Errorf("AccessToken = %+v, %v; want %s", at, err, tc.wantToken)
			}
			if s := rt.sessionOf(b); s == nil || s.TokenSet.RefreshToken != "rt-1" {
				t.Error("the session changed after the response started")
			}
		})
	}
}

func TestTokenSourceHandsOutTheAccessToken(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	s := signedInSession(rt.clk.now)
	s.TokenSet.TokenType = ""
	rt.signIn(b, s)
	tokens := rt.accessTokens()
	b.get(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := tokens.TokenSource(w, r, AccessTokenRequest{}).Token()
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccessToken != "at-1" || tok.TokenType != "Bearer" || tok.RefreshToken != "" || !tok.Expiry.Equal(s.TokenSet.ExpiresAt) || tok.Extra("scope") != s.TokenSet.Scope {
			t.Errorf("token %+v, want the session's access token only", tok)
		}
		api := httptest.NewRequest(http.MethodGet, "https://api.test/items", nil)
		tok.SetAuthHeader(api)
		if got := api.Header.Get("Authorization"); got != "Bearer at-1" {
			t.Errorf("Authorization %q, want Bearer at-1", got)
		}
	}), "/api")
}

func TestTokenSourceRefreshesAndReportsErrors(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := rt.accessTokens()
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	rt.clk.now = rt.clk.now.Add(2 * time.Hour)
	b.get(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := tokens.TokenSource(w, r, AccessTokenRequest{}).Token()
		if err != nil || tok.AccessToken != "at-2" {
			t.Errorf("Token = %+v, %v; want the refreshed token", tok, err)
		}
	}), "/api")
	if s := rt.sessionOf(b); s == nil || s.TokenSet.RefreshToken != "rt-2" {
		t.Error("the token source's refresh was not saved")
	}
	newBrowser().get(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := tokens.TokenSource(w, r, AccessTokenRequest{}).Token()
		var te *token.Error
		if !errors.As(err, &te) || te.Code != token.CodeMissingSession {
			t.Errorf("signed out: %v, want missing_session", err)
		}
	}), "/api")
}

func TestUpdateSessionNeedsASessionBehindRollingSession(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	s := signedInSession(rt.clk.now)
	if err := UpdateSession(context.Background(), s); !errors.Is(err, ErrNoSession) {
		t.Errorf("outside RollingSession: %v, want ErrNoSession", err)
	}
	if SessionFrom(context.Background()) != nil {
		t.Error("outside RollingSession SessionFrom found a session")
	}
	b := newBrowser()
	b.cookies[testSessionCookie] = "tampered"
	b.get(RollingSession(RollingSessionOptions{Manager: rt.sessions})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if SessionFrom(r.Context()) != nil {
			t.Error("a tampered cookie reads as a session")
		}
		if err := UpdateSession(r.Context(), s); !errors.Is(err, ErrNoSession) {
			t.Errorf("signed out behind RollingSession: %v, want ErrNoSession", err)
		}
	})), "/")
	if b.has(testSessionCookie) {
		t.Error("an update of a signed-out request signed the browser in")
	}
}

// TestAccessTokensHandOutAnUnexpiredTokenWithoutARefreshToken: a session without a refresh
// token (a login without offline_access) keeps getting its access token until it expires,
// as token.CodeMissingRefreshToken promises: one that expires within RefreshBuffer, or whose
// expiry the provider did not say, has not expired.
func TestAccessTokensHandOutAnUnexpiredTokenWithoutARefreshToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		refreshToken  string
		expiresIn     time.Duration // 0: no expiry
		wantToken     string
		wantErr       string
		wantRefreshes int
	}{
		{name: "within the refresh buffer", expiresIn: 2 * time.Minute, wantToken: "at-1"},
		{name: "no expiry", wantToken: "at-1"},
		{name: "expired", expiresIn: -time.Second, wantErr: token.CodeMissingRefreshToken},
		{name: "within the refresh buffer, with a refresh token", refreshToken: "rt-1", expiresIn: 2 * time.Minute,
			wantToken: "at-2", wantRefreshes: 1},
		{name: "no expiry, with a refresh token", refreshToken: "rt-1", wantToken: "at-2", wantRefreshes: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			s := signedInSession(rt.clk.now)
			s.TokenSet.RefreshToken = tc.refreshToken
			s.TokenSet.ExpiresAt = time.Time{}
			if tc.expiresIn != 0 {
				s.TokenSet.ExpiresAt = rt.clk.now.Add(tc.expiresIn)
			}
			b := newBrowser()
			rt.signIn(b, s)
			tokens := rt.accessTokens(func(o *AccessTokensOptions) { o.RefreshBuffer = 5 * time.Minute })
			a := askToken(t, b, rt.accessTokenRoute(tokens), b.request(http.MethodGet, "/auth/access-token", nil))
			switch {
			case tc.wantErr == "" && (a.status != http.StatusOK || a.Token != tc.wantToken):
				t.Errorf("answer %+v, want %s", a, tc.wantToken)
			case tc.wantErr != "" && (a.status != http.StatusUnauthorized || a.Error.Code != tc.wantErr):
				t.Errorf("answer %+v, want 401 %s", a, tc.wantErr)
			}
			if _, _, _, _, n := rt.idp.calls(); n != tc.wantRefreshes {
				t.Errorf("%d refreshes, want %d", n, tc.wantRefreshes)
			}
		})
	}
}
