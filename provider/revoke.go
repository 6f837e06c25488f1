package provider

import (
	"context"
	"net/url"
)

// Revoke revokes a refresh token at the provider's revocation endpoint (RFC 7009 §2.1, with
// the token_type_hint refresh_token). A provider without a revocation endpoint, and an empty
// token, give nil. A 2xx answer is success, also for a token the provider did not know (RFC
// 7009 §2.2); an error answer is an *Error, such as unsupported_token_type or a 503.
//
// The token is revoked as Refresh spends one: never while a refresh of it runs, and when a
// refresh has just replaced it, the newest token of the rotations is revoked (the replaced one
// is spent already, and the new one may be in the session of the request that refreshed).
func (p *Provider) Revoke(ctx context.Context, refreshToken string) error {
	if refreshToken == "" {
		return nil
	}
	m, err := p.metadata(ctx)
	if err != nil || m.RevocationEndpoint == "" {
		return err
	}
	_, err = p.refresher.withNewest(ctx, refreshToken, func(ctx context.Context, rt string) error {
		form := url.Values{"token": {rt}, "token_type_hint": {"refresh_token"}}
		c, err := p.endpoint(m, "revocation endpoint", m.RevocationEndpoint, form)
		if err != nil {
			return err
		}
		return postForm(ctx, p.http, c, nil)
	})
	return err
}
