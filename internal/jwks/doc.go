// Package jwks verifies JSON Web Signatures (RFC 7515) in compact form
// against an OpenID Provider's published keys, a JWK Set (RFC 7517 §5)
// fetched from its jwks_uri (OpenID Connect Discovery 1.0 §3): ID tokens,
// and any other token the provider signs, such as back-channel logout
// tokens.
//
// A KeySet fetches the set on first use and keeps it. A token that names a
// key the set does not hold makes it fetch the set again (the provider may
// have rotated its keys, OpenID Connect Core 1.0 §10.1.1), but never more
// than once per refetch interval: within it, such a token is refused
// without a fetch, so tokens with made-up key ids cannot make the
// application hammer the provider. Concurrent verifications share one
// fetch.
//
// Only asymmetric signatures are accepted (RSA PKCS #1 v1.5 and PSS, ECDSA,
// EdDSA; RFC 7518 §3, RFC 8037 §3.1): never "none", never HMAC, and never
// a symmetric or private key from the set.
package jwks
