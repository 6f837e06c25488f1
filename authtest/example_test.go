package authtest_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

func ExampleSessionCookies() {
	s := &session.Session{User: session.NewUser(map[string]any{"sub": "user_123", "name": "Jane"})}
	cookies, err := authtest.SessionCookies(s, authtest.Options{Secret: "the-application-secret-of-32-bytes-or-more"})
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/profile", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	// r is now signed in as user_123 for an application using the same secret.
	fmt.Println(cookies[0].Name)
	// Output: __session
}

// fatal reports a Browser's failures in an Example, as a test's t does.
type fatal struct{}

func (fatal) Helper()                           {}
func (fatal) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }

// A Browser logs in through the provider's login form, at an application whose routes are
// under /account/. In a test, pass t to NewBrowser.
func ExampleBrowser() {
	app := httptest.NewUnstartedServer(nil)
	appURL := "http://" + app.Listener.Addr().String()
	idp, err := oidctest.New(oidctest.WithLoginForm(), oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "s3cret", RedirectURIs: []string{appURL + "/account/callback"},
	}))
	if err != nil {
		log.Fatal(err)
	}
	if err := idp.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer idp.Close()
	client, err := authchain.New(authchain.Config{
		Domain: idp.Issuer(), ClientID: "app", ClientSecret: "s3cret", AppBaseURL: appURL,
		Secret: "the-application-secret-of-32-bytes-or-more", AllowInsecureRequests: true,
		Routes: authchain.Routes{Login: "/account/login", Callback: "/account/callback"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /profile", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := authchain.UserFrom(r.Context())
		fmt.Fprintf(w, "Hello, %s", u.Name())
	})))
	app.Config.Handler = client.Middleware(mux)
	app.Start()
	defer app.Close()

	b := authtest.NewBrowser(fatal{})
	b.LoginName = "Ada" // typed into the provider's login form
	page := b.Get(appURL + "/profile")
	fmt.Println(page.Status, page.URL.Path, page.Body)
	// Output: 200 /profile Hello, Ada
}
