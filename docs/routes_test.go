package docs_test

import (
	"fmt"
	"net/http"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// Config.Routes moves the routes; the fields left empty keep their defaults.
func Example_routes() {
	fmt.Printf("%+v\n", authchain.DefaultRoutes())

	cfg := authchain.Config{
		Routes: authchain.Routes{
			Login:       "/login",
			Logout:      "/logout",
			Callback:    "/callback", // registered at the provider as AppBaseURL + "/callback"
			Profile:     "/api/me",
			AccessToken: "/api/auth/token",
		},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})

	tb.Get("/login")
	for _, path := range []string{"/api/me", "/auth/profile"} {
		status, _, body := tb.Fetch(http.MethodGet, path)
		fmt.Println(path, status, body)
	}
	// Output:
	// {Login:/auth/login Logout:/auth/logout Callback:/auth/callback Profile:/auth/profile AccessToken:/auth/access-token BackChannelLogout:/auth/backchannel-logout}
	// /api/me 200 {"name":"Ada","sub":"user_42"}
	// /auth/profile 404 404 page not found
}

// Client.Handler serves only the routes, for mounting on a mux. The handlers it does not wrap
// read the session from the cookies with Client.Session; their sessions do not roll.
func Example_handler() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/auth/", client.Handler())
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			s, err := client.Session(r)
			switch {
			case err != nil:
				http.Error(w, "the session store failed", http.StatusServiceUnavailable)
			case s == nil:
				fmt.Fprint(w, "Not authenticated")
			default:
				fmt.Fprintf(w, "Welcome, %s!", s.User.StringClaim("name"))
			}
		})
		return mux
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})

	_, _, body := tb.Get("/")
	fmt.Println(body)
	_, _, body = tb.Get("/auth/login")
	fmt.Println(body)
	status, _, _ := tb.Fetch(http.MethodGet, "/auth/unknown")
	fmt.Println(status)
	// Output:
	// Not authenticated
	// Welcome, Ada!
	// 404
}
