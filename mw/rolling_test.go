package mw

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/session"
)

const testSecret = "0123456789abcdef0123456789abcdef-mw-tests"

type fixedClock struct{ now time.Time }

func (c *fixedClock) Now() time.Time { return c.now }

func newManager(t *testing.T, clk *fixedClock) *session.Stateless {
	t.Helper()
	m, err := session.NewStateless(session.StatelessConfig{Secret: testSecret, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// signedIn returns a request carrying a session written at clk's time.
func signedIn(t *testing.T, m session.Manager, clk *fixedClock) *http.Request {
	t.Helper()
	s := &session.Session{User: session.NewUser(map[string]any{"sub": "u1"}), Internal: session.Internal{CreatedAt: clk.now}}
	h := http.Header{}
	if err := m.Save(context.Background(), h, nil, s, session.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range (&http.Response{Header: h}).Cookies() {
		r.AddCookie(c)
	}
	return r
}

func TestRollingSessionCommitsOnceAtTheFirstWrite(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	m := newManager(t, clk)
	r := signedIn(t, m, clk)
	clk.now = clk.now.Add(2 * time.Minute)
	for name, handler := range map[string]http.HandlerFunc{
		"WriteHeader":  func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) },
		"Write":        func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("x")) },
		"Flush":        func(w http.ResponseWriter, _ *http.Request) { w.(http.Flusher).Flush() },
		"nothing":      func(http.ResponseWriter, *http.Request) {},
		"twice":        func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200); _, _ = w.Write([]byte("x")) },
		"early hints":  func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusEarlyHints); w.WriteHeader(200) },
		"via recorder": func(w http.ResponseWriter, _ *http.Request) { _ = http.NewResponseController(w).Flush() },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			RollingSession(RollingSessionOptions{Manager: m})(handler).ServeHTTP(rec, r)
			if n := len(rec.Header().Values("Set-Cookie")); n != 1 {
				t.Errorf("%d Set-Cookie headers, want one roll", n)
			}
			if rec.Header().Get("Cache-Control") != "no-store" {
				t.Error("a rolled response is cacheable")
			}
		})
	}
}

func TestRollingSessionLeavesSignedOutRequestsAlone(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	var sawState bool
	h := RollingSession(RollingSessionOptions{Manager: newManager(t, clk)})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawState = stateFrom(r.Context()) != nil
		_, isWrapped := w.(*hookWriter)
		if isWrapped {
			t.Error("a signed-out request got a wrapped writer")
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if sawState || len(rec.Header()) != 0 {
		t.Errorf("signed-out request: state %v, headers %v", sawState, rec.Header())
	}
}

func TestRollingSessionClearsBadCookies(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	h := RollingSession(RollingSessionOptions{Manager: newManager(t, clk)})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stateFrom(r.Context()).Session() != nil {
			t.Error("a tampered cookie reads as a session")
		}
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "__session=tampered")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("tampered cookie: %d %v", rec.Code, rec.Header())
	}
}

func TestUpdateSession(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	m := newManager(t, clk)
	r := signedIn(t, m, clk)
	h := RollingSession(RollingSessionOptions{Manager: m})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := SessionFrom(r.Context()).Clone()
		s.User.Set("name", "New")
		s.Internal.SID = "forged"
		if err := UpdateSession(r.Context(), s); err != nil {
			t.Fatal(err)
		}
		if got := SessionFrom(r.Context()); got.User.StringClaim("name") != "New" || got.Internal.SID == "forged" {
			t.Error("the update is not visible downstream, or changed internal data")
		}
		w.WriteHeader(http.StatusOK)
		if err := UpdateSession(r.Context(), s); err != ErrHeadersWritten {
			t.Errorf("update after the response started: %v", err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if len(rec.Header().Values("Set-Cookie")) != 1 {
		t.Errorf("an updated session was not written once: %v", rec.Header().Values("Set-Cookie"))
	}
}

// hijackable is a ResponseWriter that can be hijacked.
type hijackable struct {
	*httptest.ResponseRecorder
	hijacked bool
}

func (h *hijackable) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h.hijacked = true
	return nil, nil, nil
}

func TestCommitWriterKeepsHijackAndUnwrap(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	m := newManager(t, clk)
	r := signedIn(t, m, clk)
	under := &hijackable{ResponseRecorder: httptest.NewRecorder()}
	RollingSession(RollingSessionOptions{Manager: m})(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if _, _, err := w.(http.Hijacker).Hijack(); err != nil {
			t.Fatal(err)
		}
		if w.(interface{ Unwrap() http.ResponseWriter }).Unwrap() != under {
			t.Error("Unwrap does not return the server's writer")
		}
	})).ServeHTTP(under, r)
	if !under.hijacked {
		t.Error("Hijack did not reach the server's writer")
	}
}

// failingManager fails to load with err.
type failingManager struct {
	session.Manager
	err error
}

func (f failingManager) Load(context.Context, *http.Request) (*session.Loaded, error) {
	return nil, f.err
}

func TestRollingSessionAnswers503WhenTheStoreFails(t *testing.T) {
	t.Parallel()
	for name, err := range map[string]error{
		"unavailable": fmt.Errorf("records: %w", session.ErrUnavailable),
		"timeout":     context.DeadlineExceeded,
	} {
		ran := false
		h := RollingSession(RollingSessionOptions{Manager: failingManager{err: err}})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ran = true
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if ran || rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s: ran the handler %v, status %d; want 503 and no handler", name, ran, rec.Code)
		}
		if rec.Header().Get("Retry-After") != "1" || rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Set-Cookie") != "" {
			t.Errorf("%s: headers %v", name, rec.Header())
		}
	}
}
