package docs_test

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/authchain/authchain"
)

// returnTo on the login route says where to land after the login, and on the logout route
// where to land after the logout.
func Example_returnTo() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		for _, page := range []string{"/{$}", "/dashboard", "/goodbye"} {
			mux.HandleFunc("GET "+page, func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "page %s, signed in: %t", r.URL.Path, authchain.SessionFrom(r.Context()) != nil)
			})
		}
		return client.Middleware(mux)
	})
	defer tb.Close()

	for _, path := range []string{
		"/auth/login?returnTo=/dashboard?tab=billing",                      // a path of the application
		"/auth/login?returnTo=" + url.QueryEscape(tb.App.URL+"/dashboard"), // a URL of its own origin
		"/auth/login?returnTo=https://evil.example/phish",                  // elsewhere: SignInReturnToPath
		"/auth/logout?returnTo=/goodbye",                                   // registered at the provider
	} {
		_, at, body := tb.Get(path)
		fmt.Printf("%s: %s\n", at, body)
	}

	// The provider refuses a logout returnTo that is not registered for the application.
	status, _, body := tb.Get("/auth/logout?returnTo=https://example.com/some-page")
	fmt.Println(status, body)
	// Output:
	// /dashboard?tab=billing: page /dashboard, signed in: true
	// /dashboard: page /dashboard, signed in: true
	// /: page /, signed in: true
	// /goodbye: page /goodbye, signed in: false
	// 400 {"error":"invalid_request","error_description":"the logout redirect URI is not registered for the client"}
}
