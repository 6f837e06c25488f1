// Package clientauth authenticates the client to the authorization server's
// token, pushed authorization and revocation endpoints.
//
// Methods (names as registered for token_endpoint_auth_method, RFC 7591
// §2 and OpenID Connect Core 1.0 §9):
//
//   - client_secret_basic: HTTP Basic with the form-urlencoded client id and
//     secret (RFC 6749 §2.3.1), see SecretBasic;
//   - client_secret_post: client_id and client_secret in the request body
//     (RFC 6749 §2.3.1), see SecretPost;
//   - private_key_jwt: a short-lived JWT signed with the client's private key
//     (RFC 7523 §2.2 and §3, OpenID Connect Core 1.0 §9), see PrivateKeyJWT;
//   - none: a public client that sends only its client_id (RFC 6749 §2.1,
//     OpenID Connect Core 1.0 §9), see None.
//
// Choose picks a method from the provider's
// token_endpoint_auth_methods_supported (RFC 8414 §2).
package clientauth
