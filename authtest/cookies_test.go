package authtest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

const secret = "0123456789abcdef0123456789abcdef-authtest"

func TestSessionCookiesSignARequestIn(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	s := &session.Session{
		User:     session.NewUser(map[string]any{"sub": "user_123"}),
		TokenSet: token.Set{AccessToken: "at_123", RefreshToken: "rt_123", ExpiresAt: time.Unix(123456789, 0)},
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if err := authtest.WithSession(r, s, authtest.Options{Secret: secret, Now: clock}); err != nil {
		t.Fatal(err)
	}
	m, _ := session.NewStateless(session.StatelessConfig{Secret: secret, Now: clock})
	l, err := m.Load(context.Background(), r)
	if err != nil || l.Session == nil {
		t.Fatalf("the app does not read the minted session: %v", err)
	}
	got := l.Session
	if got.User.Subject() != "user_123" || got.TokenSet.AccessToken != "at_123" || got.TokenSet.ExpiresAt.Unix() != 123456789 {
		t.Errorf("session = %+v", got)
	}
	if got.Internal.SID != authtest.DefaultSID || !got.Internal.CreatedAt.Equal(now) || got.Internal.Subject != "user_123" {
		t.Errorf("default internal = %+v", got.Internal)
	}
	if !s.Internal.CreatedAt.IsZero() {
		t.Error("SessionCookies changed the caller's session")
	}
}

func TestSessionCookiesKeepGivenInternalAndChunk(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := &session.Session{
		User:     session.NewUser(map[string]any{"sub": "u", "groups": strings.Repeat("g", 6000)}),
		Internal: session.Internal{SID: "mine", Subject: "login-sub", CreatedAt: now.Add(-time.Hour)},
	}
	cookies, err := authtest.SessionCookies(s, authtest.Options{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	if len(cookies) < 2 || cookies[0].Name != "__session__0" {
		t.Fatalf("a large session is not chunked: %d cookies", len(cookies))
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	m, _ := session.NewStateless(session.StatelessConfig{Secret: secret})
	l, _ := m.Load(context.Background(), r)
	if l.Session == nil || l.Session.Internal.SID != "mine" || l.Session.Internal.Subject != "login-sub" {
		t.Fatal("given internal data not kept")
	}
}

func TestSessionCookiesRefuseAShortSecret(t *testing.T) {
	t.Parallel()
	if _, err := authtest.SessionCookies(&session.Session{}, authtest.Options{Secret: "short"}); err == nil {
		t.Error("no error for a short secret")
	}
}
