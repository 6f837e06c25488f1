package provider

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// LogoutRequest is what a logout tells the provider.
type LogoutRequest struct {
	// ReturnTo is where the provider sends the browser back (absolute URL).
	ReturnTo string
	// IDTokenHint is the session's ID token, if any.
	IDTokenHint string
	// LogoutHint is the provider's session id, if any.
	LogoutHint string
}

// LogoutURL returns where to send the browser to log out at the provider, or "" when the
// logout is local only (LogoutAuto with a provider that has no logout endpoint).
func (p *Provider) LogoutURL(ctx context.Context, req LogoutRequest) (string, error) {
	strategy := p.cfg.LogoutStrategy
	if strategy == LogoutV2 {
		return p.v2LogoutURL(req)
	}
	m, err := p.metadata(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case m.EndSessionEndpoint != "":
		params := url.Values{"client_id": {p.cfg.ClientID}, "post_logout_redirect_uri": {req.ReturnTo}}
		if req.IDTokenHint != "" {
			params.Set("id_token_hint", req.IDTokenHint)
		}
		if req.LogoutHint != "" {
			params.Set("logout_hint", req.LogoutHint)
		}
		return withQuery(m.EndSessionEndpoint, params)
	case strategy == LogoutOIDC:
		return "", errors.New("provider: LogoutStrategy is oidc but the provider has no end_session_endpoint")
	case isAuth0Issuer(p.cfg.Issuer):
		return p.v2LogoutURL(req)
	default:
		return "", nil
	}
}

// v2LogoutURL returns Auth0's /v2/logout URL.
func (p *Provider) v2LogoutURL(req LogoutRequest) (string, error) {
	u, err := url.Parse(p.cfg.Issuer)
	if err != nil {
		return "", err
	}
	u.Path, u.RawQuery = "/v2/logout", url.Values{"client_id": {p.cfg.ClientID}, "returnTo": {req.ReturnTo}}.Encode()
	return u.String(), nil
}

// isAuth0Issuer reports an Auth0 tenant domain.
func isAuth0Issuer(issuer string) bool {
	u, err := url.Parse(issuer)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return strings.HasSuffix(h, ".auth0.com") || strings.HasSuffix(h, ".auth0app.com")
}
