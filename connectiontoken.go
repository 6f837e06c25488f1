package authchain

import (
	"net/http"

	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/token"
)

// The subject token types of ConnectionTokenOptions (RFC 8693 §3).
const (
	// SubjectTokenTypeRefreshToken exchanges the session's refresh token; the default.
	SubjectTokenTypeRefreshToken = provider.SubjectTokenTypeRefreshToken
	// SubjectTokenTypeAccessToken exchanges the session's access token, refreshed first when
	// it has expired.
	SubjectTokenTypeAccessToken = provider.SubjectTokenTypeAccessToken
)

// ConnectionTokenOptions say which connection's access token AccessTokenForConnection asks
// for: the original's AccessTokenForConnectionOptions.
type ConnectionTokenOptions struct {
	// Connection names the connection, an identity provider upstream of the OpenID Provider
	// such as Auth0's "google-oauth2". Required.
	Connection string
	// LoginHint names the account of the connection the token is for (login_hint); a call
	// without one gets only a token obtained without one.
	LoginHint string
	// SubjectTokenType is SubjectTokenTypeRefreshToken (the default) or
	// SubjectTokenTypeAccessToken.
	SubjectTokenType string
}

// AccessTokenForConnection returns an access token of a connection (Auth0's Token Vault): the
// one the session keeps for that connection and login hint until it expires (or expires within
// Config.TokenRefreshBuffer, when the session has a refresh token), else a new one, for which
// the provider exchanges the session's refresh token, or its access token (RFC 8693, Auth0's
// federated-connection grant). A new token is saved in the session: inside Client.Middleware
// when the response starts (call AccessTokenForConnection before writing), elsewhere at once
// into w's headers. The session keeps at most eight such tokens.
//
// Errors are *token.Error with Code missing_session (signed out), missing_refresh_token (the
// session has none, and no unexpired token of the connection), failed_to_exchange_refresh_token
// (the provider refused or could not be reached, or has no Token Vault: unsupported_grant_type;
// the token the session kept for the connection and hint is dropped; the cause holds the
// provider's *provider.Error when it sent one), or with SubjectTokenTypeAccessToken an error of
// AccessToken. An empty Connection, another SubjectTokenType and a session store that cannot
// be read give errors of their own.
func (c *Client) AccessTokenForConnection(w http.ResponseWriter, r *http.Request, opts ConnectionTokenOptions) (*token.ConnectionToken, error) {
	return c.tokens.ConnectionToken(w, r, mw.ConnectionTokenRequest{
		Connection: opts.Connection, LoginHint: opts.LoginHint, SubjectTokenType: opts.SubjectTokenType,
	})
}
