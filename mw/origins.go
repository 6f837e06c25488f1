package mw

import (
	"net/http"
	"net/url"
)

// BaseURLFunc returns the application's base URL on the origin a request was made on, for an
// application served on several origins. ok is false when that origin is not one of the
// application's: the login, callback and logout routes then answer 400 and redirect nowhere.
type BaseURLFunc func(r *http.Request) (base *url.URL, ok bool)

// CodeInvalidOrigin is the error code of a request made on an origin that is not one of the
// application's.
const CodeInvalidOrigin = "invalid_origin"

// site is the application as one request reached it: its base URL and its callback URL on that
// origin.
type site struct {
	base        *url.URL
	redirectURI string
}

// siteFor returns the application's site for r: on r's origin when baseURLFor is set, else the
// fixed base and redirect URI. ok is false when r's origin is not the application's.
func siteFor(r *http.Request, baseURLFor BaseURLFunc, base *url.URL, redirectURI string) (site, bool) {
	if baseURLFor == nil {
		return site{base: base, redirectURI: redirectURI}, true
	}
	b, ok := baseURLFor(r)
	if !ok || b == nil {
		return site{}, false
	}
	return site{base: b, redirectURI: onOrigin(redirectURI, b)}, true
}

// onOrigin returns uri moved to base's scheme and host; uri unchanged when it does not parse.
func onOrigin(uri string, base *url.URL) string {
	u, err := url.Parse(uri)
	if err != nil || uri == "" {
		return uri
	}
	u.Scheme, u.Host = base.Scheme, base.Host
	return u.String()
}

// writeInvalidOrigin answers a request made on an origin that is not the application's.
func (p ErrorPages) writeInvalidOrigin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	p.write(w, r, http.StatusBadRequest, CodeInvalidOrigin, "This address is not one of the application's.", "")
}
