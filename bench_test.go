package authchain_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/internal/benchdata"
	"github.com/authchain/authchain/session"
)

// The middleware benchmarks run the realistic session of internal/benchdata through
// Client.Middleware around an empty handler. Compare with session's BenchmarkSessionDecode and
// BenchmarkSessionEncode and with shared/bench's floor, run back to back:
//
//	go test -run '^$' -bench . -benchmem -count 5

func benchClient(b *testing.B, now time.Time) *authchain.Client {
	c, err := authchain.New(authchain.Config{
		Domain: "tenant.auth0.com", ClientID: "id", ClientSecret: "secret",
		AppBaseURL: "https://app.example.com", Secret: testSecret,
		Now: func() time.Time { return now },
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// signedInRequest returns a request carrying the realistic session, last written at written.
func signedInRequest(b *testing.B, written, now time.Time) *http.Request {
	s := new(session.Session)
	if err := s.UnmarshalJSON(benchdata.SessionJSON(written)); err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "https://app.example.com/page", nil)
	err := authtest.WithSession(r, s, authtest.Options{Secret: testSecret, Now: func() time.Time { return written }})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

func runMiddleware(b *testing.B, h http.Handler, r *http.Request, wantCookies bool) {
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
		if got := len(w.h["Set-Cookie"]) > 0; got != wantCookies {
			b.Fatalf("Set-Cookie present = %v, want %v", got, wantCookies)
		}
	}
}

var empty = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })

// BenchmarkMiddlewareSignedIn: a signed-in request whose rolling session is not due.
func BenchmarkMiddlewareSignedIn(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	h := benchClient(b, now).Middleware(empty)
	runMiddleware(b, h, signedInRequest(b, now.Add(-10*time.Second), now), false)
}

// BenchmarkMiddlewareRoll: a signed-in request whose rolling session is due: it is re-sealed
// and its cookies set.
func BenchmarkMiddlewareRoll(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	h := benchClient(b, now).Middleware(empty)
	runMiddleware(b, h, signedInRequest(b, now.Add(-2*time.Minute), now), true)
}

// BenchmarkMiddlewareSignedOut: a request without session cookies (but with others).
func BenchmarkMiddlewareSignedOut(b *testing.B) {
	h := benchClient(b, time.Unix(1_800_000_000, 0)).Middleware(empty)
	r := httptest.NewRequest(http.MethodGet, "https://app.example.com/page", nil)
	r.Header.Set("Cookie", "NEXT_LOCALE=en; _ga=GA1.1.1234567890.1700000000; theme=dark")
	runMiddleware(b, h, r, false)
}

// BenchmarkAccessTokenValid: AccessToken through the middleware with a token that has not
// expired (compare with BenchmarkMiddlewareSignedIn).
func BenchmarkAccessTokenValid(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	c := benchClient(b, now)
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := c.AccessToken(w, r); err != nil {
			b.Fatal(err)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	runMiddleware(b, h, signedInRequest(b, now.Add(-10*time.Second), now), false)
}
