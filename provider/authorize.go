package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// AuthorizationURL returns the URL that sends the browser to log in with params, which hold
// every authorization request parameter (RFC 6749 §4.1.1). With PushedAuthorizationRequests it
// pushes them first (RFC 9126) and returns a URL with only client_id and request_uri. With
// Config.DPoP the request names the key's thumbprint (dpop_jkt, RFC 9449 §10), binding the
// authorization code to the key.
func (p *Provider) AuthorizationURL(ctx context.Context, params url.Values) (string, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return "", err
	}
	if p.cfg.DPoP != nil {
		params = cloneForm(params)
		params.Set("dpop_jkt", p.cfg.DPoP.Thumbprint())
	}
	if p.cfg.PushedAuthorizationRequests {
		if m.PushedAuthorizationRequestEndpoint == "" {
			return "", errors.New("provider: PushedAuthorizationRequests is on but the provider has no pushed_authorization_request_endpoint")
		}
		c, err := p.endpoint(m, "pushed authorization request endpoint", m.PushedAuthorizationRequestEndpoint, params)
		if err != nil {
			return "", err
		}
		requestURI, err := pushAuthorization(ctx, p.http, c)
		if err != nil {
			return "", err
		}
		params = url.Values{"client_id": {p.cfg.ClientID}, "request_uri": {requestURI}}
	}
	return withQuery(m.AuthorizationEndpoint, params)
}

// withQuery adds params to endpoint's query.
func withQuery(endpoint string, params url.Values) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", unavailable("discovery", fmt.Errorf("bad endpoint URL: %w", err))
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// CheckIssuer checks the iss parameter of an authorization response (RFC 9207 §2.4): when
// present it must be the issuer, and it must be present when the provider's metadata says it
// sends it.
func (p *Provider) CheckIssuer(ctx context.Context, response url.Values) error {
	iss, present := response["iss"]
	if present {
		if len(iss) != 1 || iss[0] != p.cfg.Issuer {
			return errors.New("provider: the iss parameter does not name the provider")
		}
		return nil
	}
	m, err := p.metadata(ctx)
	if err != nil {
		return err
	}
	if m.AuthorizationResponseIssParameterSupported {
		return errors.New("provider: the iss parameter is missing")
	}
	return nil
}
