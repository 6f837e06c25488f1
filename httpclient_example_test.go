package authchain_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// With UseDPoP the provider binds the access token to the application's key; HTTPClient sends
// it with a new proof for each request, and learns the nonce the API asks for. The API here is
// the provider's UserInfo endpoint, which refuses a DPoP token without its proof.
func ExampleClient_HTTPClient() {
	app := httptest.NewServer(nil)
	defer app.Close()
	idp, _ := oidctest.New(oidctest.WithDPoPNonce(), oidctest.WithClient(oidctest.Client{
		ID: "my-app", Secret: "my-secret", RedirectURIs: []string{app.URL + "/auth/callback"},
		DPoPBoundAccessTokens: true,
	}))
	if err := idp.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer idp.Close()
	idp.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})
	client, err := authchain.New(authchain.Config{
		Domain: idp.Issuer(), ClientID: "my-app", ClientSecret: "my-secret", AppBaseURL: app.URL,
		Secret: "a-secret-of-at-least-32-bytes-0123456789", AllowInsecureRequests: true, Now: idp.Now,
		UseDPoP: true,
	})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		resp, err := client.HTTPClient(w, r).Get(idp.URL(oidctest.EndpointUserinfo))
		if err != nil {
			http.Error(w, "the API could not be called", http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		var user struct {
			Name string `json:"name"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&user)
		fmt.Fprintf(w, "%d %s, token type %s", resp.StatusCode, user.Name, authchain.SessionFrom(r.Context()).TokenSet.TokenType)
	})
	app.Config.Handler = client.Middleware(mux)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(app.URL + "/auth/login?returnTo=/me")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	fmt.Println("proofs the provider accepted:", idp.DPoPProofs())
	// Output:
	// 200 Ada, token type DPoP
	// proofs the provider accepted: 2
}
