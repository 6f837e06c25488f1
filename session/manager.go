package session

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// ErrSessionGone is returned by Save when the stored session was deleted (by logout or
// back-channel logout) after the request read it: the write is refused so that the session
// does not come back. The caller treats the user as signed out.
var ErrSessionGone = errors.New("session: the session was deleted meanwhile")

// Manager reads and writes the sessions of one application.
type Manager interface {
	// Load reads the session r carries. A missing, invalid or expired session is a Loaded
	// whose Session is nil, not an error; only a Store failure is an error.
	Load(ctx context.Context, r *http.Request) (*Loaded, error)
	// Save writes s as the session of the request l was loaded from: it adds the Set-Cookie
	// headers (and Cache-Control: no-store) to h, and deletes the stale session cookies the
	// request carried.
	Save(ctx context.Context, h http.Header, l *Loaded, s *Session, opts SaveOptions) error
	// Clear deletes the session of the request l was loaded from: its cookies (only those the
	// request carried) and, for a stored session, the record.
	Clear(ctx context.Context, h http.Header, l *Loaded) error
}

// Checker is implemented by a Manager that can refuse a session for its content: Check
// reports, without writing anything, the error Save would return for s. The stateless manager
// refuses a session too large for its cookies (ErrTooLarge).
type Checker interface {
	// Check returns the error Save would return for s, without writing anything.
	Check(s *Session) error
}

// SaveOptions tune one Save.
type SaveOptions struct {
	// NewSession marks a session that was just created by a login: a stored session gets a
	// fresh id and the record under the old one is deleted, which stops session fixation.
	// Default off: the session keeps its id.
	NewSession bool
}

// Loaded is what Load found in a request.
type Loaded struct {
	// Session is the session, or nil when the request is signed out.
	Session *Session
	// Due reports that the session should be written again: a rolling session whose threshold
	// has passed, or one whose cookies need tidying (leftover chunks).
	Due bool

	carried cookieSet // the canonical session cookies the request carried
	id      string    // the stored session's id (stateful)
	lines   []string  // the request's Cookie header lines, for the cookies read only on a write
}

// Carried reports whether the request carried any session cookie, valid or not.
func (l *Loaded) Carried() bool { return l != nil && l.carried != 0 }

// NeedsClearing reports whether the request carried session cookies that do not make a
// session (tampered, expired, badly chunked): the response should clear them.
func (l *Loaded) NeedsClearing() bool { return l != nil && l.Session == nil && l.carried != 0 }

// deleteUnused deletes the carried cookies that the new write does not set.
func deleteUnused(h http.Header, opts CookieOptions, carried, written cookieSet) {
	(carried &^ written).each(opts.Name, func(name string) { opts.DeleteCookie(h, name) })
}

// noStore marks a response that sets session cookies as uncacheable, so that no shared cache
// hands one user's session to another.
func noStore(h http.Header) { h.Set("Cache-Control", "no-store") }

// clock returns now, or time.Now when now is nil.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
