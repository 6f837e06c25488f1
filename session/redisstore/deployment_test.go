package redisstore_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
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
