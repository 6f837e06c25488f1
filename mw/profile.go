package mw

import (
	"log/slog"
	"net/http"

	"github.com/authchain/authchain/session"
)

// ProfileOptions configures Profile.
type ProfileOptions struct {
	// Sessions reads the session. Required.
	Sessions session.Manager
	// NoContentProfileResponseWhenUnauthenticated answers a signed-out request 204 instead of
	// 401, for pages that poll the profile and treat "signed out" as a normal answer; default
	// off (401).
	NoContentProfileResponseWhenUnauthenticated bool
	// Logger receives store failures; default: discard.
	Logger *slog.Logger
}

// Profile is the profile route (GET /auth/profile): the signed-in user's claims as JSON, or 401
// with an empty body when signed out (204 with NoContentProfileResponseWhenUnauthenticated), or
// 503 when the session cannot be read (the session store or the logout records failed). Every
// answer is Cache-Control: no-store. It reads the session without rolling it.
func Profile(opts ProfileOptions) http.Handler {
	if opts.Sessions == nil {
		panic("mw: Profile needs Sessions")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowMethods(w, r, http.MethodGet) {
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		s, err := currentSession(r, opts.Sessions)
		if err != nil {
			logger.ErrorContext(r.Context(), "authchain: profile: reading the session failed", "error", err)
			writeUnavailable(w)
			return
		}
		if s == nil {
			if opts.NoContentProfileResponseWhenUnauthenticated {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		body, err := s.User.MarshalJSON()
		if err != nil {
			logger.ErrorContext(r.Context(), "authchain: profile: encoding the user failed", "error", err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}

// currentSession returns the request's session: the one RollingSession put in its context, or
// else the one m reads from its cookies. It is nil when the request is signed out.
func currentSession(r *http.Request, m session.Manager) (*session.Session, error) {
	if st := stateFrom(r.Context()); st != nil {
		return st.Session(), nil
	}
	l, err := m.Load(r.Context(), r)
	if err != nil {
		return nil, err
	}
	return l.Session, nil
}
