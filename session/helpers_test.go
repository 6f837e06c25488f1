package session

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain/token"
)

const (
	testSecret  = "0123456789abcdef0123456789abcdef-test-secret"
	otherSecret = "fedcba9876543210fedcba9876543210-other-secret"
)

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Unix(1_800_000_000, 0)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fakeJWT returns a string shaped like a compact JWS of about n bytes.
func fakeJWT(n int, seed string) string {
	part := strings.Repeat(seed, n/len(seed)+1)
	third := n / 3
	return part[:third] + "." + part[:third] + "." + part[:n-2*third-2]
}

// realisticSession is a session of about 2,600 bytes of JSON: an RS256 ID token of about 1 KB,
// an access-token JWT of about 800 bytes, a refresh token and the default user claims.
func realisticSession(now time.Time) *Session {
	return &Session{
		User: NewUser(map[string]any{
			"sub":            "auth0|64f1c2a9e4b0d1a2b3c4d5e6",
			"name":           "Jane Doe",
			"nickname":       "jane.doe",
			"given_name":     "Jane",
			"family_name":    "Doe",
			"picture":        "https://s.gravatar.com/avatar/0123456789abcdef0123456789abcdef?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjd.png",
			"email":          "jane.doe@example.com",
			"email_verified": true,
		}),
		TokenSet: token.Set{
			AccessToken:  fakeJWT(800, "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9"),
			IDToken:      fakeJWT(1010, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ik"),
			RefreshToken: "v1.MRrT8dQ3kPq9ZyXw2LmN0bVc6aHs4uEi7oJt1rGf5yKp-vD9sWq3xZa8nB2mC4lE6jH0gF7dT1",
			ExpiresAt:    now.Add(time.Hour).Truncate(time.Second),
			Scope:        "openid profile email offline_access",
			Audience:     "https://api.example.com/",
		},
		Internal: Internal{SID: "d1f0e2c3-4b5a-6978-8a9b-0c1d2e3f4a5b", CreatedAt: now.Truncate(time.Second)},
	}
}

// smallSession fits in one cookie.
func smallSession(now time.Time) *Session {
	return &Session{
		User:     NewUser(map[string]any{"sub": "user_123", "name": "Jane"}),
		TokenSet: token.Set{AccessToken: "at_123", RefreshToken: "rt_123", ExpiresAt: now.Add(time.Hour).Truncate(time.Second)},
		Internal: Internal{SID: "sid_1", CreatedAt: now.Truncate(time.Second)},
	}
}

// requestWith returns a GET request carrying the Set-Cookie values of h as cookies.
func requestWith(h http.Header) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.MaxAge >= 0 {
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return r
}

// setCookies returns the Set-Cookie headers of h keyed by cookie name.
func setCookies(t *testing.T, h http.Header) map[string]*http.Cookie {
	t.Helper()
	out := map[string]*http.Cookie{}
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if _, dup := out[c.Name]; dup {
			t.Fatalf("cookie %q set twice in one response", c.Name)
		}
		out[c.Name] = c
	}
	return out
}
