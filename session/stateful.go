package session

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// idBytes is the size of a session id: 256 random bits.
const idBytes = 32

// StatefulConfig configures a Stateful manager.
type StatefulConfig struct {
	// Store keeps the sessions. Required.
	Store Store
	// Secret seals the id cookie; at least 32 bytes. Required.
	Secret string
	// RetiredSecrets still open id cookies sealed before a rotation; default none.
	RetiredSecrets []string
	// Cookie sets the cookie's name and attributes; zero fields keep their defaults (see
	// CookieOptions).
	Cookie CookieOptions
	// Lifetime sets how long sessions live; zero fields keep their defaults (see Lifetime).
	Lifetime Lifetime
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Format is how the id cookie is sealed; default DefaultCookieFormat. In the format
	// "nextjs" it holds the JWE of {"id": …}, as the original SDK's stateful store writes it.
	Format CookieFormat
	// AcceptOtherFormat also reads id cookies sealed in the format that is not Format, and
	// writes them again in Format on the request that reads them. Default off.
	AcceptOtherFormat bool
}

// Stateful keeps sessions in a Store; the browser's cookie holds only a sealed random id.
type Stateful struct {
	store  Store
	codec  *Codec    // FormatSecureCookie; nil when that format is not read
	jwe    *JWECodec // FormatNextJS; nil when that format is not read
	format CookieFormat
	cookie CookieOptions
	life   Lifetime
	now    func() time.Time
}

var _ Manager = (*Stateful)(nil)

// NewStateful returns a Stateful manager.
func NewStateful(cfg StatefulConfig) (*Stateful, error) {
	if cfg.Store == nil {
		return nil, errors.New("session: a Stateful manager needs a Store")
	}
	if err := cfg.Format.Check(); err != nil {
		return nil, err
	}
	format := cfg.Format.WithDefault()
	codec, jwe, err := newCodecs(PurposeSessionID, format, cfg.AcceptOtherFormat, cfg.Secret, cfg.RetiredSecrets)
	if err != nil {
		return nil, err
	}
	return &Stateful{
		store:  cfg.Store,
		codec:  codec,
		jwe:    jwe,
		format: format,
		cookie: cfg.Cookie.WithDefaults(),
		life:   cfg.Lifetime.WithDefaults(),
		now:    clock(cfg.Now),
	}, nil
}

// Load reads the id cookie and fetches the session from the store. Only a store failure is an
// error.
func (m *Stateful) Load(ctx context.Context, r *http.Request) (*Loaded, error) {
	found, carried, ok := family(r, m.cookie.Name)
	l := &Loaded{carried: carried}
	if !ok {
		return l, nil
	}
	id, retired, ok := m.readID(found)
	if !ok {
		return l, nil
	}
	s, err := m.store.Get(ctx, id)
	if err != nil {
		return l, fmt.Errorf("session: loading stored session: %w", err)
	}
	if s == nil {
		return l, nil
	}
	l.id = id
	now := m.now()
	if m.life.Expired(&s.Internal, now) {
		if err := m.store.Delete(ctx, id); err != nil {
			return l, fmt.Errorf("session: deleting expired session: %w", err)
		}
		return l, nil
	}
	l.Session = s
	l.Due = l.carried != bit(wholeIndex) || retired || m.life.Due(&s.Internal, now)
	return l, nil
}

// readID opens the one id cookie among the carried cookies; retired reports that a retired
// secret sealed it.
func (m *Stateful) readID(carried []requestCookie) (id string, retired, ok bool) {
	value, n := "", 0
	for _, c := range carried {
		if c.index == wholeIndex {
			value, n = c.value, n+1
		}
	}
	if n != 1 {
		return "", false, false
	}
	id, retired, ok = m.openID(value, m.format)
	if !ok && m.codec != nil && m.jwe != nil {
		id, _, ok = m.openID(value, m.format.other())
		retired = true
	}
	return id, retired, ok
}

// idClaims is the claims set of an id cookie in the format "nextjs".
type idClaims struct {
	ID string `json:"id"`
}

// openID opens the id cookie's value in format f.
func (m *Stateful) openID(value string, f CookieFormat) (id string, retired, ok bool) {
	if f == FormatNextJS {
		// The exp claim is the stored session's expiry, which Load checks, deleting the
		// record of an expired session: the claim is not checked here.
		var c idClaims
		var decodeErr error
		_, retired, err := m.jwe.openString(value, func(plain []byte) []byte {
			decodeErr = json.Unmarshal(plain, &c)
			return nil
		})
		return c.ID, retired, err == nil && decodeErr == nil && c.ID != ""
	}
	plain, retired, err := m.codec.open(m.cookie.Name, value)
	if err != nil || len(plain) == 0 {
		return "", false, false
	}
	return string(plain), retired, true
}

// sealID seals the id cookie's value, expiring at expires.
func (m *Stateful) sealID(id string, expires time.Time) (string, error) {
	if m.format == FormatNextJS {
		return m.jwe.EncodeJWT(idClaims{ID: id}, expires)
	}
	return m.codec.Seal(m.cookie.Name, []byte(id))
}

// Save stores s and sets the id cookie. A new session (login) gets a fresh id and the record
// under the old id is deleted. An existing session is only replaced while it still exists:
// when it was deleted meanwhile, Save returns ErrSessionGone and writes nothing.
func (m *Stateful) Save(ctx context.Context, h http.Header, l *Loaded, s *Session, opts SaveOptions) error {
	now := m.now()
	m.life.stamp(&s.Internal, now)
	expires := s.Internal.ExpiresAt
	var carried cookieSet
	oldID := ""
	if l != nil {
		carried, oldID = l.carried, l.id
	}
	id, err := m.storeSession(ctx, oldID, s, expires, opts.NewSession)
	if err != nil {
		return err
	}
	sealed, err := m.sealID(id, expires)
	if err != nil {
		return err
	}
	m.cookie.SetCookie(h, m.cookie.Name, sealed, expires, now)
	deleteUnused(h, m.cookie, carried, bit(wholeIndex))
	noStore(h)
	if l != nil {
		l.id = id
	}
	return nil
}

// storeSession writes s and returns the id it is stored under.
func (m *Stateful) storeSession(ctx context.Context, oldID string, s *Session, expires time.Time, fresh bool) (string, error) {
	if oldID == "" || fresh {
		if oldID != "" {
			if err := m.store.Delete(ctx, oldID); err != nil {
				return "", fmt.Errorf("session: deleting the replaced session: %w", err)
			}
		}
		id, err := newID()
		if err != nil {
			return "", err
		}
		if err := m.store.Set(ctx, id, s, expires); err != nil {
			return "", fmt.Errorf("session: storing session: %w", err)
		}
		return id, nil
	}
	if err := m.update(ctx, oldID, s, expires); err != nil {
		return "", err
	}
	return oldID, nil
}

// update replaces the session under id only while it exists.
func (m *Stateful) update(ctx context.Context, id string, s *Session, expires time.Time) error {
	if u, ok := m.store.(Updater); ok {
		updated, err := u.Update(ctx, id, s, expires)
		if err != nil {
			return fmt.Errorf("session: updating stored session: %w", err)
		}
		if !updated {
			return ErrSessionGone
		}
		return nil
	}
	current, err := m.store.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("session: updating stored session: %w", err)
	}
	if current == nil {
		return ErrSessionGone
	}
	if err := m.store.Set(ctx, id, s, expires); err != nil {
		return fmt.Errorf("session: updating stored session: %w", err)
	}
	return nil
}

// Clear deletes the stored session and the cookies the request carried.
func (m *Stateful) Clear(ctx context.Context, h http.Header, l *Loaded) error {
	if l == nil {
		return nil
	}
	var err error
	if l.id != "" {
		if derr := m.store.Delete(ctx, l.id); derr != nil {
			err = fmt.Errorf("session: deleting stored session: %w", derr)
		}
		l.id = ""
	}
	if l.Carried() {
		deleteUnused(h, m.cookie, l.carried, 0)
		noStore(h)
	}
	return err
}

func newID() (string, error) {
	b := make([]byte, idBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session: generating an id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
