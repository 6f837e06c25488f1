package mw

import (
	"html/template"
	"net/http"
	"strings"
)

// isCrossSite reports a request a browser sent on behalf of another site: its Fetch Metadata
// header Sec-Fetch-Site says cross-site. A request without the header (an older browser, a
// program) is not.
func isCrossSite(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("Sec-Fetch-Site")), "cross-site")
}

var logoutConfirmation = template.Must(template.New("logout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log out</title></head>
<body><h1>Log out?</h1><p>Another site asked to log you out of this application.</p>
<form method="post">{{if .ReturnTo}}<input type="hidden" name="returnTo" value="{{.ReturnTo}}">{{end}}<button type="submit">Log out</button></form></body></html>
`))

// writeLogoutConfirmation answers a logout another site asked for with a page whose button
// logs out for real: a form that posts to the same URL (the page's own, query included), with
// returnTo. Every value is escaped, and no other site may frame the page.
func writeLogoutConfirmation(w http.ResponseWriter, returnTo string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	_ = logoutConfirmation.Execute(w, struct{ ReturnTo string }{returnTo})
}
