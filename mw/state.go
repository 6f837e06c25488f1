package mw

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/authchain/authchain/internal/reqstate"
	"github.com/authchain/authchain/session"
)

// ErrHeadersWritten is returned when a handler changes the session after the response has
// started: the Set-Cookie header can no longer be sent.
var ErrHeadersWritten = errors.New("mw: the response has started; the session can no longer change")

// ErrNoSession is returned when a handler updates the session of a signed-out request.
var ErrNoSession = errors.New("mw: the request has no session")

// requestState is the session of one request, shared by every handler of the chain through
// the request's context. RollingSession creates it and commits it once, when the response
// starts: a change any handler makes reaches the browser and every later reader of the same
// request. It is safe for concurrent use by the goroutines of one request.
type requestState struct {
	manager session.Manager
	logger  *slog.Logger

	mu        sync.Mutex
	loaded    *session.Loaded
	current   *session.Session
	changed   bool // the session was replaced or updated
	committed bool
}

var _ reqstate.State[*session.Session] = (*requestState)(nil)

// stateFrom returns the request's session state, or nil when no RollingSession middleware
// found a session for it.
func stateFrom(ctx context.Context) *requestState {
	st, _ := reqstate.From[*session.Session](ctx).(*requestState)
	return st
}

// newRequestState returns the state of a request that m loaded as l.
func newRequestState(m session.Manager, l *session.Loaded, logger *slog.Logger) *requestState {
	st := &requestState{manager: m, logger: logger, loaded: l}
	if l != nil {
		st.current = l.Session
	}
	return st
}

// SessionFrom returns the session RollingSession put in ctx, with every change made so far, or
// nil when the request is signed out (or RollingSession did not run).
func SessionFrom(ctx context.Context) *session.Session {
	if st := stateFrom(ctx); st != nil {
		return st.Session()
	}
	return nil
}

// UpdateSession replaces the session of ctx's request with s (its internal data is kept), to
// be written when the response starts; later readers of the same request see it. It returns
// ErrNoSession when the request is signed out or RollingSession did not run, and
// ErrHeadersWritten when the response has already started.
func UpdateSession(ctx context.Context, s *session.Session) error {
	st := stateFrom(ctx)
	if st == nil {
		return ErrNoSession
	}
	return st.Update(s)
}

// Session returns the request's session, or nil when it is signed out.
func (st *requestState) Session() *session.Session {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.current
}

// Update replaces the request's session with s, to be written when the response starts. It
// returns ErrNoSession when the request is signed out and ErrHeadersWritten when the response
// has already started.
func (st *requestState) Update(s *session.Session) error {
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

// commit writes the session's headers to h if anything needs writing: a changed session, a
// rolling session that is due, or cookies to clear. When the request carried a session, it
// also keeps the response out of shared caches, whatever the handler set: Cache-Control at
// least private (no-store when cookies are written) and Vary: Cookie. It runs once; later
// calls do nothing.
func (st *requestState) commit(ctx context.Context, h http.Header) {
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
func (st *requestState) signedIn() bool {
	return st.current != nil || (st.loaded != nil && st.loaded.Session != nil)
}

// write adds the session's cookies to h, or the headers that delete them, as needed.
func (st *requestState) write(ctx context.Context, h http.Header) {
	switch {
	case st.current == nil && st.loaded.Carried():
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

func (st *requestState) clear(ctx context.Context, h http.Header) {
	if err := st.manager.Clear(ctx, h, st.loaded); err != nil {
		st.logger.ErrorContext(ctx, "authchain: deleting the session failed", "error", err)
	}
}
