package authchain

import (
	"context"
	"net/http"

	"github.com/authchain/authchain/internal/reqstate"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/session"
)

// SessionFrom returns the session that Client.Middleware put in ctx, with every change made so
// far, or nil when the request is signed out (or the middleware did not run). It is
// mw.SessionFrom.
func SessionFrom(ctx context.Context) *session.Session { return mw.SessionFrom(ctx) }

// UserFrom returns a copy of the signed-in user of ctx, and whether the request is signed in.
// A signed-out request gets the zero User, whose claims are all empty. Changing the copy
// changes nothing: update the session with UpdateSession.
func UserFrom(ctx context.Context) (session.User, bool) {
	if s := SessionFrom(ctx); s != nil {
		return s.User.Clone(), true
	}
	return session.User{}, false
}

// Session returns the request's session, or nil, nil when it is signed out. Inside
// Client.Middleware it is the session of the request's context, with every change made so
// far; elsewhere it is read from the request's cookies. Only a store failure is an error.
func (c *Client) Session(r *http.Request) (*session.Session, error) {
	if st := reqstate.From[*session.Session](r.Context()); st != nil {
		return st.Session(), nil
	}
	l, err := c.sessions.Load(r.Context(), r)
	if err != nil {
		return nil, err
	}
	return l.Session, nil
}

// UpdateSession replaces the signed-in user's session with s (its internal data is kept).
// Inside Client.Middleware the change is written when the response starts, and later readers
// of the same request see it; it returns ErrHeadersWritten when the response has already
// started. Elsewhere it writes the cookies to w at once: call it before writing the response.
// It returns ErrNoSession when the request is signed out.
func (c *Client) UpdateSession(w http.ResponseWriter, r *http.Request, s *session.Session) error {
	if st := reqstate.From[*session.Session](r.Context()); st != nil {
		return st.Update(s)
	}
	l, err := c.sessions.Load(r.Context(), r)
	if err != nil {
		return err
	}
	if l.Session == nil {
		return ErrNoSession
	}
	s.Internal = l.Session.Internal
	return c.sessions.Save(r.Context(), w.Header(), l, s, session.SaveOptions{})
}
