package mw

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/authchain/authchain/dpop"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// AccessTokenRequest asks for one access token of the signed-in user.
type AccessTokenRequest struct {
	// Audience asks for a token for another API than the session's default: the provider
	// issues it from the refresh token (Auth0's multi-resource refresh tokens) and the session
	// keeps it until it expires.
	Audience string
	// Scope asks for a token with this scope (space-separated).
	Scope string
	// Refresh refreshes the token even when it has not expired.
	Refresh bool
	// NoMergeScopes asks for exactly Scope, not merged with the audience's scope in
	// AccessTokensOptions.AudienceScopes.
	NoMergeScopes bool
}

// AccessTokensOptions configures AccessTokens.
type AccessTokensOptions struct {
	// Provider refreshes tokens. Required.
	Provider RefreshProvider
	// Sessions reads and writes sessions. Required.
	Sessions session.Manager
	// BeforeSessionSaved, when set, decides what the session keeps of a refreshed ID token's
	// claims, as at login; without it the session keeps DefaultUserClaims.
	BeforeSessionSaved BeforeSessionSavedFunc
	// RefreshBuffer refreshes a token this long before it expires, when the session has a
	// refresh token; default none.
	RefreshBuffer time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives failures to save refreshed tokens; default: discard.
	Logger *slog.Logger
	// AudienceScopes is the default scope of each audience (Auth0's multi-resource refresh
	// tokens): a request for an audience without a scope asks for its scope, and a scope a
	// request asks for is merged with it unless NoMergeScopes. The login's audience maps to
	// the login's scope. Default none: requests ask for exactly their scope.
	AudienceScopes map[string]string
	// MFATokens seals the provider's mfa_token when it demands multi-factor authentication
	// (token.MFARequiredError): a codec of purpose PurposeMFAToken. Without it the error
	// carries no MFA token.
	MFATokens *session.Codec
	// MFATokenTTL is how long a sealed MFA token opens; default DefaultMFATokenTTL.
	MFATokenTTL time.Duration
	// DPoP is the key the provider binds the tokens to (provider.Config.DPoP), which HTTPClient
	// makes its proofs with; default none.
	DPoP *dpop.Key
	// ConnectionProvider exchanges the session's tokens for access tokens of connections
	// (ConnectionToken); default Provider, when it is a ConnectionTokenProvider (as
	// *provider.Provider is).
	ConnectionProvider ConnectionTokenProvider
}

// AccessTokens hands out the signed-in user's access tokens, refreshing them with the refresh
// token when they have expired, and saves what the refresh changed in the session. Build it
// with NewAccessTokens; it is safe for concurrent use.
type AccessTokens struct {
	opts AccessTokensOptions
	// stored is set when sessions live in a store that other instances share.
	stored bool
}

// NewAccessTokens returns an AccessTokens. It panics when a required option is missing or
// MFATokenTTL is negative.
func NewAccessTokens(opts AccessTokensOptions) *AccessTokens {
	if opts.Provider == nil || opts.Sessions == nil {
		panic("mw: NewAccessTokens needs Provider and Sessions")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := checkMFATokenTTL(opts.MFATokenTTL); err != nil {
		panic(err)
	}
	if opts.MFATokenTTL == 0 {
		opts.MFATokenTTL = DefaultMFATokenTTL
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ConnectionProvider == nil {
		opts.ConnectionProvider, _ = opts.Provider.(ConnectionTokenProvider)
	}
	_, stored := opts.Sessions.(*session.Stateful)
	return &AccessTokens{opts: opts, stored: stored}
}

// AccessToken returns the access token q asks for, refreshed with the refresh token when it has
// expired (or expires within RefreshBuffer); a session without a refresh token gets its token
// until it expires. The refreshes of one refresh token run one at a time, whatever audience or
// scope they ask for: requests that need the same refresh at the same moment share one call to
// the provider, and a request whose refresh token another request has just rotated continues
// with the new one (and saves both refreshes' tokens). A rotated refresh token and new user
// claims are saved in the session: behind RollingSession when the response starts (call
// AccessToken before writing), elsewhere at once into w's headers.
//
// Errors are *token.Error with Code missing_session, missing_refresh_token,
// failed_to_refresh_token (the session is kept; the cause holds the provider's
// *provider.Error when it sent one), failed_to_save_session (the provider rotated the refresh
// token but the session cannot be saved: the response has started, ErrHeadersWritten, or the
// session no longer fits its cookies, session.ErrTooLarge), mfa_required (the provider
// demands multi-factor authentication; the cause is a *token.MFARequiredError with the sealed
// MFA token) or session_expired. Other errors come from the session store.
func (a *AccessTokens) AccessToken(w http.ResponseWriter, r *http.Request, q AccessTokenRequest) (*token.AccessToken, error) {
	ctx := r.Context()
	st, l, s, err := a.current(r)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errMissingSession()
	}
	q.Scope = a.requestedScope(s, q)
	at, updated, err := a.obtain(ctx, r, s, q)
	if updated != nil {
		// Saved even when obtain failed after the refresh: the provider has rotated the
		// refresh token, and the old one must never be spent again.
		if perr := a.persist(w, r, st, l, s, updated); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		return nil, err
	}
	return at, nil
}

// current returns the request's session (nil when signed out): behind RollingSession the one
// its state st holds, elsewhere the one loaded as l.
func (a *AccessTokens) current(r *http.Request) (*requestState, *session.Loaded, *session.Session, error) {
	if st := stateFrom(r.Context()); st != nil {
		return st, nil, st.Session(), nil
	}
	l, err := a.opts.Sessions.Load(r.Context(), r)
	if err != nil {
		return nil, nil, nil, err
	}
	return nil, l, l.Session, nil
}

func errMissingSession() error {
	return &token.Error{Code: token.CodeMissingSession, Message: "the user does not have an active session"}
}

// obtain returns the token q asks for from s, refreshing when needed; updated is the session
// to save, nil when nothing changed.
func (a *AccessTokens) obtain(ctx context.Context, r *http.Request, s *session.Session, q AccessTokenRequest) (*token.AccessToken, *session.Session, error) {
	if at := a.valid(s, q); at != nil {
		return at, nil, nil
	}
	if a.stored {
		// Another instance may have refreshed this session already: use its tokens rather than
		// spend a refresh token it rotated out.
		latest, err := a.latest(ctx, r, s)
		if err != nil {
			return nil, nil, err
		}
		if latest != s {
			if at := a.valid(latest, q); at != nil {
				return at, latest, nil
			}
			s = latest
		}
	}
	at, updated, err := a.refresh(ctx, s, q)
	if err != nil && isInvalidGrant(err) && a.stored {
		// The refresh token was rotated by another instance between the read and the refresh.
		latest, lerr := a.latest(ctx, r, s)
		if lerr != nil {
			return nil, nil, lerr
		}
		if latest != s {
			return a.refresh(ctx, latest, q)
		}
	}
	return at, updated, err
}

// valid returns the session's token for q when it is valid beyond the refresh buffer and no
// refresh is asked for. A session without a refresh token cannot refresh: its token is valid
// until it expires, and one whose expiry the provider did not say does not expire.
func (a *AccessTokens) valid(s *session.Session, q AccessTokenRequest) *token.AccessToken {
	audience, isDefault := targetAudience(s, q)
	current := findToken(s, audience, q.Scope, isDefault)
	if current == nil || current.Token == "" || q.Refresh {
		return nil
	}
	if s.TokenSet.RefreshToken == "" {
		if current.ExpiresAt.IsZero() || a.opts.Now().Before(current.ExpiresAt) {
			return current
		}
		return nil
	}
	if !a.opts.Now().Add(a.opts.RefreshBuffer).Before(current.ExpiresAt) {
		return nil
	}
	return current
}

// latest reads the stored session again; it returns s itself when the store holds the same
// refresh token.
func (a *AccessTokens) latest(ctx context.Context, r *http.Request, s *session.Session) (*session.Session, error) {
	fresh, err := a.opts.Sessions.Load(ctx, r)
	if err != nil {
		return nil, err
	}
	if fresh.Session == nil {
		return nil, &token.Error{Code: token.CodeSessionExpired, Message: "the session ended while the token was refreshed"}
	}
	if fresh.Session.TokenSet.RefreshToken == s.TokenSet.RefreshToken {
		return s, nil
	}
	return fresh.Session, nil
}
