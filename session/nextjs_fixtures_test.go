package session

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/internal/benchdata"
)

// nextFixtureDir holds the cookies @auth0/nextjs-auth0 4.30.0 wrote (testdata/nextjs).
const nextFixtureDir = "../testdata/nextjs/fixtures"

// nextFixture is one fixture file.
type nextFixture struct {
	Description string          `json:"description"`
	Package     string          `json:"package"`
	Secret      string          `json:"secret"`
	Now         int64           `json:"now"`
	Kind        string          `json:"kind"`
	CookieName  string          `json:"cookieName"`
	State       string          `json:"state"`
	ID          string          `json:"id"`
	Cookies     []nextCookie    `json:"cookies"`
	SetCookie   []string        `json:"setCookie"`
	Payload     json.RawMessage `json:"payload"`
}

type nextCookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func readNextFixture(t testing.TB, name string) nextFixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(nextFixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var f nextFixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

func (f nextFixture) clock() func() time.Time {
	return func() time.Time { return time.Unix(f.Now, 0) }
}

// request returns a request carrying the fixture's cookies, as a browser sends them.
func (f nextFixture) request() *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	parts := make([]string, 0, len(f.Cookies))
	for _, c := range f.Cookies {
		parts = append(parts, c.Name+"="+c.Value)
	}
	r.Header.Set("Cookie", strings.Join(parts, "; "))
	return r
}

func (f nextFixture) stateless(t testing.TB) *Stateless {
	t.Helper()
	m, err := NewStateless(StatelessConfig{Secret: f.Secret, Format: FormatNextJS, Now: f.clock()})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sessionPayload is the part of the original's SessionData the fixtures check.
type sessionPayload struct {
	User     map[string]any `json:"user"`
	TokenSet struct {
		AccessToken  string `json:"accessToken"`
		IDToken      string `json:"idToken"`
		RefreshToken string `json:"refreshToken"`
		ExpiresAt    int64  `json:"expiresAt"`
		Scope        string `json:"scope"`
		Audience     string `json:"audience"`
	} `json:"tokenSet"`
	Internal struct {
		SID       string `json:"sid"`
		CreatedAt int64  `json:"createdAt"`
	} `json:"internal"`
	Exp int64 `json:"exp"`
}

// checkSession fails unless s holds what the package read from the same cookies; exp is
// checked when sameWrite, when s was read from the very cookies the package read.
func checkSession(t *testing.T, s *Session, raw json.RawMessage, sameWrite bool) {
	t.Helper()
	var want sessionPayload
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if got := s.User.Claims(); !reflect.DeepEqual(got, want.User) {
		t.Errorf("user = %v, want %v", got, want.User)
	}
	ts := s.TokenSet
	if ts.AccessToken != want.TokenSet.AccessToken || ts.IDToken != want.TokenSet.IDToken ||
		ts.RefreshToken != want.TokenSet.RefreshToken || ts.ExpiresAt.Unix() != want.TokenSet.ExpiresAt ||
		ts.Scope != want.TokenSet.Scope || ts.Audience != want.TokenSet.Audience {
		t.Errorf("token set = %+v, want %+v", ts, want.TokenSet)
	}
	if s.Internal.SID != want.Internal.SID || s.Internal.CreatedAt.Unix() != want.Internal.CreatedAt {
		t.Errorf("internal = %+v, want %+v", s.Internal, want.Internal)
	}
	if sameWrite && s.Internal.ExpiresAt.Unix() != want.Exp {
		t.Errorf("expiresAt = %d, want the exp claim %d", s.Internal.ExpiresAt.Unix(), want.Exp)
	}
}

func TestNextFixturesSessionsRead(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"generate-session-cookie.json", "session-small.json", "session-realistic.json", "session-connection.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := readNextFixture(t, name)
			l := load(t, f.stateless(t), f.request())
			if l.Session == nil {
				t.Fatalf("%s: no session read", f.Description)
			}
			checkSession(t, l.Session, f.Payload, true)
			// generateSessionCookie's cookie expires in an hour, whatever the lifetime: the
			// session is due for a roll to the inactivity duration.
			if l.Due != (name == "generate-session-cookie.json") {
				t.Errorf("due = %v", l.Due)
			}
		})
	}
}

func TestNextFixturesSessionsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"generate-session-cookie.json", "session-small.json", "session-realistic.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := readNextFixture(t, name)
			m := f.stateless(t)
			l := load(t, m, f.request())
			h := save(t, m, l, l.Session.Clone())
			again := load(t, m, requestWith(h))
			if again.Session == nil {
				t.Fatal("a session read from the original's cookies does not read back once written")
			}
			checkSession(t, again.Session, f.Payload, false)
		})
	}
}

// TestNextFixturesWriteAsTheOriginal writes the realistic session at the fixture's time: the
// cookies have the original's names and sizes, and the original's protected header.
func TestNextFixturesWriteAsTheOriginal(t *testing.T) {
	t.Parallel()
	f := readNextFixture(t, "session-realistic.json")
	m := f.stateless(t)
	s := new(Session)
	if err := s.UnmarshalJSON(benchdata.SessionJSON(time.Unix(f.Now, 0))); err != nil {
		t.Fatal(err)
	}
	h := save(t, m, nil, s)
	got := map[string]int{}
	for name, c := range setCookies(t, h) {
		got[name] = len(c.Value)
	}
	want := map[string]int{}
	for _, c := range f.Cookies {
		want[c.Name] = len(c.Value)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cookie sizes = %v, the original's = %v", got, want)
	}
	header := func(v string) string { return v[:strings.IndexByte(v, '.')] }
	if ours, theirs := header(setCookies(t, h)["__session__0"].Value), header(f.Cookies[0].Value); ours != theirs {
		t.Errorf("protected header = %s, the original's = %s", ours, theirs)
	}
}

func TestRealisticSessionFixtureIsBenchdata(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../testdata/nextjs/realistic-session.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := benchdata.SessionJSON(time.Unix(1_800_000_000, 0)); strings.TrimSpace(string(b)) != string(want) {
		t.Error("testdata/nextjs/realistic-session.json is not internal/benchdata's session: regenerate it and the fixtures")
	}
}

// TestNextFixtureConnectionCookieKept: a roll writes the original's connection token cookie
// again with the session's new expiry; a logout deletes it.
func TestNextFixtureConnectionCookieKept(t *testing.T) {
	t.Parallel()
	f := readNextFixture(t, "session-connection.json")
	now := time.Unix(f.Now, 0).Add(2 * time.Hour)
	m, err := NewStateless(StatelessConfig{Secret: f.Secret, Format: FormatNextJS, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	l := load(t, m, f.request())
	if l.Session == nil || !l.Due {
		t.Fatalf("session = %v, due = %v: want a session due for a roll", l.Session != nil, l.Due)
	}
	h := save(t, m, l, l.Session)
	fc := setCookies(t, h)["__FC_0"]
	if fc == nil || fc.MaxAge <= 0 {
		t.Fatalf("the connection token cookie was not written again: %v", h["Set-Cookie"])
	}
	jwe, err := NewJWECodec(f.Secret)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Connection  string `json:"connection"`
		AccessToken string `json:"accessToken"`
		Exp         int64  `json:"exp"`
	}
	if err := jwe.DecodeJWT(fc.Value, now, &got); err != nil {
		t.Fatal(err)
	}
	if got.Connection != "google-oauth2" || got.AccessToken != "fc-access-token" || got.Exp != l.Session.Internal.ExpiresAt.Unix() {
		t.Errorf("connection token set = %+v, want google-oauth2 expiring with the session (%d)", got, l.Session.Internal.ExpiresAt.Unix())
	}

	cleared := http.Header{}
	if err := m.Clear(context.Background(), cleared, load(t, m, f.request())); err != nil {
		t.Fatal(err)
	}
	if c := setCookies(t, cleared)["__FC_0"]; c == nil || c.MaxAge >= 0 {
		t.Errorf("logout did not delete the connection token cookie: %v", cleared["Set-Cookie"])
	}
}

func TestNextFixtureStatefulID(t *testing.T) {
	t.Parallel()
	f := readNextFixture(t, "stateful-id.json")
	store := NewMemoryStore(f.clock())
	s := smallSession(time.Unix(f.Now, 0))
	if err := store.Set(context.Background(), f.ID, s, time.Unix(f.Now, 0).Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	m, err := NewStateful(StatefulConfig{Store: store, Secret: f.Secret, Format: FormatNextJS, Now: f.clock()})
	if err != nil {
		t.Fatal(err)
	}
	l := load(t, m, f.request())
	if l.Session == nil || l.Session.Internal.SID != s.Internal.SID {
		t.Fatalf("the original's id cookie (id %s) did not find the stored session", f.ID)
	}
}
