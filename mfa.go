package authchain

import "github.com/authchain/authchain/token"

// OpenMFAToken opens the sealed mfa_token of a *token.MFARequiredError (or of the
// access-token route's 403 answer): the provider's mfa_token for its MFA API, and the
// audience and scope it was issued for. It fails with mw.ErrInvalidMFAToken for a value this
// application did not seal, and mw.ErrMFATokenExpired once Config.MFATokenTTL has passed.
func (c *Client) OpenMFAToken(sealed string) (*token.MFAContext, error) {
	return c.tokens.OpenMFAToken(sealed)
}
