package authtest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/oidctest"
)

func TestLoginSignsABrowserIn(t *testing.T) {
	t.Parallel()
	app := httptest.NewServer(nil)
	t.Cleanup(app.Close)
	idp := oidctest.NewServer(t, oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "app-secret", RedirectURIs: []string{app.URL + "/auth/callback"},
	}))
	client, err := authchain.New(authchain.Config{
		Domain: idp.Issuer(), ClientID: "app", ClientSecret: "app-secret", AppBaseURL: app.URL,
		Secret: secret, AllowInsecureRequests: true, Now: idp.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	app.Config.Handler = client.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := authchain.UserFrom(r.Context()); ok {
			_, _ = io.WriteString(w, u.Subject())
		}
	}))

	browser := authtest.Login(t, app.URL, idp, oidctest.User{Subject: "grace", Claims: map[string]any{"name": "Grace"}})
	resp, err := browser.Get(app.URL + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "grace" {
		t.Errorf("the logged-in browser is %q, want grace", body)
	}
}

func TestLoginAtAMovedLoginRoute(t *testing.T) {
	t.Parallel()
	app := httptest.NewServer(nil)
	t.Cleanup(app.Close)
	idp := oidctest.NewServer(t, oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "app-secret", RedirectURIs: []string{app.URL + "/account/callback"},
	}))
	client, err := authchain.New(authchain.Config{
		Domain: idp.Issuer(), ClientID: "app", ClientSecret: "app-secret", AppBaseURL: app.URL,
		Secret: secret, AllowInsecureRequests: true, Now: idp.Now,
		Routes: authchain.Routes{Login: "/account/login", Callback: "/account/callback", Logout: "/account/logout"},
	})
	if err != nil {
		t.Fatal(err)
	}
	app.Config.Handler = client.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := authchain.UserFrom(r.Context()); ok {
			_, _ = io.WriteString(w, u.Subject())
			return
		}
		http.NotFound(w, r)
	}))

	browser := authtest.LoginAt(t, app.URL+"/account/login", idp, oidctest.User{Subject: "ada"})
	resp, err := browser.Get(app.URL + "/account")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ada" {
		t.Errorf("the logged-in browser is %q, want ada", body)
	}
}
