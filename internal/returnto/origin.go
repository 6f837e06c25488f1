package returnto

import (
	"net/url"
	"strings"
)

// validBase reports whether base can anchor a redirect: an absolute http or
// https URL with a host and no userinfo.
func validBase(base *url.URL) bool {
	if base == nil || base.Host == "" || base.User != nil || base.Opaque != "" {
		return false
	}
	s := strings.ToLower(base.Scheme)
	return s == "http" || s == "https"
}

// sameOrigin reports whether the parsed reference stays on base's origin:
// a relative reference (no scheme, no host) always does; an absolute URL
// must match base's scheme, host and port.
func sameOrigin(ref, base *url.URL) bool {
	if ref.Scheme == "" {
		return ref.Host == ""
	}
	return origin(ref) == origin(base)
}

// origin returns the RFC 6454 origin of an http or https URL in a
// comparable form, with the scheme's default port made explicit.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = defaultPort(scheme)
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

func defaultPort(scheme string) string {
	switch scheme {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}
