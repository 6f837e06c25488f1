// Package authtest helps an application's own tests sign a request in: it mints the session
// cookies that authchain's stateless session manager reads (the original nextjs-auth0 SDK's
// generateSessionCookie), so a handler test needs no provider and no login round trip.
package authtest
