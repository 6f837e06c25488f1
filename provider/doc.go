// Package provider is the relying party's side of OpenID Connect: it talks to one OpenID
// Provider on behalf of one client.
//
// A Provider discovers the provider's endpoints (OpenID Connect Discovery 1.0), builds the
// authorization URL (pushing the request first with PAR, RFC 9126), checks the authorization
// response's issuer (RFC 9207), exchanges the code (RFC 6749 §4.1.3 with PKCE, RFC 7636) and
// verifies the ID token (OpenID Connect Core §3.1.3.7), refreshes tokens (RFC 6749 §6) one at a
// time per refresh token, exchanges a refresh token for an access token of a connection (RFC
// 8693, Auth0's Token Vault), revokes refresh tokens (RFC 7009), builds the logout URL
// (RP-Initiated Logout 1.0, or Auth0's /v2/logout) and verifies back-channel logout tokens
// (Back-Channel Logout 1.0 §2.6). Every call to the token, PAR and revocation endpoints
// takes one path, with one client-authentication step (client_secret_basic,
// client_secret_post, private_key_jwt or none, chosen from the provider's metadata).
//
// Errors fall in three groups: *Error when the provider answered with an error (it converts to
// x/oauth2's *oauth2.RetrieveError with errors.As), ErrUnavailable when the provider could not
// be used (no answer, a 5xx, a malformed document), ErrInvalidIDToken when an ID token
// fails a check, and ErrInvalidLogoutToken when a logout token does.
//
// Package provider knows nothing of HTTP handlers or sessions: package mw builds the login,
// callback and logout routes on it, and package authchain wires both from one Config.
package provider
