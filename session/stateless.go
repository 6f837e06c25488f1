package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrTooLarge is returned by Save when a session does not fit in MaxChunks cookies.
var ErrTooLarge = errors.New("session: the session is too large for cookies; keep fewer claims (BeforeSessionSaved) or use a Store")

// StatelessConfig configures a Stateless manager.
type StatelessConfig struct {
	// Secret seals sessions; at least 32 bytes.
	Secret string
	// RetiredSecrets still open sessions sealed before a rotation.
	RetiredSecrets []string
	// Cookie sets the cookie's name and attributes.
	Cookie CookieOptions
	// Lifetime sets how long sessions live.
	Lifetime Lifetime
	// Now is the clock; default time.Now.
	Now func() time.Time
	// LogoutRecords, when set, are the back-channel logouts Load checks every session
	// against: a session they name reads as signed out, and its cookies are cleared. Nil
	// checks nothing.
	LogoutRecords LogoutRecorder
	// LogoutRecordsFailOpen keeps sessions signed in while LogoutRecords cannot be read. By
	// default (fail-closed) Load then returns an error wrapping ErrUnavailable, and the
	// middleware answers 503: a user whose session was logged out must not stay signed in
	// because the records are unreachable. Fail-open suits applications that put
	// availability first: during an outage of the records, logged-out sessions keep working.
	LogoutRecordsFailOpen bool
}

// Stateless keeps the whole session sealed in the browser's cookies, chunked when it is large.
type Stateless struct {
	codec    *Codec
	cookie   CookieOptions
	life     Lifetime
	now      func() time.Time
	records  LogoutRecorder
	failOpen bool
}

var _ Manager = (*Stateless)(nil)

// NewStateless returns a Stateless manager. Keys are derived here, once.
func NewStateless(cfg StatelessConfig) (*Stateless, error) {
	codec, err := NewCodec(PurposeSession, cfg.Secret, cfg.RetiredSecrets...)
	if err != nil {
		return nil, err
	}
	return &Stateless{
		codec:    codec,
		cookie:   cfg.Cookie.WithDefaults(),
		life:     cfg.Lifetime.WithDefaults(),
		now:      clock(cfg.Now),
		records:  cfg.LogoutRecords,
		failOpen: cfg.LogoutRecordsFailOpen,
	}, nil
}

// Load reads the session r carries: any cookie that does not open is "no session", and so is
// a session the logout records name (its cookies are then cleared). It fails only when the
// logout records cannot be read, unless LogoutRecordsFailOpen: the error wraps ErrUnavailable.
func (m *Stateless) Load(ctx context.Context, r *http.Request) (*Loaded, error) {
	found, carried, ok := family(r, m.cookie.Name)
	l := &Loaded{carried: carried}
	if !ok || carried == 0 {
		return l, nil
	}
	sealed, stale, ok := joinValue(found)
	if !ok {
		return l, nil
	}
	s := new(Session)
	retired, err := m.codec.decode(m.cookie.Name, sealed, s)
	if err != nil {
		return l, nil
	}
	now := m.now()
	if m.life.Expired(&s.Internal, now) {
		return l, nil
	}
	if out, err := m.loggedOut(ctx, s); out || err != nil {
		return l, err
	}
	l.Session = s
	l.Due = stale != 0 || retired || m.life.Due(&s.Internal, now)
	return l, nil
}

// loggedOut reports whether the logout records name s. A failure to read them is an error
// wrapping ErrUnavailable, or with LogoutRecordsFailOpen, "not logged out".
func (m *Stateless) loggedOut(ctx context.Context, s *Session) (bool, error) {
	if m.records == nil {
		return false, nil
	}
	out, err := m.records.LoggedOut(ctx, s.Internal.SID, s.Subject(), s.Internal.CreatedAt)
	switch {
	case err == nil:
		return out, nil
	case m.failOpen:
		return false, nil
	case errors.Is(err, ErrUnavailable):
		return false, fmt.Errorf("session: reading the logout records: %w", err)
	}
	return false, fmt.Errorf("%w: reading the logout records: %w", ErrUnavailable, err)
}

var _ Checker = (*Stateless)(nil)

// Check seals s as Save would, without writing anything, and returns ErrTooLarge when it does
// not fit in the cookies.
func (m *Stateless) Check(s *Session) error {
	c := *s // stamping changes only Internal, a value
	m.life.stamp(&c.Internal, m.now())
	_, err := m.seal(&c)
	return err
}

// seal encodes s and splits it into cookie values.
func (m *Stateless) seal(s *Session) ([]string, error) {
	sealed, err := m.codec.Encode(m.cookie.Name, s)
	if err != nil {
		return nil, err
	}
	values := splitValue(sealed)
	if values == nil {
		return nil, fmt.Errorf("%w (%d bytes sealed)", ErrTooLarge, len(sealed))
	}
	return values, nil
}

// Save seals s into the response's cookies, with a new expiry, and deletes the request's
// session cookies that the new value does not use. It records the write in s.Internal.
func (m *Stateless) Save(_ context.Context, h http.Header, l *Loaded, s *Session, _ SaveOptions) error {
	now := m.now()
	m.life.stamp(&s.Internal, now)
	values, err := m.seal(s)
	if err != nil {
		return err
	}
	written := writeValues(h, m.cookie, values, s.Internal.ExpiresAt, now)
	if l != nil {
		deleteUnused(h, m.cookie, l.carried, written)
	}
	noStore(h)
	return nil
}

// Clear deletes the session cookies the request carried.
func (m *Stateless) Clear(_ context.Context, h http.Header, l *Loaded) error {
	if l.Carried() {
		deleteUnused(h, m.cookie, l.carried, 0)
		noStore(h)
	}
	return nil
}

// writeValues sets one cookie per value (the name itself, or chunks) and returns them.
func writeValues(h http.Header, opts CookieOptions, values []string, expires, now time.Time) cookieSet {
	if len(values) == 1 {
		opts.SetCookie(h, opts.Name, values[0], expires, now)
		return bit(wholeIndex)
	}
	for i, v := range values {
		opts.SetCookie(h, chunkName(opts.Name, i), v, expires, now)
	}
	return chunks(len(values))
}
