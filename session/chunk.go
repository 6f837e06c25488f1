package session

import (
	"strconv"
	"strings"
)

// Chunking limits. A sealed value of up to MaxCookieSize bytes is one cookie; a larger one is
// split into chunk cookies of at most MaxCookieSize bytes each. The first chunk records how many
// chunks there are, so a leftover chunk of an older, longer write is recognised as stale.
const (
	MaxCookieSize  = 3500
	MaxChunks      = 20
	MaxSealedBytes = 64 << 10
)

const chunkSep = "__"

// chunkName returns the name of chunk i of the cookie called name.
func chunkName(name string, i int) string { return name + chunkSep + strconv.Itoa(i) }

// chunkIndex returns i when cookie is chunk i of name (canonical decimal), or -1.
func chunkIndex(name, cookie string) int {
	rest, ok := strings.CutPrefix(cookie, name+chunkSep)
	if !ok || rest == "" || len(rest) > 3 || (rest[0] == '0' && len(rest) > 1) {
		return -1
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 {
		return -1
	}
	return i
}

// isFamily reports whether cookie is name itself or one of its chunks (canonical or not).
func isFamily(name, cookie string) bool {
	if cookie == name {
		return true
	}
	rest, ok := strings.CutPrefix(cookie, name+chunkSep)
	if !ok || rest == "" {
		return false
	}
	for _, c := range []byte(rest) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// splitValue returns the cookie values that carry sealed: one value when it fits in a cookie,
// else chunks whose first one starts with "<count>.". It returns nil when sealed needs more than
// MaxChunks chunks or MaxSealedBytes.
func splitValue(sealed string) []string {
	if len(sealed) <= MaxCookieSize {
		return []string{sealed}
	}
	if len(sealed) > MaxSealedBytes {
		return nil
	}
	n := (len(sealed) + MaxCookieSize - 1) / MaxCookieSize
	for len(sealed)+len(strconv.Itoa(n))+1 > n*MaxCookieSize {
		n++
	}
	if n > MaxChunks {
		return nil
	}
	prefixed := strconv.Itoa(n) + "." + sealed
	chunks := make([]string, 0, n)
	for len(prefixed) > 0 {
		k := min(MaxCookieSize, len(prefixed))
		chunks = append(chunks, prefixed[:k])
		prefixed = prefixed[k:]
	}
	return chunks
}

// joinValue reassembles the sealed value from the cookies of name's family that a request
// carried. stale lists the carried cookies that the value does not use (leftover chunks of an
// older write, or chunks beside an unchunked cookie): they are to be deleted. ok is false when
// the cookies do not make one value: a missing or duplicated chunk, a bad count, an oversized
// total, or the unchunked cookie twice.
func joinValue(name string, carried []requestCookie) (sealed string, stale []string, ok bool) {
	whole, wholes := "", 0
	for _, c := range carried {
		if c.name == name {
			whole, wholes = c.value, wholes+1
		}
	}
	switch {
	case wholes > 1:
		return "", nil, false
	case wholes == 1:
		for _, c := range carried {
			if c.name != name {
				stale = append(stale, c.name)
			}
		}
		if len(whole) > MaxSealedBytes {
			return "", nil, false
		}
		return whole, stale, true
	}
	return joinChunks(name, carried)
}

func joinChunks(name string, carried []requestCookie) (string, []string, bool) {
	n, ok := chunkCount(name, carried)
	if !ok {
		return "", nil, false
	}
	parts := make([]string, n)
	var stale []string
	total := 0
	for _, c := range carried {
		i := chunkIndex(name, c.name)
		switch {
		case i < 0 || i >= n:
			stale = append(stale, c.name)
		case parts[i] != "":
			return "", nil, false
		default:
			parts[i] = c.value
			total += len(c.value)
		}
	}
	if total > MaxSealedBytes+len(strconv.Itoa(MaxChunks))+1 {
		return "", nil, false
	}
	for _, p := range parts {
		if p == "" {
			return "", nil, false
		}
	}
	joined := strings.Join(parts, "")
	_, sealed, _ := strings.Cut(joined, ".")
	return sealed, stale, true
}

// chunkCount reads the count that the first chunk records.
func chunkCount(name string, carried []requestCookie) (int, bool) {
	first := ""
	for _, c := range carried {
		if chunkIndex(name, c.name) == 0 {
			if first != "" {
				return 0, false
			}
			first = c.value
		}
	}
	count, _, found := strings.Cut(first, ".")
	if !found || len(count) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 2 || n > MaxChunks {
		return 0, false
	}
	return n, true
}
