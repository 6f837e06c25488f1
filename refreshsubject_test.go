package authchain_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// subDropper is a BeforeSessionSaved hook that keeps every claim but sub, and records the sub
// of each ID token it saw.
type subDropper struct {
	mu   sync.Mutex
	seen []string
}

func (d *subDropper) hook(_ context.Context, in authchain.BeforeSessionSavedInput) (*session.Session, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen = append(d.seen, in.Session.User.Subject())
	in.Session.User.Delete("sub")
	in.Session.Internal.Subject = "someone-else" // not the hook's to change
	return in.Session, nil
}

func (d *subDropper) saw(sub string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Contains(d.seen, sub)
}

// sessionCookies reads and writes the cookie session of a test app's browser directly.
type sessionCookies struct {
	t   *testing.T
	app *testApp
	b   *browser
	m   *session.Stateless
}

func newSessionCookies(t *testing.T, app *testApp, b *browser) *sessionCookies {
	m, err := session.NewStateless(session.StatelessConfig{Secret: testSecret, Now: app.IdP.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &sessionCookies{t: t, app: app, b: b, m: m}
}

func (sc *sessionCookies) load() (*session.Loaded, *session.Session) {
	sc.t.Helper()
	u, _ := url.Parse(sc.app.URL)
	r, _ := http.NewRequest(http.MethodGet, sc.app.URL, nil)
	for _, c := range sc.b.Jar.Cookies(u) {
		r.AddCookie(c)
	}
	l, err := sc.m.Load(context.Background(), r)
	if err != nil || l.Session == nil {
		sc.t.Fatalf("the browser has no session: %v", err)
	}
	return l, l.Session
}

func (sc *sessionCookies) save(l *session.Loaded, s *session.Session) {
	sc.t.Helper()
	h := http.Header{}
	if err := sc.m.Save(context.Background(), h, l, s, session.SaveOptions{}); err != nil {
		sc.t.Fatal(err)
	}
	u, _ := url.Parse(sc.app.URL)
	sc.b.Jar.SetCookies(u, (&http.Response{Header: h}).Cookies())
}

func TestRefreshedIDTokenMustNameTheLoginSubjectWhenTheUserHasNoSub(t *testing.T) {
	t.Parallel()
	var hook subDropper
	app, lastErr := refreshErrorApp(t, appOptions{config: func(c *authchain.Config) { c.BeforeSessionSaved = hook.hook }})
	b := newBrowser(t, true)
	app.login(b, "/")
	sc := newSessionCookies(t, app, b)
	if _, s := sc.load(); s.User.Subject() != "" || s.Internal.Subject != oidctest.DefaultUser().Subject {
		t.Fatalf("after the login the user has sub %q, the login subject is %q", s.User.Subject(), s.Internal.Subject)
	}
	app.IdP.Advance(11 * time.Minute)
	app.IdP.QueueIDTokenDefect(oidctest.DefectWrongSubject)
	if _, body := b.get(app.URL + "/token"); body != "error: "+token.CodeFailedToRefreshToken {
		t.Errorf("a refresh whose ID token names another user: %.40q", body)
	}
	if err := lastErr(); !errors.Is(err, provider.ErrInvalidIDToken) {
		t.Errorf("the cause is not an invalid ID token: %v", err)
	}
	if hook.saw(oidctest.WrongSubject) {
		t.Error("the other user's claims reached BeforeSessionSaved")
	}
}

func TestRefreshWithoutAKnownSubjectKeepsTheUser(t *testing.T) {
	t.Parallel()
	var hook subDropper
	app, lastErr := refreshErrorApp(t, appOptions{config: func(c *authchain.Config) { c.BeforeSessionSaved = hook.hook }})
	b := newBrowser(t, true)
	app.login(b, "/")
	_, first := b.get(app.URL + "/token")
	// A session written before the login subject was kept, whose user has no sub either.
	sc := newSessionCookies(t, app, b)
	l, s := sc.load()
	s.Internal.Subject = ""
	sc.save(l, s)
	before := s.Clone()

	app.IdP.Advance(11 * time.Minute)
	app.IdP.QueueIDTokenDefect(oidctest.DefectWrongSubject)
	_, tok := b.get(app.URL + "/token")
	if strings.HasPrefix(tok, "error") || tok == first {
		t.Fatalf("the refresh: %q, %v", tok, lastErr())
	}
	_, after := sc.load()
	if after.TokenSet.IDToken != before.TokenSet.IDToken {
		t.Error("the refreshed ID token was stored")
	}
	if got, want := after.User.Claims(), before.User.Claims(); !reflect.DeepEqual(got, want) {
		t.Errorf("user = %v, want %v", got, want)
	}
	if after.TokenSet.AccessToken != tok || after.TokenSet.RefreshToken == before.TokenSet.RefreshToken {
		t.Error("the new access token and rotated refresh token were not saved")
	}
	if hook.saw(oidctest.WrongSubject) {
		t.Error("the refreshed ID token's claims reached BeforeSessionSaved")
	}
}

func TestRefreshOfAnOlderSessionChecksTheUsersSub(t *testing.T) {
	t.Parallel()
	app, lastErr := refreshErrorApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	sc := newSessionCookies(t, app, b)
	l, s := sc.load()
	s.Internal.Subject = "" // written before the login subject was kept; the user has sub
	sc.save(l, s)
	app.IdP.Advance(11 * time.Minute)
	app.IdP.QueueIDTokenDefect(oidctest.DefectWrongSubject)
	if _, body := b.get(app.URL + "/token"); body != "error: "+token.CodeFailedToRefreshToken || !errors.Is(lastErr(), provider.ErrInvalidIDToken) {
		t.Errorf("a refresh whose ID token names another user: %.40q, %v", body, lastErr())
	}
}
