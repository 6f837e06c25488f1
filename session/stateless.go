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
	// Secret seals sessions; at least 32 bytes. Required.
	Secret string
	// RetiredSecrets still open sessions sealed before a rotation; default none.
	RetiredSecrets []string
	// Cookie sets the cookie's name and attributes; zero fields keep their defaults (see
	// CookieOptions).
	Cookie CookieOptions
	// Lifetime sets how long sessions live; zero fields keep their defaults (see Lifetime).
	Lifetime Lifetime
	// Now is the clock; default time.Now.
	Now func() time.Time
	// LogoutRecords, when set, are the back-channel logouts Load checks every session
	// against: a session they name reads as signed out, and its cookies are cleared. Nil
	// checks nothing.
	LogoutRecords LogoutRecorder
	// Format is how the cookies are sealed and chunked; default DefaultCookieFormat.
	Format CookieFormat
	// AcceptOtherFormat also reads sessions sealed in the format that is not Format, and
	// writes them again in Format on the request that reads them, so that a deployment
	// switches formats without signing anybody out. Default off.
	AcceptOtherFormat bool
	// LogoutRecordsFailOpen keeps sessions signed in while LogoutRecords cannot be read. By
	// default (fail-closed) Load then returns an error wrapping ErrUnavailable, and the
	// middleware answers 503: a user whose session was logged out must not stay signed in
	// because the records are unreachable. Fail-open suits applications that put
	// availability first: during an outage of the records, logged-out sessions keep working.
	LogoutRecordsFailOpen bool
}

// Stateless keeps the whole session sealed in the browser's cookies, chunked when it is large.
type Stateless struct {
	codec    *Codec    // FormatSecureCookie; nil when that format is not read
	jwe      *JWECodec // FormatNextJS; nil when that format is not read
	format   CookieFormat
	cookie   CookieOptions
	life     Lifetime
	now      func() time.Time
	records  LogoutRecorder
	failOpen bool
}

var _ Manager = (*Stateless)(nil)

// NewStateless returns a Stateless manager. Keys are derived here, once.
func NewStateless(cfg StatelessConfig) (*Stateless, error) {
	if err := cfg.Format.Check(); err != nil {
		return nil, err
	}
	format := cfg.Format.WithDefault()
	codec, jwe, err := newCodecs(PurposeSession, format, cfg.AcceptOtherFormat, cfg.Secret, cfg.RetiredSecrets)
	if err != nil {
		return nil, err
	}
	return &Stateless{
		codec:    codec,
		jwe:      jwe,
		format:   format,
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
	l := &Loaded{carried: carried, lines: r.Header["Cookie"]}
	if !ok || carried == 0 {
		return l, nil
	}
	now := m.now()
	s, rewrite, ok := m.read(found, m.format, now)
	if !ok && m.readsBoth() {
		s, _, ok = m.read(found, m.format.other(), now)
		rewrite = true
	}
	if !ok || m.life.Expired(&s.Internal, now) {
		return l, nil
	}
	if out, err := m.loggedOut(ctx, s); out || err != nil {
		return l, err
	}
	l.Session = s
	l.Due = rewrite || m.life.Due(&s.Internal, now)
	return l, nil
}

// readsBoth reports whether the manager reads both formats.
func (m *Stateless) readsBoth() bool { return m.codec != nil && m.jwe != nil }

// read reads the session the cookies found carry in format f. rewrite reports that they are
// to be written again: a retired secret sealed them, or some are stale.
func (m *Stateless) read(found []requestCookie, f CookieFormat, now time.Time) (s *Session, rewrite, ok bool) {
	if f == FormatNextJS {
		return m.readNext(found, now)
	}
	sealed, stale, ok := joinValue(found)
	if !ok {
		return nil, false, false
	}
	s = new(Session)
	retired, err := m.codec.decode(m.cookie.Name, sealed, s)
	if err != nil {
		return nil, false, false
	}
	return s, stale != 0 || retired, true
}

// readNext reads the session the cookies found carry in the format "nextjs": the cookies are
// joined into scratch space, opened there, and the session's JSON is read from it, copying
// only what the session keeps.
func (m *Stateless) readNext(found []requestCookie, now time.Time) (s *Session, rewrite, ok bool) {
	room := 0
	for _, c := range found {
		room += len(c.value)
	}
	p := m.jwe.buffer(openRoom(room))
	defer m.jwe.release(p)
	joined, stale, ok := joinNext((*p)[:0], found)
	if !ok {
		return nil, false, false
	}
	plain, retired, err := m.jwe.open(joined)
	if err != nil {
		return nil, false, false
	}
	s = new(Session)
	claims, err := s.unmarshalJWT(plain)
	if err != nil || !claims.validAt(now) {
		return nil, false, false
	}
	m.life.inferWritten(&s.Internal)
	return s, stale != 0 || retired, true
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
	if m.format == FormatNextJS {
		return m.sealNext(s)
	}
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
// session cookies that the new value does not use. It records the write in s.Internal. In the
// format "nextjs" it also writes the original SDK's connection token cookies (__FC_<i>) that
// the request carried again, with the new expiry, as the original does; a new session (a
// login) deletes them, as the original does.
func (m *Stateless) Save(_ context.Context, h http.Header, l *Loaded, s *Session, opts SaveOptions) error {
	now := m.now()
	m.life.stamp(&s.Internal, now)
	values, err := m.seal(s)
	if err != nil {
		return err
	}
	written := writeValues(h, m.cookie, values, s.Internal.ExpiresAt, now)
	if l != nil {
		deleteUnused(h, m.cookie, l.carried, written)
		if m.format == FormatNextJS {
			rollConnections(h, m.jwe, m.cookie, l.lines, s.Internal.ExpiresAt, now, opts.NewSession)
		}
	}
	noStore(h)
	return nil
}

// Clear deletes the session cookies the request carried, and the original SDK's connection
// token cookies.
func (m *Stateless) Clear(_ context.Context, h http.Header, l *Loaded) error {
	if l == nil {
		return nil
	}
	if l.Carried() {
		deleteUnused(h, m.cookie, l.carried, 0)
		noStore(h)
	}
	if m.jwe != nil && len(connectionCookies(l.lines)) > 0 {
		deleteConnections(h, m.cookie, l.lines)
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
