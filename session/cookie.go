package session

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultCookieName is the session cookie's name unless configured otherwise.
const DefaultCookieName = "__session"

// HostPrefix starts the name of a cookie that is Secure, has Path=/ and no Domain, unless
// CookieOptions.DisableHostPrefix is set. Browsers accept such a cookie only from a secure page
// of the very host, for the whole host (RFC 6265bis §4.1.3.2): a sibling subdomain or a plain
// http page cannot set or overwrite it, which stops cookie tossing and session fixation.
const HostPrefix = "__Host-"

// CookieOptions are the attributes of the session cookie. The cookie is always HttpOnly.
type CookieOptions struct {
	// Name is the cookie's name; default "__session". Chunks are called Name__0, Name__1, ….
	// A cookie that qualifies gets the HostPrefix in front of it (see DisableHostPrefix).
	Name string
	// Domain is the cookie's Domain attribute; default empty: a host-only cookie.
	Domain string
	// Path is the cookie's Path attribute; default "/".
	Path string
	// SameSite is the cookie's SameSite attribute; default Lax, which the login callback (a
	// top-level cross-site GET) needs.
	SameSite http.SameSite
	// Secure marks the cookie Secure: sent over HTTPS only. Default off; authchain.Client
	// turns it on when AppBaseURL is https.
	Secure bool
	// Transient makes a browser-session cookie: no Max-Age or Expires, gone when the browser
	// closes. The session still expires on the server by its lifetime. Default off: the
	// cookie expires with the session.
	Transient bool
	// DisableHostPrefix keeps Name as it is. Without it, a cookie that is Secure, has Path "/"
	// and no Domain is named HostPrefix + Name ("__Host-__session"): turning Secure on (an
	// https AppBaseURL does) renames the cookie, so the sessions written under the old name
	// end once. Set it to keep the old name, or to share the cookie with an application that
	// reads the unprefixed name.
	DisableHostPrefix bool
}

// WithDefaults returns o with empty fields set to their defaults, and Name with the HostPrefix
// when the cookie qualifies.
func (o CookieOptions) WithDefaults() CookieOptions {
	if o.Name == "" {
		o.Name = DefaultCookieName
	}
	if o.Path == "" {
		o.Path = "/"
	}
	if o.SameSite == 0 || o.SameSite == http.SameSiteDefaultMode {
		o.SameSite = http.SameSiteLaxMode
	}
	if o.hostOnly() && !strings.HasPrefix(o.Name, HostPrefix) {
		o.Name = HostPrefix + o.Name
	}
	return o
}

// hostOnly reports whether the cookie takes the HostPrefix: Secure, Path "/", no Domain, and
// the prefix not disabled.
func (o CookieOptions) hostOnly() bool {
	return o.Secure && o.Path == "/" && o.Domain == "" && !o.DisableHostPrefix
}

// SetCookie appends a Set-Cookie header for name=value to h, expiring at expires (unless the
// options are transient). value must be a valid cookie value (the codec's output is).
func (o CookieOptions) SetCookie(h http.Header, name, value string, expires, now time.Time) {
	maxAge := int64(expires.Sub(now.Truncate(time.Second)) / time.Second)
	if maxAge < 1 {
		maxAge = 1
	}
	h.Add("Set-Cookie", o.format(name, value, maxAge, expires))
}

// DeleteCookie appends a Set-Cookie header that deletes the cookie called name, repeating the
// attributes it was set with so the browser matches it.
func (o CookieOptions) DeleteCookie(h http.Header, name string) {
	h.Add("Set-Cookie", o.format(name, "", -1, time.Unix(0, 0)))
}

// format writes a Set-Cookie value; maxAge -1 means delete, and transient options omit both
// Max-Age and Expires on a cookie that is not being deleted.
func (o CookieOptions) format(name, value string, maxAge int64, expires time.Time) string {
	var b strings.Builder
	b.Grow(len(name) + len(value) + len(o.Path) + len(o.Domain) + 128)
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(value)
	b.WriteString("; Path=")
	b.WriteString(o.Path)
	if o.Domain != "" {
		b.WriteString("; Domain=")
		b.WriteString(strings.TrimPrefix(o.Domain, "."))
	}
	switch {
	case maxAge < 0:
		b.WriteString("; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0")
	case !o.Transient:
		var scratch [64]byte
		b.WriteString("; Expires=")
		b.Write(expires.UTC().AppendFormat(scratch[:0], http.TimeFormat))
		b.WriteString("; Max-Age=")
		b.Write(strconv.AppendInt(scratch[:0], maxAge, 10))
	}
	b.WriteString("; HttpOnly")
	if o.Secure {
		b.WriteString("; Secure")
	}
	switch o.SameSite {
	case http.SameSiteStrictMode:
		b.WriteString("; SameSite=Strict")
	case http.SameSiteNoneMode:
		b.WriteString("; SameSite=None")
	default:
		b.WriteString("; SameSite=Lax")
	}
	return b.String()
}
