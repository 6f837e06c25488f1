package mw

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// AccessTokenRouteOptions configures AccessTokenRoute.
type AccessTokenRouteOptions struct {
	// Tokens obtains the token for the query's audience and scope (both may be empty),
	// refreshing it when needed: an *AccessTokens. Required.
	Tokens AccessTokenGetter
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives unexpected failures; default: discard.
	Logger *slog.Logger
}

// AccessTokenGetter hands out the signed-in user's access tokens; *AccessTokens is one.
type AccessTokenGetter interface {
	// AccessToken returns the token q asks for, or a *token.Error.
	AccessToken(w http.ResponseWriter, r *http.Request, q AccessTokenRequest) (*token.AccessToken, error)
}

// accessTokenBody is the route's success answer.
type accessTokenBody struct {
	Token     string `json:"token"`
	Scope     string `json:"scope,omitempty"`
	ExpiresAt int64  `json:"expires_at"`
	ExpiresIn int64  `json:"expires_in"`
	TokenType string `json:"token_type,omitempty"`
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// CodeCrossSiteRequest is the error code of the access-token route's answer (403) to a request
// another site sent: it may refresh and rotate the session's tokens, so it is refused.
const CodeCrossSiteRequest = "cross_site_request"

// CodeSessionStoreUnavailable is the error code of the access-token route's answer (503) when
// the session cannot be read or saved, or the token cannot be refreshed, because a store
// failed: the session store, the logout records or the refresh lock shared by the instances.
// It is also the Code of a CallbackError (status 503) when the session of a login cannot be
// saved because the session store is unavailable.
const CodeSessionStoreUnavailable = "session_store_unavailable"

// AccessTokenRoute is the access-token route (GET /auth/access-token?audience=&scope=, and
// mergeScopes=false to ask for exactly scope), for
// the application's browser code: 200 {"token","scope","expires_at","expires_in","token_type"},
// or 401 {"error":{"code","message"}} with a token.Error code. When the provider demands
// multi-factor authentication the answer is 403 {"error":"mfa_required","error_description",
// "mfa_token","mfa_requirements"}, the original's shape, mfa_token sealed. A request whose
// Sec-Fetch-Site is cross-site gets 403 with the code CodeCrossSiteRequest, and changes
// nothing; when the session store, the logout records or the store of the refresh lock
// shared by the instances fails (an error wrapping session.ErrUnavailable), the answer is 503
// with the code CodeSessionStoreUnavailable and Retry-After: 1. Every answer is
// Cache-Control: no-store. The refresh token and the ID token are never handed out.
func AccessTokenRoute(opts AccessTokenRouteOptions) http.Handler {
	if opts.Tokens == nil {
		panic("mw: AccessTokenRoute needs Tokens")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowMethods(w, r, http.MethodGet) {
			return
		}
		if isCrossSite(r) {
			writeError(w, http.StatusForbidden, CodeCrossSiteRequest, "the access token is not handed to other sites")
			return
		}
		q := r.URL.Query()
		at, err := opts.Tokens.AccessToken(w, r, AccessTokenRequest{
			Audience: q.Get("audience"), Scope: q.Get("scope"), NoMergeScopes: q.Get("mergeScopes") == "false",
		})
		if err != nil {
			writeTokenError(w, r, err, opts.Logger)
			return
		}
		body := accessTokenBody{Token: at.Token, Scope: at.Scope, TokenType: at.TokenType}
		if !at.ExpiresAt.IsZero() {
			body.ExpiresAt = at.ExpiresAt.Unix()
			body.ExpiresIn = max(0, int64(at.ExpiresAt.Sub(opts.Now())/time.Second))
		}
		writeJSON(w, http.StatusOK, body)
	})
}

func writeTokenError(w http.ResponseWriter, r *http.Request, err error, logger *slog.Logger) {
	if writeMFARequired(w, err) {
		return
	}
	var te *token.Error
	// AccessTokens fails with errors other than *token.Error only when the session store does;
	// a *token.Error wraps session.ErrUnavailable when a shared store failed, such as the
	// refresh lock of a provider.Coordinator: the refresh was not refused, it can be retried.
	if !errors.As(err, &te) || errors.Is(err, session.ErrUnavailable) {
		logger.ErrorContext(r.Context(), "authchain: access token: the session store failed", "error", err)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, CodeSessionStoreUnavailable, "the session store is unavailable; try again")
		return
	}
	if te.Code == token.CodeFailedToRefreshToken || te.Code == token.CodeFailedToSaveSession {
		logger.WarnContext(r.Context(), "authchain: access token refresh failed", "error", err)
	}
	writeError(w, http.StatusUnauthorized, te.Code, te.Message)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	var body errorBody
	body.Error.Code, body.Error.Message = code, message
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
