package docs_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// With UseDPoP the provider binds the access token to the application's key, and
// Client.HTTPClient calls an API with the token and a new proof for each request.
func Example_dpop() {
	var tb *testbed
	api := func() string { return tb.IdP.URL(oidctest.EndpointUserinfo) } // an API that wants DPoP
	cfg := authchain.Config{UseDPoP: true}
	tb = start(cfg, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
			resp, err := client.HTTPClient(w, r).Get(api())
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			var me struct{ Email string }
			_ = json.NewDecoder(resp.Body).Decode(&me)
			fmt.Fprintf(w, "%d %s", resp.StatusCode, me.Email)
		})
		mux.HandleFunc("GET /type", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, authchain.SessionFrom(r.Context()).TokenSet.TokenType)
		})
		return client.Middleware(mux)
	}, oidctest.WithDPoPNonce())
	defer tb.Close()

	tb.Get("/auth/login")
	_, _, typ := tb.Get("/type")
	_, _, me := tb.Get("/me")
	fmt.Println(typ, me)
	// Output: DPoP 200 test.user@example.com
}
