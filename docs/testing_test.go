package docs_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// testSecret is the application's secret in its tests.
const testSecret = "a-test-secret-of-at-least-32-bytes-long"

// newApp is the application under test.
func newApp(client *authchain.Client) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /dashboard", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := authchain.UserFrom(r.Context())
		fmt.Fprintf(w, "Welcome, %s!", u.Name())
	})))
	return client.Middleware(mux)
}

// A handler test signs its request in with authtest: no provider, no login.
func TestDashboardGreetsTheUser(t *testing.T) {
	client, err := authchain.New(authchain.Config{
		Domain:       "tenant.example.com", // never contacted: New makes no network call
		ClientID:     "app",
		ClientSecret: "s3cret",
		AppBaseURL:   "http://localhost:3000",
		Secret:       testSecret,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &session.Session{
		User: session.NewUser(map[string]any{"sub": "user_123", "name": "Jane"}),
		TokenSet: token.Set{
			AccessToken:  "at_123",
			RefreshToken: "rt_123",
			// no ExpiresAt: the token lives an hour (authtest.DefaultTokenLifetime)
		},
	}
	r := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	if err := authtest.WithSession(r, s, authtest.Options{Secret: testSecret}); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	newApp(client).ServeHTTP(w, r)
	if w.Code != http.StatusOK || w.Body.String() != "Welcome, Jane!" {
		t.Errorf("got %d %q", w.Code, w.Body)
	}
}

// An end-to-end test logs in for real, against oidctest, with authtest's test browser.
func TestLoginEndToEnd(t *testing.T) {
	app := httptest.NewUnstartedServer(nil)
	appURL := "http://" + app.Listener.Addr().String()
	idp := oidctest.NewServer(t, oidctest.WithLoginForm(), oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "s3cret", RedirectURIs: []string{appURL + "/auth/callback"},
	}))
	client, err := authchain.New(authchain.Config{
		Domain:                idp.Issuer(),
		ClientID:              "app",
		ClientSecret:          "s3cret",
		AppBaseURL:            appURL,
		Secret:                testSecret,
		AllowInsecureRequests: true, // the provider is on plain http on loopback
	})
	if err != nil {
		t.Fatal(err)
	}
	app.Config.Handler = newApp(client)
	app.Start()
	t.Cleanup(app.Close)

	browser := authtest.NewBrowser(t)
	browser.LoginName = "Ada" // typed into the provider's login form
	page := browser.Get(appURL + "/dashboard")
	if page.URL.Path != "/dashboard" || page.Body != "Welcome, Ada!" {
		t.Errorf("at %s: %q", page.URL, page.Body)
	}
	if n := idp.Count(oidctest.EndpointToken, "authorization_code"); n != 1 {
		t.Errorf("%d code exchanges, want 1", n)
	}
}

// An application whose routes moved logs in with authtest.LoginAt, which starts at its login
// route; oidctest logs the queued user in without a form.
func TestLoginAtMovedRoutes(t *testing.T) {
	app := httptest.NewUnstartedServer(nil)
	appURL := "http://" + app.Listener.Addr().String()
	idp := oidctest.NewServer(t, oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "s3cret", RedirectURIs: []string{appURL + "/account/callback"},
	}))
	client, err := authchain.New(authchain.Config{
		Domain:                idp.Issuer(),
		ClientID:              "app",
		ClientSecret:          "s3cret",
		AppBaseURL:            appURL,
		Secret:                testSecret,
		AllowInsecureRequests: true,
		Routes:                authchain.Routes{Login: "/account/login", Callback: "/account/callback"},
	})
	if err != nil {
		t.Fatal(err)
	}
	app.Config.Handler = newApp(client)
	app.Start()
	t.Cleanup(app.Close)

	browser := authtest.LoginAt(t, appURL+"/account/login?returnTo=/dashboard", idp, oidctest.User{
		Subject: "user_42", Claims: map[string]any{"name": "Grace"},
	})
	resp, err := browser.Get(appURL + "/dashboard")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "Welcome, Grace!" {
		t.Errorf("dashboard = %q", body)
	}
}

// authtest's cookies carry the whole session, as the default (stateless) sessions do.
func Example_sessionCookies() {
	s := &session.Session{
		User:     session.NewUser(map[string]any{"sub": "user_123"}),
		TokenSet: token.Set{AccessToken: "at_123", RefreshToken: "rt_123", ExpiresAt: time.Unix(123456789, 0)},
	}
	cookies, err := authtest.SessionCookies(s, authtest.Options{Secret: testSecret})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cookies {
		fmt.Println(c.Name)
	}
	// Output:
	// __session
}
