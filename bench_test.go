package authchain_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/internal/benchdata"
	"github.com/authchain/authchain/session"
)

// The middleware benchmarks run the realistic session of internal/benchdata through
// Client.Middleware around an empty handler, in each cookie format where the format matters.
// Compare with session's BenchmarkSessionDecode and BenchmarkSessionEncode and with
// shared/bench's floor, run back to back:
//
//	go test -run '^$' -bench . -benchmem -count 8

// benchFormats are the cookie formats the benchmarks compare.
var benchFormats = []session.CookieFormat{session.FormatNextJS, session.FormatSecureCookie}

func benchClient(b *testing.B, now time.Time, format ...session.CookieFormat) *authchain.Client {
	cfg := authchain.Config{
		Domain: "tenant.auth0.com", ClientID: "id", ClientSecret: "secret",
		AppBaseURL: "https://app.example.com", Secret: testSecret,
		Now: func() time.Time { return now },
	}
	if len(format) > 0 {
		cfg.Session.CookieFormat = format[0]
	}
	c, err := authchain.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// signedInRequest returns a request carrying the realistic session, last written at written,
// in format (default: the default format).
func signedInRequest(b *testing.B, written, now time.Time, format ...session.CookieFormat) *http.Request {
	s := new(session.Session)
	if err := s.UnmarshalJSON(benchdata.SessionJSON(written)); err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "https://app.example.com/page", nil)
	// The application is on https: its cookie is Secure, so named with the __Host- prefix.
	opts := authtest.Options{Secret: testSecret, Cookie: session.CookieOptions{Secure: true}, Now: func() time.Time { return written }}
	if len(format) > 0 {
		opts.Format = format[0]
	}
	err := authtest.WithSession(r, s, opts)
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

// signedIn is an empty handler that fails the benchmark when the request is signed out.
func signedIn(b *testing.B) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authchain.SessionFrom(r.Context()) == nil {
			b.Fatal("the request is signed out")
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// BenchmarkMiddlewareSignedIn: a signed-in request whose rolling session is not due.
func BenchmarkMiddlewareSignedIn(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	for _, f := range benchFormats {
		b.Run(string(f), func(b *testing.B) {
			h := benchClient(b, now, f).Middleware(signedIn(b))
			runMiddleware(b, h, signedInRequest(b, now.Add(-10*time.Second), now, f), false)
		})
	}
}

// BenchmarkMiddlewareRoll: a signed-in request whose rolling session is due: it is re-sealed
// and its cookies set.
func BenchmarkMiddlewareRoll(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	for _, f := range benchFormats {
		b.Run(string(f), func(b *testing.B) {
			h := benchClient(b, now, f).Middleware(signedIn(b))
			runMiddleware(b, h, signedInRequest(b, now.Add(-2*time.Minute), now, f), true)
		})
	}
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

// floodHeaderBytes is the size of the flooded Cookie headers: about 1 MB, which net/http's
// default MaxHeaderBytes accepts.
const floodHeaderBytes = 1 << 20

// floodCookies returns "name<i>=value; " cookies, i counting from 0, until they make n bytes.
func floodCookies(name, value string, n int) string {
	var b strings.Builder
	b.Grow(n + 64)
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%s%d=%s; ", name, i, value)
	}
	return b.String()
}

// sessionCookieName returns the name of the first session cookie r carries.
func sessionCookieName(b *testing.B, r *http.Request) string {
	cs := r.Cookies()
	if len(cs) == 0 {
		b.Fatal("the request carries no session cookie")
	}
	name, _, _ := strings.Cut(cs[0].Name, "__0")
	return name
}

// BenchmarkCookieFloodFamily: a 1 MB Cookie header of junk chunk names of the session cookie
// (name__0=, name__1=, …). The scan stops at the family's bound and the request is signed
// out (compare with BenchmarkMiddlewareSignedIn).
func BenchmarkCookieFloodFamily(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	h := benchClient(b, now).Middleware(empty)
	name := sessionCookieName(b, signedInRequest(b, now, now))
	r := httptest.NewRequest(http.MethodGet, "https://app.example.com/page", nil)
	r.Header.Set("Cookie", floodCookies(name+"__", "", floodHeaderBytes))
	b.SetBytes(int64(len(r.Header.Get("Cookie"))))
	runMiddleware(b, h, r, true)
}

// BenchmarkCookieFloodOther: a real session in the middle of a 1 MB Cookie header of other
// cookies: unrelated names, and near misses that contain the session cookie's name without
// being it. The header is scanned once; ns/header-byte is the cost of each of its bytes.
func BenchmarkCookieFloodOther(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	h := benchClient(b, now).Middleware(signedIn(b))
	signedIn := signedInRequest(b, now.Add(-10*time.Second), now)
	name := sessionCookieName(b, signedIn)
	for _, filler := range []struct{ label, prefix string }{
		{"unrelated", "pref_"},
		{"near-misses", "x" + name + "_"},
	} {
		b.Run(filler.label, func(b *testing.B) {
			half := floodCookies(filler.prefix, "1", floodHeaderBytes/2)
			header := half + signedIn.Header.Get("Cookie") + "; " + half
			r := httptest.NewRequest(http.MethodGet, "https://app.example.com/page", nil)
			r.Header.Set("Cookie", header)
			b.SetBytes(int64(len(header)))
			runMiddleware(b, h, r, false)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(header)), "ns/header-byte")
		})
	}
}
