package main

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// localeEcho answers with the locale Locales put in the context, "-" when there is none.
var localeEcho = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	loc := LocaleFrom(r.Context())
	if loc == "" {
		loc = "-"
	}
	_, _ = w.Write([]byte(loc))
})

// serveLocales runs one request through Locales with the default configuration.
func serveLocales(t *testing.T, cfg LocaleConfig, req *http.Request) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	Locales(cfg)(localeEcho).ServeHTTP(rec, req)
	return rec.Result()
}

func TestLocalesNegotiation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, cookie, accept, want string
	}{
		{"nothing to go on", "", "", "en"},
		{"exact match", "", "de", "de"},
		{"regional variant", "", "fr-CA", "fr"},
		{"q-values order the choices", "", "de;q=0.5, fr;q=0.9", "fr"},
		{"a refused language is skipped", "", "fr;q=0, de", "de"},
		{"first supported of a browser list", "", "nl-NL, nl;q=0.9, fr;q=0.5, en;q=0.1", "fr"},
		{"unsupported falls back to the default", "", "ja, zh;q=0.8", "en"},
		{"malformed header", "", "!!!", "en"},
		{"cookie beats the header", "de", "fr-CA, fr;q=0.9", "de"},
		{"unsupported cookie is ignored", "es", "fr", "fr"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			if tc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: "NEXT_LOCALE", Value: tc.cookie})
			}
			res := serveLocales(t, LocaleConfig{}, req)
			if res.StatusCode != http.StatusTemporaryRedirect {
				t.Fatalf("status = %d, want 307", res.StatusCode)
			}
			if got, want := res.Header.Get("Location"), "/"+tc.want+"/"; got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
			want := "NEXT_LOCALE=" + tc.want + "; Path=/; Max-Age=31536000; SameSite=Lax"
			if got := res.Header.Values("Set-Cookie"); !slices.Equal(got, []string{want}) {
				t.Errorf("Set-Cookie = %q, want %q", got, want)
			}
			if got := res.Header.Values("Vary"); !slices.Equal(got, []string{"Accept-Language, Cookie"}) {
				t.Errorf("Vary = %q", got)
			}
		})
	}
}

func TestLocalesRedirectKeepsPathAndQuery(t *testing.T) {
	t.Parallel()
	cases := []struct{ method, target, want string }{
		{http.MethodGet, "/profile?tab=a%26b&x=1", "/fr/profile?tab=a%26b&x=1"},
		{http.MethodGet, "/caf%C3%A9/x%2Fy", "/fr/caf%C3%A9/x%2Fy"},
		{http.MethodGet, "/french", "/fr/french"},
		{http.MethodGet, "/auth", "/fr/auth"},
		{http.MethodPost, "/contact?ok=1", "/fr/contact?ok=1"},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(tc.method, tc.target, nil)
		req.Header.Set("Accept-Language", "fr")
		res := serveLocales(t, LocaleConfig{}, req)
		if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != tc.want {
			t.Errorf("%s %s: %d %q, want 307 %q", tc.method, tc.target, res.StatusCode, res.Header.Get("Location"), tc.want)
		}
	}
}

func TestLocalesUnlocalisedPathsPassThrough(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/auth/login", "/auth/profile", "/static/app.css", "/favicon.ico", "/api/me", "/api/"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Language", "de")
		res := serveLocales(t, LocaleConfig{}, req)
		body := readBody(t, res)
		if res.StatusCode != http.StatusOK || body != "-" {
			t.Errorf("%s: %d %q, want 200 and no locale", path, res.StatusCode, body)
		}
		if res.Header.Get("Set-Cookie") != "" || res.Header.Get("Vary") != "" {
			t.Errorf("%s: Set-Cookie %q, Vary %q, want none", path, res.Header.Get("Set-Cookie"), res.Header.Get("Vary"))
		}
	}
}

func TestLocalesPrefixedRequests(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, path, cookie, want string
		setsCookie               bool
	}{
		{"no cookie yet", "/de/profile", "", "de", true},
		{"cookie differs", "/de/", "fr", "de", true},
		{"cookie agrees", "/fr/profile", "fr", "fr", false},
		{"locale root without slash", "/en", "en", "en", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			req.Header.Set("Accept-Language", "ja")
			if tc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: "NEXT_LOCALE", Value: tc.cookie})
			}
			res := serveLocales(t, LocaleConfig{}, req)
			if body := readBody(t, res); res.StatusCode != http.StatusOK || body != tc.want {
				t.Fatalf("%d %q, want 200 %q", res.StatusCode, body, tc.want)
			}
			got := res.Header.Get("Set-Cookie")
			want := ""
			if tc.setsCookie {
				want = "NEXT_LOCALE=" + tc.want + "; Path=/; Max-Age=31536000; SameSite=Lax"
			}
			if got != want {
				t.Errorf("Set-Cookie = %q, want %q", got, want)
			}
		})
	}
}

func TestLocalesConfig(t *testing.T) {
	t.Parallel()
	cfg := LocaleConfig{Locales: []string{"de", "en"}, CookieName: "lang", Unlocalised: []string{"/healthz"}}
	req := httptest.NewRequest(http.MethodGet, "/fr/x", nil)
	req.Header.Set("Accept-Language", "fr")
	res := serveLocales(t, cfg, req)
	if got := res.Header.Get("Location"); got != "/de/fr/x" {
		t.Errorf("Location = %q, want the default locale /de/fr/x", got)
	}
	if got := res.Header.Get("Set-Cookie"); got != "lang=de; Path=/; Max-Age=31536000; SameSite=Lax" {
		t.Errorf("Set-Cookie = %q", got)
	}
	res = serveLocales(t, cfg, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if body := readBody(t, res); body != "-" {
		t.Errorf("/healthz got %q, want it unlocalised", body)
	}
	res = serveLocales(t, cfg, httptest.NewRequest(http.MethodGet, "/auth/login", nil))
	if res.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("/auth/login: %d, want a redirect once Unlocalised replaces the defaults", res.StatusCode)
	}

	defer func() {
		if recover() == nil {
			t.Error("an invalid locale did not panic")
		}
	}()
	Locales(LocaleConfig{Locales: []string{"en", "not a tag"}})
}
