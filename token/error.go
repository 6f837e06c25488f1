package token

import "time"

// Error codes of Error.
const (
	// CodeMissingSession: the request is signed out.
	CodeMissingSession = "missing_session"
	// CodeMissingRefreshToken: the access token is missing or expired and the session has no
	// refresh token (log in with offline_access to get one).
	CodeMissingRefreshToken = "missing_refresh_token"
	// CodeFailedToRefreshToken: the provider refused the refresh or could not be reached; the
	// session is kept (it only takes newer tokens that concurrent requests obtained with its
	// refresh token). The cause is in Err (the provider's OAuth error when it sent one).
	CodeFailedToRefreshToken = "failed_to_refresh_token"
	// CodeFailedToSaveSession: the provider rotated the refresh token but the session with the
	// new one cannot be saved (the response has started, the session no longer fits its
	// cookies, or the store failed; the cause is in Err). The token is withheld, since the
	// session still holds the old refresh token, which the provider will refuse once the new
	// one is in use.
	CodeFailedToSaveSession = "failed_to_save_session"
	// CodeFailedToExchangeRefreshToken: the provider refused to exchange the session's
	// refresh token (or access token) for a connection's access token, or could not be
	// reached; the session no longer keeps a token it had for that connection and login hint.
	// The cause is in Err (the provider's OAuth error when it sent one).
	CodeFailedToExchangeRefreshToken = "failed_to_exchange_refresh_token"
	// CodeSessionExpired: the session ended (expired or logged out elsewhere) while the token
	// was being obtained.
	CodeSessionExpired = "session_expired"
)

// Error is why an access token could not be obtained. Use errors.As to read its Code. Its
// message never contains a token.
type Error struct {
	// Code is one of the Code constants.
	Code string
	// Message explains the error in a sentence fit for a log or an API answer.
	Message string
	// Err is the cause, if any.
	Err error
}

// Error returns the code, the message and the cause; never a token.
func (e *Error) Error() string {
	if e.Err != nil {
		return "token: " + e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return "token: " + e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// AccessToken is an access token handed to the application.
type AccessToken struct {
	// Token is the access token itself.
	Token string
	// ExpiresAt is when it expires.
	ExpiresAt time.Time
	// Scope is the scope the provider granted.
	Scope string
	// TokenType is the token type, such as "Bearer".
	TokenType string
	// Audience is the API the token is for; empty for the session's default.
	Audience string
}
