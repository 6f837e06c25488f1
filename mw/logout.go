package mw

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/authchain/authchain/internal/returnto"
	"github.com/authchain/authchain/session"
)

// LogoutOptions configures Logout.
type LogoutOptions struct {
	// Provider is the OpenID Provider. Required.
	Provider Provider
	// Sessions deletes the session. Required.
	Sessions session.Manager
	// Transactions deletes unfinished logins. Required.
	Transactions *TransactionStore
	// AppBaseURL is the application's origin (and base path). Required.
	AppBaseURL *url.URL
	// Logger receives failures; default: discard.
	Logger *slog.Logger
}

// Logout is the logout route (GET /auth/logout?returnTo=…): it deletes the session (every
// cookie and chunk, and a stored record) and every transaction cookie, revokes the refresh
// token where the provider can, then sends the browser to the provider's logout (with
// id_token_hint, logout_hint and the post-logout returnTo, which the provider checks against
// its allowed list) or, for a local logout, to returnTo when it is on the application's own
// origin and the application's base path otherwise.
type Logout struct {
	opts LogoutOptions
}

// NewLogout returns the logout route. It panics when a required option is missing.
func NewLogout(opts LogoutOptions) *Logout {
	if opts.Provider == nil || opts.Sessions == nil || opts.Transactions == nil || opts.AppBaseURL == nil {
		panic("mw: NewLogout needs Provider, Sessions, Transactions and AppBaseURL")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Logout{opts: opts}
}

// ServeHTTP answers GET /auth/logout.
func (lo *Logout) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet) {
		return
	}
	ctx := r.Context()
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	l, err := lo.opts.Sessions.Load(ctx, r)
	if err != nil {
		lo.opts.Logger.ErrorContext(ctx, "authchain: logout: reading the session failed", "error", err)
	}
	var s *session.Session
	if l != nil {
		s = l.Session
		if err := lo.opts.Sessions.Clear(ctx, h, l); err != nil {
			lo.opts.Logger.ErrorContext(ctx, "authchain: logout: deleting the session failed", "error", err)
		}
	}
	lo.opts.Transactions.DeleteAll(h, r)

	req := LogoutRequest{ReturnTo: lo.absoluteReturnTo(r.URL.Query().Get("returnTo"))}
	if s != nil {
		req.IDTokenHint, req.LogoutHint = s.TokenSet.IDToken, s.Internal.SID
		if rt := s.TokenSet.RefreshToken; rt != "" {
			if err := lo.opts.Provider.Revoke(ctx, rt); err != nil {
				lo.opts.Logger.WarnContext(ctx, "authchain: logout: revoking the refresh token failed", "error", err)
			}
		}
	}
	target, err := lo.opts.Provider.LogoutURL(ctx, req)
	if err != nil {
		lo.opts.Logger.ErrorContext(ctx, "authchain: logout: provider", "error", err)
		writeErrorPage(w, http.StatusBadGateway, "provider_unavailable",
			"You are signed out of this application, but the identity provider could not be reached.")
		return
	}
	if target == "" {
		target = lo.localReturnTo(r.URL.Query().Get("returnTo"))
	}
	http.Redirect(w, r, target, http.StatusFound)
}

// absoluteReturnTo resolves returnTo against the application's base URL for the provider; an
// empty or unparsable one is the base URL itself.
func (lo *Logout) absoluteReturnTo(raw string) string {
	if raw == "" {
		return lo.opts.AppBaseURL.String()
	}
	u, err := lo.opts.AppBaseURL.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return lo.opts.AppBaseURL.String()
	}
	return u.String()
}

// localReturnTo keeps returnTo only when it is on the application's own origin; otherwise
// it is the application's base path.
func (lo *Logout) localReturnTo(raw string) string {
	if safe, ok := returnto.Safe(raw, lo.opts.AppBaseURL); ok {
		return safe
	}
	if p := lo.opts.AppBaseURL.Path; p != "" {
		return p
	}
	return "/"
}
