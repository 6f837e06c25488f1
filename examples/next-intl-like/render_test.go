package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// readBody reads and closes a response body.
func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testApp serves the app with cfg and returns the response to GET path.
func testApp(t *testing.T, cfg appConfig, path string) (*http.Response, string) {
	t.Helper()
	app, err := newApp(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	return res, readBody(t, res)
}

// signedIn is a user lookup that always finds user.
func signedIn(user map[string]any) func(*http.Request) map[string]any {
	return func(*http.Request) map[string]any { return user }
}

// mustContain fails for each of wants that body lacks.
func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestMessagesAreComplete(t *testing.T) {
	t.Parallel()
	for _, loc := range []string{"en", "fr", "de"} {
		v := reflect.ValueOf(messagesFor(loc))
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: %s is empty", loc, v.Type().Field(i).Name)
			}
		}
		if n := strings.Count(messagesFor(loc).Welcome, "%s"); n != 1 {
			t.Errorf("%s: Welcome has %d %%s, want 1", loc, n)
		}
	}
	if messagesFor("fr") == messagesFor("de") || messagesFor("xx") != messagesFor("en") {
		t.Error("each locale should have its own strings, English the fallback")
	}
}

func TestHomeSignedOutInEachLanguage(t *testing.T) {
	t.Parallel()
	for _, loc := range []string{"en", "fr", "de"} {
		t.Run(loc, func(t *testing.T) {
			t.Parallel()
			res, body := testApp(t, appConfig{}, "/"+loc+"/")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if got := res.Header.Get("Content-Language"); got != loc {
				t.Errorf("Content-Language = %q", got)
			}
			m := messagesFor(loc)
			mustContain(t, body, `<html lang="`+loc+`">`, m.HomeTitle, m.NotSignedIn, m.Login,
				`href="/auth/login?returnTo=%2F`+loc+`%2Fprofile"`)
			for _, other := range []string{"en", "fr", "de"} {
				if other != loc {
					mustContain(t, body, `<a href="/`+other+`/" hreflang="`+other+`"`)
				}
			}
			if strings.Contains(body, "/auth/logout") {
				t.Error("a signed-out page links to logout")
			}
		})
	}
}

func TestPagesSignedInEscapeUserValues(t *testing.T) {
	t.Parallel()
	user := map[string]any{"name": `<script>alert("x")</script>`, "email": "a&b@example.com", "sub": "auth0|42"}
	cfg := appConfig{User: signedIn(user)}
	for _, loc := range []string{"en", "fr", "de"} {
		t.Run(loc, func(t *testing.T) {
			t.Parallel()
			_, home := testApp(t, cfg, "/"+loc+"/")
			_, profile := testApp(t, cfg, "/"+loc+"/profile")
			escaped := "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
			m := messagesFor(loc)
			welcome := strings.Replace(m.Welcome, "%s", escaped, 1)
			mustContain(t, home, welcome, `href="/auth/logout?returnTo=%2F`+loc+`%2F"`, `href="/`+loc+`/profile"`)
			mustContain(t, profile, m.ProfileTitle, `<dd id="name">`+escaped+`</dd>`,
				`<dd id="email">a&amp;b@example.com</dd>`, `<dd id="sub">auth0|42</dd>`,
				`data-src="/auth/profile"`, `<script src="/static/profile.js" defer></script>`)
			for _, other := range []string{"en", "fr", "de"} {
				if other != loc {
					mustContain(t, profile, `<a href="/`+other+`/profile" hreflang="`+other+`"`)
				}
			}
			for _, body := range []string{home, profile} {
				if strings.Contains(body, "<script>alert") {
					t.Error("the user's name reached the page unescaped")
				}
			}
		})
	}
}

func TestPagesAreNeverStored(t *testing.T) {
	t.Parallel()
	for _, user := range []map[string]any{nil, {"sub": "auth0|42", "name": "Ada"}} {
		for _, path := range []string{"/en/", "/en/profile"} {
			res, _ := testApp(t, appConfig{User: signedIn(user)}, path)
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s (user %v): Cache-Control %q, want no-store", path, user, cc)
			}
		}
	}
}

func TestLogoutReturnsToTheLocaleHomeUnderTheBaseURL(t *testing.T) {
	t.Parallel()
	cfg := appConfig{User: signedIn(map[string]any{"sub": "x"}), BaseURL: "http://localhost:3000/"}
	_, body := testApp(t, cfg, "/de/profile")
	mustContain(t, body, `href="/auth/logout?returnTo=http%3A%2F%2Flocalhost%3A3000%2Fde%2F"`)
}

func TestDemoNoteOnlyWithTheDemoProvider(t *testing.T) {
	t.Parallel()
	for _, demo := range []bool{false, true} {
		_, body := testApp(t, appConfig{Demo: demo}, "/fr/")
		if got := strings.Contains(body, messagesFor("fr").DemoProvider); got != demo {
			t.Errorf("Demo %v: the page mentions the demo provider: %v", demo, got)
		}
	}
}

func TestProfileSignedOutWithoutProtection(t *testing.T) {
	t.Parallel()
	res, body := testApp(t, appConfig{}, "/fr/profile")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	mustContain(t, body, "Vous n’êtes pas connecté.", `href="/auth/login?returnTo=%2Ffr%2Fprofile"`)
	if strings.Contains(body, "client-profile") {
		t.Error("a signed-out profile page fetches the profile")
	}
}

func TestProtectWrapsOnlyTheProfile(t *testing.T) {
	t.Parallel()
	deny := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	}
	cfg := appConfig{Protect: deny}
	if res, _ := testApp(t, cfg, "/de/profile"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("profile: %d, want the protection's 401", res.StatusCode)
	}
	if res, _ := testApp(t, cfg, "/de/"); res.StatusCode != http.StatusOK {
		t.Errorf("home: %d, want 200", res.StatusCode)
	}
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	res, body := testApp(t, appConfig{}, "/static/profile.js")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	mustContain(t, body, "fetch(out.dataset.src")
	if res, _ := testApp(t, appConfig{}, "/es/"); res.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("/es/: %d, want a redirect to a supported locale", res.StatusCode)
	}
}

func TestClaim(t *testing.T) {
	t.Parallel()
	p := pageData{User: map[string]any{"name": "Ada", "age": 36, "none": nil}}
	for claim, want := range map[string]string{"name": "Ada", "age": "36", "none": "", "missing": ""} {
		if got := p.Claim(claim); got != want {
			t.Errorf("Claim(%q) = %q, want %q", claim, got, want)
		}
	}
	if got := (pageData{}).Claim("name"); got != "" {
		t.Errorf("signed out Claim = %q", got)
	}
}

func TestRenderFailureIsA500AndALogEntry(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	rd, err := newRenderer(slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	rd.render(rec, httptest.NewRequest(http.MethodGet, "/en/nope", nil), "nope", pageData{})
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "nope") {
		t.Errorf("%d %q, want a bare 500", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), `no page \"nope\"`) || !strings.Contains(logs.String(), "path=/en/nope") {
		t.Errorf("log = %q", logs.String())
	}
}
