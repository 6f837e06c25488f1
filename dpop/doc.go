// Package dpop makes the proofs of OAuth 2.0 Demonstrating Proof of Possession (DPoP, RFC 9449)
// that bind access tokens to a key the application holds.
//
// A Key signs one proof per HTTP request: a short JWT naming the method and URL, with the
// access token's hash when it goes with one. A provider that receives a proof at its token
// endpoint issues access tokens bound to the key (token_type "DPoP"); such a token is used
// only together with a fresh proof, so a stolen token alone is worth nothing.
//
// The Key remembers the nonce each server sends in its DPoP-Nonce header, by origin, and puts
// it in the next proof for that server. Transport is an http.RoundTripper that sends an
// oauth2.TokenSource's tokens, with a proof when the token is a DPoP token, and retries once
// when a server asks for a nonce.
package dpop
