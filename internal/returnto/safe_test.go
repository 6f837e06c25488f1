package returnto

import (
	"github.com/authchain/authchain/internal/returnto/returntotest"
	"net/url"
	"strings"
	"testing"
)

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestSafeRejectsHostilePayloads(t *testing.T) {
	t.Parallel()
	payloads := returntotest.Load(t, "testdata/hostile.txt")
	if len(payloads) < 200 {
		t.Fatalf("the hostile corpus shrank to %d payloads", len(payloads))
	}
	for _, p := range payloads {
		if got, ok := Safe(p.Raw, mustURL(t, p.Base)); ok || got != "" {
			t.Errorf("hostile.txt:%d: %q against %s gave %q, %v; want rejection", p.Line, p.Raw, p.Base, got, ok)
		}
	}
}

func TestSafeRejectsOverlongValues(t *testing.T) {
	t.Parallel()
	base := mustURL(t, "https://app.example.com/")

	atLimit := "/" + strings.Repeat("a", MaxLength-1)
	if got, ok := Safe(atLimit, base); !ok || got != atLimit {
		t.Errorf("a value of exactly MaxLength bytes gave %v; want it accepted unchanged", ok)
	}

	for name, raw := range map[string]string{
		"path":  "/" + strings.Repeat("a", MaxLength),
		"query": "/x?q=" + strings.Repeat("a", MaxLength),
		// Short enough as input, too long once the query is percent-encoded.
		"encoded output": "/x?q=" + strings.Repeat("\u00e9", 700),
	} {
		if _, ok := Safe(raw, base); ok {
			t.Errorf("%s: overlong value accepted", name)
		}
	}
}

func TestSafeRejectsUnusableBase(t *testing.T) {
	t.Parallel()
	if _, ok := Safe("/dashboard", nil); ok {
		t.Error("accepted with a nil base")
	}
	for _, b := range []string{
		"/relative/only",
		"ftp://app.example.com/",
		"javascript:alert(1)",
		"https://user:pass@app.example.com/",
		"https:opaque",
	} {
		if _, ok := Safe("/dashboard", mustURL(t, b)); ok {
			t.Errorf("accepted with base %q", b)
		}
	}
}

func TestSafeAcceptsSameOriginValues(t *testing.T) {
	t.Parallel()
	const (
		root = "https://app.example.com/"
		port = "https://app.example.com:8443/"
		dir  = "https://app.example.com/app/"
		file = "https://app.example.com/app"
	)
	tests := []struct {
		base, raw, want string
	}{
		{root, "/", "/"},
		{root, "/dashboard", "/dashboard"},
		{root, "/dashboard?x=1#y", "/dashboard?x=1#y"},
		{root, "dashboard", "/dashboard"},
		{root, "foo", "/foo"},
		{root, "/foo?x=https://evil.com", "/foo?x=https://evil.com"},
		{root, "/foo?next=//evil.com", "/foo?next=//evil.com"},
		{root, "/foo#//evil.com", "/foo#//evil.com"},
		{root, "?tab=2", "/?tab=2"},
		{root, "#section", "/#section"},
		{root, "./a/../b", "/b"},
		{root, "../../x", "/x"},
		{root, "/a/b/../c", "/a/c"},
		{root, "https://app.example.com/dashboard", "/dashboard"},
		{root, "HTTPS://APP.EXAMPLE.COM/x", "/x"},
		{root, "https://app.example.com:443/x", "/x"},
		{root, "https://app.example.com", "/"},
		{root, "https://app.example.com?x=1", "/?x=1"},
		{root, "https://app.example.com#@evil.com", "/#@evil.com"},
		{root, `https://app.example.com\@evil.com`, "/@evil.com"},
		{root, "/a b", "/a%20b"},
		{root, "/search?q=a b", "/search?q=a%20b"},
		{root, "/search?q=caf\u00e9", "/search?q=caf%C3%A9"},
		{root, "/x?q=<script>'\"", "/x?q=%3Cscript%3E%27%22"},
		{root, "/x#a b", "/x#a%20b"},
		{root, "/de/%C3%BCber", "/de/%C3%BCber"},
		{root, "/%41", "/%41"},
		{root, "/users/@me", "/users/@me"},
		{root, "/evil.com", "/evil.com"},
		{root, "/@evil.com", "/@evil.com"},
		{root, "/javascript:alert(1)", "/javascript:alert(1)"},
		{root, `\dashboard`, "/dashboard"},
		{root, `/a\b`, "/a/b"},
		{root, `/x?y=a\b`, `/x?y=a\b`},
		{root, "/x?", "/x"},
		{port, "/x", "/x"},
		{port, "https://app.example.com:8443/x", "/x"},
		{port, "HTTPS://app.example.com:8443", "/"},
		{dir, "foo", "/app/foo"},
		{dir, "/foo", "/foo"},
		{dir, "../foo", "/foo"},
		{dir, "?x=1", "/app/?x=1"},
		{dir, "#y", "/app/#y"},
		{dir, "https://app.example.com/app/settings", "/app/settings"},
		{file, "foo", "/foo"},
		{file, "?x=1", "/app?x=1"},
		{"https://app.example.com/app/?lang=de", "#y", "/app/?lang=de#y"},
		{"http://localhost:3000", "/x", "/x"},
		{"http://localhost:3000", "http://localhost:3000/x", "/x"},
		{"http://[::1]:8080/", "http://[::1]:8080/x", "/x"},
	}
	for _, tt := range tests {
		got, ok := Safe(tt.raw, mustURL(t, tt.base))
		if !ok || got != tt.want {
			t.Errorf("Safe(%q, %s) = %q, %v; want %q, true", tt.raw, tt.base, got, ok, tt.want)
		}
	}
}
