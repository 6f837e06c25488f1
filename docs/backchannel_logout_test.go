package docs_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

// A store that implements session.LogoutDeleter can end the sessions a logout token names: by
// the provider's session id (sid), by the user (sub), or by both.
func Example_deleteByLogoutToken() {
	store := session.NewMemoryStore(nil)
	tb := start(authchain.Config{SessionStore: store}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			if s := authchain.SessionFrom(r.Context()); s != nil {
				fmt.Fprint(w, "signed in, sid ", s.Internal.SID) // the ID token's sid
				return
			}
			fmt.Fprint(w, "signed out")
		})
		return client.Middleware(mux)
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42"})

	_, _, body := tb.Get("/auth/login")
	sid := tb.IdP.SessionIDs("user_42")[0] // the provider's session
	fmt.Println(body == "signed in, sid "+sid)

	n, err := store.DeleteByLogoutToken(context.Background(), session.LogoutToken{Issuer: tb.IdP.Issuer(), SID: sid})
	fmt.Println("deleted:", n, err)
	_, _, body = tb.Get("/")
	fmt.Println(body)
	// Output:
	// true
	// deleted: 1 <nil>
	// signed out
}
