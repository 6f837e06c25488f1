package mw

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/dpop"
)

// TokenSource returns an oauth2.TokenSource of the request's access token q asks for, so that
// oauth2.NewClient(ctx, ts) calls an API with it. Each Token call is an AccessToken call: the
// token is refreshed when it has expired, and the refresh is saved in the session (behind
// RollingSession when the response starts; make the API calls before writing the response).
// Its errors are AccessToken's.
func (a *AccessTokens) TokenSource(w http.ResponseWriter, r *http.Request, q AccessTokenRequest) oauth2.TokenSource {
	return &requestTokenSource{tokens: a, w: w, r: r, q: q}
}

// HTTPClient returns an *http.Client that calls an API with the access token q asks for, taken
// from TokenSource: a DPoP token with a new proof of AccessTokensOptions.DPoP for each request
// (and one retry when the API asks for a nonce), any other as a Bearer token. Requests go
// through http.DefaultTransport; for another, build a dpop.Transport with TokenSource.
//
// The client follows redirects within the first request's origin only: a redirect to another
// origin is returned to the caller as it is, so that the token never goes where the caller did
// not send it.
func (a *AccessTokens) HTTPClient(w http.ResponseWriter, r *http.Request, q AccessTokenRequest) *http.Client {
	return &http.Client{
		Transport:     &dpop.Transport{Source: a.TokenSource(w, r, q), Key: a.opts.DPoP},
		CheckRedirect: sameOriginRedirects,
	}
}

// maxRedirects is how many redirects HTTPClient follows, as net/http's default.
const maxRedirects = 10

// sameOriginRedirects lets an HTTPClient follow redirects within the origin of the first
// request only.
func sameOriginRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("mw: stopped after %d redirects", maxRedirects)
	}
	first := via[0].URL
	if !strings.EqualFold(req.URL.Scheme, first.Scheme) || !strings.EqualFold(req.URL.Host, first.Host) {
		return http.ErrUseLastResponse
	}
	return nil
}

// DPoPKey returns AccessTokensOptions.DPoP, nil when DPoP is off.
func (a *AccessTokens) DPoPKey() *dpop.Key { return a.opts.DPoP }

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
