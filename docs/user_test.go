package docs_test

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// Behind Client.Middleware every handler finds the session in the request's context.
func Example_sessionFrom() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			s := authchain.SessionFrom(r.Context())
			if s == nil {
				fmt.Fprint(w, "Not authenticated")
				return
			}
			fmt.Fprintf(w, "Welcome, %s!", s.User.StringClaim("name"))
		})
		return client.Middleware(mux)
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})

	_, _, body := tb.Get("/")
	fmt.Println(body)
	_, _, body = tb.Get("/auth/login") // returns to "/"
	fmt.Println(body)
	// Output:
	// Not authenticated
	// Welcome, Ada!
}

// RequireAuth protects a handler: a signed-out browser is sent to log in and comes back, a
// signed-out fetch gets 401.
func Example_requireAuth() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("GET /profile", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, _ := authchain.UserFrom(r.Context())
			fmt.Fprintf(w, "%s <%s>", u.Name(), u.Email())
		})))
		return client.Middleware(mux)
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada", "email": "ada@example.com"}})

	status, _, body := tb.Fetch(http.MethodGet, "/profile")
	fmt.Println(status, body)
	_, at, body := tb.Get("/profile") // to the provider and back
	fmt.Println(at, body)
	// Output:
	// 401 {"error":"not_authenticated","description":"The user does not have an active session or is not authenticated"}
	// /profile Ada <ada@example.com>
}

// The browser's code reads the user from the profile route; with
// NoContentProfileResponseWhenUnauthenticated a signed-out visitor gets 204 instead of 401.
func Example_profileRoute() {
	cfg := authchain.Config{NoContentProfileResponseWhenUnauthenticated: true}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})

	status, header, _ := tb.Fetch(http.MethodGet, "/auth/profile")
	fmt.Println(status, header.Get("Cache-Control"))
	tb.Get("/auth/login")
	status, header, body := tb.Fetch(http.MethodGet, "/auth/profile")
	fmt.Println(status, header.Get("Cache-Control"), body)
	// Output:
	// 204 no-store
	// 200 no-store {"name":"Ada","sub":"user_42"}
}

// page renders the user into the HTML it sends, for the server's markup and, as JSON, for the
// page's scripts.
var page = template.Must(template.New("page").Parse(`<main>
  {{with .}}<h1>Welcome, {{.name}}!</h1>{{else}}<a href="/auth/login">Log in</a>{{end}}
  <script id="user" type="application/json">{{.}}</script>
</main>`))

// The server renders the user into the page, so its scripts have the user without a request
// of their own.
func Example_renderUser() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			var claims map[string]any
			if u, ok := authchain.UserFrom(r.Context()); ok {
				claims = u.Claims()
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if err := page.Execute(w, claims); err != nil {
				http.Error(w, "rendering failed", http.StatusInternalServerError)
			}
		})
		return client.Middleware(mux)
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada <3"}})

	_, _, body := tb.Get("/")
	fmt.Println(body)
	_, _, body = tb.Get("/auth/login")
	fmt.Println(body)
	// Output:
	// <main>
	//   <a href="/auth/login">Log in</a>
	//   <script id="user" type="application/json"> null </script>
	// </main>
	// <main>
	//   <h1>Welcome, Ada &lt;3!</h1>
	//   <script id="user" type="application/json">{"name":"Ada \u003c3","sub":"user_42"}</script>
	// </main>
}
