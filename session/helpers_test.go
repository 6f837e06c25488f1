package session

import (
	"github.com/authchain/authchain/internal/benchdata"
	"net/http"
	"net/http/httptest"
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

// realisticSession is the realistic session of internal/benchdata, its user's claims decoded
// (as after a login).
func realisticSession(now time.Time) *Session {
	s := new(Session)
	if err := s.UnmarshalJSON(benchdata.SessionJSON(now.Truncate(time.Second))); err != nil {
		panic(err)
	}
	s.User = NewUser(benchdata.UserClaims())
	return s
}

// smallSession fits in one cookie.
func smallSession(now time.Time) *Session {
	return &Session{
		User:     NewUser(map[string]any{"sub": "user_123", "name": "Jane"}),
		TokenSet: token.Set{AccessToken: "at_123", RefreshToken: "rt_123", ExpiresAt: now.Add(time.Hour).Truncate(time.Second)},
		Internal: Internal{SID: "sid_1", Subject: "user_123", CreatedAt: now.Truncate(time.Second)},
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
