package redisstore_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/session/redisstore"
)

const (
	deployClientID     = "app"
	deployClientSecret = "a-client-secret-long-enough-for-HS256-0123456789"
	// logoutRecordsRefresh is the instances' Options.LogoutRecordsRefresh: short, so that a
	// logout reaches the other instance, and an outage shows, within a test's patience.
	logoutRecordsRefresh = 200 * time.Millisecond
	// instanceHeader names, in a request, the instance the load balancer must send it to, and in
	// a response, the instance that served it.
	instanceHeader = "X-Instance"
)

// idpKey signs the tokens of every provider of this test binary: generating an RSA key is most
// of what starting one costs.
var idpKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// sessionMode is how a deployment's instances keep sessions, with every shared piece in the
// instance's own Store.
type sessionMode struct {
	name      string
	configure func(cfg *authchain.Config, store *redisstore.Store)
}

var (
	// stateful sessions live in Redis; the cookie holds an id.
	stateful = sessionMode{"stateful", func(cfg *authchain.Config, store *redisstore.Store) {
		cfg.SessionStore, cfg.LogoutReplayCache, cfg.RefreshCoordinator = store, store, store
	}}
	// stateless sessions live in cookies; Redis holds the logout records.
	stateless = sessionMode{"stateless", func(cfg *authchain.Config, store *redisstore.Store) {
		cfg.LogoutRecords, cfg.LogoutReplayCache, cfg.RefreshCoordinator = store, store, store
	}}
	// statelessFailOpen is stateless with LogoutRecordsFailOpen.
	statelessFailOpen = sessionMode{"stateless fail-open", func(cfg *authchain.Config, store *redisstore.Store) {
		stateless.configure(cfg, store)
		cfg.LogoutRecordsFailOpen = true
	}}
)

// eachSessionMode runs test as a subtest per mode, stateful and stateless unless modes are given.
func eachSessionMode(t *testing.T, test func(t *testing.T, mode sessionMode), modes ...sessionMode) {
	if len(modes) == 0 {
		modes = []sessionMode{stateful, stateless}
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) { test(t, m) })
	}
}

// instance is one process of the application: a Client of its own with a Store of its own, on
// the Redis every instance shares.
type instance struct {
	name   string
	URL    string // its own server, for what the provider posts to one instance
	Client *authchain.Client
	Store  *redisstore.Store
}

// deployment is an application of two instances, A and B, behind a load balancer that sends
// requests to each in turn, with the provider they share.
type deployment struct {
	t         *testing.T
	URL       string // the load balancer: the application's origin
	IdP       *oidctest.Server
	A, B      *instance
	instances []*instance
}

// newDeployment starts the provider, two instances configured for mode whose Stores use Redis
// through clients from redisClient (one per instance, as two processes would have), and the
// load balancer in front of them.
func newDeployment(t *testing.T, mode sessionMode, redisClient func(t *testing.T) redis.UniversalClient) *deployment {
	t.Helper()
	front := httptest.NewUnstartedServer(nil)
	d := &deployment{t: t, URL: "http://" + front.Listener.Addr().String()}
	d.IdP = oidctest.NewServer(t,
		oidctest.WithSigningKey(idpKey()),
		oidctest.WithAccessTokenLifetime(10*time.Minute),
		oidctest.WithClient(oidctest.Client{
			ID: deployClientID, Secret: deployClientSecret,
			RedirectURIs:           []string{d.URL + "/auth/callback"},
			PostLogoutRedirectURIs: []string{d.URL + "/"},
			BackChannelLogoutURI:   d.URL + "/auth/backchannel-logout",
		}))
	for _, name := range []string{"A", "B"} {
		d.instances = append(d.instances, d.startInstance(name, mode, redisClient(t)))
	}
	d.A, d.B = d.instances[0], d.instances[1]
	front.Config.Handler = d.loadBalancer()
	front.Start()
	t.Cleanup(front.Close)
	return d
}

// startInstance starts an instance whose Store uses rdb with the key prefix every instance of
// the test shares.
func (d *deployment) startInstance(name string, mode sessionMode, rdb redis.UniversalClient) *instance {
	t := d.t
	// The Store keeps the real clock, as it would in production: the provider's clock, which
	// the tests move forward by minutes, would age the copy of the logout records at once.
	store := newStore(t, rdb, redisstore.Options{KeyPrefix: prefixFor(t), LogoutRecordsRefresh: logoutRecordsRefresh})
	cfg := authchain.Config{
		Domain: d.IdP.Issuer(), ClientID: deployClientID, ClientSecret: deployClientSecret,
		AppBaseURL: d.URL, Secret: testSecret, AllowInsecureRequests: true,
		HTTPClient: d.IdP.HTTPClient(), Now: d.IdP.Now,
	}
	mode.configure(&cfg, store)
	client, err := authchain.New(cfg)
	if err != nil {
		t.Fatalf("instance %s: New: %v", name, err)
	}
	app := client.Middleware(appPages(client))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(instanceHeader, name)
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &instance{name: name, URL: srv.URL, Client: client, Store: store}
}

// appPages are the application's pages: "/" shows the user ("user: <sub>" or "signed out"),
// "/token" the access token AccessToken returns, "/idtoken" the session's ID token.
func appPages(client *authchain.Client) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if u, ok := authchain.UserFrom(r.Context()); ok {
			io.WriteString(w, "user: "+u.Subject())
			return
		}
		io.WriteString(w, "signed out")
	})
	mux.HandleFunc("GET /token", func(w http.ResponseWriter, r *http.Request) {
		at, err := client.AccessToken(w, r)
		switch {
		case errors.Is(err, session.ErrUnavailable):
			w.Header().Set("Retry-After", "1")
			http.Error(w, "try again", http.StatusServiceUnavailable)
		case err != nil:
			http.Error(w, "error: "+err.Error(), http.StatusUnauthorized)
		default:
			io.WriteString(w, at.Token)
		}
	})
	mux.HandleFunc("GET /idtoken", func(w http.ResponseWriter, r *http.Request) {
		if s := authchain.SessionFrom(r.Context()); s != nil {
			io.WriteString(w, s.TokenSet.IDToken)
		}
	})
	return mux
}

// loadBalancer forwards each request to the instance its X-Instance header names, or else to
// A and B in turn, keeping the Host the browser asked for.
func (d *deployment) loadBalancer() http.Handler {
	var turn atomic.Uint64
	proxies := make(map[string]*httputil.ReverseProxy, len(d.instances))
	var order []*httputil.ReverseProxy
	for _, in := range d.instances {
		target, err := url.Parse(in.URL)
		if err != nil {
			d.t.Fatal(err)
		}
		transport := &http.Transport{}
		d.t.Cleanup(transport.CloseIdleConnections)
		p := &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(target)
				pr.Out.Host = pr.In.Host
			},
			Transport: transport,
		}
		proxies[in.name] = p
		order = append(order, p)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := proxies[r.Header.Get(instanceHeader)]
		if !ok {
			p = order[(turn.Add(1)-1)%uint64(len(order))]
		}
		p.ServeHTTP(w, r)
	})
}

// newBrowser returns an HTTP client with a cookie jar that follows redirects.
func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// response is what a request got back.
type response struct {
	status   int
	body     string
	servedBy string
	header   http.Header
}

// get fetches path through the load balancer with the browser: from the instance on, or from
// the next in turn when on is nil. Redirects keep going to on (the browser repeats the header).
func (d *deployment) get(browser *http.Client, on *instance, path string) response {
	d.t.Helper()
	req, err := http.NewRequest(http.MethodGet, d.URL+path, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	return d.do(browser, on, req)
}

// getWith fetches path with the cookies given and no jar: a request of a browser that holds
// them, which keeps them whatever the answer.
func (d *deployment) getWith(cookies []*http.Cookie, on *instance, path string) response {
	d.t.Helper()
	req, err := http.NewRequest(http.MethodGet, d.URL+path, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return d.do(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, on, req)
}

func (d *deployment) do(client *http.Client, on *instance, req *http.Request) response {
	d.t.Helper()
	if on != nil {
		req.Header.Set(instanceHeader, on.name)
	}
	resp, err := client.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(body), servedBy: resp.Header.Get(instanceHeader), header: resp.Header}
}

// login logs a new browser in as sub through the real flow, every request of it served by on,
// and returns the browser.
func (d *deployment) login(on *instance, sub string) *http.Client {
	d.t.Helper()
	return d.loginWith(newBrowser(), on, sub)
}

// loginWith logs the browser in as sub, every request of it served by on, and returns it. A
// browser signed in at the provider gets single sign-on: the same provider session.
func (d *deployment) loginWith(browser *http.Client, on *instance, sub string) *http.Client {
	d.t.Helper()
	d.IdP.QueueLogin(oidctest.User{Subject: sub})
	if r := d.get(browser, on, "/auth/login?returnTo=/"); r.status != http.StatusOK || r.body != "user: "+sub || r.servedBy != on.name {
		d.t.Fatalf("login on %s: %d %q from %s", on.name, r.status, r.body, r.servedBy)
	}
	return browser
}

// cookies returns the cookies the browser holds for the application.
func (d *deployment) cookies(browser *http.Client) []*http.Cookie {
	u, _ := url.Parse(d.URL)
	return browser.Jar.Cookies(u)
}

// sessionID returns the provider's session id of sub's only session.
func (d *deployment) sessionID(sub string) string {
	d.t.Helper()
	ids := d.IdP.SessionIDs(sub)
	if len(ids) != 1 {
		d.t.Fatalf("%s has %d sessions at the provider, want 1", sub, len(ids))
	}
	return ids[0]
}

// postLogoutToken posts raw as the logout_token to the instance's own back-channel logout
// route, as the provider does, and returns the status and body.
func (d *deployment) postLogoutToken(on *instance, raw string) (int, string) {
	d.t.Helper()
	resp, err := http.Post(on.URL+"/auth/backchannel-logout", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"logout_token": {raw}}.Encode()))
	if err != nil {
		d.t.Fatalf("POST to %s's back-channel logout: %v", on.name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// logoutToken mints a logout token for the provider session sid and the user sub.
func (d *deployment) logoutToken(sid, sub string, defects ...oidctest.LogoutDefect) string {
	d.t.Helper()
	raw, err := d.IdP.LogoutToken(oidctest.LogoutTokenOptions{ClientID: deployClientID, SessionID: sid, Subject: sub, Defects: defects})
	if err != nil {
		d.t.Fatal(err)
	}
	return raw
}

// refreshes returns how many refreshes the provider served.
func (d *deployment) refreshes() int { return d.IdP.Count(oidctest.EndpointToken, "refresh_token") }

// within calls cond until it returns true, failing the test when it has not after bound: a
// failure bound, never a measure of speed.
func within(t *testing.T, bound time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after %s", what, bound)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
