package authchain_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/justinas/alice"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

func TestSessionUpdatedUpstreamIsReadDownstreamAndSaved(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: func(c *authchain.Client) http.Handler {
		update := func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/visit" {
					s, _ := c.Session(r)
					if s != nil {
						s.User.Set("visits", "1")
						if err := s.SetCustom("cart", []string{"book"}); err != nil {
							t.Error(err)
						}
						if err := c.UpdateSession(w, r, s); err != nil {
							t.Errorf("UpdateSession: %v", err)
						}
					}
				}
				next.ServeHTTP(w, r)
			})
		}
		read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := authchain.SessionFrom(r.Context())
			if s == nil {
				_, _ = io.WriteString(w, "signed out")
				return
			}
			var cart []string
			_, _ = s.GetCustom("cart", &cart)
			_, _ = io.WriteString(w, "visits="+s.User.StringClaim("visits")+" cart="+strings.Join(cart, ","))
		})
		return alice.New(update).Then(read)
	}})
	b := newBrowser(t, true)
	app.login(b, "/")
	if _, body := b.get(app.URL + "/visit"); body != "visits=1 cart=book" {
		t.Fatalf("downstream read %q", body)
	}
	if _, body := b.get(app.URL + "/other"); body != "visits=1 cart=book" {
		t.Fatalf("the update was not saved: %q", body)
	}
}

func TestUpdateSessionErrors(t *testing.T) {
	t.Parallel()
	errs := make(chan error, 2)
	app := newTestApp(t, appOptions{handler: func(c *authchain.Client) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := &session.Session{}
			if r.URL.Path == "/late" {
				w.WriteHeader(http.StatusOK)
				s, _ = c.Session(r)
			}
			errs <- c.UpdateSession(w, r, s)
		})
	}})
	b := newBrowser(t, true)
	b.get(app.URL + "/anonymous")
	if err := <-errs; !errors.Is(err, authchain.ErrNoSession) {
		t.Errorf("signed out: %v", err)
	}
	app.login(b, "/x")
	<-errs
	b.get(app.URL + "/late")
	if err := <-errs; !errors.Is(err, authchain.ErrHeadersWritten) {
		t.Errorf("after the response started: %v", err)
	}
}

func TestUpdateSessionOutsideTheMiddleware(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	// A handler mounted without Client.Middleware.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := app.Client.Session(r)
		if err != nil || s == nil {
			t.Fatalf("Session: %v", err)
		}
		s.User.Set("plan", "pro")
		if err := app.Client.UpdateSession(w, r, s); err != nil {
			t.Fatal(err)
		}
	})
	u, _ := url.Parse(app.URL)
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/direct", nil)
	for _, c := range b.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	rec := newRecorder()
	h.ServeHTTP(rec, req)
	if rec.Header().Get("Cache-Control") != "no-store" || len(rec.Result().Cookies()) == 0 {
		t.Fatalf("no cookie written: %v", rec.Header())
	}
	b.Jar.SetCookies(u, rec.Result().Cookies())
	_, body := b.get(app.URL + "/auth/profile")
	if !strings.Contains(body, `"plan":"pro"`) {
		t.Errorf("profile after an update outside the middleware: %s", body)
	}
}

func TestRolledCookieRidesOnAnI18nRedirect(t *testing.T) {
	t.Parallel()
	i18n := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				http.Redirect(w, r, "/en/", http.StatusTemporaryRedirect)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	app := newTestApp(t, appOptions{handler: func(*authchain.Client) http.Handler { return i18n(userPage()) }})
	b := newBrowser(t, true)
	app.login(b, "/en/")
	step := newBrowser(t, false)
	step.Jar = b.Jar

	resp, _ := step.get(app.URL + "/")
	if resp.StatusCode != http.StatusTemporaryRedirect || len(resp.Cookies()) != 0 {
		t.Fatalf("not due: %d, %d cookies", resp.StatusCode, len(resp.Cookies()))
	}
	app.IdP.Advance(2 * time.Minute)
	resp, _ = step.get(app.URL + "/")
	if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != "/en/" {
		t.Fatalf("redirect: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	rolled := false
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "__session") && c.MaxAge == int((24*time.Hour).Seconds()) {
			rolled = true
		}
	}
	if !rolled || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the i18n redirect does not carry the rolled session: %v", resp.Header)
	}
}

// Two logins started in one browser each keep their own transaction, whichever completes
// first; the first to complete ends the other.
func TestTwoLoginsInOneBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	for _, completeFirst := range []string{"/a", "/b"} {
		t.Run(completeFirst, func(t *testing.T) {
			b := newBrowser(t, false)
			respA, _ := b.get(app.URL + "/auth/login?returnTo=/a")
			respB, _ := b.get(app.URL + "/auth/login?returnTo=/b")
			provider := func(r *http.Response) string {
				resp, _ := b.get(r.Header.Get("Location"))
				return resp.Header.Get("Location")
			}
			callbacks := map[string]string{"/a": provider(respA), "/b": provider(respB)}
			other := map[string]string{"/a": "/b", "/b": "/a"}[completeFirst]
			resp, _ := b.get(callbacks[completeFirst])
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != completeFirst {
				t.Errorf("callback: %d → %q, want %q", resp.StatusCode, resp.Header.Get("Location"), completeFirst)
			}
			if names := app.txnCookies(b); len(names) != 0 {
				t.Errorf("transaction cookies left after a completed login: %v", names)
			}
			resp, body := b.get(callbacks[other])
			checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
			checkSignedInAs(t, app, b, oidctest.DefaultUser().Subject)
		})
	}
}

func TestHooks(t *testing.T) {
	t.Parallel()
	var sawClaims map[string]any
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) {
		c.BeforeSessionSaved = func(_ context.Context, in authchain.BeforeSessionSavedInput) (*session.Session, error) {
			sawClaims = maps.Clone(in.Session.User.Claims())
			if in.IDToken == "" {
				t.Error("no raw ID token")
			}
			if in.Session.User.StringClaim("name") == "Mallory" {
				return nil, errors.New("not welcome")
			}
			in.Session.User.Delete("department")
			in.Session.User.Set("role", "admin")
			return in.Session, nil
		}
		c.OnCallback = func(w http.ResponseWriter, r *http.Request, res authchain.CallbackResult) {
			if res.Err != nil {
				var ce *authchain.CallbackError
				errors.As(res.Err, &ce)
				http.Redirect(w, r, "/login-failed?code="+ce.Code, http.StatusFound)
				return
			}
			http.Redirect(w, r, "/welcome?next="+url.QueryEscape(res.ReturnTo)+"&sub="+res.Session.User.Subject(), http.StatusFound)
		}
	}})
	app.IdP.QueueLogin(oidctest.User{Subject: "u1", Claims: map[string]any{"name": "Ann", "department": "R&D"}})
	b := newBrowser(t, true)
	resp, _ := app.login(b, "/next")
	if resp.Request.URL.Path != "/welcome" || resp.Request.URL.Query().Get("next") != "/next" || resp.Request.URL.Query().Get("sub") != "u1" {
		t.Errorf("OnCallback did not write the response: %s", resp.Request.URL)
	}
	for _, k := range []string{"iss", "aud", "nonce", "department", "sid"} {
		if _, ok := sawClaims[k]; !ok {
			t.Errorf("BeforeSessionSaved did not see claim %q", k)
		}
	}
	_, body := b.get(app.URL + "/auth/profile")
	if !strings.Contains(body, `"role":"admin"`) || strings.Contains(body, "department") {
		t.Errorf("profile = %s", body)
	}

	app.IdP.QueueLogin(oidctest.User{Subject: "u2", Claims: map[string]any{"name": "Mallory"}})
	b2 := newBrowser(t, true)
	resp, _ = app.login(b2, "/")
	if resp.Request.URL.Path != "/login-failed" || resp.Request.URL.Query().Get("code") != "session_error" {
		t.Errorf("a refusing hook: %s", resp.Request.URL)
	}
	if len(app.sessionCookies(b2)) != 0 {
		t.Error("a refused login left a session")
	}
}

func TestRequireAuthRoundTrip(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: func(c *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/private/", c.RequireAuth(userPage()))
		mux.Handle("/", userPage())
		return mux
	}})
	b := newBrowser(t, true)
	resp, body := b.get(app.URL+"/private/report?year=2026", "Accept", "text/html")
	if body != "user: "+oidctest.DefaultUser().Subject+" path: /private/report" || resp.Request.URL.RawQuery != "year=2026" {
		t.Fatalf("after the login round trip: %s %q", resp.Request.URL, body)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "private") || !strings.Contains(cc, "no-store") {
		t.Errorf("protected page Cache-Control = %q", cc)
	}
	resp, body = newBrowser(t, true).get(app.URL+"/private/report", "Accept", "application/json")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "not_authenticated") {
		t.Errorf("API request signed out: %d %s", resp.StatusCode, body)
	}
}

func TestStatefulSessionsRotateTheIDAtLogin(t *testing.T) {
	t.Parallel()
	var store *session.MemoryStore
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) {
		store = session.NewMemoryStore(c.Now)
		c.SessionStore = store
	}})
	b := newBrowser(t, true)
	app.login(b, "/")
	first := app.cookie(b, "__session")
	if first == nil || store.Len() != 1 || len(first.Value) > 200 {
		t.Fatalf("stateful login: cookie %v, %d stored", first != nil, store.Len())
	}
	app.login(b, "/")
	second := app.cookie(b, "__session")
	if second.Value == first.Value || store.Len() != 1 {
		t.Errorf("a second login kept the session id or the old record (%d stored)", store.Len())
	}
	step := newBrowser(t, false)
	step.Jar = b.Jar
	step.get(app.URL + "/auth/logout")
	if store.Len() != 0 {
		t.Error("logout left the stored session")
	}
}

func TestPushedAuthorizationRequests(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.PushedAuthorizationRequests = true }})
	step := newBrowser(t, false)
	resp, _ := step.get(app.URL + "/auth/login?ui_locales=fr")
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if q := loc.Query(); len(q) != 2 || q.Get("request_uri") == "" || q.Get("client_id") != testClientID {
		t.Errorf("PAR redirect carries %v", q)
	}
	if n := app.IdP.Count(oidctest.EndpointPAR, ""); n != 1 {
		t.Errorf("%d pushed requests", n)
	}
	b := newBrowser(t, true)
	if _, body := app.login(b, "/p"); !strings.HasPrefix(body, "user: ") {
		t.Errorf("PAR login: %q", body)
	}
}

func TestPrivateKeyJWTLogin(t *testing.T) {
	t.Parallel()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	app := newTestApp(t, appOptions{
		register: func(c *oidctest.Client) { c.Secret, c.PublicKey = "", &key.PublicKey },
		config:   func(c *authchain.Config) { c.ClientSecret, c.ClientAssertionSigningKey = "", pemKey },
	})
	b := newBrowser(t, true)
	if _, body := app.login(b, "/k"); body != "user: "+oidctest.DefaultUser().Subject+" path: /k" {
		t.Errorf("private_key_jwt login: %q", body)
	}
}

// TestUserFromIsACopy: UserFrom reports whether the request is signed in, and changing the
// user it returns does not change the session.
func TestUserFromIsACopy(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: func(*authchain.Client) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, ok := authchain.UserFrom(r.Context())
			if !ok {
				_, _ = io.WriteString(w, "signed out, name "+strconv.Quote(u.Name()))
				return
			}
			u.Set("name", "changed")
			_, _ = io.WriteString(w, "session name "+authchain.SessionFrom(r.Context()).User.Name())
		})
	}})
	b := newBrowser(t, true)
	if _, body := b.get(app.URL + "/"); body != `signed out, name ""` {
		t.Errorf("signed out: %q", body)
	}
	app.IdP.QueueLogin(oidctest.User{Subject: "user_1", Claims: map[string]any{"name": "Ada"}})
	if _, body := app.login(b, "/"); body != "session name Ada" {
		t.Errorf("signed in: %q", body)
	}
}
