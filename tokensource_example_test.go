package authchain_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"time"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// An API called with x/oauth2's client: the token source hands out the session's access
// token, refreshed when it has expired. The API here is the provider's UserInfo endpoint.
func ExampleClient_TokenSource() {
	app := httptest.NewServer(nil)
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
		Domain: idp.Issuer(), ClientID: "my-app", ClientSecret: "my-secret", AppBaseURL: app.URL,
		Secret: "a-secret-of-at-least-32-bytes-0123456789", AllowInsecureRequests: true, Now: idp.Now,
	})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		api := oauth2.NewClient(r.Context(), client.TokenSource(w, r))
		resp, err := api.Get(idp.URL(oidctest.EndpointUserinfo))
		if err != nil {
			http.Error(w, "the API could not be called", http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		var user struct {
			Name string `json:"name"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&user)
		fmt.Fprintf(w, "%d %s", resp.StatusCode, user.Name)
	})
	app.Config.Handler = client.Middleware(mux)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	get := func(path string) string {
		resp, err := browser.Get(app.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	get("/auth/login?returnTo=/me")
	fmt.Println(get("/me"))
	idp.Advance(2 * time.Hour) // the access token expires; the token source refreshes it
	fmt.Println(get("/me"))
	fmt.Println("refreshes:", idp.Count(oidctest.EndpointToken, "refresh_token"))
	// Output:
	// 200 Ada
	// 200 Ada
	// refreshes: 1
}
