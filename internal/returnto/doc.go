// Package returnto decides whether a returnTo value taken from a request may
// be used as the target of a redirect after login or logout.
//
// A value is accepted only when it resolves, the way a browser resolves it
// (WHATWG URL Standard, §4.4 "URL parsing"), to the exact origin of the
// application (RFC 6454 §4: scheme, host and port). The accepted value is
// reduced to a path-absolute reference (RFC 3986 §4.2) so that the stored
// redirect can never leave the application, whatever the raw input was: an
// absolute URL to another host, a network-path reference ("//evil"), a
// backslash or whitespace variant that browsers rewrite into one, an
// encoded or Unicode look-alike of a separator, or a non-HTTP scheme such as
// "javascript:". This is the defence against open redirects described in
// RFC 6749 §10.15 and OAuth 2.0 Security BCP (RFC 9700) §4.11.
//
// Anything unclear is rejected; a rejected value means the caller falls back
// to its default path.
package returnto
