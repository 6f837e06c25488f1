package provider

import (
	"context"
	"errors"
	"net/url"
)

// The token exchange (RFC 8693) of Auth0's Token Vault: the grant that trades a refresh token
// or access token of the provider for an access token of a connection (an identity provider
// upstream of it, such as "google-oauth2").
const (
	// GrantTypeFederatedConnectionAccessToken is the grant_type of the exchange.
	GrantTypeFederatedConnectionAccessToken = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"
	// RequestedTokenTypeFederatedConnectionAccessToken is the requested_token_type of the
	// exchange: an access token of the connection.
	RequestedTokenTypeFederatedConnectionAccessToken = "http://auth0.com/oauth/token-type/federated-connection-access-token"
	// SubjectTokenTypeRefreshToken says the subject token is a refresh token of the provider
	// (RFC 8693 §3); the default.
	SubjectTokenTypeRefreshToken = "urn:ietf:params:oauth:token-type:refresh_token"
	// SubjectTokenTypeAccessToken says the subject token is an access token of the provider
	// (RFC 8693 §3).
	SubjectTokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token"
)

// ConnectionTokenRequest asks for an access token of a connection.
type ConnectionTokenRequest struct {
	// SubjectToken is the token exchanged: a refresh token of the provider, or an access token
	// when SubjectTokenType says so. Required.
	SubjectToken string
	// SubjectTokenType is the type of SubjectToken; default SubjectTokenTypeRefreshToken.
	SubjectTokenType string
	// Connection names the connection, such as "google-oauth2". Required.
	Connection string
	// LoginHint names the account of the connection the token is for (sent as login_hint);
	// empty sends none.
	LoginHint string
}

// ConnectionTokenResult is what ExchangeForConnection gives one request.
type ConnectionTokenResult struct {
	// Tokens hold the connection's access token, its type, scope and expiry; nil when the
	// exchange failed.
	Tokens *Tokens
	// Followed are the rotations of other requests' refreshes that had replaced the request's
	// refresh token, oldest first (see RefreshResult.Followed): their tokens belong in the
	// session, even when the exchange failed.
	Followed []Rotation
}

// ExchangeForConnection exchanges q's subject token for an access token of q's connection
// (RFC 8693 §2.1, with Auth0's grant GrantTypeFederatedConnectionAccessToken), at the token
// endpoint and with the client authentication of every other call. The subject token is not
// spent: a refresh token stays in use.
//
// A refresh token is exchanged as Refresh spends one: never while a refresh of it runs (in
// this process, or with Config.Coordinator in another instance), and when a refresh has just
// replaced it, the exchange presents the new one and reports the rotation in Followed. A
// provider that rotates refresh tokens thus never sees a spent one again, which it would take
// for a stolen token.
//
// The result is never nil. Only the connection's access token, its type, scope and expiry are
// kept of the answer. A refusal (a revoked subject token, an unknown connection, a provider
// without the grant: unsupported_grant_type) is an *Error; an answer without an access token
// wraps ErrUnavailable.
func (p *Provider) ExchangeForConnection(ctx context.Context, q ConnectionTokenRequest) (*ConnectionTokenResult, error) {
	out := &ConnectionTokenResult{}
	switch {
	case q.SubjectToken == "":
		return out, errors.New("provider: ExchangeForConnection needs a SubjectToken")
	case q.Connection == "":
		return out, errors.New("provider: ExchangeForConnection needs a Connection")
	}
	if q.SubjectTokenType == "" {
		q.SubjectTokenType = SubjectTokenTypeRefreshToken
	}
	if q.SubjectTokenType != SubjectTokenTypeRefreshToken {
		t, err := p.exchangeForConnection(ctx, q)
		out.Tokens = t
		return out, err
	}
	var err error
	out.Followed, err = p.refresher.withNewest(ctx, q.SubjectToken, func(ctx context.Context, rt string) error {
		q.SubjectToken = rt
		t, err := p.exchangeForConnection(ctx, q)
		out.Tokens = t
		return err
	})
	return out, err
}

// exchangeForConnection is one call to the token endpoint.
func (p *Provider) exchangeForConnection(ctx context.Context, q ConnectionTokenRequest) (*Tokens, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return nil, err
	}
	form := url.Values{
		"grant_type":           {GrantTypeFederatedConnectionAccessToken},
		"subject_token":        {q.SubjectToken},
		"subject_token_type":   {q.SubjectTokenType},
		"requested_token_type": {RequestedTokenTypeFederatedConnectionAccessToken},
		"connection":           {q.Connection},
	}
	if q.LoginHint != "" {
		form.Set("login_hint", q.LoginHint)
	}
	resp, err := p.tokenRequest(ctx, m, form)
	if err != nil {
		return nil, err
	}
	t := resp.tokens(p.cfg.Now())
	t.RefreshToken, t.IDToken = "", ""
	return t, nil
}
