package returnto

import (
	"net/url"
	"strings"
)

// MaxLength is the longest returnTo value, in bytes, that Safe accepts.
const MaxLength = 2048

// Safe reports whether raw, resolved against base as a browser would resolve
// it, stays on base's origin, and returns the path, query and fragment to
// store for the redirect, for example "/dashboard?x=1#y".
//
// base is the application's own URL (http or https); a base with a path,
// such as https://example.com/app/, makes relative values resolve under that
// path. The returned value always starts with a single "/" (never "//" or
// "/\"), is ASCII only and holds no control characters; non-ASCII bytes in
// the query and fragment are percent-encoded.
//
// Safe rejects, among others: values longer than MaxLength bytes, values
// with control characters (browsers drop tab, CR and LF inside URLs) or
// leading or trailing spaces, other schemes or hosts or ports, userinfo,
// network-path references, empty path segments ("//" anywhere in the
// path), backslash variants of "/", percent-encoded "/",
// "\", "." or "%" in the path, and raw non-ASCII characters in the path or
// authority (look-alikes of "/" or ".").
func Safe(raw string, base *url.URL) (string, bool) {
	if !validBase(base) || !screen(raw) {
		return "", false
	}
	ref, ok := parse(raw)
	if !ok || !sameOrigin(ref, base) {
		return "", false
	}
	out := target(base.ResolveReference(ref))
	if !safeTarget(out, base) {
		return "", false
	}
	return out, true
}

// parse parses raw as a URL reference after applying the browser's
// backslash rewrite, and rejects the reference forms a browser would
// resolve to another origin or that Go and browsers read differently.
func parse(raw string) (*url.URL, bool) {
	s := slashBackslashes(raw)
	if strings.HasPrefix(s, "//") {
		return nil, false
	}
	ref, err := url.Parse(s)
	if err != nil || ref.Opaque != "" || ref.User != nil {
		return nil, false
	}
	// Browsers keep empty path segments where Go's resolver drops them, so
	// "..//evil" under a base path can become "//evil" in a browser.
	if strings.Contains(ref.Path, "//") {
		return nil, false
	}
	if ref.Scheme != "" && (ref.Host == "" || !cleanAuthority(s)) {
		return nil, false
	}
	return ref, true
}

// slashBackslashes rewrites "\" to "/" before the query and fragment, as
// browsers do for http and https URLs.
func slashBackslashes(s string) string {
	end := len(s)
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		end = i
	}
	return strings.ReplaceAll(s[:end], `\`, "/") + s[end:]
}

// cleanAuthority reports whether the authority of the absolute URL s is
// free of percent-encoding, which browsers decode in hosts and Go does not.
func cleanAuthority(s string) bool {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return !strings.Contains(rest, "%")
}
