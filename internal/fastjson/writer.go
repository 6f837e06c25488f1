package fastjson

import (
	"strconv"
	"time"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// plain marks the ASCII bytes that go into a JSON string as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendString appends s as a JSON string. Control characters, quotes, backslashes, invalid
// UTF-8 (as U+FFFD) and U+2028/U+2029 are escaped as encoding/json escapes them.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscapedByte(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	default:
		return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
	}
}

// Object appends members to a JSON object being written, handling commas.
type Object struct {
	B     []byte
	first bool
}

// OpenObject starts an object at the end of b.
func OpenObject(b []byte) Object { return Object{B: append(b, '{'), first: true} }

// Key writes a member name (which must not need escaping beyond AppendString's).
func (o *Object) Key(k string) {
	if !o.first {
		o.B = append(o.B, ',')
	}
	o.first = false
	o.B = AppendString(o.B, k)
	o.B = append(o.B, ':')
}

// String writes a string member.
func (o *Object) String(k, v string) {
	o.Key(k)
	o.B = AppendString(o.B, v)
}

// StringOmitEmpty writes a string member unless v is empty.
func (o *Object) StringOmitEmpty(k, v string) {
	if v != "" {
		o.String(k, v)
	}
}

// Int writes an integer member.
func (o *Object) Int(k string, v int64) {
	o.Key(k)
	o.B = strconv.AppendInt(o.B, v, 10)
}

// IntOmitZero writes an integer member unless v is zero.
func (o *Object) IntOmitZero(k string, v int64) {
	if v != 0 {
		o.Int(k, v)
	}
}

// Raw writes a member whose value is already JSON.
func (o *Object) Raw(k string, v []byte) {
	o.Key(k)
	o.B = append(o.B, v...)
}

// Close ends the object and returns the buffer.
func (o *Object) Close() []byte { return append(o.B, '}') }

// Unix returns t in epoch seconds, 0 for the zero time.
func Unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
