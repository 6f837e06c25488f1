package mw

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// ErrorPageData is what an error page of the login, callback and logout routes shows.
type ErrorPageData struct {
	// Status is the HTTP status of the answer (400, 502, 503…).
	Status int
	// Code says what failed, as a machine-readable code (invalid_state, provider_unavailable…).
	Code string
	// Message explains the error in a sentence, in English. It may quote the provider's
	// error_description: escape it.
	Message string
	// LoginURL starts a new login, with the failed login's returnTo when it had one.
	LoginURL string
	// HomeURL is the application's home: the path of its base URL.
	HomeURL string
}

// ErrorPageFunc writes the error page of the login, callback and logout routes. The status,
// Cache-Control: no-store and X-Content-Type-Options are its to set: DefaultErrorPage shows
// how.
type ErrorPageFunc func(w http.ResponseWriter, r *http.Request, e ErrorPageData)

// ErrorPages says how the login, callback and logout routes answer a failure. The zero value
// uses DefaultErrorPage, with the login route at /auth/login and the home page at /.
type ErrorPages struct {
	// Page writes the page; default DefaultErrorPage.
	Page ErrorPageFunc
	// LoginPath is the login route's path as the browser sees it; default "/auth/login".
	LoginPath string
	// HomePath is the application's home as the browser sees it; default "/".
	HomePath string
}

// write answers with the error page. returnTo, when not empty, is a path on the application
// (already checked) that the page's login link keeps.
func (p ErrorPages) write(w http.ResponseWriter, r *http.Request, status int, code, message, returnTo string) {
	e := ErrorPageData{Status: status, Code: code, Message: message,
		LoginURL: cmp.Or(p.LoginPath, "/auth/login"), HomeURL: cmp.Or(p.HomePath, "/")}
	if returnTo != "" {
		e.LoginURL += "?" + url.Values{"returnTo": {returnTo}}.Encode()
	}
	page := p.Page
	if page == nil {
		page = DefaultErrorPage
	}
	page(w, r, e)
}

// DefaultErrorPage answers e with e.Status and Cache-Control: no-store: as JSON
// ({"error":{"code":…,"message":…}}, as the access-token route) when the request's Accept
// prefers application/json to text/html, and otherwise as a small HTML page with inline
// styles: a heading, the message and the code, a "Log in again" link to e.LoginURL and a link
// to e.HomeURL. Every value is escaped.
func DefaultErrorPage(w http.ResponseWriter, r *http.Request, e ErrorPageData) {
	if WantsJSON(r) {
		writeError(w, e.Status, e.Code, e.Message)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(e.Status)
	_ = errorPage.Execute(w, struct {
		ErrorPageData
		Title string
	}{e, errorTitle(e.Status)})
}

// errorTitle is the page's heading for status.
func errorTitle(status int) string {
	switch {
	case status == http.StatusServiceUnavailable || status == http.StatusBadGateway:
		return "Sign-in is unavailable right now"
	case status >= 500:
		return "Something went wrong"
	default:
		return "We could not sign you in"
	}
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;margin:0;padding:1rem;color:#1b1b1f;background:#f6f6f8}
main{max-width:32rem;margin:10vh auto;padding:1.5rem;background:#fff;border:1px solid #d8d8de;border-radius:.75rem}
h1{font-size:1.4rem;margin:0 0 .75rem}
p{margin:0 0 1rem;overflow-wrap:anywhere}
.code{color:#55555f;font-size:.9rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:0}
a{color:#0b57d0}
.primary{display:inline-block;padding:.6rem 1.1rem;border-radius:.5rem;background:#0b57d0;color:#fff;text-decoration:none;font-weight:600}
.secondary{display:inline-block;padding:.6rem .25rem}
a:focus-visible{outline:3px solid #f9ab00;outline-offset:2px}
@media (prefers-color-scheme:dark){body{background:#111114;color:#ececf1}main{background:#1c1c21;border-color:#3a3a44}.code{color:#b4b4bf}a{color:#8ab4f8}.primary{background:#8ab4f8;color:#111114}}
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p id="error-message">{{.Message}}</p>
{{if .Code}}<p class="code">Error code: <code>{{.Code}}</code></p>{{end}}
<p class="actions"><a class="primary" id="login-again" href="{{.LoginURL}}">Log in again</a> <a class="secondary" id="home" href="{{.HomeURL}}">Go to the home page</a></p>
</main>
</body>
</html>
`))

// WantsJSON reports whether r's Accept header weighs application/json above text/html, each
// weighed by its most specific media range (RFC 9110 §12.5.1): DefaultErrorPage then answers
// JSON. A request without Accept, or with */* only, wants HTML.
func WantsJSON(r *http.Request) bool {
	accept := r.Header.Values("Accept")
	return mediaWeight(accept, "application", "json") > mediaWeight(accept, "text", "html")
}

// mediaWeight returns the q of the most specific media range of accept that matches
// typ/sub; 0 when none does.
func mediaWeight(accept []string, typ, sub string) float64 {
	best, q := -1, 0.0
	for _, line := range accept {
		for item := range strings.SplitSeq(line, ",") {
			media, params, _ := strings.Cut(item, ";")
			t, s, _ := strings.Cut(strings.ToLower(strings.TrimSpace(media)), "/")
			rank := -1
			switch {
			case t == typ && s == sub:
				rank = 2
			case t == typ && s == "*":
				rank = 1
			case t == "*" && s == "*":
				rank = 0
			}
			if rank > best {
				best, q = rank, weight(params)
			}
		}
	}
	return q
}

// allowMethods answers 405 with Allow unless r's method is one of methods.
func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	if slices.Contains(methods, r.Method) {
		return true
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}
