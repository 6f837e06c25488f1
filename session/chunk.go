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
// carried. stale holds the canonical names carried that the value does not use (leftover chunks
// of an older write, or chunks beside an unchunked cookie): they are to be deleted. ok is false
// when the cookies do not make one value: a missing or duplicated chunk, a bad count, an
// oversized total, or the unchunked cookie twice.
func joinValue(carried []requestCookie) (sealed string, stale cookieSet, ok bool) {
	whole, wholes := "", 0
	var present cookieSet
	for _, c := range carried {
		if c.index == wholeIndex {
			whole, wholes = c.value, wholes+1
		}
		present |= bit(c.index)
	}
	switch {
	case wholes > 1:
		return "", 0, false
	case wholes == 1:
		if len(whole) > MaxSealedBytes {
			return "", 0, false
		}
		return whole, present &^ bit(wholeIndex), true
	}
	return joinChunks(carried, present)
}

func joinChunks(carried []requestCookie, present cookieSet) (string, cookieSet, bool) {
	n, ok := chunkCount(carried)
	if !ok {
		return "", 0, false
	}
	var parts [MaxChunks]string
	total := 0
	for _, c := range carried {
		switch {
		case c.index < 0 || c.index >= n:
		case parts[c.index] != "":
			return "", 0, false
		default:
			parts[c.index] = c.value
			total += len(c.value)
		}
	}
	if total > MaxSealedBytes+len(strconv.Itoa(MaxChunks))+1 {
		return "", 0, false
	}
	for _, p := range parts[:n] {
		if p == "" {
			return "", 0, false
		}
	}
	joined := strings.Join(parts[:n], "")
	_, sealed, _ := strings.Cut(joined, ".")
	return sealed, present &^ chunks(n), true
}

// chunkCount reads the count that the first chunk records.
func chunkCount(carried []requestCookie) (int, bool) {
	first := ""
	for _, c := range carried {
		if c.index == 0 {
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
