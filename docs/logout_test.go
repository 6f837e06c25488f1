package docs_test

import (
	"fmt"
	"net/http"

	"github.com/authchain/authchain"
)

// The logout route passes state to the provider's end_session_endpoint, which returns it to
// the page the user comes back to.
func Example_logoutState() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()
	tb.Get("/auth/login")

	loc := tb.Redirect("/auth/logout?returnTo=/goodbye&state=after-logout-42")
	q := loc.Query()
	fmt.Println("state:", q.Get("state"), "id_token_hint sent:", q.Has("id_token_hint"))

	page := tb.Browser.Get(loc.String()) // the provider logs out and sends the browser back
	fmt.Println(page.URL.RequestURI())
	// Output:
	// state: after-logout-42 id_token_hint sent: true
	// /goodbye?state=after-logout-42
}

// federated also logs the user out of the identity provider behind Auth0 (Google, an
// enterprise directory, …).
func Example_logoutFederated() {
	tb := start(authchain.Config{LogoutStrategy: authchain.LogoutV2}, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()
	tb.Get("/auth/login")

	loc := tb.Redirect("/auth/logout?federated")
	fmt.Println(loc.Path, "federated:", loc.Query().Has("federated"))
	// Output:
	// /v2/logout federated: true
}

// Config switches of the logout and of the requests to the provider.
func Example_logoutConfig() {
	cfg := authchain.Config{
		// Send client_id only, without the ID token, to the end_session_endpoint.
		DisableIDTokenHintInOIDCLogoutURL: true,
		// Send no Auth0-Client header to an Auth0 domain.
		DisableTelemetry: true,
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()
	tb.Get("/auth/login")

	loc := tb.Redirect("/auth/logout")
	fmt.Println("client_id:", loc.Query().Get("client_id"), "id_token_hint sent:", loc.Query().Has("id_token_hint"))
	// Output:
	// client_id: my-app id_token_hint sent: false
}
