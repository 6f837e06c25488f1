package mw

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// MergeHeaders composes two middlewares so that every response second and the handler produce
// also carries the headers first set. It is what the original SDK's guide does by hand when it
// combines its middleware with another one:
//
//	authRes := auth(req)
//	if isAuthRoute(req) { return authRes }
//	res := other(req)
//	for key, value := range authRes.headers { res.headers.set(key, value) }
//	return res
//
// first runs outermost. When it answers a request itself (it never calls its next handler), its
// response passes through untouched. Otherwise the response of second and the handler — passed
// through, a redirect or a page second writes itself, or one written through a ResponseWriter
// wrapper of second's, such as a gzip writer or a recorder that copies headers with Set — leaves
// with the headers first set before calling next and those it adds when the response starts
// (through its own ResponseWriter wrapper, or after next returns when nothing was written):
//
//   - Set-Cookie: first's cookies are appended unless the response already has a cookie with the
//     same name and value. A cookie of the same name that second or the handler set wins: first's
//     is not added next to it.
//   - Vary: the tokens of both, compared case-insensitively, each once, in one field.
//   - Cache-Control: the stricter of the two values wins: no-store, then no-cache, then private,
//     then the smaller max-age, then a value without public; of two no-cache values, one that
//     also says private wins.
//   - Content-Type, Content-Length, Content-Encoding, Content-Range, Transfer-Encoding and Location
//     belong to whoever writes the response and are left as they are.
//   - Any other header first set takes first's value, as the loop above does.
//
// The composed middleware is equivalent to first(second(h)) in every other respect. The writers
// it passes down keep http.Flusher working, and implement Unwrap so that http.ResponseController
// reaches the server's writer for Hijack, deadlines and full duplex. first must call next with a
// request whose context derives from the one it received; a request with an unrelated context
// gets first(second(h)) without the merge. MergeHeaders panics when first or second is nil.
func MergeHeaders(first, second func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	if first == nil || second == nil {
		panic("mw: MergeHeaders needs two middlewares")
	}
	return func(h http.Handler) http.Handler {
		key := new(mergeKey)
		inner := second(h)
		outer := first(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st, ok := r.Context().Value(key).(*mergeState)
			if !ok || st.ran {
				inner.ServeHTTP(w, r)
				return
			}
			st.begin(w.Header())
			sw := &hookWriter{ResponseWriter: w, hook: st.passOn}
			inner.ServeHTTP(sw, r)
			sw.finish()
		}))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st := &mergeState{base: w.Header().Clone()}
			ow := &hookWriter{ResponseWriter: w, hook: st.reach}
			outer.ServeHTTP(ow, r.WithContext(context.WithValue(r.Context(), key, st)))
			ow.finish()
		})
	}
}

// mergeKey is the context key of one composed handler's per-request state; it is never
// zero-sized, so every handler MergeHeaders builds gets a distinct key.
type mergeKey struct{ _ byte }

// mergeState follows one request through a composed handler. first's changes are the headers
// it set before calling next, then whatever it changed each time a status line passed from
// second's writer to the server's through first's writer.
type mergeState struct {
	base    http.Header   // the response's headers before first ran
	ran     bool          // first called its next handler
	first   []http.Header // first's changes, in order
	pending http.Header   // the headers as second passed them on, at its last status line
	second  http.Header   // the headers second and the handler produced
	applied bool
}

// begin records the headers first set before calling next.
func (st *mergeState) begin(h http.Header) {
	st.ran = true
	st.first = append(st.first, changedHeaders(st.base, h))
}

// passOn records the headers second passes on with a status line (or as it returns).
func (st *mergeState) passOn(code int, h http.Header) {
	st.pending = h.Clone()
	if isFinal(code) && st.second == nil {
		st.second = st.pending
	}
}

// reach records what first changed since second passed the headers on and, when the final
// status line reaches the server's writer, merges the final header map h.
func (st *mergeState) reach(code int, h http.Header) {
	if !st.ran || st.applied {
		return
	}
	if st.pending != nil {
		st.first = append(st.first, changedHeaders(st.pending, h))
		st.pending = nil
	}
	if isFinal(code) {
		st.applied = true
		st.apply(h)
	}
}

// apply rewrites the final header map h: what second produced, merged with first's changes.
func (st *mergeState) apply(h http.Header) {
	second := st.second
	if second == nil {
		second = h.Clone()
	}
	merged := second.Clone()
	appCookies := cookieNames(second.Values("Set-Cookie"), st.first[0].Values("Set-Cookie"))
	var touched []string
	for _, changes := range st.first {
		touched = append(touched, mergeInto(merged, changes, appCookies)...)
	}
	for _, k := range touched {
		if v := merged[k]; len(v) > 0 {
			h[k] = v
		} else {
			delete(h, k)
		}
	}
}

// changedHeaders returns the fields of after whose values differ from before.
func changedHeaders(before, after http.Header) http.Header {
	out := http.Header{}
	for k, v := range after {
		if !slices.Equal(before[k], v) {
			out[k] = slices.Clone(v)
		}
	}
	return out
}

// mergeInto merges first's fields src into dst by the rules of MergeHeaders and returns the keys
// it changed.
func mergeInto(dst, src http.Header, appCookies map[string]bool) []string {
	var touched []string
	for k, v := range src {
		switch http.CanonicalHeaderKey(k) {
		case "Set-Cookie":
			dst[k] = mergeCookies(dst[k], v, appCookies)
		case "Vary":
			dst[k] = mergeVary(dst[k], v)
		case "Cache-Control":
			if cacheRankOf(v).stricterThan(cacheRankOf(dst[k])) {
				dst[k] = slices.Clone(v)
			}
		case "Content-Type", "Content-Length", "Content-Encoding", "Content-Range",
			"Transfer-Encoding", "Location":
			continue
		default:
			dst[k] = slices.Clone(v)
		}
		touched = append(touched, k)
	}
	return touched
}

// mergeCookies appends to dst the Set-Cookie lines of add that it lacks, leaving out those whose
// cookie name the application set itself.
func mergeCookies(dst, add []string, appCookies map[string]bool) []string {
	out := slices.Clone(dst)
	seen := make(map[string]bool, len(dst))
	for _, line := range dst {
		_, id := cookieID(line)
		seen[id] = true
	}
	for _, line := range add {
		name, id := cookieID(line)
		if seen[id] || appCookies[name] {
			continue
		}
		seen[id] = true
		out = append(out, line)
	}
	return out
}

// cookieNames returns the names of the cookies in lines that are not among firsts.
func cookieNames(lines, firsts []string) map[string]bool {
	own := make(map[string]bool, len(firsts))
	for _, line := range firsts {
		_, id := cookieID(line)
		own[id] = true
	}
	names := map[string]bool{}
	for _, line := range lines {
		if name, id := cookieID(line); !own[id] && name != "" {
			names[name] = true
		}
	}
	return names
}

// cookieID returns a Set-Cookie line's cookie name and its name=value identity; a line that does
// not parse is its own identity.
func cookieID(line string) (name, id string) {
	c, err := http.ParseSetCookie(line)
	if err != nil {
		return "", strings.TrimSpace(line)
	}
	return c.Name, c.Name + "=" + c.Value
}

// mergeVary returns the Vary tokens of a and b, each once, as one field ("*" absorbs the rest).
func mergeVary(a, b []string) []string {
	var tokens []string
	seen := map[string]bool{}
	for _, line := range slices.Concat(a, b) {
		for tok := range strings.SplitSeq(line, ",") {
			tok = strings.TrimSpace(tok)
			if tok == "*" {
				return []string{"*"}
			}
			if tok != "" && !seen[strings.ToLower(tok)] {
				seen[strings.ToLower(tok)] = true
				tokens = append(tokens, tok)
			}
		}
	}
	if len(tokens) == 0 {
		return nil
	}
	return []string{strings.Join(tokens, ", ")}
}

// Cache-Control classes, from the least to the most strict.
const (
	cacheShared = iota
	cachePrivate
	cacheNoCache
	cacheNoStore
)

// cacheRank is how strictly a Cache-Control value limits caching.
type cacheRank struct {
	class   int
	maxAge  int64 // math.MaxInt64 without max-age
	public  bool
	private bool // a private directive without a field list
}

// cacheRankOf ranks the Cache-Control field values v (no value ranks as shared, no max-age).
func cacheRankOf(v []string) cacheRank {
	rank := cacheRank{maxAge: math.MaxInt64}
	for _, line := range v {
		for d := range strings.SplitSeq(line, ",") {
			name, arg, hasArg := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store":
				rank.class = max(rank.class, cacheNoStore)
			case "no-cache":
				if !hasArg {
					rank.class = max(rank.class, cacheNoCache)
				}
			case "private":
				if !hasArg {
					rank.class = max(rank.class, cachePrivate)
					rank.private = true
				}
			case "public":
				rank.public = true
			case "max-age":
				if n, err := strconv.ParseInt(strings.Trim(arg, `"`), 10, 64); err == nil && n >= 0 {
					rank.maxAge = min(rank.maxAge, n)
				}
			}
		}
	}
	return rank
}

// stricterThan reports whether a limits caching more than b.
func (a cacheRank) stricterThan(b cacheRank) bool {
	if a.class != b.class {
		return a.class > b.class
	}
	if a.class != cacheNoStore && a.private != b.private {
		return a.private
	}
	if a.maxAge != b.maxAge {
		return a.maxAge < b.maxAge
	}
	return !a.public && b.public
}

// keepsOutOfSharedCaches reports whether the value forbids shared caches to store the
// response: no-store, or private without a field list.
func (a cacheRank) keepsOutOfSharedCaches() bool {
	return a.class == cacheNoStore || a.private
}
