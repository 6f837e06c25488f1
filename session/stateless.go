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
}

// Stateless keeps the whole session sealed in the browser's cookies, chunked when it is large.
type Stateless struct {
	codec  *Codec
	cookie CookieOptions
	life   Lifetime
	now    func() time.Time
}

var _ Manager = (*Stateless)(nil)

// NewStateless returns a Stateless manager. Keys are derived here, once.
func NewStateless(cfg StatelessConfig) (*Stateless, error) {
	codec, err := NewCodec(PurposeSession, cfg.Secret, cfg.RetiredSecrets...)
	if err != nil {
		return nil, err
	}
	return &Stateless{
		codec:  codec,
		cookie: cfg.Cookie.WithDefaults(),
		life:   cfg.Lifetime.WithDefaults(),
		now:    clock(cfg.Now),
	}, nil
}

// Load reads the session r carries. It never fails: any cookie that does not open is "no
// session".
func (m *Stateless) Load(_ context.Context, r *http.Request) (*Loaded, error) {
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
	l.Session = s
	l.Due = stale != 0 || retired || m.life.Due(&s.Internal, now)
	return l, nil
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
