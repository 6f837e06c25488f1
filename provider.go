package authchain

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/internal/clientauth"
	"github.com/authchain/authchain/internal/discovery"
	"github.com/authchain/authchain/internal/jwks"
	"github.com/authchain/authchain/internal/oauthhttp"
	"github.com/authchain/authchain/mw"
)

// clockTolerance is the leeway for iat and auth_time checks.
const clockTolerance = 30 * time.Second

// provider is the OpenID Provider as discovery describes it: it builds authorization and
// logout URLs, exchanges codes and verifies ID tokens.
type provider struct {
	issuer         string
	clientID       string
	clientSecret   string
	signingKey     crypto.Signer
	signingAlg     string
	redirectURI    string
	par            bool
	logoutStrategy LogoutStrategy
	http           *http.Client
	discovery      *discovery.Cache
	now            func() time.Time

	mu      sync.Mutex
	keySets map[string]*jwks.KeySet // by jwks_uri
}

var _ mw.Provider = (*provider)(nil)

// Issuer returns the issuer identifier.
func (p *provider) Issuer() string { return p.issuer }

// metadata returns the discovery document; failures are ErrProviderUnavailable.
func (p *provider) metadata(ctx context.Context) (*discovery.Metadata, error) {
	m, err := p.discovery.Get(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", mw.ErrProviderUnavailable, err)
	}
	return m, nil
}

// authenticator returns the client authentication the provider supports.
func (p *provider) authenticator(m *discovery.Metadata) (clientauth.Authenticator, error) {
	return clientauth.Choose(m.TokenEndpointAuthMethodsSupported, p.clientID, p.clientSecret, p.signingKey, p.signingAlg, p.issuer, p.now)
}

// tokenEndpoint returns the discovery document and the client authentication for a call to
// the token endpoint.
func (p *provider) tokenEndpoint(ctx context.Context) (*discovery.Metadata, clientauth.Authenticator, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return nil, nil, err
	}
	auth, err := p.authenticator(m)
	if err != nil {
		return nil, nil, err
	}
	return m, auth, nil
}

// AuthorizationURL returns the authorization endpoint with params, pushed first with PAR.
func (p *provider) AuthorizationURL(ctx context.Context, params url.Values) (string, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return "", err
	}
	if p.par {
		if m.PushedAuthorizationRequestEndpoint == "" {
			return "", errors.New("authchain: PushedAuthorizationRequests is on but the provider has no pushed_authorization_request_endpoint")
		}
		auth, err := p.authenticator(m)
		if err != nil {
			return "", err
		}
		requestURI, _, err := oauthhttp.PushAuthorization(ctx, p.http, m.PushedAuthorizationRequestEndpoint, params, auth)
		if err != nil {
			return "", fmt.Errorf("%w: pushed authorization request endpoint: %w", mw.ErrProviderUnavailable, err)
		}
		params = url.Values{"client_id": {p.clientID}, "request_uri": {requestURI}}
	}
	return withQuery(m.AuthorizationEndpoint, params)
}

// withQuery adds params to endpoint's query.
func withQuery(endpoint string, params url.Values) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("%w: bad endpoint URL", mw.ErrProviderUnavailable)
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// CheckIssuer checks the iss parameter of an authorization response (RFC 9207 §2.4).
func (p *provider) CheckIssuer(ctx context.Context, response url.Values) error {
	iss, present := response["iss"]
	if present {
		if len(iss) != 1 || iss[0] != p.issuer {
			return errors.New("the iss parameter does not name the provider")
		}
		return nil
	}
	m, err := p.metadata(ctx)
	if err != nil {
		return err
	}
	if m.AuthorizationResponseIssParameterSupported {
		return errors.New("the iss parameter is missing")
	}
	return nil
}

// LogoutURL returns the provider's logout URL for the strategy, or "" for a local logout.
func (p *provider) LogoutURL(ctx context.Context, req mw.LogoutRequest) (string, error) {
	if p.logoutStrategy == LogoutV2 {
		return p.v2LogoutURL(req)
	}
	m, err := p.metadata(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case m.EndSessionEndpoint != "":
		params := url.Values{"client_id": {p.clientID}, "post_logout_redirect_uri": {req.ReturnTo}}
		if req.IDTokenHint != "" {
			params.Set("id_token_hint", req.IDTokenHint)
		}
		if req.LogoutHint != "" {
			params.Set("logout_hint", req.LogoutHint)
		}
		return withQuery(m.EndSessionEndpoint, params)
	case p.logoutStrategy == LogoutOIDC:
		return "", errors.New("authchain: LogoutStrategy is oidc but the provider has no end_session_endpoint")
	case isAuth0Issuer(p.issuer):
		return p.v2LogoutURL(req)
	default:
		return "", nil
	}
}

func (p *provider) v2LogoutURL(req mw.LogoutRequest) (string, error) {
	u, err := url.Parse(p.issuer)
	if err != nil {
		return "", err
	}
	u.Path, u.RawQuery = "/v2/logout", url.Values{"client_id": {p.clientID}, "returnTo": {req.ReturnTo}}.Encode()
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

// Revoke revokes a refresh token where the provider has a revocation endpoint.
func (p *provider) Revoke(ctx context.Context, refreshToken string) error {
	m, err := p.metadata(ctx)
	if err != nil || m.RevocationEndpoint == "" {
		return err
	}
	auth, err := p.authenticator(m)
	if err != nil {
		return err
	}
	if err := oauthhttp.Revoke(ctx, p.http, m.RevocationEndpoint, refreshToken, oauthhttp.HintRefreshToken, auth); err != nil {
		return fmt.Errorf("authchain: revocation endpoint: %w", err)
	}
	return nil
}

// keySet returns the provider's keys, fetched from jwks_uri and fetched again when a token
// names a key it does not know, at most once every jwks.DefaultRefetchInterval.
func (p *provider) keySet(jwksURI string) *jwks.KeySet {
	p.mu.Lock()
	defer p.mu.Unlock()
	ks, ok := p.keySets[jwksURI]
	if !ok {
		ks = jwks.New(jwks.Config{URL: jwksURI, Client: p.http, Now: p.now})
		if p.keySets == nil {
			p.keySets = make(map[string]*jwks.KeySet, 1)
		}
		p.keySets[jwksURI] = ks
	}
	return ks
}

// oauth2Config returns the x/oauth2 configuration of the code exchange for auth, and the
// parameters auth adds to the request.
func (p *provider) oauth2Config(m *discovery.Metadata, auth clientauth.Authenticator) (*oauth2.Config, []oauth2.AuthCodeOption, error) {
	cfg := &oauth2.Config{
		ClientID:    p.clientID,
		RedirectURL: p.redirectURI,
		Endpoint:    oauth2.Endpoint{AuthURL: m.AuthorizationEndpoint, TokenURL: m.TokenEndpoint, AuthStyle: oauth2.AuthStyleInParams},
	}
	switch a := auth.(type) {
	case clientauth.SecretBasic:
		cfg.ClientSecret, cfg.Endpoint.AuthStyle = a.Secret, oauth2.AuthStyleInHeader
		return cfg, nil, nil
	case clientauth.SecretPost:
		cfg.ClientSecret = a.Secret
		return cfg, nil, nil
	}
	form := url.Values{}
	req, _ := http.NewRequest(http.MethodPost, m.TokenEndpoint, nil)
	if err := auth.Authenticate(req, form); err != nil {
		return nil, nil, err
	}
	var opts []oauth2.AuthCodeOption
	for k := range form {
		if k != "client_id" {
			opts = append(opts, oauth2.SetAuthURLParam(k, form.Get(k)))
		}
	}
	return cfg, opts, nil
}
