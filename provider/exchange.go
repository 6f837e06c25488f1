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
//
// The redirect_uri sent is Config.RedirectURI unless WithRedirectURI names the one the
// authorization request used.
func (p *Provider) Exchange(ctx context.Context, code, codeVerifier string, check IDTokenCheck, opts ...ExchangeOption) (*Tokens, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return nil, err
	}
	x := exchangeOptions{redirectURI: p.cfg.RedirectURI}
	for _, o := range opts {
		o(&x)
	}
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {x.redirectURI}, "code_verifier": {codeVerifier},
	}
	resp, err := p.tokenRequest(ctx, m, form)
	if err != nil {
		return nil, err
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

// ExchangeOption changes one code exchange.
type ExchangeOption func(*exchangeOptions)

type exchangeOptions struct {
	redirectURI string
}

// WithRedirectURI sends uri as the exchange's redirect_uri (RFC 6749 §4.1.3): the one the
// authorization request sent, when it was not Config.RedirectURI (an application reached on
// several origins). An empty uri keeps Config.RedirectURI.
func WithRedirectURI(uri string) ExchangeOption {
	return func(o *exchangeOptions) {
		if uri != "" {
			o.redirectURI = uri
		}
	}
}
