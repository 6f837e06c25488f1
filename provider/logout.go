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
	// IDTokenHint is the session's ID token, if any. It is left out of the URL when
	// Config.DisableIDTokenHintInOIDCLogoutURL is set.
	IDTokenHint string
	// LogoutHint is the provider's session id, if any.
	LogoutHint string
	// State is sent to the end_session_endpoint, which returns it to ReturnTo (RP-Initiated
	// Logout 1.0 §2); Auth0's /v2/logout has no state and does not get it.
	State string
	// Federated also logs the user out of the identity provider behind Auth0 (a social or
	// enterprise connection): Auth0's /v2/logout, and the end_session_endpoint of an Auth0
	// domain, get the federated parameter. Other providers have no such parameter and do not
	// get it.
	Federated bool
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
		return withQuery(m.EndSessionEndpoint, p.endSessionParams(req))
	case strategy == LogoutOIDC:
		return "", errors.New("provider: LogoutStrategy is oidc but the provider has no end_session_endpoint")
	case p.isAuth0():
		return p.v2LogoutURL(req)
	default:
		return "", nil
	}
}

// endSessionParams returns the query of an RP-Initiated Logout request.
func (p *Provider) endSessionParams(req LogoutRequest) url.Values {
	params := url.Values{"client_id": {p.cfg.ClientID}, "post_logout_redirect_uri": {req.ReturnTo}}
	if req.IDTokenHint != "" && !p.cfg.DisableIDTokenHintInOIDCLogoutURL {
		params.Set("id_token_hint", req.IDTokenHint)
	}
	if req.LogoutHint != "" {
		params.Set("logout_hint", req.LogoutHint)
	}
	if req.State != "" {
		params.Set("state", req.State)
	}
	if req.Federated && p.isAuth0() {
		params.Set("federated", "")
	}
	return params
}

// v2LogoutURL returns Auth0's /v2/logout URL.
func (p *Provider) v2LogoutURL(req LogoutRequest) (string, error) {
	u, err := url.Parse(p.cfg.Issuer)
	if err != nil {
		return "", err
	}
	params := url.Values{"client_id": {p.cfg.ClientID}, "returnTo": {req.ReturnTo}}
	if req.Federated {
		params.Set("federated", "")
	}
	u.Path, u.RawQuery = "/v2/logout", params.Encode()
	return u.String(), nil
}

// isAuth0 reports whether the provider is an Auth0 tenant: by its domain, or Config.Auth0.
func (p *Provider) isAuth0() bool { return p.cfg.Auth0 || IsAuth0Issuer(p.cfg.Issuer) }

// IsAuth0Issuer reports whether issuer is an Auth0 tenant domain (a host under auth0.com or
// auth0app.com).
func IsAuth0Issuer(issuer string) bool {
	u, err := url.Parse(issuer)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return strings.HasSuffix(h, ".auth0.com") || strings.HasSuffix(h, ".auth0app.com")
}
