package authchain_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/token"
)

// Call Google's Calendar API with the user's Google access token, which Auth0's Token Vault
// keeps for the "google-oauth2" connection: the session's refresh token is exchanged for it,
// and the session keeps it until it expires.
func ExampleClient_AccessTokenForConnection() {
	var client *authchain.Client // from authchain.New
	http.Handle("/calendar", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct, err := client.AccessTokenForConnection(w, r, authchain.ConnectionTokenOptions{Connection: "google-oauth2"})
		var te *token.Error
		if errors.As(err, &te) && te.Code == token.CodeFailedToExchangeRefreshToken {
			// The vault has no token of the user's Google account: log in with Google again.
			client.StartLogin(w, r, authchain.StartLoginOptions{
				ReturnTo: "/calendar", AuthorizationParameters: url.Values{"connection": {"google-oauth2"}},
			})
			return
		}
		if err != nil {
			http.Error(w, "no access token for Google", http.StatusUnauthorized)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, "https://www.googleapis.com/calendar/v3/users/me/calendarList", nil)
		req.Header.Set("Authorization", "Bearer "+ct.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, "the calendar API is unavailable", http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, resp.Body)
	})))
}
