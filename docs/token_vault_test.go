package docs_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/token"
)

// A handler gets an access token of the user's Google account from Auth0's Token Vault: the
// session's refresh token is exchanged for it once, and the session keeps it, per account,
// until it expires.
func Example_accessTokenForConnection() {
	seen := map[string]int{} // numbers the tokens, for the output
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /calendar", func(w http.ResponseWriter, r *http.Request) {
			ct, err := client.AccessTokenForConnection(w, r, authchain.ConnectionTokenOptions{
				Connection: "google-oauth2",
				LoginHint:  r.URL.Query().Get("account"), // empty: the account without a hint
			})
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
			// Call Google's API with the header "Authorization: Bearer " + ct.AccessToken.
			if seen[ct.AccessToken] == 0 {
				seen[ct.AccessToken] = len(seen) + 1
			}
			fmt.Fprintf(w, "token #%d of %s, account %q", seen[ct.AccessToken], ct.Connection, ct.LoginHint)
		})
		return client.Middleware(mux)
	}, oidctest.WithConnection(oidctest.Connection{
		Name: "google-oauth2", Scope: "https://www.googleapis.com/auth/calendar.readonly", TokenLifetime: time.Hour,
	}))
	defer tb.Close()

	get := func(path string) {
		_, _, body := tb.Get(path)
		exchanges := tb.IdP.Count(oidctest.EndpointToken, provider.GrantTypeFederatedConnectionAccessToken)
		fmt.Printf("%s, exchanges: %d\n", body, exchanges)
	}
	get("/calendar") // signed out
	tb.Get("/auth/login")
	get("/calendar")
	get("/calendar")
	get("/calendar?account=ada@work.example")
	tb.IdP.Advance(2 * time.Hour) // the provider's clock, which the application shares here
	get("/calendar")
	tb.IdP.FailNext(oidctest.EndpointToken, 1, oidctest.OAuthError("invalid_grant", "the refresh token was revoked", 0))
	get("/calendar?account=ada@work.example")
	// Output:
	// missing_session, exchanges: 0
	// token #1 of google-oauth2, account "", exchanges: 1
	// token #1 of google-oauth2, account "", exchanges: 1
	// token #2 of google-oauth2, account "ada@work.example", exchanges: 2
	// token #3 of google-oauth2, account "", exchanges: 3
	// failed_to_exchange_refresh_token (the provider said invalid_grant), exchanges: 4
}
