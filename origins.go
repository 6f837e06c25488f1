package authchain

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authchain/authchain/mw"
)

// origins are the application's base URLs when it is served on several origins, by origin
// ("https://app.example.com"). Nil when the application has one AppBaseURL.
type origins map[string]*url.URL

// resolveBaseURLs checks AppBaseURLs: absolute http(s) URLs, one per origin, with one path.
// The first is the application's base URL where one is needed without a request (the
// provider's default redirect URI, the routes' paths).
func (r *resolved) resolveBaseURLs() error {
	var errs []error
	o := origins{}
	for i, raw := range r.AppBaseURLs {
		u, err := parseBaseURL(strings.TrimSpace(raw))
		if err != nil {
			errs = append(errs, configError(fmt.Sprintf("AppBaseURLs[%d]", i), "%v", err))
			continue
		}
		key := originOf(u.Scheme, u.Host)
		switch {
		case o[key] != nil:
			errs = append(errs, configError(fmt.Sprintf("AppBaseURLs[%d]", i), "%s is listed twice", key))
		case r.baseURL != nil && u.Path != r.baseURL.Path:
			errs = append(errs, configError(fmt.Sprintf("AppBaseURLs[%d]", i), "path %q is not %q: every origin serves the application under the same path", u.Path, r.baseURL.Path))
		}
		if r.baseURL == nil {
			r.baseURL = u
		}
		o[key] = u
	}
	if err := errors.Join(errs...); err != nil {
		r.baseURL = nil
		return err
	}
	r.origins = o
	return nil
}

// all returns the base URLs.
func (o origins) all() []*url.URL {
	out := make([]*url.URL, 0, len(o))
	for _, u := range o {
		out = append(out, u)
	}
	return out
}

// baseURLFor returns the application's base URL on the origin r was made on: the origin named
// by X-Forwarded-Proto and X-Forwarded-Host (their first values; either one defaults to the
// connection's) when it is listed, else the connection's own (TLS or not, and Host) when it is
// listed. ok is false otherwise: neither header nor Host is trusted unless it names a listed
// origin.
func (o origins) baseURLFor(r *http.Request) (*url.URL, bool) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	proto, host := firstValue(r.Header.Get("X-Forwarded-Proto")), firstValue(r.Header.Get("X-Forwarded-Host"))
	if proto != "" || host != "" {
		if u := o[originOf(cmp.Or(proto, scheme), cmp.Or(host, r.Host))]; u != nil {
			return u, true
		}
	}
	u := o[originOf(scheme, r.Host)]
	return u, u != nil
}

// originOf returns the ASCII serialization of an origin: lower case, without the scheme's
// default port.
func originOf(scheme, host string) string {
	scheme, host = strings.ToLower(scheme), strings.ToLower(host)
	if (scheme == "https" && strings.HasSuffix(host, ":443")) || (scheme == "http" && strings.HasSuffix(host, ":80")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return scheme + "://" + host
}

// firstValue returns the first of a comma-separated header's values, trimmed.
func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// baseURLFunc returns the routes' BaseURLFor: nil for an application on one origin.
func (r *resolved) baseURLFunc() mw.BaseURLFunc {
	if r.origins == nil {
		return nil
	}
	return r.origins.baseURLFor
}
