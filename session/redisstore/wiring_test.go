package redisstore_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/session/redisstore"
)

// A Store as authchain.Config.SessionStore: a login stores the session in Redis, sealed; a
// back-channel logout's deletion signs the browser out; so does the logout route.
func TestStoreAsTheConfigsSessionStore(t *testing.T) {
	c := singleClient(t)
	store := newStore(t, c, redisstore.Options{})
	app := httptest.NewUnstartedServer(nil)
	appURL := "http://" + app.Listener.Addr().String()
	idp := oidctest.NewServer(t, oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "app-secret",
		RedirectURIs:           []string{appURL + "/auth/callback"},
		PostLogoutRedirectURIs: []string{appURL + "/"},
	}))
	client, err := authchain.New(authchain.Config{
		Domain: idp.Issuer(), ClientID: "app", ClientSecret: "app-secret",
		AppBaseURL: appURL, Secret: testSecret, AllowInsecureRequests: true,
		SessionStore: store,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if authchain.SessionFrom(r.Context()) != nil {
			io.WriteString(w, "signed in")
			return
		}
		io.WriteString(w, "signed out")
	})
	app.Config.Handler = client.Middleware(mux)
	app.Start()
	defer app.Close()
	home := func(browser *http.Client) string {
		t.Helper()
		resp, err := browser.Get(appURL + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	sessionKeys := func() []string { return keysWithPrefix(t, c, prefixFor(t)+"session:") }

	browser := authtest.Login(t, appURL, idp, oidctest.User{Subject: "user_42"})
	if got := home(browser); got != "signed in" {
		t.Fatalf("after login: %q", got)
	}
	if keys := sessionKeys(); len(keys) != 1 {
		t.Fatalf("session keys after login: %q", keys)
	}
	sid := idp.SessionIDs("user_42")[0]
	n, err := store.DeleteByLogoutToken(context.Background(), session.LogoutToken{Issuer: idp.Issuer(), SID: sid})
	if n != 1 || err != nil {
		t.Fatalf("DeleteByLogoutToken = %d, %v; want 1", n, err)
	}
	if got := home(browser); got != "signed out" {
		t.Errorf("after the back-channel deletion: %q", got)
	}

	browser = authtest.Login(t, appURL, idp, oidctest.User{Subject: "user_42"})
	if got := home(browser); got != "signed in" {
		t.Fatalf("after the second login: %q", got)
	}
	resp, err := browser.Get(appURL + "/auth/logout")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if keys := sessionKeys(); len(keys) != 0 {
		t.Errorf("session keys after logout: %q", keys)
	}
	if got := home(browser); !strings.Contains(got, "signed out") {
		t.Errorf("after logout: %q", got)
	}
}
