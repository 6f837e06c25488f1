package mw

import (
	"net/http"
	"strings"
)

// markPrivate keeps the response of a signed-in request out of shared caches: Cache-Control
// becomes at least private and Vary names Cookie. A value that already keeps shared caches
// out (no-store, or private without a field list) stays as the handler set it; otherwise
// public is dropped and private added, keeping the other directives (max-age, no-cache, …).
func markPrivate(h http.Header) {
	if len(h["Cache-Control"]) == 0 && len(h["Vary"]) == 0 {
		// The common case, in one allocation: two values, each its own slice.
		v := []string{"private", "Cookie"}
		h["Cache-Control"], h["Vary"] = v[0:1:1], v[1:2:2]
		return
	}
	h["Cache-Control"] = privateCacheControl(h.Values("Cache-Control"))
	h["Vary"] = mergeVary(h.Values("Vary"), []string{"Cookie"})
}

// privateCacheControl returns the Cache-Control field values v made at least private.
func privateCacheControl(v []string) []string {
	rank := cacheRankOf(v)
	if rank.keepsOutOfSharedCaches() && !rank.public {
		return v
	}
	var kept []string
	for _, line := range v {
		for d := range strings.SplitSeq(line, ",") {
			if d = strings.TrimSpace(d); d != "" && !strings.EqualFold(d, "public") {
				kept = append(kept, d)
			}
		}
	}
	if !rank.keepsOutOfSharedCaches() {
		kept = append(kept, "private")
	}
	return []string{strings.Join(kept, ", ")}
}
