package mw

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// notAuthenticatedJSON is the body of RequireAuth's 401, the original SDK's withApiAuthRequired
// answer.
const notAuthenticatedJSON = `{"error":"not_authenticated","description":"The user does not have an active session or is not authenticated"}`

// RequireAuthOptions configures RequireAuth.
type RequireAuthOptions struct {
	// SignedIn reports whether the request belongs to a signed-in user. Required.
	SignedIn func(*http.Request) bool

	// LoginPath is the login route signed-out navigations are redirected to; it may carry a
	// query of its own, which is kept, but not a returnTo parameter. Default "/auth/login".
	LoginPath string
}

// RequireAuth returns a middleware that lets only signed-in requests through.
//
// A signed-out browser navigation — a GET or HEAD whose Sec-Fetch-Mode is navigate, or, from a
// client that sends no Sec-Fetch-Mode, whose Accept names text/html — is redirected with
// 302 Found to LoginPath with returnTo set to the requested path and query. Every other
// signed-out request (fetch and XMLHttpRequest calls, whose Sec-Fetch-Mode is cors, same-origin
// or no-cors, curl, API clients) gets 401 with the JSON body
//
//	{"error":"not_authenticated","description":"The user does not have an active session or is not authenticated"}
//
// Both answers are Cache-Control: no-store. The responses it lets through leave with
// Cache-Control: private, no-store, unless the handler set a value that already forbids storing.
//
// RequireAuth panics when SignedIn is nil or LoginPath is not a valid URL reference or carries
// returnTo.
func RequireAuth(opts RequireAuthOptions) func(http.Handler) http.Handler {
	if opts.SignedIn == nil {
		panic("mw: RequireAuth needs RequireAuthOptions.SignedIn")
	}
	login := parseLoginPath(opts.LoginPath)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !opts.SignedIn(r) {
				if isNavigation(r) {
					redirectToLogin(w, r, login)
				} else {
					writeNotAuthenticated(w)
				}
				return
			}
			w.Header().Set("Cache-Control", "private, no-store")
			pw := &hookWriter{ResponseWriter: w, hook: keepNoStore}
			next.ServeHTTP(pw, r)
			pw.finish()
		})
	}
}

// parseLoginPath parses RequireAuthOptions.LoginPath, panicking on a programmer error.
func parseLoginPath(p string) *url.URL {
	if p == "" {
		p = "/auth/login"
	}
	u, err := url.Parse(p)
	if err != nil {
		panic("mw: RequireAuth: invalid LoginPath: " + err.Error())
	}
	if q, _ := url.ParseQuery(u.RawQuery); q.Has("returnTo") {
		panic("mw: RequireAuth: LoginPath must not carry returnTo")
	}
	return u
}

// isNavigation reports whether r is a browser navigation to a page.
func isNavigation(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if mode := r.Header.Get("Sec-Fetch-Mode"); mode != "" {
		return strings.EqualFold(mode, "navigate")
	}
	return acceptsHTML(r.Header.Values("Accept"))
}

// acceptsHTML reports whether the Accept field values name text/html with a non-zero weight.
func acceptsHTML(accept []string) bool {
	for _, line := range accept {
		for item := range strings.SplitSeq(line, ",") {
			media, params, _ := strings.Cut(item, ";")
			if strings.EqualFold(strings.TrimSpace(media), "text/html") && weight(params) > 0 {
				return true
			}
		}
	}
	return false
}

// weight returns the q parameter of a media range's parameters: 1 when absent, 0 when invalid.
func weight(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		name, value, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(name), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil {
				return 0
			}
			return q
		}
	}
	return 1
}

// redirectToLogin sends r to the login route with returnTo = its path and query.
func redirectToLogin(w http.ResponseWriter, r *http.Request, login *url.URL) {
	u := *login
	q := url.Values{"returnTo": {returnToOf(r)}}.Encode()
	if u.RawQuery != "" {
		q = u.RawQuery + "&" + q
	}
	u.RawQuery = q
	w.Header().Set("Location", u.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// returnToOf returns the page to come back to after the login: the target the client asked
// for, which a mount under http.StripPrefix leaves whole, or else the request's URL.
func returnToOf(r *http.Request) string {
	if t := r.RequestURI; strings.HasPrefix(t, "/") && !strings.HasPrefix(t, "//") {
		if u, err := url.ParseRequestURI(t); err == nil {
			return u.RequestURI()
		}
	}
	return r.URL.RequestURI()
}

// writeNotAuthenticated answers 401 with the not_authenticated JSON error.
func writeNotAuthenticated(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(notAuthenticatedJSON)))
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(notAuthenticatedJSON))
}

// keepNoStore makes sure a protected response cannot be stored by any cache.
func keepNoStore(code int, h http.Header) {
	if isFinal(code) && cacheRankOf(h.Values("Cache-Control")).class < cacheNoStore {
		h.Set("Cache-Control", "private, no-store")
	}
}
