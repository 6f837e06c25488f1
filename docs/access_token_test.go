package docs_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/token"
)

// A handler gets the user's access token to call an API. The token is refreshed when it has
// expired, and the new tokens are saved in the session.
func Example_accessToken() {
	seen := map[string]int{} // numbers the tokens, for the output
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /api/orders", func(w http.ResponseWriter, r *http.Request) {
			at, err := client.AccessToken(w, r)
			var te *token.Error
			switch {
			case errors.As(err, &te):
				var oauthErr *provider.Error
				if errors.As(te, &oauthErr) {
					fmt.Fprintf(w, "%s (the provider said %s)", te.Code, oauthErr.Code)
					return
				}
				fmt.Fprint(w, te.Code)
				return
			case err != nil:
				http.Error(w, "the session store failed", http.StatusServiceUnavailable)
				return
			}
			// Call the API with the header "Authorization: Bearer " + at.Token.
			if seen[at.Token] == 0 {
				seen[at.Token] = len(seen) + 1
			}
			fmt.Fprintf(w, "token #%d", seen[at.Token])
		})
		return client.Middleware(mux)
	}, oidctest.WithAccessTokenLifetime(time.Hour))
	defer tb.Close()

	get := func() {
		_, _, body := tb.Get("/api/orders")
		fmt.Printf("%s, refreshes: %d\n", body, tb.IdP.Count(oidctest.EndpointToken, "refresh_token"))
	}
	get() // signed out
	tb.Get("/auth/login")
	get()
	get()
	tb.IdP.Advance(2 * time.Hour) // the provider's clock, which the application shares here
	get()
	get()
	tb.IdP.Advance(2 * time.Hour)
	tb.IdP.FailNext(oidctest.EndpointToken, 1, oidctest.OAuthError("invalid_grant", "the refresh token was revoked", 0))
	get()
	// Output:
	// missing_session, refreshes: 0
	// token #1, refreshes: 0
	// token #1, refreshes: 0
	// token #2, refreshes: 1
	// token #2, refreshes: 1
	// failed_to_refresh_token (the provider said invalid_grant), refreshes: 2
}

// Options ask for a token for another API, with another scope, or for a refresh now.
func Example_accessTokenOptions() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /api/report", func(w http.ResponseWriter, r *http.Request) {
			orders, err := client.AccessToken(w, r, authchain.WithAudience("https://orders.example.com"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			billing, err := client.AccessToken(w, r,
				authchain.WithAudience("https://billing.example.com"), authchain.WithScope("openid email"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			fmt.Fprintf(w, "%s %q\n", audience(orders.Token), orders.Scope)
			fmt.Fprintf(w, "%s %q", audience(billing.Token), billing.Scope)
		})
		mux.HandleFunc("GET /api/refresh", func(w http.ResponseWriter, r *http.Request) {
			before, _ := client.AccessToken(w, r)
			after, err := client.AccessToken(w, r, authchain.WithRefresh())
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			fmt.Fprint(w, "new token: ", after.Token != before.Token)
		})
		return client.Middleware(mux)
	})
	defer tb.Close()

	tb.Get("/auth/login")
	for range 2 { // the second time, the session has both tokens
		_, _, body := tb.Get("/api/report")
		fmt.Println(body)
	}
	_, _, body := tb.Get("/api/refresh")
	fmt.Println(body)
	fmt.Println("refreshes:", tb.IdP.Count(oidctest.EndpointToken, "refresh_token"))
	// Output:
	// https://orders.example.com "openid profile email offline_access"
	// https://billing.example.com "openid email"
	// https://orders.example.com "openid profile email offline_access"
	// https://billing.example.com "openid email"
	// new token: true
	// refreshes: 3
}

// requireAPIToken is a middleware that makes sure the user has a valid access token before
// any handler runs.
func requireAPIToken(client *authchain.Client) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := client.AccessToken(w, r); err != nil {
				http.Error(w, "please log in again", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// A token refreshed in a middleware is the one later handlers of the same request get: one
// refresh, saved once.
func Example_accessTokenInMiddleware() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			at, err := client.AccessToken(w, r) // the token the middleware got: no second refresh
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			fmt.Fprintf(w, "calling the API with a %s token", at.TokenType)
		})
		mux := http.NewServeMux()
		mux.Handle("GET /api/", requireAPIToken(client)(api))
		return client.Middleware(mux)
	})
	defer tb.Close()

	tb.Get("/auth/login")
	tb.IdP.Advance(2 * time.Hour)
	for range 2 {
		_, _, body := tb.Get("/api/data")
		fmt.Println(body, "- refreshes:", tb.IdP.Count(oidctest.EndpointToken, "refresh_token"))
	}
	// Output:
	// calling the API with a Bearer token - refreshes: 1
	// calling the API with a Bearer token - refreshes: 1
}

// The browser's code gets an access token from the access-token route.
func Example_accessTokenRoute() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()

	status, _, body := tb.Fetch(http.MethodGet, "/auth/access-token")
	fmt.Println(status, body)

	tb.Get("/auth/login")
	status, header, body := tb.Fetch(http.MethodGet, "/auth/access-token?audience="+url.QueryEscape("https://orders.example.com"))
	var answer struct {
		Token     string `json:"token"`
		Scope     string `json:"scope"`
		ExpiresAt int64  `json:"expires_at"`
		ExpiresIn int64  `json:"expires_in"`
		TokenType string `json:"token_type"`
	}
	if err := json.Unmarshal([]byte(body), &answer); err != nil {
		fmt.Println(err)
	}
	fmt.Println(status, header.Get("Cache-Control"), answer.TokenType, answer.Scope)
	fmt.Println(audience(answer.Token), answer.ExpiresIn > 3500, answer.ExpiresAt > time.Now().Unix())
	// Output:
	// 401 {"error":{"code":"missing_session","message":"the user does not have an active session"}}
	// 200 no-store Bearer openid profile email offline_access
	// https://orders.example.com true true
}

// x/oauth2's client calls an API with the session's access token, refreshed when it has
// expired. The API here is the provider's UserInfo endpoint.
func Example_tokenSource() {
	var userinfo string
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
			api := oauth2.NewClient(r.Context(), client.TokenSource(w, r))
			resp, err := api.Get(userinfo)
			if err != nil {
				http.Error(w, "the API could not be called", http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			var me struct {
				Sub string `json:"sub"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&me)
			fmt.Fprintf(w, "%d %s", resp.StatusCode, me.Sub)
		})
		return client.Middleware(mux)
	})
	defer tb.Close()
	userinfo = tb.IdP.URL(oidctest.EndpointUserinfo)
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42"})

	tb.Get("/auth/login")
	_, _, body := tb.Get("/api/me")
	fmt.Println(body)
	tb.IdP.Advance(2 * time.Hour)
	_, _, body = tb.Get("/api/me")
	fmt.Println(body, "after", tb.IdP.Count(oidctest.EndpointToken, "refresh_token"), "refresh")
	// Output:
	// 200 user_42
	// 200 user_42 after 1 refresh
}
