// Package reqstate carries the session of one request, as mw's RollingSession keeps it, in the
// request's context, so that the packages above mw read and change it without mw exporting its
// plumbing.
package reqstate

import (
	"context"

	"github.com/authchain/authchain/session"
)

// State is the session of one request.
type State interface {
	// Session returns the request's session, or nil when it is signed out.
	Session() *session.Session
	// Update replaces the request's session with s, to be written when the response starts.
	Update(s *session.Session) error
}

type key struct{}

// With returns a copy of ctx that carries st.
func With(ctx context.Context, st State) context.Context {
	return context.WithValue(ctx, key{}, st)
}

// From returns the State ctx carries, or nil.
func From(ctx context.Context) State {
	st, _ := ctx.Value(key{}).(State)
	return st
}
