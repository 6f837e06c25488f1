package authchain_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/session"
)

// TestHTTPSApplicationUsesHostPrefixedCookie: on an https AppBaseURL the session cookie is
// __Host-__session; a cookie under the plain name is not read unless DisableHostPrefix keeps
// that name.
func TestHTTPSApplicationUsesHostPrefixedCookie(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	s := &session.Session{User: session.NewUser(map[string]any{"sub": "user_1"})}
	signedIn := func(disable bool, cookie session.CookieOptions) bool {
		client, err := authchain.New(authchain.Config{
			Domain: "tenant.auth0.com", ClientID: "id", ClientSecret: "secret",
			AppBaseURL: "https://app.example.com", Secret: testSecret,
			Session: authchain.SessionConfig{Cookie: authchain.CookieConfig{DisableHostPrefix: disable}},
			Now:     func() time.Time { return now },
		})
		if err != nil {
			t.Fatal(err)
		}
		var in bool
		h := client.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			in = authchain.SessionFrom(r.Context()) != nil
		}))
		r := httptest.NewRequest(http.MethodGet, "https://app.example.com/", nil)
		opts := authtest.Options{Secret: testSecret, Cookie: cookie, Now: func() time.Time { return now }}
		if err := authtest.WithSession(r, s, opts); err != nil {
			t.Fatal(err)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		return in
	}
	prefixed := session.CookieOptions{Secure: true}
	plain := session.CookieOptions{Secure: true, DisableHostPrefix: true}
	if !signedIn(false, prefixed) {
		t.Error("the __Host-__session cookie is not read")
	}
	if signedIn(false, plain) {
		t.Error("a __session cookie is read although the application's cookie is __Host-__session")
	}
	if !signedIn(true, plain) || signedIn(true, prefixed) {
		t.Error("DisableHostPrefix does not keep the __session name")
	}
}

// TestHTTPSApplicationUsesHostPrefixedTransactionCookies: on an https AppBaseURL the login
// route writes its transaction cookie as __Host-__txn_<slot>, unless DisableHostPrefix keeps the
// plain name.
func TestHTTPSApplicationUsesHostPrefixedTransactionCookies(t *testing.T) {
	t.Parallel()
	loginCookie := func(disable bool) string {
		app := newTestApp(t, appOptions{config: func(c *authchain.Config) {
			c.AppBaseURL = "https://app.example.com"
			c.TransactionCookie.DisableHostPrefix = disable
		}})
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "https://app.example.com/auth/login", nil)
		app.Client.Middleware(http.NotFoundHandler()).ServeHTTP(w, r)
		cookies := w.Result().Cookies()
		if w.Code != http.StatusFound || len(cookies) != 1 {
			t.Fatalf("login answered %d with %d cookies, want 302 with one", w.Code, len(cookies))
		}
		if !cookies[0].Secure {
			t.Errorf("the transaction cookie %s is not Secure", cookies[0].Name)
		}
		return cookies[0].Name
	}
	if name := loginCookie(false); !strings.HasPrefix(name, "__Host-__txn_") {
		t.Errorf("the transaction cookie is %q, want __Host-__txn_<slot>", name)
	}
	if name := loginCookie(true); !strings.HasPrefix(name, "__txn_") {
		t.Errorf("with DisableHostPrefix the transaction cookie is %q, want __txn_<slot>", name)
	}
}
