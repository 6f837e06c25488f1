package mw

import (
	"net/http"

	"golang.org/x/oauth2"
)

// TokenSource returns an oauth2.TokenSource of the request's access token q asks for, so that
// oauth2.NewClient(ctx, ts) calls an API with it. Each Token call is an AccessToken call: the
// token is refreshed when it has expired, and the refresh is saved in the session (behind
// RollingSession when the response starts; make the API calls before writing the response).
// Its errors are AccessToken's.
func (a *AccessTokens) TokenSource(w http.ResponseWriter, r *http.Request, q AccessTokenRequest) oauth2.TokenSource {
	return &requestTokenSource{tokens: a, w: w, r: r, q: q}
}

// requestTokenSource is the token source of one request.
type requestTokenSource struct {
	tokens *AccessTokens
	w      http.ResponseWriter
	r      *http.Request
	q      AccessTokenRequest
}

// Token returns the access token as an *oauth2.Token; it never holds the refresh token.
func (s *requestTokenSource) Token() (*oauth2.Token, error) {
	at, err := s.tokens.AccessToken(s.w, s.r, s.q)
	if err != nil {
		return nil, err
	}
	t := &oauth2.Token{AccessToken: at.Token, TokenType: at.TokenType, Expiry: at.ExpiresAt}
	if t.TokenType == "" {
		t.TokenType = "Bearer"
	}
	return t.WithExtra(map[string]any{"scope": at.Scope}), nil
}
