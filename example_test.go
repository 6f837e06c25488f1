package authchain_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/justinas/alice"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// A whole application: the client's middleware serves the login routes and the rolling
// session, RequireAuth protects a page, and a handler reads the user. The provider here is
// oidctest; with a real tenant, the Config comes from ConfigFromEnv.
func ExampleNew() {
	app := httptest.NewUnstartedServer(nil)
	app.Start()
	defer app.Close()

	idp, _ := oidctest.New(oidctest.WithClient(oidctest.Client{
		ID: "my-app", Secret: "my-secret", RedirectURIs: []string{app.URL + "/auth/callback"},
	}))
	if err := idp.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer idp.Close()
	idp.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})

	client, err := authchain.New(authchain.Config{
		Domain:                idp.Issuer(),
		ClientID:              "my-app",
		ClientSecret:          "my-secret",
		AppBaseURL:            app.URL,
		Secret:                "a-secret-of-at-least-32-bytes-0123456789",
		AllowInsecureRequests: true, // the provider runs on plain http on loopback
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/dashboard", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := authchain.UserFrom(r.Context())
		fmt.Fprintf(w, "Welcome, %s!", u.Name())
	})))
	app.Config.Handler = alice.New(client.Middleware).Then(mux)

	// A browser asks for the protected page, logs in at the provider and comes back.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/dashboard", nil)
	req.Header.Set("Accept", "text/html")
	resp, err := browser.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))
	// Output: Welcome, Ada!
}

func ExampleConfigFromEnv() {
	cfg, err := authchain.ConfigFromEnv() // AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL, …
	if err != nil {
		log.Fatal(err)
	}
	cfg.Session.InactivityDuration = 7 * 24 * time.Hour
	cfg.AuthorizationParameters = url.Values{"scope": {"openid profile email offline_access"}, "audience": {"https://api.example.com"}}
	client, err := authchain.New(cfg) // one error listing every problem
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(":3000", client.Middleware(http.DefaultServeMux)))
}

// Combine authchain with another middleware that may answer requests itself (an i18n
// redirect, say): every response it produces still carries the session's cookies.
func ExampleClient_Middleware() {
	var client *authchain.Client // from authchain.New
	var i18n func(http.Handler) http.Handler
	var mux http.Handler
	chain := alice.New(mw.MergeHeaders(client.Middleware, i18n), client.RequireAuth).Then(mux)
	_ = chain
}

func ExampleClient_UpdateSession() {
	var client *authchain.Client // from authchain.New
	http.HandleFunc("/preferences", func(w http.ResponseWriter, r *http.Request) {
		s, err := client.Session(r)
		if err != nil || s == nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		s.User.Set("theme", r.FormValue("theme"))
		if err := s.SetCustom("updatedAt", time.Now().Unix()); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// Later handlers of this request see the change; the cookie is written when the
		// response starts.
		if err := client.UpdateSession(w, r, s); err != nil {
			http.Error(w, "could not save", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func ExampleClient_StartLogin() {
	var client *authchain.Client // from authchain.New
	http.HandleFunc("/signup", func(w http.ResponseWriter, r *http.Request) {
		client.StartLogin(w, r, authchain.StartLoginOptions{
			ReturnTo:                "/welcome",
			AuthorizationParameters: url.Values{"screen_hint": {"signup"}},
		})
	})
}

func ExampleConfig_beforeSessionSaved() {
	cfg := authchain.Config{
		// Keep the default claims plus the user's roles; everything else stays out of the cookie.
		BeforeSessionSaved: func(_ context.Context, in authchain.BeforeSessionSavedInput) (*session.Session, error) {
			claims := in.Session.User.Claims()
			kept := mw.FilterClaims(claims, mw.DefaultUserClaims())
			kept["roles"] = claims["https://example.com/roles"]
			in.Session.User = session.NewUser(kept)
			return in.Session, nil
		},
	}
	_ = cfg
}

// Call an API with the user's access token; it is refreshed when it has expired, and the
// rotated refresh token is saved when the response starts.
func ExampleClient_AccessToken() {
	var client *authchain.Client // from authchain.New
	http.Handle("/orders", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, err := client.AccessToken(w, r, authchain.WithAudience("https://orders.example.com"))
		var te *token.Error
		if errors.As(err, &te) && te.Code == token.CodeFailedToRefreshToken {
			// The provider refused the refresh token: send the user to log in again.
			client.StartLogin(w, r, authchain.StartLoginOptions{ReturnTo: "/orders"})
			return
		}
		if err != nil {
			http.Error(w, "no access token", http.StatusUnauthorized)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, "https://orders.example.com/v1/orders", nil)
		req.Header.Set("Authorization", "Bearer "+at.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, "the orders API is unavailable", http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, resp.Body)
	})))
}
