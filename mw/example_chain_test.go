package mw_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"

	"github.com/justinas/alice"

	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// A whole application built from the pieces, without authchain.Client: the provider, the
// stateless sessions, the routes, the rolling session and RequireAuth under alice. A browser
// asks for a protected page, logs in at the provider (here oidctest) and comes back.
func Example() {
	app := httptest.NewServer(nil)
	defer app.Close()
	idp, _ := oidctest.New(oidctest.WithClient(oidctest.Client{
		ID: "my-app", Secret: "my-secret", RedirectURIs: []string{app.URL + "/auth/callback"},
		PostLogoutRedirectURIs: []string{app.URL + "/"},
	}))
	if err := idp.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer idp.Close()
	idp.QueueLogin(oidctest.User{Subject: "user_42", Claims: map[string]any{"name": "Ada"}})

	const secret = "a-secret-of-at-least-32-bytes-0123456789"
	base, _ := url.Parse(app.URL)
	callback := app.URL + "/auth/callback"
	p, err := provider.New(provider.Config{
		Issuer: idp.Issuer(), ClientID: "my-app", ClientSecret: "my-secret", RedirectURI: callback,
		AllowInsecureRequests: true, // the provider runs on plain http on loopback
	})
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := session.NewStateless(session.StatelessConfig{Secret: secret})
	if err != nil {
		log.Fatal(err)
	}
	codec, err := session.NewCodec(session.PurposeTransaction, secret)
	if err != nil {
		log.Fatal(err)
	}
	txns := mw.NewTransactionStore(mw.TransactionStoreOptions{Codec: codec})

	pages := http.NewServeMux()
	pages.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "signed in: ", mw.SessionFrom(r.Context()) != nil)
	})
	signedIn := func(r *http.Request) bool { return mw.SessionFrom(r.Context()) != nil }
	pages.Handle("GET /dashboard", mw.RequireAuth(mw.RequireAuthOptions{SignedIn: signedIn})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := mw.SessionFrom(r.Context()).User
			fmt.Fprintf(w, "Welcome, %s!", u.Name())
		})))

	mux := http.NewServeMux()
	mux.Handle("GET /auth/login", mw.NewLogin(mw.LoginOptions{
		Provider: p, Transactions: txns, ClientID: "my-app", RedirectURI: callback, AppBaseURL: base,
	}))
	mux.Handle("GET /auth/callback", mw.NewCallback(mw.CallbackOptions{Provider: p, Transactions: txns, Sessions: sessions}))
	mux.Handle("/auth/logout", mw.NewLogout(mw.LogoutOptions{Provider: p, Sessions: sessions, Transactions: txns, AppBaseURL: base}))
	mux.Handle("/", alice.New(mw.RollingSession(mw.RollingSessionOptions{Manager: sessions})).Then(pages))
	app.Config.Handler = mux

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	get := func(path string) string {
		req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
		req.Header.Set("Accept", "text/html")
		resp, err := browser.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	fmt.Println(get("/dashboard")) // to the provider and back
	fmt.Println(get("/"))
	get("/auth/logout") // at the provider, and back to /
	fmt.Println(get("/"))
	// Output:
	// Welcome, Ada!
	// signed in: true
	// signed in: false
}
