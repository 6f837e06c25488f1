package fastjson

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// ErrSyntax is wrapped by every error the Reader returns.
var ErrSyntax = errors.New("fastjson: malformed JSON")

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

// Reader walks one JSON document held in memory.
type Reader struct {
	b []byte
	s string // b's content as a string, when the reader has it: strings are cut from it
	i int
}

// NewReader returns a Reader over b. The Reader does not copy b; strings it returns are copies.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// NewStringReader returns a Reader over b whose strings (those without escapes) and RawString
// values are cut from s, which must hold the same bytes as b: reading allocates no string.
func NewStringReader(b []byte, s string) *Reader {
	if len(s) != len(b) {
		return NewReader(b)
	}
	return &Reader{b: b, s: s}
}

func (r *Reader) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrSyntax, what, r.i)
}

func (r *Reader) skipSpace() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// Peek returns the first byte of the next value ('"' for a string, '{' for an object, …), or
// 0 at the end of the input.
func (r *Reader) Peek() byte { return r.peek() }

// peek returns the next non-space byte, or 0 at the end.
func (r *Reader) peek() byte {
	r.skipSpace()
	if r.i >= len(r.b) {
		return 0
	}
	return r.b[r.i]
}

func (r *Reader) expect(c byte) error {
	if r.peek() != c {
		return r.fail("expected " + strconv.QuoteRune(rune(c)))
	}
	r.i++
	return nil
}

// End reports an error unless only white space is left.
func (r *Reader) End() error {
	if r.skipSpace(); r.i < len(r.b) {
		return r.fail("trailing data")
	}
	return nil
}

// IsNull consumes a null literal if one is next and reports whether it did.
func (r *Reader) IsNull() bool {
	if r.peek() == 'n' && len(r.b)-r.i >= 4 && string(r.b[r.i:r.i+4]) == "null" {
		r.i += 4
		return true
	}
	return false
}

// Object calls field for each member of the object that comes next. field must consume the
// member's value (with one of the Reader's value methods). key is only valid during the call.
func (r *Reader) Object(field func(key []byte) error) error {
	if err := r.expect('{'); err != nil {
		return err
	}
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		key, err := r.rawString()
		if err != nil {
			return err
		}
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return r.fail("expected ',' or '}'")
		}
	}
}

// Array calls elem for each element of the array that comes next; elem must consume it.
func (r *Reader) Array(elem func() error) error {
	if err := r.expect('['); err != nil {
		return err
	}
	if r.peek() == ']' {
		r.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return nil
		default:
			return r.fail("expected ',' or ']'")
		}
	}
}

// String reads a string value; null reads as "".
func (r *Reader) String() (string, error) {
	if r.IsNull() {
		return "", nil
	}
	r.skipSpace()
	at := r.i
	raw, err := r.rawString()
	if err != nil {
		return "", err
	}
	if r.s != "" && r.i-at-2 == len(raw) && r.b[at] == '"' && (len(raw) == 0 || &raw[0] == &r.b[at+1]) {
		return r.s[at+1 : r.i-1], nil
	}
	return string(raw), nil
}

// Mark returns the offset where the next value starts, for TextSince.
func (r *Reader) Mark() int {
	r.skipSpace()
	return r.i
}

// TextSince returns the JSON text read since mark (from Mark).
func (r *Reader) TextSince(mark int) string {
	if r.s != "" {
		return r.s[mark:r.i]
	}
	return string(r.b[mark:r.i])
}

// RawString consumes the next value and returns its exact JSON text, after checking that it
// is well-formed.
func (r *Reader) RawString() (string, error) {
	r.skipSpace()
	start := r.i
	if err := r.skip(0); err != nil {
		return "", err
	}
	if r.s != "" {
		return r.s[start:r.i], nil
	}
	return string(r.b[start:r.i]), nil
}

// rawString reads a string and returns its unescaped bytes. Without escapes the result aliases
// the input.
func (r *Reader) rawString() ([]byte, error) {
	if r.peek() != '"' {
		return nil, r.fail("expected string")
	}
	start := r.i + 1
	for j := start; j < len(r.b); j++ {
		if j = skipPlain(r.b, j); j >= len(r.b) {
			break
		}
		c := r.b[j]
		switch {
		case c == '"':
			r.i = j + 1
			return r.b[start:j], nil
		case c == '\\':
			return r.escapedString()
		case c < 0x20:
			return nil, r.fail("control character in string")
		case c >= utf8.RuneSelf:
			return r.escapedString()
		}
	}
	return nil, r.fail("unterminated string")
}

// escapedString decodes a string with escapes or non-ASCII bytes through encoding/json, which
// also replaces invalid UTF-8 exactly as the standard library does everywhere else.
func (r *Reader) escapedString() ([]byte, error) {
	end, err := r.scanStringEnd(r.i)
	if err != nil {
		return nil, err
	}
	var s string
	if err := json.Unmarshal(r.b[r.i:end], &s); err != nil {
		return nil, r.fail("bad string")
	}
	r.i = end
	return []byte(s), nil
}

// scanStringEnd returns the offset just past the string that starts at i.
func (r *Reader) scanStringEnd(i int) (int, error) {
	for j := i + 1; j < len(r.b); j++ {
		if j = skipPlain(r.b, j); j >= len(r.b) {
			break
		}
		switch c := r.b[j]; {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			j++
		case c < 0x20:
			return 0, r.fail("control character in string")
		}
	}
	return 0, r.fail("unterminated string")
}

// Int reads an integer; null reads as 0. A number with a fraction or exponent is truncated
// toward zero, so epoch seconds written by other languages as floats still read.
func (r *Reader) Int() (int64, error) {
	if r.IsNull() {
		return 0, nil
	}
	raw, err := r.number()
	if err != nil {
		return 0, err
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f > 9.2e18 || f < -9.2e18 {
		return 0, r.fail("number out of range")
	}
	return int64(f), nil
}

func (r *Reader) number() ([]byte, error) {
	r.skipSpace()
	start := r.i
	for r.i < len(r.b) {
		c := r.b[r.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			r.i++
			continue
		}
		break
	}
	if r.i == start {
		return nil, r.fail("expected number")
	}
	raw := r.b[start:r.i]
	if !json.Valid(raw) {
		return nil, r.fail("bad number")
	}
	return raw, nil
}

// Raw consumes the next value and returns its exact bytes (aliasing the input), after checking
// that it is well-formed JSON.
func (r *Reader) Raw() ([]byte, error) {
	r.skipSpace()
	start := r.i
	if err := r.skip(0); err != nil {
		return nil, err
	}
	return r.b[start:r.i], nil
}

// Skip consumes the next value.
func (r *Reader) Skip() error { return r.skip(0) }

func (r *Reader) skip(depth int) error {
	if depth > maxDepth {
		return r.fail("nesting too deep")
	}
	switch c := r.peek(); {
	case c == '{':
		return r.Object(func([]byte) error { return r.skip(depth + 1) })
	case c == '[':
		return r.Array(func() error { return r.skip(depth + 1) })
	case c == '"':
		end, err := r.scanValidString(r.i)
		if err != nil {
			return err
		}
		r.i = end
		return nil
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	default:
		_, err := r.number()
		return err
	}
}

func (r *Reader) literal(lit string) error {
	if len(r.b)-r.i < len(lit) || string(r.b[r.i:r.i+len(lit)]) != lit {
		return r.fail("bad literal")
	}
	r.i += len(lit)
	return nil
}

// scanValidString returns the offset just past the string that starts at i, checking its
// escapes on the way.
func (r *Reader) scanValidString(i int) (int, error) {
	for j := i + 1; j < len(r.b); j++ {
		if j = skipPlain(r.b, j); j >= len(r.b) {
			break
		}
		switch c := r.b[j]; {
		case c == '"':
			return j + 1, nil
		case c < 0x20:
			return 0, r.fail("control character in string")
		case c == '\\':
			n := escapeLen(r.b[j+1:])
			if n == 0 {
				return 0, r.fail("bad escape")
			}
			j += n
		}
	}
	return 0, r.fail("unterminated string")
}

// escapeLen returns how many bytes after a backslash belong to its escape, or 0 when the
// escape is not valid JSON.
func escapeLen(rest []byte) int {
	if len(rest) == 0 {
		return 0
	}
	switch rest[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 1
	case 'u':
		if len(rest) < 5 {
			return 0
		}
		for _, h := range rest[1:5] {
			if !isHex(h) {
				return 0
			}
		}
		return 5
	}
	return 0
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// Unix reads epoch seconds; 0 and null read as the zero time.
func (r *Reader) Unix() (time.Time, error) {
	n, err := r.Int()
	if err != nil || n == 0 {
		return time.Time{}, err
	}
	return time.Unix(n, 0), nil
}

// Byte masks for skipPlain: every byte 0x01, every byte 0x80.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// skipPlain returns the first offset at or after j where b holds a byte that needs a look
// inside a string: a quote, a backslash, a control character or a non-ASCII byte; len(b) if
// none. It checks eight bytes at a time: the tokens of a session are long plain strings.
func skipPlain(b []byte, j int) int {
	for ; j+8 <= len(b); j += 8 {
		w := binary.LittleEndian.Uint64(b[j:])
		quote, backslash := w^(ones*'"'), w^(ones*'\\')
		special := (quote-ones)&^quote | (backslash-ones)&^backslash | (w - ones*0x20) | w
		if special&highs != 0 {
			break
		}
	}
	for ; j < len(b); j++ {
		if c := b[j]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return j
		}
	}
	return j
}
