package mw

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestRollingSessionKeepsSignedInResponsesOutOfSharedCaches(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	m := newManager(t, clk)
	r := signedIn(t, m, clk) // not due: nothing is written back
	for _, tc := range []struct {
		name                   string
		cacheControl, vary     string
		wantCacheControl, want string
	}{
		{"nothing set", "", "", "private", "Cookie"},
		{"public", "public, max-age=600", "", "max-age=600, private", "Cookie"},
		{"max-age only", "max-age=60", "Accept-Language", "max-age=60, private", "Accept-Language, Cookie"},
		{"no-cache", "no-cache", "", "no-cache, private", "Cookie"},
		{"field-restricted private", `private="Set-Cookie"`, "", `private="Set-Cookie", private`, "Cookie"},
		{"already private", "private, max-age=60", "cookie", "private, max-age=60", "cookie"},
		{"no-store", "no-store", "Origin, Cookie", "no-store", "Origin, Cookie"},
		{"vary star", "", "*", "private", "*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for via, write := range map[string]func(http.ResponseWriter){
				"Write":     func(w http.ResponseWriter) { _, _ = w.Write([]byte("hello, u1")) },
				"nothing":   func(http.ResponseWriter) {},
				"304 first": func(w http.ResponseWriter) { w.WriteHeader(http.StatusNotModified) },
			} {
				rec := httptest.NewRecorder()
				RollingSession(RollingSessionOptions{Manager: m})(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					if tc.cacheControl != "" {
						w.Header().Set("Cache-Control", tc.cacheControl)
					}
					if tc.vary != "" {
						w.Header().Set("Vary", tc.vary)
					}
					write(w)
				})).ServeHTTP(rec, r)
				if len(rec.Header().Values("Set-Cookie")) != 0 {
					t.Fatalf("%s: the session was written; the test needs a response without cookies", via)
				}
				if got := rec.Header().Values("Cache-Control"); len(got) != 1 || got[0] != tc.wantCacheControl {
					t.Errorf("%s: Cache-Control %q, want %q", via, got, tc.wantCacheControl)
				}
				if got := rec.Header().Values("Vary"); len(got) != 1 || got[0] != tc.want {
					t.Errorf("%s: Vary %q, want %q", via, got, tc.want)
				}
			}
		})
	}
}

func TestRollingSessionMarksARolledResponseNoStoreAndVaryCookie(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	m := newManager(t, clk)
	r := signedIn(t, m, clk)
	clk.now = clk.now.Add(2 * time.Minute) // due: the session is written again
	rec := httptest.NewRecorder()
	RollingSession(RollingSessionOptions{Manager: m})(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=600")
		_, _ = w.Write([]byte("hello, u1"))
	})).ServeHTTP(rec, r)
	if cc, vary := rec.Header().Get("Cache-Control"), rec.Header().Get("Vary"); cc != "no-store" || vary != "Cookie" {
		t.Errorf("rolled response: Cache-Control %q, Vary %q; want no-store, Cookie", cc, vary)
	}
}

func TestRollingSessionLeavesSignedOutCachingAlone(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	rec := httptest.NewRecorder()
	RollingSession(RollingSessionOptions{Manager: newManager(t, clk)})(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=600")
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if cc, vary := rec.Header().Get("Cache-Control"), rec.Header().Values("Vary"); cc != "public, max-age=600" || vary != nil {
		t.Errorf("signed-out response: Cache-Control %q, Vary %q", cc, vary)
	}
}

func TestMergeHeadersKeepsTheSignedInMarks(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	m := newManager(t, clk)
	r := signedIn(t, m, clk)
	i18n := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "Accept-Language")
			next.ServeHTTP(w, r)
		})
	}
	rec := httptest.NewRecorder()
	MergeHeaders(RollingSession(RollingSessionOptions{Manager: m}), i18n)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write([]byte("hello, u1"))
	})).ServeHTTP(rec, r)
	if cc, vary := rec.Header().Get("Cache-Control"), rec.Header().Values("Vary"); cc != "no-cache, private" || len(vary) != 1 || vary[0] != "Accept-Language, Cookie" {
		t.Errorf("Cache-Control %q, Vary %q; want no-cache, private and Accept-Language, Cookie", cc, vary)
	}
}
