package authchain

import (
	"net/http"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/token"
)

// AccessTokenOption tunes one AccessToken call.
type AccessTokenOption interface{ apply(*mw.AccessTokenRequest) }

type accessTokenOption func(*mw.AccessTokenRequest)

func (o accessTokenOption) apply(q *mw.AccessTokenRequest) { o(q) }

// WithAudience asks for a token for another API than the session's default: the provider
// issues it from the refresh token (Auth0's multi-resource refresh tokens) and the session
// keeps it until it expires.
func WithAudience(audience string) AccessTokenOption {
	return accessTokenOption(func(q *mw.AccessTokenRequest) { q.Audience = audience })
}

// WithScope asks for a token with this scope (space-separated). When Config.AudienceScopes
// has the audience, the scope asked for is that audience's scope merged with this one (the
// words of both, each once), unless WithoutMergeScopes is given.
func WithScope(scope string) AccessTokenOption {
	return accessTokenOption(func(q *mw.AccessTokenRequest) { q.Scope = scope })
}

// WithoutMergeScopes asks for exactly the scope of WithScope, not merged with the audience's
// scope in Config.AudienceScopes.
func WithoutMergeScopes() AccessTokenOption {
	return accessTokenOption(func(q *mw.AccessTokenRequest) { q.NoMergeScopes = true })
}

// WithRefresh refreshes the token even when it has not expired.
func WithRefresh() AccessTokenOption {
	return accessTokenOption(func(q *mw.AccessTokenRequest) { q.Refresh = true })
}

func accessTokenRequest(opts []AccessTokenOption) mw.AccessTokenRequest {
	var q mw.AccessTokenRequest
	for _, o := range opts {
		o.apply(&q)
	}
	return q
}

// AccessToken returns an access token of the signed-in user, refreshed with the refresh token
// when it has expired (or expires within Config.TokenRefreshBuffer). The refreshes of one
// refresh token run one at a time, whatever audience or scope they ask for: requests that need
// the same refresh at the same moment share one call to the provider, and a request whose
// refresh token another request has just rotated continues with the new one (and saves both
// refreshes' tokens). A rotated refresh token and new user claims are saved in the session:
// inside Client.Middleware when the response starts (call AccessToken before writing),
// elsewhere at once into w's headers.
//
// Errors are *token.Error with Code missing_session, missing_refresh_token,
// failed_to_refresh_token (the session is kept; the cause holds the provider's
// *provider.Error when it sent one, which errors.As also converts to *oauth2.RetrieveError;
// it wraps session.ErrUnavailable when the RefreshCoordinator's lock could not be taken),
// failed_to_save_session (the provider rotated the refresh token but the session cannot be
// saved: the response has started, ErrHeadersWritten, or the session no longer fits its
// cookies, session.ErrTooLarge), mfa_required (the provider demands multi-factor
// authentication: errors.As finds a *token.MFARequiredError with the sealed mfa_token, the
// requirements, the audience and the scope; see StartLogin for a step-up login) or
// session_expired.
func (c *Client) AccessToken(w http.ResponseWriter, r *http.Request, opts ...AccessTokenOption) (*token.AccessToken, error) {
	return c.tokens.AccessToken(w, r, accessTokenRequest(opts))
}

// TokenSource returns an oauth2.TokenSource backed by the request's access token, for
// x/oauth2's clients: oauth2.NewClient(r.Context(), client.TokenSource(w, r)) calls an API
// with it. Each token it hands out comes from AccessToken with opts, refreshed and saved the
// same way; make the calls before writing the response. x/oauth2's client sends the token
// with every request, redirects to other hosts included, and cannot send a DPoP token's
// proofs: HTTPClient does both.
func (c *Client) TokenSource(w http.ResponseWriter, r *http.Request, opts ...AccessTokenOption) oauth2.TokenSource {
	return c.tokens.TokenSource(w, r, accessTokenRequest(opts))
}
