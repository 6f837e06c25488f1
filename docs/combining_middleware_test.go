package docs_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/justinas/alice"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/oidctest"
)

// locales is an i18n middleware in the manner of next-intl: pages live under /en/ or /fr/, and
// any other path is redirected there, in the visitor's language.
func locales(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept-Language")
		if strings.HasPrefix(r.URL.Path, "/en/") || strings.HasPrefix(r.URL.Path, "/fr/") {
			next.ServeHTTP(w, r)
			return
		}
		locale := "en"
		if strings.HasPrefix(r.Header.Get("Accept-Language"), "fr") {
			locale = "fr"
		}
		http.Redirect(w, r, "/"+locale+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
}

// Client.Middleware goes first: it answers its own routes, so they never reach the i18n
// middleware, and the session's cookies reach every response of the others, the i18n
// redirects included.
func Example_combiningMiddleware() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{locale}/dashboard", func(w http.ResponseWriter, r *http.Request) {
			greeting := map[string]string{"en": "Hello", "fr": "Bonjour"}[r.PathValue("locale")]
			u, _ := authchain.UserFrom(r.Context())
			fmt.Fprintf(w, "%s, %s", greeting, u.Name())
		})
		return alice.New(mw.MergeHeaders(client.Middleware, locales), client.RequireAuth).Then(mux)
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})

	authorize := tb.Redirect("/auth/login") // not localised
	fmt.Println(strings.HasPrefix(authorize.String(), tb.IdP.Issuer()))

	_, at, body := tb.Get("/dashboard") // /en/dashboard, the login, and back
	fmt.Println(at, body)

	tb.IdP.Advance(2 * time.Minute) // the session is due to be written again
	req, _ := http.NewRequest(http.MethodGet, tb.App.URL+"/dashboard", nil)
	req.Header.Set("Accept-Language", "fr")
	status, header, _ := tb.Send(req)
	fmt.Println(status, header.Get("Location"), strings.HasPrefix(header.Get("Set-Cookie"), "__session="))
	// Output:
	// true
	// /en/dashboard Hello, Ada
	// 307 /fr/dashboard true
}

// TestPlainChainLikeMergeHeaders checks what the guide says: with Client.Middleware first,
// plain chaining gives the same responses as mw.MergeHeaders.
func TestPlainChainLikeMergeHeaders(t *testing.T) {
	results := map[bool]string{}
	for _, merge := range []bool{false, true} {
		tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /{locale}/dashboard", func(w http.ResponseWriter, r *http.Request) {
				u, _ := authchain.UserFrom(r.Context())
				fmt.Fprint(w, r.PathValue("locale"), u.Name())
			})
			if merge {
				return alice.New(mw.MergeHeaders(client.Middleware, locales), client.RequireAuth).Then(mux)
			}
			return alice.New(client.Middleware, locales, client.RequireAuth).Then(mux)
		})
		_, at, body := tb.Get("/dashboard")
		tb.IdP.Advance(2 * time.Minute)
		status, header, _ := tb.Fetch(http.MethodGet, "/dashboard")
		results[merge] = fmt.Sprint(at, body, status, header.Get("Location"), header.Values("Vary"),
			header.Get("Cache-Control"), strings.HasPrefix(header.Get("Set-Cookie"), "__session="))
		tb.Close()
	}
	if results[false] != results[true] {
		t.Errorf("plain chain: %s\nMergeHeaders: %s", results[false], results[true])
	}
	if !strings.HasSuffix(results[true], "true") {
		t.Errorf("the locale redirect carries no session cookie: %s", results[true])
	}
}
