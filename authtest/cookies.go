package authtest

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/authchain/authchain/session"
)

// DefaultSID is the provider session id a session gets when the caller gives none.
const DefaultSID = "auth0-sid"

// DefaultTokenLifetime is how long from Options.Now a session's access token lives when the
// session gives it no expiry.
const DefaultTokenLifetime = time.Hour

// Options are the settings the application under test uses.
type Options struct {
	// Secret is the application's secret (AUTH0_SECRET). Required.
	Secret string
	// Cookie is the session cookie's name and attributes; zero means the defaults. For an
	// application on https set Secure, as the application's cookie is: the name then takes
	// the "__Host-" prefix, as the application's does.
	Cookie session.CookieOptions
	// Lifetime is the application's session lifetime; zero means the defaults.
	Lifetime session.Lifetime
	// Format is the application's cookie format (Config.Session.CookieFormat); empty means
	// the default.
	Format session.CookieFormat
	// Now is the clock; default time.Now. Use the application's clock when it has its own.
	Now func() time.Time
}

// SessionCookies returns the cookies that make a request signed in as s, chunked when s is
// large. When s has no creation time, it gets the original SDK's default internal data: sid
// "auth0-sid" and createdAt now. When s has no login subject (Internal.Subject), it gets the
// user's sub claim, as a login would have recorded it. When s has an access token and no
// expiry (TokenSet.ExpiresAt), the token expires DefaultTokenLifetime after opts' clock, so
// that the application's AccessToken returns it as it is instead of refreshing it at the
// provider; set ExpiresAt to test an expired token. s is not modified.
func SessionCookies(s *session.Session, opts Options) ([]*http.Cookie, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	m, err := session.NewStateless(session.StatelessConfig{
		Secret:   opts.Secret,
		Cookie:   opts.Cookie,
		Lifetime: opts.Lifetime,
		Now:      now,
		Format:   opts.Format,
	})
	if err != nil {
		return nil, fmt.Errorf("authtest: %w", err)
	}
	c := s.Clone()
	if c.Internal.CreatedAt.IsZero() {
		if c.Internal.SID == "" {
			c.Internal.SID = DefaultSID
		}
		c.Internal.CreatedAt = now()
	}
	if c.TokenSet.AccessToken != "" && c.TokenSet.ExpiresAt.IsZero() {
		c.TokenSet.ExpiresAt = now().Add(DefaultTokenLifetime)
	}
	if c.Internal.Subject == "" {
		c.Internal.Subject = c.User.Subject()
	}
	h := http.Header{}
	if err := m.Save(context.Background(), h, nil, c, session.SaveOptions{NewSession: true}); err != nil {
		return nil, fmt.Errorf("authtest: %w", err)
	}
	resp := http.Response{Header: h}
	return resp.Cookies(), nil
}

// WithSession adds the cookies of s to r, so that r is signed in as s.
func WithSession(r *http.Request, s *session.Session, opts Options) error {
	cookies, err := SessionCookies(s, opts)
	if err != nil {
		return err
	}
	for _, c := range cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return nil
}
