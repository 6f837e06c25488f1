package provider

import (
	"context"
	"errors"
	"net/url"
)

// Exchange trades an authorization code for tokens (RFC 6749 §4.1.3, with the PKCE verifier
// of RFC 7636 §4.5) and verifies the ID token (OpenID Connect Core §3.1.3.7): its signature
// against the provider's keys, iss, aud, exp, then nonce, azp, iat, auth_time against max_age
// and at_hash, with a 30 second tolerance for the clocks.
//
// A refusal (a replayed or expired code, a wrong verifier) is an *Error; an ID token that
// fails a check wraps ErrInvalidIDToken.
func (p *Provider) Exchange(ctx context.Context, code, codeVerifier string, check IDTokenCheck) (*Tokens, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return nil, err
	}
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {p.cfg.RedirectURI}, "code_verifier": {codeVerifier},
	}
	c, err := p.endpoint(m, "token endpoint", m.TokenEndpoint, form)
	if err != nil {
		return nil, err
	}
	var resp tokenResponse
	if err := postForm(ctx, p.http, c, &resp); err != nil {
		return nil, err
	}
	if resp.AccessToken == "" {
		return nil, unavailable(c.what, errors.New("the answer has no access_token"))
	}
	if resp.IDToken == "" {
		return nil, invalidIDToken(errors.New("the token response has no ID token"))
	}
	t := resp.tokens(p.cfg.Now())
	if t.Claims, err = p.verifyIDToken(ctx, m, resp.IDToken, resp.AccessToken, check); err != nil {
		return nil, err
	}
	return t, nil
}
