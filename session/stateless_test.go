package session

import (
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func newStateless(t *testing.T, clk *testClock, mutate ...func(*StatelessConfig)) *Stateless {
	t.Helper()
	cfg := StatelessConfig{Secret: testSecret, Now: clk.Now}
	for _, f := range mutate {
		f(&cfg)
	}
	m, err := NewStateless(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func save(t *testing.T, m Manager, l *Loaded, s *Session) http.Header {
	t.Helper()
	h := http.Header{}
	if err := m.Save(context.Background(), h, l, s, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return h
}

func load(t *testing.T, m Manager, r *http.Request) *Loaded {
	t.Helper()
	l, err := m.Load(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestStatelessRoundTrip(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk)
	s := realisticSession(clk.Now())
	h := save(t, m, nil, s)
	if got := h.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q", got)
	}
	cookies := setCookies(t, h)
	if len(cookies) != 2 || cookies["__session__0"] == nil || cookies["__session__1"] == nil {
		t.Fatalf("a realistic session (about 4.7 KB sealed) is not two chunks: %v", keys(cookies))
	}
	for _, c := range cookies {
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge != 86400 {
			t.Errorf("cookie attributes = %+v", c)
		}
	}
	l := load(t, m, requestWith(h))
	if l.Session == nil {
		t.Fatal("no session read back")
	}
	if l.Due {
		t.Error("a fresh session is due for a roll")
	}
	got := l.Session
	if got.User.Subject() != s.User.Subject() || got.TokenSet.AccessToken != s.TokenSet.AccessToken ||
		!got.TokenSet.ExpiresAt.Equal(s.TokenSet.ExpiresAt) || got.Internal.SID != s.Internal.SID {
		t.Errorf("session changed in the round trip")
	}
	if !got.Internal.ExpiresAt.Equal(clk.Now().Add(24 * time.Hour)) {
		t.Errorf("expiresAt = %v", got.Internal.ExpiresAt)
	}
}

func TestStatelessCookieAttributes(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk, func(c *StatelessConfig) {
		c.Cookie = CookieOptions{Name: "app", Domain: "example.com", Path: "/app", SameSite: http.SameSiteStrictMode, Secure: true}
	})
	h := save(t, m, nil, smallSession(clk.Now()))
	line := h.Values("Set-Cookie")[0]
	for _, want := range []string{"app=", "; Path=/app", "; Domain=example.com", "; Max-Age=86400", "; Expires=", "; HttpOnly", "; Secure", "; SameSite=Strict"} {
		if !strings.Contains(line, want) {
			t.Errorf("Set-Cookie lacks %q: %.80s…", want, line)
		}
	}
	// A deletion repeats the attributes.
	r := requestWith(h)
	r.AddCookie(&http.Cookie{Name: "app", Value: "second"})
	l := load(t, m, r)
	del := http.Header{}
	_ = m.Clear(context.Background(), del, l)
	got := del.Get("Set-Cookie")
	for _, want := range []string{"app=;", "; Path=/app", "; Domain=example.com", "; Max-Age=0", "; HttpOnly", "; Secure", "; SameSite=Strict"} {
		if !strings.Contains(got, want) {
			t.Errorf("deletion lacks %q: %s", want, got)
		}
	}
}

func TestStatelessTransient(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk, func(c *StatelessConfig) { c.Cookie.Transient = true })
	h := save(t, m, nil, smallSession(clk.Now()))
	line := h.Get("Set-Cookie")
	if strings.Contains(line, "Max-Age") || strings.Contains(line, "Expires") {
		t.Errorf("transient cookie has a lifetime: %.60s…", line)
	}
	clk.Advance(25 * time.Hour)
	if l := load(t, m, requestWith(h)); l.Session != nil {
		t.Error("a transient session outlived its inactivity duration on the server")
	}
}

func TestStatelessExpiryAndRolling(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk)
	h := save(t, m, nil, realisticSession(clk.Now()))

	clk.Advance(30 * time.Second)
	if l := load(t, m, requestWith(h)); l.Session == nil || l.Due {
		t.Fatalf("30 s later: session %v, due %v", l.Session != nil, l.Due)
	}
	clk.Advance(30 * time.Second)
	l := load(t, m, requestWith(h))
	if l.Session == nil || !l.Due {
		t.Fatalf("60 s later: session %v, due %v", l.Session != nil, l.Due)
	}
	// Rolling keeps it alive past the first day.
	for range 3 {
		clk.Advance(23 * time.Hour)
		l = load(t, m, requestWith(h))
		if l.Session == nil {
			t.Fatal("a rolled session expired within its inactivity window")
		}
		h = save(t, m, l, l.Session)
	}
	// A minute before 72 h after login: still alive; at 72 h: gone, however recently rolled.
	clk.Advance(2*time.Hour + 58*time.Minute)
	if l = load(t, m, requestWith(h)); l.Session == nil {
		t.Fatal("expired before the absolute limit")
	}
	clk.Advance(time.Minute)
	l = load(t, m, requestWith(h))
	if l.Session != nil {
		t.Fatal("alive past the absolute limit")
	}
	if !l.NeedsClearing() {
		t.Error("an expired session's cookie is not marked for clearing")
	}
}

func TestStatelessRollingOffKeepsTheAbsoluteExpiry(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk, func(c *StatelessConfig) { c.Lifetime.DisableRolling = true })
	created := clk.Now()
	h := save(t, m, nil, smallSession(created))
	clk.Advance(48 * time.Hour)
	l := load(t, m, requestWith(h))
	if l.Session == nil || l.Due {
		t.Fatalf("session %v, due %v", l.Session != nil, l.Due)
	}
	// An update later does not extend the session: it still ends at createdAt + 3 days.
	h = save(t, m, l, l.Session)
	if c := setCookies(t, h)["__session"]; c.MaxAge != int((24 * time.Hour).Seconds()) {
		t.Errorf("Max-Age after an update = %d, want one day left", c.MaxAge)
	}
	clk.Advance(24 * time.Hour)
	if load(t, m, requestWith(h)).Session != nil {
		t.Error("alive past createdAt + absolute")
	}
}

func TestStatelessChunkTransitions(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk)
	big := realisticSession(clk.Now())
	big.User.Set("groups", strings.Repeat("group-name,", 600))

	h := save(t, m, nil, big)
	cookies := setCookies(t, h)
	if cookies["__session__0"] == nil || cookies["__session__1"] == nil || cookies["__session"] != nil {
		t.Fatalf("a large session is not chunked: %v", keys(cookies))
	}
	l := load(t, m, requestWith(h))
	if l.Session == nil || l.Session.User.StringClaim("groups") != big.User.StringClaim("groups") {
		t.Fatal("chunked session not read back")
	}

	// Shrinking to one cookie deletes exactly the chunks the request carried.
	small := smallSession(clk.Now())
	h2 := save(t, m, l, small)
	got := setCookies(t, h2)
	if len(got) != 1+len(cookies) || got["__session"] == nil {
		t.Fatalf("cookies written = %v", keys(got))
	}
	for name := range cookies {
		if got[name].MaxAge >= 0 {
			t.Errorf("%s not deleted", name)
		}
	}

	// A write with nothing stale emits no deletion at all.
	l = load(t, m, requestWith(h2))
	h3 := save(t, m, l, l.Session)
	if n := len(h3.Values("Set-Cookie")); n != 1 {
		t.Errorf("%d Set-Cookie headers for a plain rewrite: %v", n, h3.Values("Set-Cookie"))
	}
}

func TestStatelessLeftoverChunkIsIgnoredAndDeleted(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk)
	huge := realisticSession(clk.Now())
	huge.User.Set("groups", strings.Repeat("group-name,", 1000))
	old := setCookies(t, save(t, m, nil, huge))

	medium := realisticSession(clk.Now())
	medium.User.Set("groups", strings.Repeat("g,", 1000))
	fresh := save(t, m, nil, medium)
	r := requestWith(fresh)
	// The browser still holds the last chunk of the older, longer write.
	last := chunkName("__session", len(old)-1)
	if _, ok := setCookies(t, fresh)[last]; ok {
		t.Fatal("test setup: the medium session has as many chunks as the huge one")
	}
	r.AddCookie(&http.Cookie{Name: last, Value: old[last].Value})

	l := load(t, m, r)
	if l.Session == nil {
		t.Fatal("a leftover chunk logged the user out")
	}
	if !l.Due {
		t.Error("a leftover chunk does not make the session due for tidying")
	}
	h := save(t, m, l, l.Session)
	if c := setCookies(t, h)[last]; c == nil || c.MaxAge >= 0 {
		t.Errorf("leftover chunk %s not deleted", last)
	}
}

func TestStatelessRotation(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	before := newStateless(t, clk, func(c *StatelessConfig) { c.Secret = otherSecret })
	h := save(t, before, nil, realisticSession(clk.Now()))
	after := newStateless(t, clk, func(c *StatelessConfig) { c.RetiredSecrets = []string{otherSecret} })
	if l := load(t, after, requestWith(h)); l.Session == nil {
		t.Error("a session sealed with a retired secret does not open")
	}
	noRetired := newStateless(t, clk)
	if l := load(t, noRetired, requestWith(h)); l.Session != nil {
		t.Error("a session sealed with an unknown secret opened")
	}
}

func TestStatelessSignedOutRequest(t *testing.T) {
	t.Parallel()
	m := newStateless(t, newTestClock())
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "theme=dark; __sessionx=1; other=__session")
	l := load(t, m, r)
	if l.Session != nil || l.Carried() || l.NeedsClearing() {
		t.Errorf("unrelated cookies: %+v", l)
	}
	h := http.Header{}
	_ = m.Clear(context.Background(), h, l)
	if len(h) != 0 {
		t.Errorf("Clear without session cookies wrote %v", h)
	}
}

// keys returns m's names, sorted.
func keys(m map[string]*http.Cookie) []string {
	return slices.Sorted(maps.Keys(m))
}

func TestStatelessCheckTellsWhetherSaveWouldFit(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk)
	s := realisticSession(clk.Now())
	before := s.Internal
	if err := m.Check(s); err != nil {
		t.Fatalf("a realistic session: %v", err)
	}
	if s.Internal != before {
		t.Error("Check changed the session")
	}
	// Random text does not compress: it cannot fit in MaxChunks cookies.
	big := make([]byte, 0, MaxSealedBytes)
	for len(big) < MaxSealedBytes {
		big = append(big, rand.Text()...)
	}
	if err := s.SetCustom("blob", string(big)); err != nil {
		t.Fatal(err)
	}
	if err := m.Check(s); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a session too large: %v", err)
	}
	if err := m.Save(context.Background(), http.Header{}, nil, s, SaveOptions{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Save of the session Check refused: %v", err)
	}
}
