package authtest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// noNetwork is a transport that fails the test when the application calls out.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("unexpected network call: %s %s", r.Method, r.URL)
	return nil, http.ErrUseLastResponse
}

func TestSessionWithoutExpiryGivesItsAccessTokenWithoutNetwork(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	client, err := authchain.New(authchain.Config{
		Domain: "tenant.invalid", ClientID: "app", ClientSecret: "s3cret",
		AppBaseURL: "http://localhost:3000", Secret: secret, Now: clock,
		HTTPClient: &http.Client{Transport: noNetwork{t}},
	})
	if err != nil {
		t.Fatal(err)
	}
	app := client.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, err := client.AccessToken(w, r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, at.Token)
	}))
	s := &session.Session{
		User:     session.NewUser(map[string]any{"sub": "user_123"}),
		TokenSet: token.Set{AccessToken: "at_123", RefreshToken: "rt_123"},
	}
	r := httptest.NewRequest(http.MethodGet, "/orders", nil)
	if err := authtest.WithSession(r, s, authtest.Options{Secret: secret, Now: clock}); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	app.ServeHTTP(w, r)
	if w.Code != http.StatusOK || w.Body.String() != "at_123" {
		t.Errorf("AccessToken answered %d %q, want the session's token", w.Code, w.Body)
	}
	if !s.TokenSet.ExpiresAt.IsZero() {
		t.Error("SessionCookies changed the caller's token set")
	}
}

func TestSessionCookiesGiveATokenWithoutExpiryAnHour(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	for _, tc := range []struct {
		name string
		set  token.Set
		want time.Time
	}{
		{"access token, no expiry", token.Set{AccessToken: "at"}, now.Add(time.Hour)},
		{"given expiry kept", token.Set{AccessToken: "at", ExpiresAt: now.Add(-time.Minute)}, now.Add(-time.Minute)},
		{"no access token", token.Set{}, time.Time{}},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		s := &session.Session{User: session.NewUser(map[string]any{"sub": "u"}), TokenSet: tc.set}
		if err := authtest.WithSession(r, s, authtest.Options{Secret: secret, Now: clock}); err != nil {
			t.Fatal(err)
		}
		m, _ := session.NewStateless(session.StatelessConfig{Secret: secret, Now: clock})
		l, err := m.Load(t.Context(), r)
		if err != nil || l.Session == nil {
			t.Fatalf("%s: no session: %v", tc.name, err)
		}
		if got := l.Session.TokenSet.ExpiresAt; !got.Equal(tc.want) {
			t.Errorf("%s: ExpiresAt = %v, want %v", tc.name, got, tc.want)
		}
	}
}
