package authchain

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authchain/authchain/internal/discovery"
	"github.com/authchain/authchain/mw"
)

// Exchange trades the code for tokens (RFC 6749 §4.1.3, with the PKCE verifier of RFC 7636
// §4.5) and verifies the ID token (OpenID Connect Core §3.1.3.7): go-oidc checks the
// signature against the provider's keys, iss, aud and exp; then nonce, azp, iat, auth_time
// against max_age and at_hash are checked here, with a 30 second tolerance for the clocks.
func (p *provider) Exchange(ctx context.Context, code, codeVerifier string, check mw.IDTokenCheck) (*mw.Tokens, error) {
	m, auth, err := p.tokenEndpoint(ctx)
	if err != nil {
		return nil, err
	}
	cfg, opts, err := p.oauth2Config(m, auth)
	if err != nil {
		return nil, err
	}
	opts = append(opts, oauth2.VerifierOption(codeVerifier))
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, p.http), code, opts...)
	if err != nil {
		return nil, exchangeError(err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return nil, fmt.Errorf("%w: the token response has no ID token", mw.ErrInvalidIDToken)
	}
	claims, err := p.verifyIDToken(ctx, m, rawID, tok.AccessToken, check)
	if err != nil {
		return nil, err
	}
	scope, _ := tok.Extra("scope").(string)
	t := &mw.Tokens{
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, IDToken: rawID,
		TokenType: tok.TokenType, Scope: scope, Claims: claims,
	}
	if tok.ExpiresIn > 0 {
		t.ExpiresAt = p.now().Add(time.Duration(tok.ExpiresIn) * time.Second).Truncate(time.Second)
	}
	return t, nil
}

// exchangeError classifies a failed code exchange: an OAuth error answer is the provider
// refusing (a replayed or expired code, a wrong verifier); anything else means the provider
// could not be used.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" && (re.Response == nil || re.Response.StatusCode < 500) {
		return &mw.OAuthError{Code: re.ErrorCode, Description: re.ErrorDescription}
	}
	if errors.As(err, &re) && re.Response != nil {
		return fmt.Errorf("%w: the token endpoint answered %d", mw.ErrProviderUnavailable, re.Response.StatusCode)
	}
	return fmt.Errorf("%w: token endpoint: %w", mw.ErrProviderUnavailable, err)
}

// verifyIDToken verifies a login's ID token and returns its claims.
func (p *provider) verifyIDToken(ctx context.Context, m *discovery.Metadata, raw, accessToken string, check mw.IDTokenCheck) (map[string]any, error) {
	algs := slices.DeleteFunc(slices.Clone(m.IDTokenSigningAlgValuesSupported), func(a string) bool { return a == "none" || a == "" })
	verifier := oidc.NewVerifier(p.issuer, p.keySet(m.JWKSURI), &oidc.Config{
		ClientID:             p.clientID,
		SupportedSigningAlgs: algs,
		Now:                  p.now,
	})
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", mw.ErrInvalidIDToken, err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: %w", mw.ErrInvalidIDToken, err)
	}
	if err := p.checkClaims(idt, claims, check); err != nil {
		return nil, fmt.Errorf("%w: %w", mw.ErrInvalidIDToken, err)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(accessToken); err != nil {
			return nil, fmt.Errorf("%w: at_hash: %w", mw.ErrInvalidIDToken, err)
		}
	}
	return claims, nil
}

// checkClaims checks what go-oidc leaves to the relying party.
func (p *provider) checkClaims(idt *oidc.IDToken, claims map[string]any, check mw.IDTokenCheck) error {
	now := p.now()
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
	if (len(idt.Audience) > 1 && !hasAzp) || (hasAzp && azp != p.clientID) {
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
