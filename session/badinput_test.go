package session

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// badCookieHeaders returns Cookie headers that must all read as "no session".
func badCookieHeaders(t testing.TB) map[string]string {
	clk := newTestClock()
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewStateless(StatelessConfig{Secret: otherSecret, Now: clk.Now})
	single := cookieHeader(saveHeader(t, m, smallSession(clk.Now())))
	chunked := saveHeader(t, m, realisticSession(clk.Now()))
	chunks := (&http.Response{Header: chunked}).Cookies()
	value := strings.TrimPrefix(single, "__session=")
	flipped := []byte(value)
	flipped[len(flipped)/3] ^= 0x01
	expired := realisticSession(clk.Now().Add(-80 * time.Hour))
	expiredHeader := cookieHeader(saveHeaderAt(t, testSecret, clk.Now().Add(-80*time.Hour), expired))

	return map[string]string{
		"tampered":               "__session=" + string(flipped),
		"truncated":              "__session=" + value[:len(value)-10],
		"wrong key":              cookieHeader(saveHeader(t, other, smallSession(clk.Now()))),
		"expired":                expiredHeader,
		"garbage":                "__session=hello-world",
		"empty":                  "__session=",
		"base64 garbage":         "__session=" + strings.Repeat("QUJD", 50),
		"oversized":              "__session=" + strings.Repeat("A", MaxSealedBytes+10),
		"missing last chunk":     "__session__0=" + chunks[0].Value,
		"missing first chunk":    "__session__1=" + chunks[1].Value,
		"chunks swapped":         "__session__0=" + chunks[1].Value + "; __session__1=" + chunks[0].Value,
		"duplicated chunk":       "__session__0=" + chunks[0].Value + "; __session__1=" + chunks[1].Value + "; __session__1=" + chunks[1].Value,
		"duplicated cookie":      single + "; " + single,
		"bad chunk count":        "__session__0=99." + chunks[0].Value[2:] + "; __session__1=" + chunks[1].Value,
		"chunk under other name": "__session__0=" + chunks[0].Value + "; __session__1=x" + chunks[1].Value,
		"quoted garbage":         `__session="abc"`,
	}
}

func saveHeader(t testing.TB, m Manager, s *Session) http.Header {
	h := http.Header{}
	if err := m.Save(context.Background(), h, nil, s, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return h
}

func saveHeaderAt(t testing.TB, secret string, at time.Time, s *Session) http.Header {
	m, _ := NewStateless(StatelessConfig{Secret: secret, Now: func() time.Time { return at }})
	return saveHeader(t, m, s)
}

func cookieHeader(h http.Header) string {
	var parts []string
	for _, c := range (&http.Response{Header: h}).Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

func TestBadCookiesReadAsSignedOutAndAreCleared(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk)
	for name, header := range badCookieHeaders(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Cookie", header)
			l, err := m.Load(context.Background(), r)
			if err != nil {
				t.Fatalf("Load error: %v", err)
			}
			if l.Session != nil {
				t.Fatal("a bad cookie reads as a session")
			}
			if !l.NeedsClearing() {
				t.Fatal("a bad cookie is not marked for clearing")
			}
			h := http.Header{}
			if err := m.Clear(context.Background(), h, l); err != nil {
				t.Fatal(err)
			}
			deleted := map[string]bool{}
			for _, c := range (&http.Response{Header: h}).Cookies() {
				if c.MaxAge >= 0 || c.Value != "" {
					t.Errorf("Clear set %s instead of deleting it", c.Name)
				}
				if deleted[c.Name] {
					t.Errorf("%s deleted twice", c.Name)
				}
				deleted[c.Name] = true
			}
			for _, c := range r.Cookies() {
				if !deleted[c.Name] {
					t.Errorf("%s not deleted", c.Name)
				}
			}
			if h.Get("Cache-Control") != "no-store" {
				t.Error("clearing response is cacheable")
			}
		})
	}
}

func TestStatefulBadCookiesReadAsSignedOut(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m, _ := NewStateful(StatefulConfig{Store: NewMemoryStore(clk.Now), Secret: testSecret, Now: clk.Now})
	for name, header := range badCookieHeaders(t) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Cookie", header)
		l, err := m.Load(context.Background(), r)
		if err != nil || l.Session != nil || !l.NeedsClearing() {
			t.Errorf("%s: session %v, clearing %v, err %v", name, l.Session != nil, l.NeedsClearing(), err)
		}
	}
}
