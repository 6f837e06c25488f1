package session

import (
	"context"
	"errors"
	"time"
)

// ErrUnavailable is wrapped by the errors of a shared store (a Store, LogoutRecorder,
// ReplayCache) that could not be reached: the request that needs it cannot be answered, and the
// middleware answers 503 Service Unavailable, never "signed out".
var ErrUnavailable = errors.New("session: the session store is unavailable")

// LogoutRecord says that the sessions of one provider session (SID), or of one user (Subject,
// when SID is empty), that began before At are logged out: what a back-channel logout token
// leaves for sessions that live only in cookies.
type LogoutRecord struct {
	// SID is the provider's session id (the ID token's sid); empty when the logout named only
	// the user.
	SID string
	// Subject is the user (the ID token's sub).
	Subject string
	// At is when the logout happened.
	At time.Time
}

// LogoutRecorder keeps the logout records of back-channel logouts, so that a Stateless
// manager refuses the sessions they name. Implementations must be safe for concurrent use;
// one shared by every instance of an application (Redis) makes a logout reach all of them.
type LogoutRecorder interface {
	// RecordLogout keeps r until expires (the sessions' absolute duration after r.At: no
	// session it names can live longer).
	RecordLogout(ctx context.Context, r LogoutRecord, expires time.Time) error
	// LoggedOut reports whether a session of sid and sub that began at created is logged out:
	// a record for sid, or for sub without a sid, at or after created. It is on the path of
	// every signed-in request: implementations answer from memory, and say in their docs how
	// stale the answer may be.
	LoggedOut(ctx context.Context, sid, sub string, created time.Time) (bool, error)
}

// ReplayForgetter is an optional ReplayCache capability: forget an id that FirstUse recorded,
// so that a request that failed after recording it (a back-channel logout whose sessions could
// not be ended) can be retried with the same id.
type ReplayForgetter interface {
	// Forget removes id; forgetting an unknown id is not an error.
	Forget(ctx context.Context, id string) error
}

// ReplayCache remembers single-use identifiers, such as the jti of logout tokens, for as long
// as they could be presented again. Implementations must be safe for concurrent use.
type ReplayCache interface {
	// FirstUse records id until the given time and reports whether this is its first use: false
	// when id was recorded before and has not expired.
	FirstUse(ctx context.Context, id string, until time.Time) (bool, error)
}
