package session

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The benchmarks use a realistic session: an RS256 ID token of about 1 KB, an access-token JWT
// of about 800 bytes, a refresh token and the default user claims (about 2,600 bytes of JSON).
// Compare them with the floor benchmarks of shared/bench run back to back:
//
//	go test -run '^$' -bench . -benchmem -count 8
//
// Each runs in both cookie formats.

// BenchmarkSessionDecode: from the request's Cookie header to *Session.
func BenchmarkSessionDecode(b *testing.B) {
	for _, f := range formats {
		b.Run(string(f), func(b *testing.B) { benchmarkSessionDecode(b, f) })
	}
}

func benchmarkSessionDecode(b *testing.B, f CookieFormat) {
	clk := newTestClock()
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Now: clk.Now, Format: f})
	if err != nil {
		b.Fatal(err)
	}
	s := realisticSession(clk.Now())
	plain, _ := s.MarshalJSON()
	header := cookieHeader(saveHeader(b, m, s))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", header)
	ctx := context.Background()
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		l, err := m.Load(ctx, r)
		if err != nil || l.Session == nil {
			b.Fatal("no session")
		}
	}
	b.ReportMetric(float64(len(header)), "cookie-bytes")
	b.ReportMetric(float64(len(plain)), "json-bytes")
}

// BenchmarkSessionEncode: from *Session to Set-Cookie values.
func BenchmarkSessionEncode(b *testing.B) {
	for _, f := range formats {
		b.Run(string(f), func(b *testing.B) { benchmarkSessionEncode(b, f) })
	}
}

func benchmarkSessionEncode(b *testing.B, f CookieFormat) {
	clk := newTestClock()
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Now: clk.Now, Format: f})
	if err != nil {
		b.Fatal(err)
	}
	s := realisticSession(clk.Now())
	plain, _ := s.MarshalJSON()
	ctx := context.Background()
	h := http.Header{}
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		clear(h)
		if err := m.Save(ctx, h, nil, s, SaveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
