// Package authtest helps an application's own tests sign a request in.
//
// SessionCookies and WithSession mint the session cookies that authchain's stateless session
// manager reads (the original nextjs-auth0 SDK's generateSessionCookie), so a handler test
// needs no provider and no login round trip. Login and LoginAt log a cookie-jar client in
// through the application's real routes against an oidctest provider. Browser is a test
// browser that follows the application's redirects and fills in oidctest's login form, for
// end-to-end tests of pages, logins and logouts.
package authtest
