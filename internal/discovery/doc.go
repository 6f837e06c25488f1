// Package discovery fetches, validates and caches an OpenID Provider's
// metadata (OpenID Connect Discovery 1.0 §4, RFC 8414 §3).
//
// The document is fetched from <issuer>/.well-known/openid-configuration on
// first use and kept for a TTL. Its issuer must equal the configured issuer
// exactly (OpenID Connect Discovery 1.0 §4.3, RFC 8414 §3.3), the
// authorization, token and JWKS endpoints must be present, and every
// endpoint must be an https URL unless insecure URLs are explicitly allowed.
package discovery
