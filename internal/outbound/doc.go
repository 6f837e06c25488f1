// Package outbound builds the *http.Client through which every outbound
// call of the library goes: discovery, JWKS, token, pushed authorization,
// revocation and userinfo requests.
//
// The client bounds each call in time (http.Client.Timeout), bounds the size
// of every response body, and identifies the library with a User-Agent
// header (RFC 9110 §10.1.5). It follows no redirect: every answer comes
// from the URL asked. The wrapping transport follows the
// http.RoundTripper contract: it never modifies the caller's request and
// always closes the bodies it rejects.
package outbound
