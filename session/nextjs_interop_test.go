package session

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/internal/benchdata"
	"github.com/authchain/authchain/internal/nextjstest"
	"github.com/authchain/authchain/token"
)

// nextRead asks the package to read cookies; it returns the payload it read, or nil.
func nextRead(t *testing.T, kind, secret string, cookies []nextCookie) json.RawMessage {
	t.Helper()
	var got struct {
		Payload json.RawMessage `json:"payload"`
	}
	out := nextScript(t, "read", map[string]any{"kind": kind, "secret": secret, "cookies": cookies})
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if string(got.Payload) == "null" {
		return nil
	}
	return got.Payload
}

// browserCookies returns the cookies h sets, as a browser sends them back.
func browserCookies(h http.Header) []nextCookie {
	var out []nextCookie
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.MaxAge >= 0 {
			out = append(out, nextCookie{Name: c.Name, Value: c.Value})
		}
	}
	return out
}

func realisticNow(t *testing.T, now time.Time) *Session {
	t.Helper()
	s := new(Session)
	if err := s.UnmarshalJSON(benchdata.SessionJSON(now)); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNextInteropGoWritesNextReads: the package reads the sessions and id cookies authchain
// writes in the format "nextjs", small and chunked.
func TestNextInteropGoWritesNextReads(t *testing.T) {
	t.Parallel()
	now := time.Now().Truncate(time.Second)
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Format: FormatNextJS})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*Session{"small": smallSession(now), "realistic": realisticNow(t, now)} {
		h := save(t, m, nil, s)
		cookies := browserCookies(h)
		if name == "realistic" && len(cookies) != 2 {
			t.Errorf("the realistic session is %d cookies, want 2 chunks", len(cookies))
		}
		payload := nextRead(t, "session", testSecret, cookies)
		if payload == nil {
			t.Fatalf("%s: @auth0/nextjs-auth0 read no session from %v", name, cookies)
		}
		checkSession(t, s, payload, true)
	}

	store := NewMemoryStore(nil)
	sm, err := NewStateful(StatefulConfig{Store: store, Secret: testSecret, Format: FormatNextJS})
	if err != nil {
		t.Fatal(err)
	}
	l := &Loaded{}
	h := http.Header{}
	if err := sm.Save(context.Background(), h, l, smallSession(now), SaveOptions{NewSession: true}); err != nil {
		t.Fatal(err)
	}
	var id struct {
		ID string `json:"id"`
	}
	if payload := nextRead(t, "stateful", testSecret, browserCookies(h)); payload == nil || json.Unmarshal(payload, &id) != nil || id.ID != l.id {
		t.Errorf("@auth0/nextjs-auth0 read the id cookie as %s, want id %s", payload, l.id)
	}
}

// TestNextInteropNextWritesGoReads: authchain reads the sessions and id cookies the package
// writes, and writes them again so that the package still reads them.
func TestNextInteropNextWritesGoReads(t *testing.T) {
	t.Parallel()
	now := time.Now().Truncate(time.Second)
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Format: FormatNextJS})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"small", "realistic"} {
		s := smallSession(now)
		if name == "realistic" {
			s = realisticNow(t, now)
		}
		js, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var written struct {
			Cookies []nextCookie `json:"cookies"`
		}
		out := nextScript(t, "write", map[string]any{"kind": "session", "secret": testSecret, "session": json.RawMessage(js)})
		if err := json.Unmarshal(out, &written); err != nil {
			t.Fatal(err)
		}
		f := nextFixture{Cookies: written.Cookies}
		l := load(t, m, f.request())
		if l.Session == nil {
			t.Fatalf("%s: no session read from the package's cookies %v", name, names(written.Cookies))
		}
		if l.Session.User.Subject() != s.User.Subject() || l.Session.TokenSet.RefreshToken != s.TokenSet.RefreshToken ||
			!l.Session.Internal.CreatedAt.Equal(s.Internal.CreatedAt) || l.Session.Internal.SID != s.Internal.SID {
			t.Errorf("%s: the session read differs from the one written", name)
		}
		l.Session.User.Set("seen_by", "go")
		h := save(t, m, l, l.Session)
		var back struct {
			User map[string]any `json:"user"`
		}
		payload := nextRead(t, "session", testSecret, browserCookies(h))
		if payload == nil || json.Unmarshal(payload, &back) != nil || back.User["seen_by"] != "go" {
			t.Errorf("%s: the package does not read the session authchain wrote back: %s", name, payload)
		}
	}

	var stateful struct {
		Cookies []nextCookie `json:"cookies"`
		ID      string       `json:"id"`
	}
	js, _ := smallSession(now).MarshalJSON()
	if err := json.Unmarshal(nextScript(t, "write", map[string]any{"kind": "stateful", "secret": testSecret, "session": json.RawMessage(js)}), &stateful); err != nil {
		t.Fatal(err)
	}
	store := NewMemoryStore(nil)
	if err := store.Set(context.Background(), stateful.ID, smallSession(now), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	sm, err := NewStateful(StatefulConfig{Store: store, Secret: testSecret, Format: FormatNextJS})
	if err != nil {
		t.Fatal(err)
	}
	if l := load(t, sm, nextFixture{Cookies: stateful.Cookies}.request()); l.Session == nil {
		t.Errorf("the package's id cookie (id %s) did not find the stored session", stateful.ID)
	}
}

func names(cookies []nextCookie) string {
	var out []string
	for _, c := range cookies {
		out = append(out, c.Name)
	}
	return strings.Join(out, ", ")
}

// nextScript runs the package's script; see nextjstest.Run.
func nextScript(t *testing.T, mode string, request any) json.RawMessage {
	t.Helper()
	return nextjstest.Run(t, mode, request)
}

// TestNextInteropConnectionTokens: the package reads the connection tokens of a session
// authchain writes in the format "nextjs" as its connectionTokenSets.
func TestNextInteropConnectionTokens(t *testing.T) {
	t.Parallel()
	now := time.Now().Truncate(time.Second)
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Format: FormatNextJS})
	if err != nil {
		t.Fatal(err)
	}
	s := smallSession(now)
	s.ConnectionTokens = []token.ConnectionToken{
		{AccessToken: "ct_1", Connection: "google-oauth2", Scope: "calendar", ExpiresAt: now.Add(time.Hour)},
		{AccessToken: "ct_2", Connection: "google-oauth2", LoginHint: "ada@example.test", ExpiresAt: now.Add(time.Hour)},
	}
	payload := nextRead(t, "session", testSecret, browserCookies(save(t, m, nil, s)))
	var got struct {
		Sets []struct {
			AccessToken string `json:"accessToken"`
			Scope       string `json:"scope"`
			ExpiresAt   int64  `json:"expiresAt"`
			Connection  string `json:"connection"`
			LoginHint   string `json:"loginHint"`
		} `json:"connectionTokenSets"`
	}
	if payload == nil || json.Unmarshal(payload, &got) != nil || len(got.Sets) != 2 {
		t.Fatalf("@auth0/nextjs-auth0 read %s, want two connection token sets", payload)
	}
	for i, want := range s.ConnectionTokens {
		g := got.Sets[i]
		if g.AccessToken != want.AccessToken || g.Scope != want.Scope || g.ExpiresAt != want.ExpiresAt.Unix() ||
			g.Connection != want.Connection || g.LoginHint != want.LoginHint {
			t.Errorf("connection token set %d = %+v, want %+v", i, g, want)
		}
	}
}
