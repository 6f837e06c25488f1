// Package oauthhttp sends the form-encoded POST requests of OAuth 2.0 to an
// authorization server and reads their JSON answers: the token endpoint
// (RFC 6749 §3.2, §4.1.3, §6; responses §5.1 and errors §5.2), pushed
// authorization requests (RFC 9126 §2) and token revocation (RFC 7009 §2).
//
// Errors fall in three groups callers can branch on: *Error when the server
// answered with an error (RFC 6749 §5.2), ErrUnreachable when no answer
// came (network failure, timeout, cancelled context), and
// ErrMalformedResponse when the answer could not be read as the expected
// JSON document.
package oauthhttp
