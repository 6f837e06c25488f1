package mw

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// ConnectionTokenRequest asks for an access token of a connection of the signed-in user: an
// identity provider upstream of the OpenID Provider, such as Auth0's "google-oauth2".
type ConnectionTokenRequest struct {
	// Connection names the connection. Required.
	Connection string
	// LoginHint names the account of the connection the token is for (the exchange's
	// login_hint). Tokens are kept per connection and hint: a request without a hint gets
	// only a token obtained without one.
	LoginHint string
	// SubjectTokenType is what the session exchanges: provider.SubjectTokenTypeRefreshToken,
	// its refresh token (the default), or provider.SubjectTokenTypeAccessToken, its access
	// token, obtained as AccessToken obtains it (refreshed when it has expired).
	SubjectTokenType string
}

// check refuses a request without a connection or with a subject token type the session
// does not have.
func (q ConnectionTokenRequest) check() error {
	switch {
	case q.Connection == "":
		return errors.New("mw: ConnectionTokenRequest needs a Connection")
	case q.SubjectTokenType != "" && q.SubjectTokenType != provider.SubjectTokenTypeRefreshToken &&
		q.SubjectTokenType != provider.SubjectTokenTypeAccessToken:
		return fmt.Errorf("mw: ConnectionTokenRequest: unsupported SubjectTokenType %q", q.SubjectTokenType)
	}
	return nil
}

// ConnectionToken returns an access token of the connection q names (Auth0's Token Vault):
// the one the session keeps for that connection and login hint until it expires (or expires
// within RefreshBuffer, when the session has a refresh token), else a new one, for which the
// provider exchanges the session's refresh token (or access token; RFC 8693). A new token is
// saved in the session as AccessToken saves a refresh: behind RollingSession when the
// response starts (call ConnectionToken before writing), elsewhere at once into w's headers.
// The session keeps at most eight connection tokens: whenever they change, the expired ones
// are dropped, then the least recently obtained.
//
// Errors are *token.Error with Code missing_session, missing_refresh_token (the session has
// none, and no unexpired token for the connection), failed_to_exchange_refresh_token (the
// provider refused or could not be reached; the token the session kept for the connection
// and hint is dropped; the cause holds the provider's *provider.Error when it sent one), or,
// for a SubjectTokenType of access token, an error of AccessToken. A request without a
// Connection, with another SubjectTokenType, or to an AccessTokens without a
// ConnectionProvider is an error that is not a *token.Error; so are the session store's.
func (a *AccessTokens) ConnectionToken(w http.ResponseWriter, r *http.Request, q ConnectionTokenRequest) (*token.ConnectionToken, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	if a.opts.ConnectionProvider == nil {
		return nil, errors.New("mw: AccessTokensOptions has no ConnectionProvider")
	}
	st, l, s, err := a.current(r)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errMissingSession()
	}
	ct, updated, err := a.obtainConnectionToken(r, s, q)
	if updated != nil {
		if perr := a.persist(w, r, st, l, s, updated); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		return nil, err
	}
	return ct, nil
}

// obtainConnectionToken returns the token q asks for from s, exchanging for a new one when
// needed; updated is the session to save, nil when nothing changed.
func (a *AccessTokens) obtainConnectionToken(r *http.Request, s *session.Session, q ConnectionTokenRequest) (*token.ConnectionToken, *session.Session, error) {
	now := a.opts.Now()
	kept := findConnectionToken(s, q.Connection, q.LoginHint)
	if kept != nil && !kept.Expired(now, a.connectionBuffer(s)) {
		ct := *kept
		return &ct, nil, nil
	}
	subject, base, err := a.subjectToken(r.Context(), r, s, q)
	var updated *session.Session
	if base != s {
		updated = base
	}
	if err != nil {
		return nil, updated, err
	}
	res, err := a.opts.ConnectionProvider.ExchangeForConnection(r.Context(), provider.ConnectionTokenRequest{
		SubjectToken: subject, SubjectTokenType: q.SubjectTokenType, Connection: q.Connection, LoginHint: q.LoginHint,
	})
	// Refreshes of other requests replaced the refresh token first: their tokens go into the
	// session too, even when the exchange fails.
	if res != nil {
		base = a.applyRotations(base, res.Followed)
	}
	if base != s {
		updated = base
	}
	if err != nil {
		if kept != nil {
			updated = base.Clone()
			removeConnectionToken(updated, q.Connection, q.LoginHint)
			pruneConnectionTokens(updated, now)
		}
		return nil, updated, &token.Error{Code: token.CodeFailedToExchangeRefreshToken,
			Message: "exchanging the session's token for an access token of connection " + q.Connection + " failed", Err: err}
	}
	t := res.Tokens
	ct := token.ConnectionToken{
		AccessToken: t.AccessToken, Connection: q.Connection, LoginHint: q.LoginHint,
		Scope: t.Scope, ExpiresAt: t.ExpiresAt, TokenType: t.TokenType,
	}
	updated = base.Clone()
	setConnectionToken(updated, ct, now)
	return &ct, updated, nil
}

// connectionBuffer is how long before it expires a connection token of s is exchanged again:
// RefreshBuffer when s has a refresh token, else none (the token is used until it expires).
func (a *AccessTokens) connectionBuffer(s *session.Session) time.Duration {
	if s.TokenSet.RefreshToken == "" {
		return 0
	}
	return a.opts.RefreshBuffer
}

// subjectToken returns the token of s that q exchanges, and the session it comes from: s, or
// a copy with the tokens of a refresh when the access token had to be refreshed.
func (a *AccessTokens) subjectToken(ctx context.Context, r *http.Request, s *session.Session, q ConnectionTokenRequest) (string, *session.Session, error) {
	if q.SubjectTokenType == provider.SubjectTokenTypeAccessToken {
		at, updated, err := a.obtain(ctx, r, s, AccessTokenRequest{Scope: a.requestedScope(s, AccessTokenRequest{})})
		if updated == nil {
			updated = s
		}
		if err != nil {
			return "", updated, err
		}
		return at.Token, updated, nil
	}
	if s.TokenSet.RefreshToken == "" {
		return "", s, &token.Error{Code: token.CodeMissingRefreshToken,
			Message: "an access token of connection " + q.Connection + " needs a refresh token and the session has none"}
	}
	return s.TokenSet.RefreshToken, s, nil
}
