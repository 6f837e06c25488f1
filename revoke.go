package authchain

import (
	"net/http"

	"github.com/authchain/authchain/token"
)

// RevokeRefreshToken revokes the signed-in user's refresh token at the provider's revocation
// endpoint (RFC 7009) and removes it from the session, which stays signed in with its access
// and ID tokens until they expire; AccessToken then answers missing_refresh_token for an
// expired token. The session is saved as UpdateSession saves it: inside Client.Middleware when
// the response starts (call RevokeRefreshToken before writing), elsewhere at once into w's
// headers. A provider without a revocation endpoint cannot revoke: the token is only removed
// from the session.
//
// Errors are *token.Error with Code missing_session (signed out), missing_refresh_token (the
// session has none), failed_to_revoke (the provider refused or could not be reached; the
// session is unchanged; the cause holds the provider's *provider.Error when it sent one) or
// failed_to_save_session (the token is revoked but the session still holds it: the response
// has started, ErrHeadersWritten, or the store failed). A session store that cannot be read
// gives its own error (Session's).
func (c *Client) RevokeRefreshToken(w http.ResponseWriter, r *http.Request) error {
	s, err := c.Session(r)
	switch {
	case err != nil:
		return err
	case s == nil:
		return &token.Error{Code: token.CodeMissingSession, Message: "the request is signed out"}
	case s.TokenSet.RefreshToken == "":
		return &token.Error{Code: token.CodeMissingRefreshToken, Message: "the session has no refresh token"}
	}
	if err := c.provider.Revoke(r.Context(), s.TokenSet.RefreshToken); err != nil {
		return &token.Error{Code: token.CodeFailedToRevoke, Message: "the provider did not revoke the refresh token", Err: err}
	}
	s = s.Clone()
	s.TokenSet.RefreshToken = ""
	if err := c.UpdateSession(w, r, s); err != nil {
		return &token.Error{Code: token.CodeFailedToSaveSession, Message: "the refresh token is revoked but the session could not be saved", Err: err}
	}
	return nil
}
