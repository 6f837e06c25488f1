package session

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// CookieFormat is how session cookies are sealed and chunked.
type CookieFormat string

// The cookie formats.
const (
	// FormatNextJS is nextjs-auth0 v4's format: a compact JWE ({"enc":"A256GCM","alg":"dir"},
	// key HKDF-SHA256(secret, "", "JWE CEK")) of the session's JSON (the original SDK's
	// SessionData) with the exp claim, chunked above MaxCookieSize bytes as name__0 …
	// name__{n-1}. A Next.js application on nextjs-auth0 v4 with the same secret and cookie
	// name reads the sessions authchain writes, and authchain reads its sessions.
	FormatNextJS CookieFormat = "nextjs"
	// FormatSecureCookie is gorilla/securecookie's (AES-256-CTR then HMAC-SHA256, keys derived
	// per purpose, the cookie's name authenticated), whose first chunk records the count of
	// chunks. Only authchain reads it.
	FormatSecureCookie CookieFormat = "securecookie"
)

// DefaultCookieFormat is the format of session cookies unless configured otherwise.
const DefaultCookieFormat = FormatNextJS

// WithDefault returns f, or DefaultCookieFormat when f is empty.
func (f CookieFormat) WithDefault() CookieFormat {
	if f == "" {
		return DefaultCookieFormat
	}
	return f
}

// Check returns an error unless f is empty or one of the formats.
func (f CookieFormat) Check() error {
	switch f {
	case "", FormatNextJS, FormatSecureCookie:
		return nil
	}
	return fmt.Errorf("session: cookie format %q is not %q or %q", string(f), FormatNextJS, FormatSecureCookie)
}

// other returns the format f is not.
func (f CookieFormat) other() CookieFormat {
	if f == FormatNextJS {
		return FormatSecureCookie
	}
	return FormatNextJS
}

// splitNext returns the cookie values that carry sealed in the format "nextjs": one value when
// it fits in a cookie, else chunks of MaxCookieSize bytes in order. It returns nil when sealed
// needs more than MaxChunks chunks.
func splitNext(sealed string) []string {
	if len(sealed) <= MaxCookieSize {
		return []string{sealed}
	}
	n := (len(sealed) + MaxCookieSize - 1) / MaxCookieSize
	if n > MaxChunks {
		return nil
	}
	chunks := make([]string, 0, n)
	for len(sealed) > 0 {
		k := min(MaxCookieSize, len(sealed))
		chunks = append(chunks, sealed[:k])
		sealed = sealed[k:]
	}
	return chunks
}

// joinNext appends to dst the sealed value that the cookies of a family carry in the format
// "nextjs", as the original reads them: the unchunked cookie when it has a value, else the
// chunks from 0 on, each present once, up to the one where the JWE ends (its tag follows its
// fourth dot). Chunks after that one are leftovers of an older, longer write: the original
// reads no session then; they are stale here. stale holds the canonical names carried that
// the value does not use. ok is false when the cookies make no value.
func joinNext(dst []byte, carried []requestCookie) (joined []byte, stale cookieSet, ok bool) {
	var present cookieSet
	wholes, highest := 0, -1
	whole := ""
	for _, c := range carried {
		switch {
		case c.index == wholeIndex && c.value != "":
			wholes, whole = wholes+1, c.value
		case c.index >= 0:
			highest = max(highest, c.index)
		}
		present |= bit(c.index)
	}
	switch {
	case wholes > 1 || len(whole) > MaxSealedBytes:
		return dst, 0, false
	case wholes == 1:
		return append(dst, whole...), present &^ bit(wholeIndex), true
	}
	start, dots := len(dst), 0
	for i := 0; i <= highest; i++ {
		value, count := "", 0
		for _, c := range carried {
			if c.index == i {
				value, count = c.value, count+1
			}
		}
		if count != 1 || value == "" || len(dst)-start+len(value) > MaxSealedBytes {
			return dst[:start], 0, false
		}
		dst = append(dst, value...)
		dots += strings.Count(value, ".")
		if dots < 4 {
			continue
		}
		tag := len(dst) - 1 - bytes.LastIndexByte(dst[start:], '.') - start
		switch {
		case dots > 4 || tag > jweTagChars:
			return dst[:start], 0, false
		case tag == jweTagChars:
			return dst, present &^ chunks(i+1), true
		}
	}
	return dst[:start], 0, false
}

// connectionPrefix starts the names of the original SDK's connection token cookies
// (__FC_0, __FC_1, …): each holds one token set of a connected account, sealed as the session.
const connectionPrefix = "__FC_"

// maxConnectionCookies bounds the connection token cookies kept from one request.
const maxConnectionCookies = 8

// connectionCookies returns the connection token cookies the Cookie header lines carry.
func connectionCookies(lines []string) []requestCookie {
	var found []requestCookie
	for _, line := range lines {
		for from := 0; from < len(line) && len(found) < maxConnectionCookies; {
			at := strings.Index(line[from:], connectionPrefix)
			if at < 0 {
				break
			}
			at += from
			part := line[at:]
			from = len(line)
			if end := strings.IndexByte(part, ';'); end >= 0 {
				part, from = part[:end], at+end+1
			}
			if !startsCookie(line, at) {
				from = at + len(connectionPrefix)
				continue
			}
			k, v, _ := strings.Cut(part, "=")
			k = strings.TrimRight(k, " \t")
			if isDigits(k[len(connectionPrefix):]) {
				found = append(found, requestCookie{name: k, value: cookieValue(v)})
			}
		}
	}
	return found
}

func isDigits(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// rollConnections writes the connection token cookies of the request lines carried again,
// expiring at expires, as the original does with every session write; a cookie that does not
// open is left as it is. A new session (login) deletes them, as the original does.
func rollConnections(h http.Header, c *JWECodec, opts CookieOptions, lines []string, expires, now time.Time, fresh bool) {
	for _, fc := range connectionCookies(lines) {
		if fresh {
			opts.DeleteCookie(h, fc.name)
			continue
		}
		plain, err := c.Open(fc.value)
		if err != nil {
			continue
		}
		claims, err := readClaims(plain)
		if err != nil || !claims.validAt(now) {
			continue
		}
		plain = bytes.TrimSpace(plain)
		if len(plain) < 2 || plain[0] != '{' {
			continue
		}
		plain = withoutExp(plain)
		sealed, err := c.Seal(appendExp(plain, expires.Unix()))
		if err != nil {
			continue
		}
		opts.SetCookie(h, fc.name, sealed, expires, now)
	}
}

// deleteConnections deletes the connection token cookies the request lines carried.
func deleteConnections(h http.Header, opts CookieOptions, lines []string) {
	for _, fc := range connectionCookies(lines) {
		opts.DeleteCookie(h, fc.name)
	}
}

// newCodecs returns the codecs of the formats a manager reads: format's, and with
// acceptOther the other one's too.
func newCodecs(purpose Purpose, format CookieFormat, acceptOther bool, secret string, retired []string) (*Codec, *JWECodec, error) {
	var codec *Codec
	var jwe *JWECodec
	var err error
	if format == FormatSecureCookie || acceptOther {
		if codec, err = NewCodec(purpose, secret, retired...); err != nil {
			return nil, nil, err
		}
	}
	if format == FormatNextJS || acceptOther {
		if jwe, err = NewJWECodec(secret, retired...); err != nil {
			return nil, nil, err
		}
	}
	return codec, jwe, nil
}

// sealNext seals s in the format "nextjs" and splits it into cookie values.
func (m *Stateless) sealNext(s *Session) ([]string, error) {
	p := m.jwe.buffer(4 << 10)
	defer m.jwe.release(p)
	plain, err := s.appendJWT((*p)[:0])
	if err != nil {
		return nil, fmt.Errorf("session: encoding cookie %q: %w", m.cookie.Name, err)
	}
	sealed, err := m.jwe.Seal(plain)
	if err != nil {
		return nil, err
	}
	values := splitNext(sealed)
	if values == nil {
		return nil, fmt.Errorf("%w (%d bytes sealed)", ErrTooLarge, len(sealed))
	}
	return values, nil
}
