// Package reqstate carries the session of one request, as mw's RollingSession keeps it, in the
// request's context, so that the packages above mw read and change it without mw exporting its
// plumbing. It is generic in the session's type so that it imports nothing of authchain.
package reqstate

import "context"

// State is the session of one request.
type State[S any] interface {
	// Session returns the request's session; the zero S when it is signed out.
	Session() S
	// Update replaces the request's session with s, to be written when the response starts.
	Update(s S) error
}

type key struct{}

// With returns a copy of ctx that carries st.
func With[S any](ctx context.Context, st State[S]) context.Context {
	return context.WithValue(ctx, key{}, st)
}

// From returns the State of sessions of type S that ctx carries, or nil.
func From[S any](ctx context.Context) State[S] {
	st, _ := ctx.Value(key{}).(State[S])
	return st
}
