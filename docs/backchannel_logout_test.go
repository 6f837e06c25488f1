package docs_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// homePage answers "signed in as <sub>" or "signed out"; every other request goes to the
// client's routes, the back-channel logout route among them.
func homePage(client *authchain.Client) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if u, ok := authchain.UserFrom(r.Context()); ok {
			fmt.Fprint(w, "signed in as ", u.Subject())
			return
		}
		fmt.Fprint(w, "signed out")
	})
	return client.Middleware(mux)
}

// registerBackChannelLogout registers the application at the provider again, now with the URL
// of its back-channel logout route: AppBaseURL + Routes.BackChannelLogout.
func registerBackChannelLogout(tb *testbed) {
	err := tb.IdP.AddClient(oidctest.Client{
		ID: clientID, Secret: clientSecret,
		RedirectURIs:         []string{tb.App.URL + "/auth/callback"},
		BackChannelLogoutURI: tb.App.URL + "/auth/backchannel-logout",
	})
	if err != nil {
		log.Fatal(err)
	}
}

// Sessions in cookies: the route records the logout, and the session that began before it
// reads as signed out on its next request; its cookies are deleted.
func Example_backChannelLogoutCookieSessions() {
	tb := start(authchain.Config{}, homePage)
	defer tb.Close()
	registerBackChannelLogout(tb)
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42"})
	_, _, body := tb.Get("/auth/login")
	fmt.Println(body)

	// The session ends at the provider, which posts a logout token to the application.
	sid := tb.IdP.SessionIDs("user_42")[0]
	err := tb.IdP.BackChannelLogout(context.Background(), clientID, sid, "")
	fmt.Println("logout token sent:", err)

	_, _, body = tb.Get("/")
	fmt.Println(body)
	// Output:
	// signed in as user_42
	// logout token sent: <nil>
	// signed out
}

// A logout token that names only the user (sub, no sid) ends every session of the user that
// began before it; a login after it is not touched.
func Example_backChannelLogoutOfAUser() {
	tb := start(authchain.Config{}, homePage)
	defer tb.Close()
	registerBackChannelLogout(tb)
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42"})
	tb.Get("/auth/login")

	err := tb.IdP.BackChannelLogout(context.Background(), clientID, "", "user_42")
	_, _, body := tb.Get("/")
	fmt.Println(body, err)

	tb.IdP.Advance(time.Minute)
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42"})
	_, _, body = tb.Get("/auth/login")
	fmt.Println(body)
	// Output:
	// signed out <nil>
	// signed in as user_42
}

// Sessions in a store: the route deletes them through the store's DeleteByLogoutToken. Here
// the provider's own logout endpoint ends the session, as a logout from another application
// would, and notifies every application of it.
func Example_backChannelLogoutStoredSessions() {
	store := session.NewMemoryStore(nil)
	tb := start(authchain.Config{SessionStore: store}, homePage)
	defer tb.Close()
	registerBackChannelLogout(tb)
	tb.IdP.QueueLogin(oidctest.User{Subject: "user_42"})
	tb.Get("/auth/login")
	fmt.Println("stored sessions:", store.Len())

	tb.IdP.EndSession(context.Background(), tb.IdP.SessionIDs("user_42")[0])
	fmt.Println("stored sessions:", store.Len())
	_, _, body := tb.Get("/")
	fmt.Println(body)
	// Output:
	// stored sessions: 1
	// stored sessions: 0
	// signed out
}

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

// recordsDown are logout records kept in a store that cannot be reached.
type recordsDown struct{}

func (recordsDown) RecordLogout(context.Context, session.LogoutRecord, time.Time) error {
	return fmt.Errorf("%w: redis: connection refused", session.ErrUnavailable)
}

func (recordsDown) LoggedOut(context.Context, string, string, time.Time) (bool, error) {
	return false, fmt.Errorf("%w: redis: connection refused", session.ErrUnavailable)
}

// While the logout records cannot be read, signed-in requests get 503 (fail-closed, the
// default) or go on signed in (fail-open).
func Example_logoutRecordsFailClosedOrOpen() {
	for _, failOpen := range []bool{false, true} {
		cfg := authchain.Config{
			LogoutRecords:         recordsDown{},
			LogoutRecordsFailOpen: failOpen,
		}
		tb := start(cfg, homePage)
		tb.IdP.QueueLogin(oidctest.User{Subject: "user_42"})
		status, _, body := tb.Get("/auth/login") // logs in, then lands on the home page
		fmt.Println("fail-open:", failOpen, status, body)
		tb.Close()
	}
	// Output:
	// fail-open: false 503 The session store is unavailable; try again.
	// fail-open: true 200 signed in as user_42
}

// Without Client: the back-channel logout route and the Stateless manager share the logout
// records.
func Example_backChannelLogoutWithoutClient() {
	app := httptest.NewUnstartedServer(nil)
	appURL := "http://" + app.Listener.Addr().String()
	idp, err := oidctest.New(oidctest.WithClient(oidctest.Client{
		ID: clientID, Secret: clientSecret, RedirectURIs: []string{appURL + "/auth/callback"},
		BackChannelLogoutURI: appURL + "/auth/backchannel-logout",
	}))
	if err != nil {
		log.Fatal(err)
	}
	if err := idp.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer idp.Close()
	p, err := provider.New(provider.Config{
		Issuer: idp.Issuer(), ClientID: clientID, ClientSecret: clientSecret,
		RedirectURI: appURL + "/auth/callback", AllowInsecureRequests: true,
	})
	if err != nil {
		log.Fatal(err)
	}

	records := session.NewMemoryLogoutRecords(nil)
	sessions, err := session.NewStateless(session.StatelessConfig{Secret: appSecret, LogoutRecords: records})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/backchannel-logout", mw.BackChannelLogout(mw.BackChannelLogoutOptions{
		Provider: p, Replay: session.NewMemoryReplayCache(nil), Records: records, RecordTTL: session.DefaultAbsoluteDuration,
	}))
	mux.Handle("/", mw.RollingSession(mw.RollingSessionOptions{Manager: sessions})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := mw.SessionFrom(r.Context()); s != nil {
			fmt.Fprint(w, "signed in as ", s.Subject())
			return
		}
		fmt.Fprint(w, "signed out")
	})))
	app.Config.Handler = mux
	app.Start()
	defer app.Close()

	// page requests the home page as a browser signed in as user_42 for a minute.
	page := func() string {
		s := &session.Session{User: session.NewUser(map[string]any{"sub": "user_42"})}
		s.Internal.CreatedAt = time.Now().Add(-time.Minute)
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if err := authtest.WithSession(r, s, authtest.Options{Secret: appSecret}); err != nil {
			log.Fatal(err)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w.Body.String()
	}
	fmt.Println(page())
	err = idp.BackChannelLogout(context.Background(), clientID, "", "user_42")
	fmt.Println("logout token sent:", err)
	fmt.Println(page())
	// Output:
	// signed in as user_42
	// logout token sent: <nil>
	// signed out
}
