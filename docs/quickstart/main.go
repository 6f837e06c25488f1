// Command quickstart is the program of the repository's README: an application with a public
// home page, a page only signed-in users see and one that calls an API with the user's access
// token. It reads its settings from the environment (AUTH0_DOMAIN, AUTH0_CLIENT_ID,
// AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL) and serves on localhost:3000.
package main

import (
	"fmt"
	"log"
	"net/http"

	"github.com/justinas/alice"

	"github.com/authchain/authchain"
)

func main() {
	cfg, err := authchain.ConfigFromEnv() // AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL
	if err != nil {
		log.Fatal(err)
	}
	client, err := authchain.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if authchain.SessionFrom(r.Context()) == nil {
			fmt.Fprintln(w, `<a href="/auth/login?returnTo=/account">Log in</a>`)
			return
		}
		fmt.Fprintln(w, `<a href="/account">Account</a> <a href="/auth/logout">Log out</a>`)
	})
	mux.Handle("GET /account", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := authchain.UserFrom(r.Context())
		fmt.Fprintf(w, "Hello, %s\n", u.Name())
	})))
	mux.Handle("GET /orders", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, err := client.AccessToken(w, r) // refreshed when it has expired
		if err != nil {
			http.Error(w, "please log in again", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "call your API with Authorization: Bearer %.8s…\n", at.Token)
	})))
	// client.Middleware serves /auth/login, /auth/callback, /auth/logout, /auth/profile,
	// /auth/access-token and /auth/backchannel-logout and keeps the session rolling for every
	// other request.
	log.Fatal(http.ListenAndServe("localhost:3000", alice.New(client.Middleware).Then(mux)))
}
