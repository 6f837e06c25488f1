package session

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzDecodeSession feeds arbitrary Cookie headers to the stateless manager of the format
// "securecookie" (see FuzzDecodeJWESession for the format "nextjs"): it must never
// panic or fail, and whatever it reads must write back and read again as the same user, of
// the same login subject.
func FuzzDecodeSession(f *testing.F) {
	for _, h := range badCookieHeaders(f) {
		f.Add(h)
	}
	clk := newTestClock()
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Now: clk.Now, Format: FormatSecureCookie})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(cookieHeader(saveHeader(f, m, smallSession(clk.Now()))))
	f.Add(cookieHeader(saveHeader(f, m, realisticSession(clk.Now()))))
	f.Add("a=b; __session__0=2.x; __session__1=y; __session__2=z")
	f.Add(`__session=""; __session__=; __session__00=1`)

	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Cookie", header)
		l, err := m.Load(context.Background(), r)
		if err != nil {
			t.Fatalf("Load failed: %v", err)
		}
		h := http.Header{}
		if l.Session == nil {
			if err := m.Clear(context.Background(), h, l); err != nil {
				t.Fatal(err)
			}
			return
		}
		sub, loginSub := l.Session.User.Subject(), l.Session.Internal.Subject
		if err := m.Save(context.Background(), h, l, l.Session, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		again, err := m.Load(context.Background(), requestWith(h))
		if err != nil || again.Session == nil || again.Session.User.Subject() != sub || again.Session.Internal.Subject != loginSub {
			t.Fatalf("a session read from a cookie does not survive a write")
		}
	})
}

// FuzzDecodeJWESession feeds arbitrary Cookie headers to a stateless manager of the format
// "nextjs", seeded with the cookies nextjs-auth0 wrote: it must never panic or fail, and
// whatever it reads must write back and read again as the same user.
func FuzzDecodeJWESession(f *testing.F) {
	for _, h := range badCookieHeaders(f) {
		f.Add(h)
	}
	fixture := readNextFixture(f, "session-realistic.json")
	for _, name := range []string{"session-small.json", "session-realistic.json", "session-connection.json", "generate-session-cookie.json"} {
		f.Add(readNextFixture(f, name).request().Header.Get("Cookie"))
	}
	f.Add("__session=; __session__0=a.b; __session__1=c.d.e; __session__3=f")
	f.Add("__session__0=" + jweHeader + "..AAAAAAAAAAAAAAAA.; __session__1=AAAAAAAAAAAAAAAAAAAAAA")
	m := fixture.stateless(f)

	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Cookie", header)
		l, err := m.Load(context.Background(), r)
		if err != nil {
			t.Fatalf("Load failed: %v", err)
		}
		h := http.Header{}
		if l.Session == nil {
			if err := m.Clear(context.Background(), h, l); err != nil {
				t.Fatal(err)
			}
			return
		}
		sub := l.Session.User.Subject()
		if err := m.Save(context.Background(), h, l, l.Session, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		again, err := m.Load(context.Background(), requestWith(h))
		if err != nil || again.Session == nil || again.Session.User.Subject() != sub {
			t.Fatalf("a session read from a cookie does not survive a write")
		}
	})
}
