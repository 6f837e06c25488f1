package docs_test

import (
	"context"
	"errors"
	"fmt"
	"html/template"
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

// errorPage is the application's own error page for the login, callback and logout routes.
var errorPage = template.Must(template.New("error").Parse(
	`<h1>Sorry</h1><p>{{.Code}}</p><a href="{{.LoginURL}}">Log in again</a> <a href="{{.HomeURL}}">Home</a>`))

// ErrorPage replaces the error page of the login, callback and logout routes.
func Example_errorPage() {
	cfg := authchain.Config{
		ErrorPage: func(w http.ResponseWriter, r *http.Request, e authchain.ErrorPageData) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(e.Status)
			_ = errorPage.Execute(w, e) // html/template escapes every value
		},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()

	tb.IdP.FailNext(oidctest.EndpointAuthorize, 1, oidctest.OAuthError("access_denied", "the user cancelled", 0))
	status, _, body := tb.Get("/auth/login?returnTo=/dashboard")
	fmt.Println(status, body)
	status, _, body = tb.Get("/auth/callback?state=stale&code=x")
	fmt.Println(status, body)
	// Output:
	// 400 <h1>Sorry</h1><p>authorization_error</p><a href="/auth/login?returnTo=%2Fdashboard">Log in again</a> <a href="/">Home</a>
	// 400 <h1>Sorry</h1><p>invalid_state</p><a href="/auth/login">Log in again</a> <a href="/">Home</a>
}
