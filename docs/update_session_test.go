package docs_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/justinas/alice"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// countVisits is a middleware that keeps a count of the signed-in user's requests in the
// session, under a key of the application's own.
func countVisits(client *authchain.Client) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s := authchain.SessionFrom(r.Context()); s != nil {
				var visits int
				if _, err := s.GetCustom("visits", &visits); err != nil {
					http.Error(w, "bad session data", http.StatusInternalServerError)
					return
				}
				if err := s.SetCustom("visits", visits+1); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				if err := client.UpdateSession(w, r, s); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Behind Client.Middleware, an update is seen by every later handler of the same request and
// reaches the browser when the response starts.
func Example_updateSession() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /preferences", func(w http.ResponseWriter, r *http.Request) {
			s := authchain.SessionFrom(r.Context())
			if s == nil {
				http.Error(w, "Unauthorized", http.StatusUnauthorized)
				return
			}
			s.User.Set("theme", r.FormValue("theme"))
			if err := client.UpdateSession(w, r, s); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
			s := authchain.SessionFrom(r.Context())
			var visits int
			_, _ = s.GetCustom("visits", &visits)
			fmt.Fprintf(w, "theme %q, visit %d", s.User.StringClaim("theme"), visits)
		})
		mux.HandleFunc("GET /late", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "hello; ")
			err := client.UpdateSession(w, r, authchain.SessionFrom(r.Context()))
			fmt.Fprint(w, errors.Is(err, authchain.ErrHeadersWritten))
		})
		return alice.New(client.Middleware, countVisits(client)).Then(mux)
	})
	defer tb.Close()

	tb.Get("/auth/login")
	status, _, _ := tb.Fetch(http.MethodPost, "/preferences?theme=dark")
	fmt.Println("update:", status)
	for range 2 {
		_, _, body := tb.Get("/me")
		fmt.Println(body)
	}
	_, _, body := tb.Get("/late")
	fmt.Println(body)
	// Output:
	// update: 204
	// theme "dark", visit 3
	// theme "dark", visit 4
	// hello; true
}

// Without Client.Middleware in front, UpdateSession reads the session from the request's
// cookies and writes the new cookies to the response at once, so it must come before the
// response is written.
func Example_updateSessionOutsideMiddleware() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/auth/", client.Handler())
		mux.HandleFunc("POST /api/preferences", func(w http.ResponseWriter, r *http.Request) {
			s, err := client.Session(r)
			if err != nil || s == nil {
				http.Error(w, `{"error":"Unauthorized"}`, http.StatusUnauthorized)
				return
			}
			s.User.Set("theme", r.FormValue("theme"))
			if err := client.UpdateSession(w, r, s); err != nil {
				http.Error(w, `{"error":"Internal Server Error"}`, http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, "{}")
		})
		return mux
	})
	defer tb.Close()

	status, _, body := tb.Fetch(http.MethodPost, "/api/preferences?theme=dark")
	fmt.Println(status, body)
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})
	tb.Get("/auth/login")
	status, header, body := tb.Fetch(http.MethodPost, "/api/preferences?theme=dark")
	fmt.Println(status, body, strings.HasPrefix(header.Get("Set-Cookie"), "__session="))
	_, _, body = tb.Fetch(http.MethodGet, "/auth/profile")
	fmt.Println(body)
	// Output:
	// 401 {"error":"Unauthorized"}
	// 200 {} true
	// {"name":"Ada","sub":"user_42","theme":"dark"}
}
