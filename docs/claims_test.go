package docs_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

// ada logs in with more claims than a session keeps by default.
var ada = oidctest.User{Subject: "user_42", Claims: map[string]any{
	"name": "Ada", "email": "ada@example.com", "email_verified": true, "org_id": "org_1",
	"https://example.com/roles": []string{"admin"}, "favourite_colour": "green",
}}

// Without a BeforeSessionSaved hook, the session keeps the claims of mw.DefaultUserClaims().
func Example_defaultUserClaims() {
	fmt.Println(mw.DefaultUserClaims())

	tb := start(authchain.Config{}, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()
	tb.IdP.QueueLogin(ada)
	tb.Get("/auth/login")
	_, _, profile := tb.Fetch(http.MethodGet, "/auth/profile")
	fmt.Println(profile)
	// Output:
	// [sub name nickname given_name family_name picture email email_verified org_id]
	// {"email":"ada@example.com","email_verified":true,"name":"Ada","org_id":"org_1","sub":"user_42"}
}

// A BeforeSessionSaved hook decides which claims the session keeps: here the default ones and
// the user's roles.
func Example_customUserClaims() {
	cfg := authchain.Config{
		BeforeSessionSaved: func(_ context.Context, in authchain.BeforeSessionSavedInput) (*session.Session, error) {
			claims := in.Session.User.Claims()
			kept := mw.FilterClaims(claims, mw.DefaultUserClaims())
			kept["roles"] = claims["https://example.com/roles"]
			in.Session.User = session.NewUser(kept)
			return in.Session, nil
		},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()
	tb.IdP.QueueLogin(ada)
	tb.Get("/auth/login")
	_, _, profile := tb.Fetch(http.MethodGet, "/auth/profile")
	fmt.Println(profile)
	// Output:
	// {"email":"ada@example.com","email_verified":true,"name":"Ada","org_id":"org_1","roles":["admin"],"sub":"user_42"}
}
