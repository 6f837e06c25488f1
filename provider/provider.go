package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/authchain/authchain/internal/clientauth"
	"github.com/authchain/authchain/internal/discovery"
	"github.com/authchain/authchain/internal/jwks"
	"github.com/authchain/authchain/internal/outbound"
)

// clockTolerance is the leeway for iat and auth_time checks.
const clockTolerance = 30 * time.Second

// Provider is one OpenID Provider as one client uses it. Build it with New; it is safe for
// concurrent use. It makes no network call until it is used: the discovery document is
// fetched on first use and cached, and so are the provider's keys.
type Provider struct {
	cfg       Config
	http      *http.Client
	discovery *discovery.Cache
	refresher *refresher

	mu      sync.Mutex
	keySets map[string]*jwks.KeySet // by jwks_uri
}

// New checks cfg and returns its Provider.
func New(cfg Config) (*Provider, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.LogoutStrategy == "" {
		cfg.LogoutStrategy = LogoutAuto
	}
	if cfg.HTTPTimeout <= 0 {
		cfg.HTTPTimeout = DefaultHTTPTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "authchain"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := outbound.NewClient(cfg.HTTPClient, outbound.Options{
		Timeout: cfg.HTTPTimeout, UserAgent: cfg.UserAgent, Header: auth0ClientHeader(cfg.Auth0Client),
	})
	disc, err := discovery.New(discovery.Config{Issuer: cfg.Issuer, Client: hc, Now: cfg.Now, AllowInsecure: cfg.AllowInsecureRequests})
	if err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	p := &Provider{cfg: cfg, http: hc, discovery: disc}
	p.refresher = newRefresher(p.refreshOnce, cfg.Now, cfg.Coordinator, refreshLease(cfg.HTTPTimeout))
	return p, nil
}

// refreshLease is how long an instance may hold the Coordinator's lock of a refresh token:
// longer than a refresh can take (discovery, the token endpoint, the keys, each bounded by the
// HTTP timeout).
func refreshLease(httpTimeout time.Duration) time.Duration { return 3*httpTimeout + 5*time.Second }

// check reports the first problem of c.
func (c Config) check() error {
	u, err := url.Parse(c.RedirectURI)
	switch {
	case c.Issuer == "":
		return errors.New("provider: Issuer is required")
	case c.ClientID == "":
		return errors.New("provider: ClientID is required")
	case err != nil || !u.IsAbs() || u.Host == "":
		return errors.New("provider: RedirectURI must be an absolute URL")
	}
	switch c.LogoutStrategy {
	case "", LogoutAuto, LogoutOIDC, LogoutV2:
	default:
		return fmt.Errorf("provider: LogoutStrategy %q is not auto, oidc or v2", string(c.LogoutStrategy))
	}
	if c.ClientAssertionKey != nil {
		// The audience and clock are placeholders: only the key and algorithm are checked.
		if _, err := clientauth.Choose([]string{clientauth.MethodPrivateKeyJWT}, c.ClientID, "", c.ClientAssertionKey, c.ClientAssertionAlg, c.Issuer, time.Now); err != nil {
			return fmt.Errorf("provider: ClientAssertionKey: %w", err)
		}
	}
	return nil
}

// Issuer returns the issuer identifier.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// metadata returns the discovery document; failures wrap ErrUnavailable.
func (p *Provider) metadata(ctx context.Context) (*discovery.Metadata, error) {
	m, err := p.discovery.Get(ctx)
	if err != nil {
		return nil, unavailable("discovery", err)
	}
	return m, nil
}

// authenticator returns the client authentication the provider supports.
func (p *Provider) authenticator(m *discovery.Metadata) (clientauth.Authenticator, error) {
	c := p.cfg
	auth, err := clientauth.Choose(m.TokenEndpointAuthMethodsSupported, c.ClientID, c.ClientSecret, c.ClientAssertionKey, c.ClientAssertionAlg, c.Issuer, c.Now)
	if err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	return auth, nil
}

// endpoint returns a call to the endpoint at rawURL, authenticated as the provider's metadata
// m allows; a call to the token endpoint carries a DPoP proof when Config.DPoP is set.
func (p *Provider) endpoint(m *discovery.Metadata, what, rawURL string, form url.Values) (call, error) {
	auth, err := p.authenticator(m)
	if err != nil {
		return call{}, err
	}
	c := call{what: what, url: rawURL, form: form, auth: auth}
	if p.cfg.DPoP != nil && rawURL == m.TokenEndpoint {
		if err := checkDPoPAlg(m, p.cfg.DPoP.Alg()); err != nil {
			return call{}, err
		}
		c.dpop = p.cfg.DPoP
	}
	return c, nil
}

// checkDPoPAlg refuses a proof algorithm the provider says it does not accept.
func checkDPoPAlg(m *discovery.Metadata, alg string) error {
	algs := m.DPoPSigningAlgValuesSupported
	if len(algs) > 0 && !slices.Contains(algs, alg) {
		return fmt.Errorf("provider: the DPoP key signs with %s but the provider accepts %v", alg, algs)
	}
	return nil
}

// keySet returns the provider's keys, fetched from jwksURI and fetched again when a token
// names a key it does not know, at most once every jwks.DefaultRefetchInterval.
func (p *Provider) keySet(jwksURI string) *jwks.KeySet {
	p.mu.Lock()
	defer p.mu.Unlock()
	ks, ok := p.keySets[jwksURI]
	if !ok {
		ks = jwks.New(jwks.Config{URL: jwksURI, Client: p.http, Now: p.cfg.Now})
		if p.keySets == nil {
			p.keySets = make(map[string]*jwks.KeySet, 1)
		}
		p.keySets[jwksURI] = ks
	}
	return ks
}
