package outbound

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// RedirectError is the error of a request whose answer was a redirect the
// client did not follow. Nothing was sent to the redirect's target.
//
// The *url.Error that http.Client wraps around it names the target; the
// RedirectError names the URL that answered with the redirect.
type RedirectError struct {
	// StatusCode is the redirect's status, such as 302 or 307.
	StatusCode int
	// From is the URL that answered with the redirect, without its query
	// and user information.
	From string
	// Followed is how many redirects had been followed before this one.
	Followed int
	reason   string
}

// Error says which URL answered with a redirect and why it was not followed.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("outbound: %s answered a redirect (%d); %s", e.From, e.StatusCode, e.reason)
}

// CheckRedirect returns a redirect policy for http.Client.CheckRedirect
// that follows at most limit redirects, each to the origin (scheme, host
// and port, RFC 6454 §4) of the original request. With limit 0 it follows
// none.
// A redirect it does not follow fails the request with a *RedirectError.
//
// Back-end calls to an authorization server carry credentials, codes and
// verifiers; a redirect would re-send them elsewhere (a 307 or 308 re-sends
// a POST with its body), so those calls follow no redirect at all.
func CheckRedirect(limit int) func(req *http.Request, via []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		prev := via[len(via)-1]
		e := &RedirectError{From: endpoint(prev.URL), Followed: len(via) - 1}
		if req.Response != nil {
			e.StatusCode = req.Response.StatusCode
		}
		switch {
		case limit <= 0:
			e.reason = "redirects are not followed"
		case !sameOrigin(via[0].URL, req.URL):
			e.reason = "redirects to another origin are not followed"
		case len(via) > limit:
			e.reason = fmt.Sprintf("no more than %d redirects are followed", limit)
		default:
			return nil
		}
		return e
	}
}

// endpoint returns u without its query, fragment and user information.
func endpoint(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	return c.String()
}

// sameOrigin reports whether a and b have the same scheme, host and port,
// a missing port being the scheme's default.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
