package mw

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// raSignedIn treats a request with an X-Test-User header as signed in.
func raSignedIn(r *http.Request) bool { return r.Header.Get("X-Test-User") != "" }

// raOK is a protected page.
func raOK(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "secret") }

func TestRequireAuthSignedOut(t *testing.T) {
	t.Parallel()
	const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	cases := []struct {
		name, method, target string
		header               map[string]string
		loginPath            string
		location             string // "" expects the 401
	}{
		{name: "navigation by Sec-Fetch-Mode", method: http.MethodGet, target: "/en/profile",
			header: map[string]string{"Sec-Fetch-Mode": "navigate", "Accept": "*/*"}, location: "/auth/login?returnTo=%2Fen%2Fprofile"},
		{name: "navigation by Accept, no Sec-Fetch-Mode", method: http.MethodGet, target: "/en/profile",
			header: map[string]string{"Accept": browserAccept}, location: "/auth/login?returnTo=%2Fen%2Fprofile"},
		{name: "Accept with a weight, any case", method: http.MethodGet, target: "/p",
			header: map[string]string{"Accept": "application/json, TEXT/HTML ; q=0.5"}, location: "/auth/login?returnTo=%2Fp"},
		{name: "HEAD navigation", method: http.MethodHead, target: "/p",
			header: map[string]string{"Sec-Fetch-Mode": "navigate"}, location: "/auth/login?returnTo=%2Fp"},
		{name: "query with & and # and unicode", method: http.MethodGet, target: "/en/profile?tab=a%26b&frag=%23x&name=%C3%A9",
			header:   map[string]string{"Sec-Fetch-Mode": "navigate"},
			location: "/auth/login?returnTo=%2Fen%2Fprofile%3Ftab%3Da%2526b%26frag%3D%2523x%26name%3D%25C3%25A9"},
		{name: "unicode path", method: http.MethodGet, target: "/caf%C3%A9/ü?q=ü",
			header: map[string]string{"Sec-Fetch-Mode": "navigate"}, location: "/auth/login?returnTo=%2Fcaf%25C3%25A9%2F%25C3%25BC%3Fq%3D%C3%BC"},
		{name: "login path with a query", method: http.MethodGet, target: "/p?x=1", loginPath: "/login?prompt=login#top",
			header: map[string]string{"Sec-Fetch-Mode": "navigate"}, location: "/login?prompt=login&returnTo=%2Fp%3Fx%3D1#top"},
		{name: "POST navigation", method: http.MethodPost, target: "/en/profile",
			header: map[string]string{"Sec-Fetch-Mode": "navigate", "Accept": browserAccept}},
		{name: "fetch", method: http.MethodGet, target: "/api/me",
			header: map[string]string{"Sec-Fetch-Mode": "cors", "Accept": "*/*"}},
		{name: "fetch that asks for HTML", method: http.MethodGet, target: "/en/fragment",
			header: map[string]string{"Sec-Fetch-Mode": "cors", "Accept": "text/html"}},
		{name: "curl", method: http.MethodGet, target: "/en/profile",
			header: map[string]string{"Accept": "*/*"}},
		{name: "no headers", method: http.MethodGet, target: "/en/profile"},
		{name: "API client", method: http.MethodGet, target: "/api/me",
			header: map[string]string{"Accept": "application/json"}},
		{name: "HTML refused", method: http.MethodGet, target: "/p",
			header: map[string]string{"Accept": "text/html;q=0, */*"}},
		{name: "HEAD from a script", method: http.MethodHead, target: "/p",
			header: map[string]string{"Sec-Fetch-Mode": "same-origin"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := RequireAuth(RequireAuthOptions{SignedIn: raSignedIn, LoginPath: tc.loginPath})(http.HandlerFunc(raOK))
			req := httptest.NewRequest(tc.method, tc.target, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			if tc.location != "" {
				raCheckRedirect(t, res, req, tc.location)
			} else {
				raCheckUnauthorized(t, res)
			}
		})
	}
}

// raCheckRedirect checks a redirect to the login route and that its returnTo decodes to the
// request's path and query.
func raCheckRedirect(t *testing.T, res *http.Response, req *http.Request, location string) {
	t.Helper()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("status = %d, want 302", res.StatusCode)
	}
	got := res.Header.Get("Location")
	if got != location {
		t.Errorf("Location = %q, want %q", got, location)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if rt := u.Query().Get("returnTo"); rt != req.URL.RequestURI() {
		t.Errorf("returnTo = %q, want %q", rt, req.URL.RequestURI())
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}

// raCheckUnauthorized checks the 401 JSON answer.
func raCheckUnauthorized(t *testing.T, res *http.Response) {
	t.Helper()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", res.StatusCode)
	}
	for k, want := range map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store", "Location": ""} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	body, _ := io.ReadAll(res.Body)
	const want = `{"error":"not_authenticated","description":"The user does not have an active session or is not authenticated"}`
	if string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}
}

func TestRequireAuthSignedIn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"page", raOK, "private, no-store"},
		{"handler writes nothing", func(http.ResponseWriter, *http.Request) {}, "private, no-store"},
		{"handler asks for public caching", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			raOK(w, r)
		}, "private, no-store"},
		{"handler keeps no-store", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Cache-Control", "no-store, max-age=0")
			w.WriteHeader(http.StatusNoContent)
		}, "no-store, max-age=0"},
		{"handler flushes", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Cache-Control", "max-age=60")
			_ = http.NewResponseController(w).Flush()
		}, "private, no-store"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := RequireAuth(RequireAuthOptions{SignedIn: raSignedIn})(tc.handler)
			req := httptest.NewRequest(http.MethodGet, "/en/profile", nil)
			req.Header.Set("X-Test-User", "alice")
			req.Header.Set("Sec-Fetch-Mode", "navigate")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode == http.StatusFound || res.StatusCode == http.StatusUnauthorized {
				t.Fatalf("status = %d, want the handler's", res.StatusCode)
			}
			if got := res.Header.Values("Cache-Control"); len(got) != 1 || got[0] != tc.want {
				t.Errorf("Cache-Control = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRequireAuthPanicsOnProgrammerErrors(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]RequireAuthOptions{
		"no SignedIn":               {},
		"LoginPath with returnTo":   {SignedIn: raSignedIn, LoginPath: "/login?returnTo=/x"},
		"LoginPath not a valid URL": {SignedIn: raSignedIn, LoginPath: "/%zz"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("RequireAuth did not panic")
				}
			}()
			RequireAuth(opts)
		})
	}
}

// TestRequireAuthReturnsToThePathTheBrowserAskedFor: behind http.StripPrefix the login's
// returnTo is still the page the browser asked for, prefix included.
func TestRequireAuthReturnsToThePathTheBrowserAskedFor(t *testing.T) {
	t.Parallel()
	page := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("a signed-out request reached the page") })
	h := http.StripPrefix("/app", RequireAuth(RequireAuthOptions{
		SignedIn:  func(*http.Request) bool { return false },
		LoginPath: "/app/auth/login",
	})(page))
	r := httptest.NewRequest(http.MethodGet, "/app/account/profile?tab=2", nil)
	r.Header.Set("Sec-Fetch-Mode", "navigate")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	loc, err := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusFound || err != nil || loc.Query().Get("returnTo") != "/app/account/profile?tab=2" {
		t.Errorf("answer %d, Location %q; want a redirect returning to /app/account/profile?tab=2", rec.Code, rec.Header().Get("Location"))
	}
}
