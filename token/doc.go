// Package token holds the tokens a session carries: the token set from the OpenID Provider's
// token endpoint (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3), the access tokens obtained
// for other audiences, and those of connections (Auth0's Token Vault). Its JSON form is the one the original nextjs-auth0 SDK writes, so a
// session made by a test in another language reads the same.
package token
