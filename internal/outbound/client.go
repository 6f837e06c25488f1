package outbound

import (
	"net/http"
	"time"
)

// Default limits used when the corresponding Options field is zero.
const (
	DefaultTimeout          = 5 * time.Second
	DefaultMaxResponseBytes = 1 << 20
)

// Options configures NewClient. Zero values mean the defaults.
type Options struct {
	// Timeout bounds a whole call, from dialling to the end of the response
	// body. Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxResponseBytes bounds the size of a response body. Zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// UserAgent is sent as the User-Agent header of every request; empty
	// leaves the header as the request has it.
	UserAgent string
	// Header holds headers set on every request (replacing the request's own);
	// it is not modified.
	Header http.Header
}

// NewClient returns a new client that sends its requests through base's
// transport (base's Transport, or http.DefaultTransport when that is nil;
// a fresh clone of http.DefaultTransport when base is nil), with the
// Options' timeout, response size bound and User-Agent. The new client
// keeps base's cookie jar; base is never modified.
//
// The client follows no redirect, whatever base's CheckRedirect: a
// redirect answer fails the request with a *RedirectError (see
// CheckRedirect). A caller that may follow some redirects sets the
// returned client's CheckRedirect itself.
//
// Reading more than MaxResponseBytes of a body fails with an error wrapping
// ErrResponseTooLarge; a response that declares a larger Content-Length
// fails at once, before its body is read.
func NewClient(base *http.Client, opts Options) *http.Client {
	var c http.Client
	next := http.RoundTripper(http.DefaultTransport)
	if base == nil {
		next = http.DefaultTransport.(*http.Transport).Clone()
	} else {
		c = *base
		if base.Transport != nil {
			next = base.Transport
		}
	}
	c.Transport = &transport{
		next:      next,
		userAgent: opts.UserAgent,
		header:    opts.Header,
		maxBytes:  orDefault(opts.MaxResponseBytes, DefaultMaxResponseBytes),
	}
	c.Timeout = time.Duration(orDefault(int64(opts.Timeout), int64(DefaultTimeout)))
	c.CheckRedirect = CheckRedirect(0)
	return &c
}

func orDefault(v, def int64) int64 {
	if v <= 0 {
		return def
	}
	return v
}
