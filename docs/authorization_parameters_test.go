package docs_test

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/authchain/authchain"
)

// Static parameters go with every login; the login route's query string adds to them and
// overrides them, one parameter at a time.
func Example_authorizationParameters() {
	cfg := authchain.Config{
		AuthorizationParameters: url.Values{
			"scope":    {"openid profile email"},
			"audience": {"urn:custom:api"},
		},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()

	for _, login := range []string{
		"/auth/login",
		"/auth/login?audience=urn:my-api",
		"/auth/login?connection=github&scope=openid+profile",
	} {
		q := tb.Redirect(login).Query() // the provider's authorize URL
		fmt.Printf("%s\n  scope=%q audience=%q connection=%q\n", login, q.Get("scope"), q.Get("audience"), q.Get("connection"))
	}

	// A scope without openid cannot log anyone in: the login route refuses it.
	status, _, _ := tb.Fetch(http.MethodGet, "/auth/login?scope=profile")
	fmt.Println("scope=profile:", status)
	// Output:
	// /auth/login
	//   scope="openid profile email" audience="urn:custom:api" connection=""
	// /auth/login?audience=urn:my-api
	//   scope="openid profile email" audience="urn:my-api" connection=""
	// /auth/login?connection=github&scope=openid+profile
	//   scope="openid profile" audience="urn:custom:api" connection="github"
	// scope=profile: 400
}

// A handler can start a login itself, with parameters chosen in code rather than taken from a
// query string.
func Example_startLogin() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /signup", func(w http.ResponseWriter, r *http.Request) {
			client.StartLogin(w, r, authchain.StartLoginOptions{
				ReturnTo:                "/welcome",
				AuthorizationParameters: url.Values{"screen_hint": {"signup"}},
			})
		})
		return client.Middleware(mux)
	})
	defer tb.Close()

	authorize := tb.Redirect("/signup")
	fmt.Println(authorize.Path, authorize.Query().Get("screen_hint"), authorize.Query().Get("scope"))
	// Output: /authorize signup openid profile email offline_access
}
