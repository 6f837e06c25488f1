package oidctest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Client is a relying party registered with the provider.
//
// A client with a Secret authenticates with client_secret_basic or
// client_secret_post; a client with a PublicKey with private_key_jwt (RFC 7523);
// a client with both may use either. A Public client has neither, authenticates
// with its client_id alone and must use PKCE (as every client must here).
type Client struct {
	// ID is the client_id.
	ID string
	// Secret is the client_secret.
	Secret string
	// PublicKey verifies private_key_jwt client assertions: an *rsa.PublicKey,
	// an *ecdsa.PublicKey or an ed25519.PublicKey.
	PublicKey crypto.PublicKey
	// Public marks a client that has no credentials (token_endpoint_auth_method none).
	Public bool
	// RedirectURIs are the redirect_uri values accepted, compared exactly.
	RedirectURIs []string
	// PostLogoutRedirectURIs are the post_logout_redirect_uri (end_session) and
	// returnTo (/v2/logout) values accepted, compared exactly.
	PostLogoutRedirectURIs []string
	// BackChannelLogoutURI receives logout tokens (OpenID Connect Back-Channel
	// Logout 1.0).
	BackChannelLogoutURI string
	// DPoPBoundAccessTokens refuses the client's token requests without a DPoP proof
	// (RFC 9449 §5.2, client metadata dpop_bound_access_tokens).
	DPoPBoundAccessTokens bool
}

// AddClient registers a client, replacing a client with the same ID. Clients
// can be added while the server runs, for example once a test's relying party
// knows its own URL.
func (s *Server) AddClient(c Client) error {
	if err := c.validate(); err != nil {
		return err
	}
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.PostLogoutRedirectURIs = slices.Clone(c.PostLogoutRedirectURIs)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c.ID] = c
	return nil
}

func (s *Server) client(id string) (Client, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	return c, ok
}

func (c Client) validate() error {
	if c.ID == "" {
		return errors.New("oidctest: client without ID")
	}
	if c.Public && (c.Secret != "" || c.PublicKey != nil) {
		return fmt.Errorf("oidctest: client %q: a public client has no secret or key", c.ID)
	}
	if !c.Public && c.Secret == "" && c.PublicKey == nil {
		return fmt.Errorf("oidctest: client %q: needs a Secret, a PublicKey, or Public", c.ID)
	}
	switch c.PublicKey.(type) {
	case nil, *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
	default:
		return fmt.Errorf("oidctest: client %q: unsupported public key type %T", c.ID, c.PublicKey)
	}
	for _, u := range slices.Concat(c.RedirectURIs, c.PostLogoutRedirectURIs) {
		if err := checkAbsoluteURL(u); err != nil {
			return fmt.Errorf("oidctest: client %q: %w", c.ID, err)
		}
	}
	if c.BackChannelLogoutURI != "" {
		if err := checkAbsoluteURL(c.BackChannelLogoutURI); err != nil {
			return fmt.Errorf("oidctest: client %q: %w", c.ID, err)
		}
	}
	return nil
}

// checkAbsoluteURL accepts an absolute URL without a fragment (RFC 6749 §3.1.2).
func checkAbsoluteURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("URL %q: %w", raw, err)
	}
	if !u.IsAbs() || u.Fragment != "" || u.Host == "" && u.Opaque == "" {
		return fmt.Errorf("URL %q: must be absolute and have no fragment", raw)
	}
	return nil
}

func (cfg *config) validate() error {
	if cfg.signingKey != nil {
		alg, err := keyAlg(cfg.signingKey)
		if err != nil {
			return err
		}
		if cfg.algSet && cfg.alg != alg {
			return fmt.Errorf("oidctest: WithSigningAlg(%q) does not fit the %s key of WithSigningKey", cfg.alg, alg)
		}
		cfg.alg = alg
	}
	if _, err := parseAlg(cfg.alg); err != nil {
		return err
	}
	if cfg.defaultUser.Subject == "" {
		return errors.New("oidctest: default user without Subject")
	}
	if err := checkConnections(cfg.connections); err != nil {
		return err
	}
	for name, d := range map[string]time.Duration{
		"ID token lifetime":      cfg.idTokenTTL,
		"access token lifetime":  cfg.accessTokenTTL,
		"refresh token lifetime": cfg.refreshTokenTTL,
		"code lifetime":          cfg.codeTTL,
	} {
		if d <= 0 {
			return fmt.Errorf("oidctest: %s must be positive, got %v", name, d)
		}
	}
	return nil
}
