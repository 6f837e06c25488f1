package mw

import (
	"log/slog"
	"net/http"

	"github.com/authchain/authchain/internal/reqstate"
	"github.com/authchain/authchain/session"
)

// RollingSessionOptions configures RollingSession.
type RollingSessionOptions struct {
	// Manager reads and writes sessions. Required.
	Manager session.Manager
	// Logger receives store failures; default: discard.
	Logger *slog.Logger
}

// writeUnavailable answers 503: the session store (or the logout records) cannot be read, and
// the request can be neither signed in nor signed out. The client may retry at once.
func writeUnavailable(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Retry-After", "1")
	http.Error(w, "The session store is unavailable; try again.", http.StatusServiceUnavailable)
}

// RollingSession reads the request's session and puts it in the request's context (see
// SessionFrom and UpdateSession), where every later handler reads and changes it. It writes the session back once,
// when the response starts (the first WriteHeader, Write or Flush, or when the handler returns
// without writing): when a handler changed it, when it is a rolling session due for a new
// expiry, or to clear cookies that do not make a session. A response that sets session
// cookies is marked Cache-Control: no-store.
//
// Every response to a signed-in request is kept out of shared caches, since it may show the
// user: at that same moment its Cache-Control becomes at least private and Vary gains Cookie.
// A handler may set its own value first: no-store and private stay as they are, public is
// replaced by private, and private is added to any other value (max-age=60 becomes
// max-age=60, private). Pages that show the user should still say no-store themselves: a
// browser may otherwise keep them after logout.
//
// A request without session cookies passes through untouched, with nothing added to its
// context. When the session cannot be read (the Manager's Load fails: a session store or the
// logout records are unreachable), the failure is logged and the request is answered 503
// Service Unavailable (Retry-After: 1, Cache-Control: no-store), its cookies kept: it is
// neither served as signed out, which would lose the user's session, nor as signed in.
// RollingSession panics when opts.Manager is nil.
func RollingSession(opts RollingSessionOptions) func(http.Handler) http.Handler {
	if opts.Manager == nil {
		panic("mw: RollingSession needs a session.Manager")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			l, err := opts.Manager.Load(r.Context(), r)
			if err != nil {
				logger.ErrorContext(r.Context(), "authchain: reading the session failed", "error", err)
				writeUnavailable(w)
				return
			}
			if l.Session == nil && !l.Carried() {
				next.ServeHTTP(w, r)
				return
			}
			st := newRequestState(opts.Manager, l, logger)
			r = r.WithContext(reqstate.With[*session.Session](r.Context(), st))
			ctx := r.Context()
			cw := &hookWriter{ResponseWriter: w, hook: func(code int, h http.Header) {
				if isFinal(code) {
					st.commit(ctx, h)
				}
			}}
			next.ServeHTTP(cw, r)
			cw.finish()
		})
	}
}
