package session

import (
	"net/http"
	"strings"
)

// MaxFamilyCookies bounds the cookies of one session family (the name and names of the form
// name__<digits>) a request may carry: the unchunked cookie, MaxChunks chunks and a few
// leftovers. A request carrying more has no session; the scan stops there, so a Cookie header
// flooded with chunk names costs no more than a normal one.
const MaxFamilyCookies = MaxChunks + 4

// Cookie indices of a family: wholeIndex is the unchunked name, 0…MaxChunks-1 a canonical
// chunk, otherIndex any other name__<digits> (never part of a value, never deleted).
const (
	wholeIndex = -1
	otherIndex = -2
)

// requestCookie is one cookie of a request's Cookie headers; strings alias the header.
type requestCookie struct {
	name, value string
	index       int // wholeIndex, a canonical chunk index, or otherIndex
}

// cookieSet is a set of a family's canonical names: bit 0 is the name itself, bit i+1 is chunk
// i. Only canonical names are ever deleted, so a response deletes at most MaxChunks+1 cookies.
type cookieSet uint32

// bit returns the set holding the canonical cookie of index, or the empty set.
func bit(index int) cookieSet {
	if index < wholeIndex || index >= MaxChunks {
		return 0
	}
	return 1 << (index + 1)
}

// chunks returns the set of chunks 0…n-1.
func chunks(n int) cookieSet { return (1<<n - 1) << 1 }

// each calls fn with the name of every cookie in s.
func (s cookieSet) each(name string, fn func(string)) {
	if s&bit(wholeIndex) != 0 {
		fn(name)
	}
	for i := range MaxChunks {
		if s&bit(i) != 0 {
			fn(chunkName(name, i))
		}
	}
}

// family returns the cookies of r called name or name__<digits>, in the order they came, and
// the set of canonical names among them. ok is false when r carries more than
// MaxFamilyCookies of them: the scan stopped there and the cookies make no session.
//
// The scan is one pass over the Cookie headers that looks for name itself, so its cost is
// that of a substring search, and it allocates once.
func family(r *http.Request, name string) (found []requestCookie, carried cookieSet, ok bool) {
	for _, line := range r.Header["Cookie"] {
		for from := 0; ; {
			c, next, hit := nextFamilyCookie(line, from, name)
			if !hit {
				break
			}
			from = next
			if len(found) == MaxFamilyCookies {
				return found, carried, false
			}
			if found == nil {
				found = make([]requestCookie, 0, 4)
			}
			found = append(found, c)
			carried |= bit(c.index)
		}
	}
	return found, carried, true
}

// nextFamilyCookie finds the first cookie of name's family in line at or after from; next is
// where the rest of the line starts.
func nextFamilyCookie(line string, from int, name string) (c requestCookie, next int, ok bool) {
	for from < len(line) {
		at := indexName(line, from, name)
		if at < 0 {
			break
		}
		if !startsCookie(line, at) {
			from = at + len(name)
			continue
		}
		part := line[at:]
		from = len(line)
		if end := strings.IndexByte(part, ';'); end >= 0 {
			part, from = part[:end], at+end+1
		}
		k, v, _ := strings.Cut(part, "=")
		k = strings.TrimRight(k, " \t")
		if index, member := familyIndex(name, k); member {
			return requestCookie{name: k, value: cookieValue(v), index: index}, from, true
		}
	}
	return requestCookie{}, len(line), false
}

// indexName returns the first position at or after from where name occurs in line, or -1.
// It searches from the name's first letter or digit: punctuation such as the underscores that
// start "__session" is common in Cookie headers and would make the search stop at every
// cookie.
func indexName(line string, from int, name string) int {
	skip := strings.IndexFunc(name, func(r rune) bool { return r != '_' && r != '-' && r != '.' })
	if skip < 0 {
		skip = 0
	}
	for from+skip <= len(line) {
		i := strings.Index(line[from+skip:], name[skip:])
		if i < 0 {
			return -1
		}
		at := from + i
		if line[at:at+skip] == name[:skip] {
			return at
		}
		from = at + 1
	}
	return -1
}

// startsCookie reports whether position at of line begins a cookie name: it follows the
// line's start or a semicolon, with only spaces or tabs between.
func startsCookie(line string, at int) bool {
	i := at - 1
	for i >= 0 && (line[i] == ' ' || line[i] == '\t') {
		i--
	}
	return i < 0 || line[i] == ';'
}

// cookieValue trims a cookie value and removes one pair of surrounding double quotes, as
// net/http does.
func cookieValue(v string) string {
	v = strings.Trim(v, " \t")
	if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return v
}

// familyIndex reports whether cookie belongs to name's family (name itself or name__<digits>)
// and which index it has there.
func familyIndex(name, cookie string) (int, bool) {
	if cookie == name {
		return wholeIndex, true
	}
	if !strings.HasPrefix(cookie, name) || !strings.HasPrefix(cookie[len(name):], chunkSep) {
		return 0, false
	}
	digits := cookie[len(name)+len(chunkSep):]
	if digits == "" {
		return 0, false
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	if len(digits) > 2 || (digits[0] == '0' && len(digits) > 1) {
		return otherIndex, true
	}
	n := int(digits[0] - '0')
	if len(digits) == 2 {
		n = n*10 + int(digits[1]-'0')
	}
	if n >= MaxChunks {
		return otherIndex, true
	}
	return n, true
}
