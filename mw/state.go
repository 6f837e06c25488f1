package mw

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/authchain/authchain/session"
)

// ErrHeadersWritten is returned when a handler changes the session after the response has
// started: the Set-Cookie header can no longer be sent.
var ErrHeadersWritten = errors.New("authchain: the response has started; the session can no longer change")

// ErrNoSession is returned when a handler updates the session of a signed-out request.
var ErrNoSession = errors.New("authchain: the request has no session")

// stateKey is the context key of a request's *State.
type stateKey struct{}

// State is the session of one request, shared by every handler of the chain through the
// request's context. RollingSession creates it and commits it once, when the response starts:
// a change any handler makes reaches the browser and every later reader of the same request.
// It is safe for concurrent use by the goroutines of one request.
type State struct {
	manager session.Manager
	logger  *slog.Logger

	mu        sync.Mutex
	loaded    *session.Loaded
	current   *session.Session
	changed   bool // the session was replaced or updated
	cleared   bool // the session was ended
	committed bool
}

// StateFrom returns the request's session state, or nil when no RollingSession middleware
// found a session for it.
func StateFrom(ctx context.Context) *State {
	st, _ := ctx.Value(stateKey{}).(*State)
	return st
}

// WithState returns a copy of ctx that carries st.
func WithState(ctx context.Context, st *State) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

// NewState returns the state of a request that m loaded as l.
func NewState(m session.Manager, l *session.Loaded, logger *slog.Logger) *State {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	st := &State{manager: m, logger: logger, loaded: l}
	if l != nil {
		st.current = l.Session
	}
	return st
}

// Session returns the request's session, or nil when it is signed out.
func (st *State) Session() *session.Session {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.current
}

// Update replaces the request's session with s, to be written when the response starts. It
// returns ErrNoSession when the request is signed out and ErrHeadersWritten when the response
// has already started.
func (st *State) Update(s *session.Session) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case st.committed:
		return ErrHeadersWritten
	case st.current == nil:
		return ErrNoSession
	}
	s.Internal = st.current.Internal
	st.current, st.changed = s, true
	return nil
}

// Clear ends the request's session: its cookies (and stored record) are deleted when the
// response starts. It returns ErrHeadersWritten when the response has already started.
func (st *State) Clear() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.committed {
		return ErrHeadersWritten
	}
	st.current, st.cleared, st.changed = nil, true, false
	return nil
}

// Commit writes the session's headers to h if anything needs writing: a changed session, a
// rolling session that is due, or cookies to clear. When the request carried a session, it
// also keeps the response out of shared caches, whatever the handler set: Cache-Control at
// least private (no-store when cookies are written) and Vary: Cookie. It runs once; later
// calls do nothing.
func (st *State) Commit(ctx context.Context, h http.Header) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.committed {
		return
	}
	st.committed = true
	st.write(ctx, h)
	if st.signedIn() {
		markPrivate(h)
	}
}

// signedIn reports whether the request carried a session or now has one: its response may
// show the user.
func (st *State) signedIn() bool {
	return st.current != nil || (st.loaded != nil && st.loaded.Session != nil)
}

// write adds the session's cookies to h, or the headers that delete them, as needed.
func (st *State) write(ctx context.Context, h http.Header) {
	switch {
	case st.cleared || (st.current == nil && st.loaded.Carried()):
		st.clear(ctx, h)
	case st.current != nil && (st.changed || (st.loaded != nil && st.loaded.Due)):
		err := st.manager.Save(ctx, h, st.loaded, st.current, session.SaveOptions{})
		if errors.Is(err, session.ErrSessionGone) {
			st.current = nil
			st.clear(ctx, h)
			return
		}
		if err != nil {
			st.logger.ErrorContext(ctx, "authchain: writing the session failed", "error", err)
		}
	}
}

func (st *State) clear(ctx context.Context, h http.Header) {
	if err := st.manager.Clear(ctx, h, st.loaded); err != nil {
		st.logger.ErrorContext(ctx, "authchain: deleting the session failed", "error", err)
	}
}
