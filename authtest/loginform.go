package authtest

import (
	"html"
	"regexp"
)

// loginFormPattern finds oidctest's login form (oidctest.WithLoginForm): the form's action
// and the hidden interaction field that names the pending authorization request.
var loginFormPattern = regexp.MustCompile(`<form method="post" action="([^"]*)">\s*<input type="hidden" name="interaction" value="([^"]*)">`)

// loginForm is an oidctest login form found on a page.
type loginForm struct {
	action      string // absolute URL the form posts to
	interaction string
}

// findLoginForm returns the oidctest login form of page, if it shows one.
func findLoginForm(page *Page) (loginForm, bool) {
	m := loginFormPattern.FindStringSubmatch(page.Body)
	if m == nil {
		return loginForm{}, false
	}
	action, err := page.URL.Parse(html.UnescapeString(m[1]))
	if err != nil {
		return loginForm{}, false
	}
	return loginForm{action: action.String(), interaction: html.UnescapeString(m[2])}, true
}
