package returnto

import (
	"net/url"
	"strings"
)

// target returns the path, query and fragment of the resolved URL u as a
// path-absolute reference in ASCII.
func target(u *url.URL) string {
	var b strings.Builder
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if u.RawQuery != "" {
		b.WriteByte('?')
		escapeQuery(&b, u.RawQuery)
	}
	if u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(u.EscapedFragment())
	}
	return b.String()
}

// escapeQuery writes q with the bytes of the WHATWG special-query
// percent-encode set (controls, space, quotes, angle brackets, non-ASCII)
// percent-encoded; existing escapes are kept as they are.
func escapeQuery(b *strings.Builder, q string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"'<>`", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
			continue
		}
		b.WriteByte(c)
	}
}

// safeTarget checks the value Safe is about to return, independently of how
// it was derived: a single leading "/", printable ASCII only, bounded
// length, and resolving to base's origin.
func safeTarget(out string, base *url.URL) bool {
	if len(out) > MaxLength || !strings.HasPrefix(out, "/") {
		return false
	}
	if strings.HasPrefix(out, "//") || strings.HasPrefix(out, `/\`) {
		return false
	}
	for i := 0; i < len(out); i++ {
		if out[i] <= ' ' || out[i] >= 0x7f {
			return false
		}
	}
	ref, err := url.Parse(out)
	if err != nil || ref.Scheme != "" || ref.Host != "" {
		return false
	}
	return origin(base.ResolveReference(ref)) == origin(base)
}
