// Package oidctest is a fake OpenID Provider for tests and local development.
//
// It serves OpenID Connect Discovery, a JWKS, the authorization endpoint
// (PKCE S256 required, RFC 9207 iss in responses), the token endpoint
// (authorization_code, refresh_token with rotation and reuse detection,
// client_credentials, and with [WithConnection] the token exchange of Auth0's
// Token Vault), userinfo, RP-Initiated Logout 1.0, Auth0's /v2/logout,
// pushed authorization requests (RFC 9126) and revocation (RFC 7009). A
// token request with a DPoP proof (RFC 9449) gets tokens bound to its key,
// which userinfo accepts with a proof; every proof is checked, and
// [WithDPoPNonce] demands the server's nonce in them. Clients authenticate
// with client_secret_basic, client_secret_post,
// private_key_jwt (RFC 7523) or, when public, with none.
//
// A test starts one per test; servers share nothing, so tests may run in
// parallel:
//
//	srv := oidctest.NewServer(t, oidctest.WithClient(oidctest.Client{
//		ID: "app", Secret: "s3cret", RedirectURIs: []string{appURL + "/callback"},
//	}))
//	srv.QueueLogin(oidctest.User{Subject: "alice", Claims: map[string]any{"name": "Alice"}})
//	// … drive the application's login against srv.Issuer() …
//	if n := srv.Count(oidctest.EndpointToken, "refresh_token"); n != 1 {
//		t.Errorf("%d refreshes, want exactly one", n)
//	}
//
// Logins need no browser: the authorize endpoint logs in the next queued user
// ([Server.QueueLogin]) or the default user and redirects straight back with
// a code. [WithLoginForm] shows an HTML form instead, for browser tests and
// demos. The provider keeps a session cookie, so a second login is single
// sign-on; prompt=none, prompt=login and max_age behave as OpenID Connect
// Core 1.0 §3.1.2.1 says.
//
// Tests control the provider: its own clock ([Server.Advance]), key rotation
// ([Server.RotateKeys]), faults on one endpoint ([Server.FailNext]),
// deliberately bad ID tokens ([Server.QueueIDTokenDefect]) and logout tokens
// ([Server.LogoutToken]), back-channel logout on demand
// ([Server.BackChannelLogout]), the log of every request served
// ([Server.Requests], [Server.Count]) and the count of refresh tokens spent
// twice ([Server.RefreshTokenReuses]).
//
// The program cmd/oidctest runs the same provider outside of Go tests.
package oidctest
