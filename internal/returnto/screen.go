package returnto

import (
	"strings"
	"unicode/utf8"
)

// screen applies the byte-level rules to raw before any parsing: length,
// control characters, surrounding spaces, UTF-8 validity, and the path
// rules of screenPath.
func screen(raw string) bool {
	if raw == "" || len(raw) > MaxLength || !utf8.ValidString(raw) {
		return false
	}
	if raw[0] == ' ' || raw[len(raw)-1] == ' ' {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if isControl(raw[i]) {
			return false
		}
	}
	path := raw
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		path = raw[:i]
	}
	return screenPath(path)
}

// screenPath checks the part of the value before the query and fragment
// (scheme, authority and path): ASCII only, and every percent-encoding
// well formed and decoding to neither a separator, a dot, a percent sign,
// a control character, nor invalid UTF-8.
func screenPath(p string) bool {
	decoded := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= utf8.RuneSelf {
			return false
		}
		if c != '%' {
			decoded = append(decoded, c)
			continue
		}
		if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
			return false
		}
		b := unhex(p[i+1])<<4 | unhex(p[i+2])
		if forbiddenEncoded(b) {
			return false
		}
		decoded = append(decoded, b)
		i += 2
	}
	return utf8.Valid(decoded)
}

// forbiddenEncoded reports whether b must not appear percent-encoded in a
// path: separators and dots change how the path resolves once decoded, a
// percent sign allows double decoding, and control characters have no
// place in a redirect.
func forbiddenEncoded(b byte) bool {
	switch b {
	case '/', '\\', '.', '%':
		return true
	}
	return isControl(b)
}

// isControl reports whether c is a C0 control character or DEL.
func isControl(c byte) bool {
	return c < 0x20 || c == 0x7f
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
