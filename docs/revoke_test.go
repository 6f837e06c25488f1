package docs_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/token"
)

// Client.RevokeRefreshToken revokes the session's refresh token at the provider and removes it
// from the session; the user stays signed in, and the access token is no longer refreshed.
func Example_revokeRefreshToken() {
	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /settings/revoke-offline-access", func(w http.ResponseWriter, r *http.Request) {
			err := client.RevokeRefreshToken(w, r)
			var te *token.Error
			switch {
			case errors.As(err, &te):
				fmt.Fprint(w, te.Code) // missing_session, missing_refresh_token, failed_to_revoke, …
			case err != nil:
				http.Error(w, "the session store failed", http.StatusServiceUnavailable)
			default:
				fmt.Fprint(w, "revoked")
			}
		})
		mux.HandleFunc("GET /api/orders", func(w http.ResponseWriter, r *http.Request) {
			if _, err := client.AccessToken(w, r); err != nil {
				var te *token.Error
				if errors.As(err, &te) {
					fmt.Fprint(w, te.Code)
				}
				return
			}
			fmt.Fprint(w, "token")
		})
		return client.Middleware(mux)
	}, oidctest.WithAccessTokenLifetime(time.Hour))
	defer tb.Close()
	tb.Get("/auth/login")

	for range 2 {
		_, _, body := tb.Fetch(http.MethodPost, "/settings/revoke-offline-access")
		fmt.Println(body, "revocations:", tb.IdP.Count(oidctest.EndpointRevocation, ""))
	}
	tb.IdP.Advance(2 * time.Hour)
	_, _, body := tb.Fetch(http.MethodGet, "/api/orders")
	fmt.Println(body)
	// Output:
	// revoked revocations: 1
	// missing_refresh_token revocations: 1
	// missing_refresh_token
}
