package mw

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/token"
)

// connectionToken calls tokens.ConnectionToken for b's request, outside RollingSession, and
// keeps the cookies it writes.
func connectionToken(b *browser, tokens *AccessTokens, q ConnectionTokenRequest) (*token.ConnectionToken, error) {
	return inRequest(b, func(w http.ResponseWriter, r *http.Request) (*token.ConnectionToken, error) {
		return tokens.ConnectionToken(w, r, q)
	})
}

func tokenCode(err error) string {
	var te *token.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return ""
}

func TestConnectionTokenIsExchangedOnceAndKept(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := rt.accessTokens()
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	q := ConnectionTokenRequest{Connection: "google-oauth2"}
	first, err := connectionToken(b, tokens, q)
	if err != nil {
		t.Fatal(err)
	}
	want := token.ConnectionToken{AccessToken: "ct-google-oauth2--1", Connection: "google-oauth2", Scope: "calendar",
		ExpiresAt: rt.clk.now.Add(time.Hour), TokenType: "Bearer"}
	if *first != want {
		t.Errorf("ConnectionToken = %+v, want %+v", first, want)
	}
	sent := rt.idp.connectionExchanges()
	if len(sent) != 1 || sent[0] != (provider.ConnectionTokenRequest{SubjectToken: "rt-1", Connection: "google-oauth2"}) {
		t.Errorf("exchanges %+v, want one of the refresh token", sent)
	}
	if s := rt.sessionOf(b); s == nil || len(s.ConnectionTokens) != 1 || s.ConnectionTokens[0] != want {
		t.Fatalf("the session keeps %+v", s)
	}

	rt.clk.now = rt.clk.now.Add(59 * time.Minute)
	again, err := connectionToken(b, tokens, q)
	if err != nil || *again != want || len(rt.idp.connectionExchanges()) != 1 {
		t.Errorf("second call = %+v, %v after %d exchanges; want the kept token without an exchange", again, err, len(rt.idp.connectionExchanges()))
	}

	rt.clk.now = rt.clk.now.Add(time.Minute) // the token expires now
	renewed, err := connectionToken(b, tokens, q)
	if err != nil || renewed.AccessToken != "ct-google-oauth2--2" {
		t.Fatalf("after expiry = %+v, %v; want a new exchange", renewed, err)
	}
	if s := rt.sessionOf(b); len(s.ConnectionTokens) != 1 || s.ConnectionTokens[0].AccessToken != "ct-google-oauth2--2" {
		t.Errorf("the session keeps %+v, want only the new token", s.ConnectionTokens)
	}
}

func TestConnectionTokenIsExchangedAgainWithinTheRefreshBuffer(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := rt.accessTokens(func(o *AccessTokensOptions) { o.RefreshBuffer = 5 * time.Minute })
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	q := ConnectionTokenRequest{Connection: "github"}
	if _, err := connectionToken(b, tokens, q); err != nil {
		t.Fatal(err)
	}
	rt.clk.now = rt.clk.now.Add(56 * time.Minute)
	if ct, err := connectionToken(b, tokens, q); err != nil || ct.AccessToken != "ct-github--2" {
		t.Errorf("a token expiring within the buffer = %+v, %v; want a new one", ct, err)
	}
}

func TestConnectionTokensAreKeptPerLoginHint(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := rt.accessTokens()
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	for i, tc := range []struct {
		q    ConnectionTokenRequest
		want string
	}{
		{ConnectionTokenRequest{Connection: "google-oauth2", LoginHint: "ada@work.test"}, "ct-google-oauth2-ada@work.test-1"},
		{ConnectionTokenRequest{Connection: "google-oauth2"}, "ct-google-oauth2--2"},
		{ConnectionTokenRequest{Connection: "google-oauth2", LoginHint: "ada@home.test"}, "ct-google-oauth2-ada@home.test-3"},
		{ConnectionTokenRequest{Connection: "google-oauth2", LoginHint: "ada@work.test"}, "ct-google-oauth2-ada@work.test-1"},
		{ConnectionTokenRequest{Connection: "google-oauth2"}, "ct-google-oauth2--2"},
	} {
		ct, err := connectionToken(b, tokens, tc.q)
		if err != nil || ct.AccessToken != tc.want || ct.LoginHint != tc.q.LoginHint {
			t.Errorf("call %d (%+v) = %+v, %v; want %s", i+1, tc.q, ct, err, tc.want)
		}
	}
	if n := len(rt.idp.connectionExchanges()); n != 3 {
		t.Errorf("%d exchanges, want one per hint", n)
	}
	if sent := rt.idp.connectionExchanges(); sent[0].LoginHint != "ada@work.test" || sent[1].LoginHint != "" {
		t.Errorf("exchanges %+v: the login hint was not sent", sent)
	}
	if s := rt.sessionOf(b); len(s.ConnectionTokens) != 3 {
		t.Errorf("the session keeps %+v, want three tokens", s.ConnectionTokens)
	}
}

func TestConnectionTokenErrors(t *testing.T) {
	t.Parallel()
	t.Run("signed out", func(t *testing.T) {
		t.Parallel()
		rt := newRoutes(t)
		if _, err := connectionToken(newBrowser(), rt.accessTokens(), ConnectionTokenRequest{Connection: "github"}); tokenCode(err) != token.CodeMissingSession {
			t.Errorf("error %v, want missing_session", err)
		}
	})
	t.Run("no refresh token", func(t *testing.T) {
		t.Parallel()
		rt := newRoutes(t)
		tokens := rt.accessTokens()
		s := signedInSession(rt.clk.now)
		s.TokenSet.RefreshToken = ""
		s.ConnectionTokens = []token.ConnectionToken{{AccessToken: "kept", Connection: "github", ExpiresAt: rt.clk.now.Add(time.Minute)}}
		b := newBrowser()
		rt.signIn(b, s)
		if ct, err := connectionToken(b, tokens, ConnectionTokenRequest{Connection: "github"}); err != nil || ct.AccessToken != "kept" {
			t.Errorf("an unexpired kept token = %+v, %v; want it without a refresh token", ct, err)
		}
		rt.clk.now = rt.clk.now.Add(time.Minute)
		if _, err := connectionToken(b, tokens, ConnectionTokenRequest{Connection: "github"}); tokenCode(err) != token.CodeMissingRefreshToken {
			t.Errorf("an expired kept token: error %v, want missing_refresh_token", err)
		}
		if _, err := connectionToken(b, tokens, ConnectionTokenRequest{Connection: "google-oauth2"}); tokenCode(err) != token.CodeMissingRefreshToken {
			t.Errorf("no kept token: error %v, want missing_refresh_token", err)
		}
		if n := len(rt.idp.connectionExchanges()); n != 0 {
			t.Errorf("%d exchanges without a refresh token", n)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		t.Parallel()
		rt := newRoutes(t)
		b := newBrowser()
		rt.signIn(b, signedInSession(rt.clk.now))
		for _, q := range []ConnectionTokenRequest{{}, {Connection: "github", SubjectTokenType: "urn:ietf:params:oauth:token-type:id_token"}} {
			if _, err := connectionToken(b, rt.accessTokens(), q); err == nil || tokenCode(err) != "" {
				t.Errorf("%+v: error %v, want one that is not a token.Error", q, err)
			}
		}
		refreshOnly := struct{ RefreshProvider }{rt.idp}
		tokens := rt.accessTokens(func(o *AccessTokensOptions) { o.Provider = refreshOnly })
		if _, err := connectionToken(b, tokens, ConnectionTokenRequest{Connection: "github"}); err == nil || tokenCode(err) != "" {
			t.Errorf("without a ConnectionProvider: error %v", err)
		}
		if n := len(rt.idp.connectionExchanges()); n != 0 {
			t.Errorf("%d exchanges for bad requests", n)
		}
	})
}

// TestConnectionTokenFailedExchangeDropsTheKeptToken: a refused exchange fails with the
// provider's error as its cause, and the session no longer keeps the token of that connection
// and hint, nor expired ones; the others stay.
func TestConnectionTokenFailedExchangeDropsTheKeptToken(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := rt.accessTokens()
	b := newBrowser()
	s := signedInSession(rt.clk.now)
	s.ConnectionTokens = []token.ConnectionToken{
		{AccessToken: "expired", Connection: "github", ExpiresAt: rt.clk.now},
		{AccessToken: "hinted", Connection: "github", LoginHint: "ada", ExpiresAt: rt.clk.now.Add(time.Hour)},
		{AccessToken: "other", Connection: "google-oauth2", ExpiresAt: rt.clk.now.Add(time.Hour)},
		{AccessToken: "stale", Connection: "dropbox", ExpiresAt: rt.clk.now.Add(-time.Second)},
	}
	rt.signIn(b, s)
	refused := &provider.Error{StatusCode: 401, Code: "invalid_grant", Description: "the refresh token was revoked"}
	rt.idp.connection = func(provider.ConnectionTokenRequest) (*provider.ConnectionTokenResult, error) {
		return &provider.ConnectionTokenResult{}, refused
	}
	_, err := connectionToken(b, tokens, ConnectionTokenRequest{Connection: "github"})
	var pe *provider.Error
	if tokenCode(err) != token.CodeFailedToExchangeRefreshToken || !errors.As(err, &pe) || pe != refused {
		t.Errorf("error %v, want failed_to_exchange_refresh_token caused by the provider's error", err)
	}
	if strings.Contains(err.Error(), "rt-1") {
		t.Error("the error holds the refresh token")
	}
	got := rt.sessionOf(b)
	if got == nil || len(got.ConnectionTokens) != 2 || got.ConnectionTokens[0].AccessToken != "hinted" || got.ConnectionTokens[1].AccessToken != "other" {
		t.Errorf("the session keeps %+v, want the hinted and the other unexpired connection's tokens", got)
	}
	if got.TokenSet.RefreshToken != "rt-1" {
		t.Error("a failed exchange changed the session's refresh token")
	}
}

func TestConnectionTokenBySessionAccessToken(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := rt.accessTokens()
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	q := ConnectionTokenRequest{Connection: "github", SubjectTokenType: provider.SubjectTokenTypeAccessToken}
	if _, err := connectionToken(b, tokens, q); err != nil {
		t.Fatal(err)
	}
	rt.clk.now = rt.clk.now.Add(2 * time.Hour) // the access token and the connection's have expired
	if _, err := connectionToken(b, tokens, q); err != nil {
		t.Fatal(err)
	}
	sent := rt.idp.connectionExchanges()
	if len(sent) != 2 || sent[0].SubjectToken != "at-1" || sent[1].SubjectToken != "at-2" || sent[1].SubjectTokenType != provider.SubjectTokenTypeAccessToken {
		t.Errorf("exchanges %+v, want the access token, then the refreshed one", sent)
	}
	if _, _, _, _, refreshes := rt.idp.calls(); refreshes != 1 {
		t.Errorf("%d refreshes, want 1", refreshes)
	}
	if s := rt.sessionOf(b); s.TokenSet.RefreshToken != "rt-2" || s.TokenSet.AccessToken != "at-2" || len(s.ConnectionTokens) != 1 {
		t.Errorf("the session %+v lost the refresh's tokens or the connection token", s)
	}
}

func TestConnectionTokensAreBounded(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := rt.accessTokens()
	b := newBrowser()
	s := signedInSession(rt.clk.now)
	s.ConnectionTokens = []token.ConnectionToken{{AccessToken: "expired", Connection: "old", ExpiresAt: rt.clk.now.Add(-time.Second)}}
	rt.signIn(b, s)
	for i := range maxConnectionTokens + 1 {
		if _, err := connectionToken(b, tokens, ConnectionTokenRequest{Connection: fmt.Sprint("c", i)}); err != nil {
			t.Fatal(err)
		}
	}
	got := rt.sessionOf(b).ConnectionTokens
	if len(got) != maxConnectionTokens || got[0].Connection != "c1" || got[len(got)-1].Connection != fmt.Sprint("c", maxConnectionTokens) {
		t.Errorf("the session keeps %d tokens from %s to %s; want the last %d", len(got), got[0].Connection, got[len(got)-1].Connection, maxConnectionTokens)
	}
}

func TestConnectionTokenOfUnknownExpiryIsNotKept(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.connection = func(q provider.ConnectionTokenRequest) (*provider.ConnectionTokenResult, error) {
		return &provider.ConnectionTokenResult{Tokens: &provider.Tokens{AccessToken: "forever?"}}, nil
	}
	tokens := rt.accessTokens()
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	for range 2 {
		if ct, err := connectionToken(b, tokens, ConnectionTokenRequest{Connection: "github"}); err != nil || ct.AccessToken != "forever?" {
			t.Fatalf("ConnectionToken = %+v, %v", ct, err)
		}
	}
	if n := len(rt.idp.connectionExchanges()); n != 2 {
		t.Errorf("%d exchanges, want a new one each time", n)
	}
	if s := rt.sessionOf(b); len(s.ConnectionTokens) != 0 {
		t.Errorf("the session keeps %+v", s.ConnectionTokens)
	}
}

func TestConnectionTokenBehindRollingSession(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := rt.accessTokens()
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	var seen []token.ConnectionToken
	h := RollingSession(RollingSessionOptions{Manager: rt.sessions})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := tokens.ConnectionToken(w, r, ConnectionTokenRequest{Connection: "github"}); err != nil {
			t.Error(err)
		}
		if len(w.Header().Values("Set-Cookie")) != 0 {
			t.Error("the session was written before the response started")
		}
		seen = SessionFrom(r.Context()).ConnectionTokens
		w.WriteHeader(http.StatusNoContent)
	}))
	b.get(h, "/api")
	if len(seen) != 1 {
		t.Errorf("later handlers see %+v, want the new token", seen)
	}
	if s := rt.sessionOf(b); len(s.ConnectionTokens) != 1 {
		t.Error("the token was not saved when the response started")
	}

	// After the response started the token is handed out, but cannot be kept.
	late := RollingSession(RollingSessionOptions{Manager: rt.sessions})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		ct, err := tokens.ConnectionToken(w, r, ConnectionTokenRequest{Connection: "google-oauth2"})
		if err != nil || ct == nil {
			t.Errorf("after the response started: %+v, %v", ct, err)
		}
	}))
	b.get(late, "/api")
	if s := rt.sessionOf(b); len(s.ConnectionTokens) != 1 || s.ConnectionTokens[0].Connection != "github" {
		t.Errorf("the session changed after the response started: %+v", s.ConnectionTokens)
	}
}

// TestConnectionTokenSavesTheRotationsItFollowed: when the provider's exchange followed other
// requests' rotations of the refresh token, the session takes their tokens, even when the
// exchange fails, so that it never keeps the spent refresh token.
func TestConnectionTokenSavesTheRotationsItFollowed(t *testing.T) {
	t.Parallel()
	for _, fail := range []bool{false, true} {
		rt := newRoutes(t)
		rotation := provider.Rotation{Tokens: &provider.Tokens{AccessToken: "at-rotated", RefreshToken: "rt-rotated", ExpiresAt: rt.clk.now.Add(time.Hour)}}
		rt.idp.connection = func(q provider.ConnectionTokenRequest) (*provider.ConnectionTokenResult, error) {
			res := &provider.ConnectionTokenResult{Followed: []provider.Rotation{rotation}}
			if fail {
				return res, &provider.Error{StatusCode: 400, Code: "invalid_request"}
			}
			res.Tokens = connectionTokens(rt.clk.now, q, 1)
			return res, nil
		}
		b := newBrowser()
		rt.signIn(b, signedInSession(rt.clk.now))
		_, err := connectionToken(b, rt.accessTokens(), ConnectionTokenRequest{Connection: "github"})
		if (err != nil) != fail {
			t.Fatalf("fail=%v: error %v", fail, err)
		}
		s := rt.sessionOf(b)
		if s == nil || s.TokenSet.RefreshToken != "rt-rotated" || s.TokenSet.AccessToken != "at-rotated" {
			t.Errorf("fail=%v: the session is %v, want the rotation's tokens", fail, s != nil)
		}
	}
}
