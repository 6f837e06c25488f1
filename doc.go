// Package authchain gives any net/http application OpenID Connect login with Auth0 or any
// other OpenID Provider. A whole application, configured from the environment
// (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL):
//
//	package main
//
//	import (
//		"fmt"
//		"log"
//		"net/http"
//
//		"github.com/authchain/authchain"
//	)
//
//	func main() {
//		client, err := authchain.NewFromEnv() // one error listing every missing or invalid value
//		if err != nil {
//			log.Fatal(err)
//		}
//		http.Handle("/", client.RequireAuth(http.HandlerFunc(hello)))
//		log.Fatal(http.ListenAndServe(":3000", client.Middleware(http.DefaultServeMux)))
//	}
//
//	func hello(w http.ResponseWriter, r *http.Request) {
//		u, _ := authchain.UserFrom(r.Context())
//		fmt.Fprintf(w, "Hello, %s!", u.Name())
//	}
//
// client.Middleware serves the login, callback, logout, profile and access-token routes under
// /auth/ and keeps the session rolling; client.RequireAuth sends signed-out visitors to log
// in. Sessions are encrypted and kept in cookies or in a store (Config.SessionStore), access
// tokens refresh themselves (Client.AccessToken), those of connections come from Auth0's Token
// Vault (Client.AccessTokenForConnection), and every piece is a
// func(http.Handler) http.Handler that chains with justinas/alice or any router.
package authchain
