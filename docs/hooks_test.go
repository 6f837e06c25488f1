package docs_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

// BeforeSessionSaved sees the new session, holding every claim of the ID token, and returns
// the session to save.
func Example_beforeSessionSaved() {
	cfg := authchain.Config{
		BeforeSessionSaved: func(_ context.Context, in authchain.BeforeSessionSavedInput) (*session.Session, error) {
			in.Session.User.Set("foo", "bar")
			return in.Session, nil
		},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			u, _ := authchain.UserFrom(r.Context())
			fmt.Fprintln(w, "foo:", u.StringClaim("foo"))
			fmt.Fprint(w, "claims: ", strings.Join(slices.Sorted(maps.Keys(u.Claims())), " "))
		})
		return client.Middleware(mux)
	})
	defer tb.Close()
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})

	_, _, body := tb.Get("/auth/login")
	fmt.Println(body)
	// Output:
	// foo: bar
	// claims: at_hash aud auth_time exp foo iat iss name nonce sid sub
}

// errUnverified refuses the login of a user whose email address is not verified.
var errUnverified = errors.New("the email address is not verified")

// OnCallback writes the callback's response: here a redirect to an error page of the
// application when the login failed.
func Example_onCallback() {
	cfg := authchain.Config{
		BeforeSessionSaved: func(_ context.Context, in authchain.BeforeSessionSavedInput) (*session.Session, error) {
			if verified, _ := in.Session.User.Get("email_verified").(bool); !verified {
				return nil, errUnverified
			}
			return in.Session, nil
		},
		OnCallback: func(w http.ResponseWriter, r *http.Request, res authchain.CallbackResult) {
			var ce *authchain.CallbackError
			switch {
			case errors.Is(res.Err, errUnverified):
				http.Redirect(w, r, "/verify-email", http.StatusFound)
			case errors.As(res.Err, &ce):
				http.Redirect(w, r, "/error?error="+url.QueryEscape(ce.Code), http.StatusFound)
			case res.Err != nil:
				http.Redirect(w, r, "/error", http.StatusFound)
			default: // signed in: the session's cookies are already in w's headers
				http.Redirect(w, r, res.ReturnTo, http.StatusFound)
			}
		},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "signed in: %t", authchain.SessionFrom(r.Context()) != nil)
		})
		return client.Middleware(mux)
	})
	defer tb.Close()

	tb.IdP.QueueLogin(oidctest.User{Subject: "user_1", Claims: map[string]any{"email_verified": true}})
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_2", Claims: map[string]any{"email_verified": false}})
	tb.IdP.FailNext(oidctest.EndpointAuthorize, 1, oidctest.OAuthError("access_denied", "the user cancelled", 0))
	for range 3 {
		tb.Get("/auth/logout")
		_, at, body := tb.Get("/auth/login?returnTo=/dashboard")
		fmt.Println(at, body)
	}
	// Output:
	// /error?error=authorization_error signed in: false
	// /dashboard signed in: true
	// /verify-email signed in: false
}
