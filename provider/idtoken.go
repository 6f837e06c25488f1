package provider

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authchain/authchain/internal/discovery"
	"github.com/authchain/authchain/internal/jwks"
)

// IDTokenCheck is what an ID token must match beyond its signature, issuer, audience and
// expiry.
type IDTokenCheck struct {
	// Nonce is the nonce the login sent.
	Nonce string
	// MaxAge is the max_age the login asked for; negative when none.
	MaxAge time.Duration
	// Refresh marks the ID token of a refresh (OpenID Connect Core §12.2): no nonce is
	// expected, and its subject must be Subject.
	Refresh bool
	// Subject is the subject a refreshed ID token must name: the login's. When it is unknown
	// (empty), only the rest is checked, and the caller must not take the ID token's claims
	// for the user's.
	Subject string
}

// verifyIDToken verifies an ID token and returns its claims: go-oidc checks the signature
// against the provider's keys (never none or HMAC), iss, aud and exp; checkClaims the rest.
func (p *Provider) verifyIDToken(ctx context.Context, m *discovery.Metadata, raw, accessToken string, check IDTokenCheck) (map[string]any, error) {
	algs := slices.DeleteFunc(slices.Clone(m.IDTokenSigningAlgValuesSupported), func(a string) bool { return a == "none" || a == "" })
	keys := &fetchAwareKeySet{keys: p.keySet(m.JWKSURI)}
	verifier := oidc.NewVerifier(p.cfg.Issuer, keys, &oidc.Config{
		ClientID:             p.cfg.ClientID,
		SupportedSigningAlgs: algs,
		Now:                  p.cfg.Now,
	})
	idt, err := verifier.Verify(ctx, raw)
	if keys.fetchErr != nil {
		return nil, unavailable("the provider's keys", keys.fetchErr)
	}
	if err != nil {
		return nil, invalidIDToken(err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, invalidIDToken(err)
	}
	if err := p.checkClaims(idt, claims, check); err != nil {
		return nil, invalidIDToken(err)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(accessToken); err != nil {
			return nil, invalidIDToken(err)
		}
	}
	return claims, nil
}

// checkClaims checks what go-oidc leaves to the relying party: sub, nonce (or, after a
// refresh, the login's subject), azp, iat and auth_time against max_age, with a 30 second
// tolerance for the clocks.
func (p *Provider) checkClaims(idt *oidc.IDToken, claims map[string]any, check IDTokenCheck) error {
	now := p.cfg.Now()
	if idt.Subject == "" {
		return errors.New("no sub claim")
	}
	if check.Refresh {
		if check.Subject != "" && idt.Subject != check.Subject {
			return errors.New("the refreshed ID token names another subject")
		}
	} else if idt.Nonce != check.Nonce {
		return errors.New("the nonce does not match the login's")
	}
	azp, hasAzp := claims["azp"].(string)
	if (len(idt.Audience) > 1 && !hasAzp) || (hasAzp && azp != p.cfg.ClientID) {
		return errors.New("the azp claim does not name this client")
	}
	if idt.IssuedAt.IsZero() {
		return errors.New("no iat claim")
	}
	if idt.IssuedAt.After(now.Add(clockTolerance)) {
		return errors.New("issued in the future")
	}
	if check.MaxAge >= 0 {
		authTime, ok := claims["auth_time"].(float64)
		if !ok {
			return errors.New("max_age was requested but there is no auth_time claim")
		}
		if time.Unix(int64(authTime), 0).Add(check.MaxAge + clockTolerance).Before(now) {
			return errors.New("the authentication is older than max_age")
		}
	}
	return nil
}

// fetchAwareKeySet is the provider's key set as go-oidc uses it, remembering a failure to fetch
// the keys, which go-oidc's error does not carry: that is the provider being unavailable, not
// an invalid token. It serves one verification.
type fetchAwareKeySet struct {
	keys     *jwks.KeySet
	fetchErr error
}

// VerifySignature implements oidc.KeySet.
func (k *fetchAwareKeySet) VerifySignature(ctx context.Context, jws string) ([]byte, error) {
	payload, err := k.keys.VerifySignature(ctx, jws)
	if errors.Is(err, jwks.ErrFetch) {
		k.fetchErr = err
	}
	return payload, err
}
