package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// provider is a test OpenID Provider serving a discovery document.
type provider struct {
	srv      *httptest.Server
	requests atomic.Int32
	status   atomic.Int32  // 0 means 200
	gate     chan struct{} // when not nil, requests wait for it to close

	mu   sync.Mutex
	path string
	doc  map[string]any
}

func newProvider(t *testing.T, tls bool) *provider {
	t.Helper()
	p := &provider{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		if p.gate != nil {
			<-p.gate
		}
		p.mu.Lock()
		p.path = r.URL.Path
		doc := p.doc
		p.mu.Unlock()
		if s := p.status.Load(); s != 0 {
			w.WriteHeader(int(s))
			return
		}
		json.NewEncoder(w).Encode(doc)
	})
	if tls {
		p.srv = httptest.NewTLSServer(h)
	} else {
		p.srv = httptest.NewServer(h)
	}
	t.Cleanup(p.srv.Close)
	p.doc = document(p.srv.URL, p.srv.URL)
	return p
}

// document returns a valid discovery document for issuer with endpoints
// under base.
func document(issuer, base string) map[string]any {
	return map[string]any{
		"issuer":                                         issuer,
		"authorization_endpoint":                         base + "/authorize",
		"token_endpoint":                                 base + "/oauth/token",
		"jwks_uri":                                       base + "/.well-known/jwks.json",
		"userinfo_endpoint":                              base + "/userinfo",
		"end_session_endpoint":                           base + "/oidc/logout",
		"revocation_endpoint":                            base + "/oauth/revoke",
		"pushed_authorization_request_endpoint":          base + "/oauth/par",
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "private_key_jwt"},
		"id_token_signing_alg_values_supported":          []string{"RS256"},
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": true,
		"backchannel_logout_supported":                   true,
		"x_custom":                                       "kept",
	}
}

func (p *provider) set(key string, v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if v == nil {
		delete(p.doc, key)
		return
	}
	p.doc[key] = v
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newCache(t *testing.T, cfg Config) *Cache {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGetReturnsValidatedMetadata(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client(), AllowInsecure: true})

	m, err := c.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	base := p.srv.URL
	if m.Issuer != base || m.AuthorizationEndpoint != base+"/authorize" || m.TokenEndpoint != base+"/oauth/token" ||
		m.JWKSURI != base+"/.well-known/jwks.json" || m.UserinfoEndpoint != base+"/userinfo" ||
		m.EndSessionEndpoint != base+"/oidc/logout" || m.RevocationEndpoint != base+"/oauth/revoke" ||
		m.PushedAuthorizationRequestEndpoint != base+"/oauth/par" {
		t.Errorf("endpoints: %+v", m)
	}
	if len(m.TokenEndpointAuthMethodsSupported) != 2 || m.IDTokenSigningAlgValuesSupported[0] != "RS256" ||
		m.CodeChallengeMethodsSupported[0] != "S256" || !m.AuthorizationResponseIssParameterSupported || !m.BackchannelLogoutSupported {
		t.Errorf("capabilities: %+v", m)
	}
	var raw map[string]any
	if err := json.Unmarshal(m.Raw, &raw); err != nil || raw["x_custom"] != "kept" {
		t.Errorf("Raw does not hold the other members: %v, %v", raw, err)
	}
}

func TestDiscoveryURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ suffix, wantPath string }{
		{"", "/.well-known/openid-configuration"},
		{"/", "/.well-known/openid-configuration"},
		{"/tenant", "/tenant/.well-known/openid-configuration"},
		{"/tenant/", "/tenant/.well-known/openid-configuration"},
	} {
		p := newProvider(t, false)
		issuer := p.srv.URL + tt.suffix
		p.set("issuer", issuer)
		c := newCache(t, Config{Issuer: issuer, Client: p.srv.Client(), AllowInsecure: true})
		if _, err := c.Get(context.Background()); err != nil {
			t.Errorf("issuer %q: %v", issuer, err)
		}
		p.mu.Lock()
		if p.path != tt.wantPath {
			t.Errorf("issuer %q fetched %q; want %q", issuer, p.path, tt.wantPath)
		}
		p.mu.Unlock()
	}
}

func TestGetCachesForTTL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		ttl  time.Duration
		want time.Duration
	}{
		{"configured", time.Minute, time.Minute},
		{"default", 0, 10 * time.Minute},
	} {
		p := newProvider(t, false)
		clk := newClock()
		c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client(), AllowInsecure: true, TTL: tt.ttl, Now: clk.Now})

		first, err := c.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(tt.want - time.Second)
		second, err := c.Get(context.Background())
		if err != nil || second != first || p.requests.Load() != 1 {
			t.Errorf("%s: within the TTL: %d requests, same document %v, err %v", tt.name, p.requests.Load(), second == first, err)
		}
		clk.advance(2 * time.Second)
		if _, err := c.Get(context.Background()); err != nil || p.requests.Load() != 2 {
			t.Errorf("%s: after the TTL: %d requests, err %v; want a refetch", tt.name, p.requests.Load(), err)
		}
	}
}

func TestConcurrentGetsShareOneFetch(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	p.gate = make(chan struct{})
	c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client(), AllowInsecure: true})

	const n = 20
	var started, done sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			_, err := c.Get(context.Background())
			errs <- err
		}()
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let every goroutine reach Get
	close(p.gate)
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := p.requests.Load(); got != 1 {
		t.Errorf("%d concurrent Gets made %d requests; want 1", n, got)
	}
}

func TestCancelledCallerDoesNotCancelSharedFetch(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	p.gate = make(chan struct{})
	c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client(), AllowInsecure: true})

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, err := c.Get(ctx); first <- err }()
	for p.requests.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() { _, err := c.Get(context.Background()); second <- err }()

	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) || !errors.Is(err, ErrDiscovery) {
		t.Errorf("cancelled caller got %v; want ErrDiscovery wrapping context.Canceled", err)
	}
	close(p.gate)
	if err := <-second; err != nil {
		t.Errorf("the other caller got %v; the shared fetch must go on", err)
	}
}

func TestFailedFetchIsNotCached(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	p.status.Store(http.StatusInternalServerError)
	c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client(), AllowInsecure: true})

	if _, err := c.Get(context.Background()); !errors.Is(err, ErrDiscovery) {
		t.Fatalf("got %v; want ErrDiscovery", err)
	}
	p.status.Store(0)
	if _, err := c.Get(context.Background()); err != nil {
		t.Fatalf("the retry failed: %v", err)
	}
	if got := p.requests.Load(); got != 2 {
		t.Errorf("%d requests; want 2", got)
	}
}

func TestStaleDocumentServedWhileRefreshFails(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	clk := newClock()
	c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client(), AllowInsecure: true,
		TTL: time.Minute, MaxStale: 10 * time.Minute, Now: clk.Now})
	doc, err := c.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	p.status.Store(http.StatusServiceUnavailable)
	clk.advance(5 * time.Minute)
	got, err := c.Get(context.Background())
	if err != nil || got != doc {
		t.Errorf("within MaxStale: got %v; want the stale document", err)
	}
	if p.requests.Load() != 2 {
		t.Errorf("%d requests; a stale document must not stop the refresh attempt", p.requests.Load())
	}
	clk.advance(6 * time.Minute)
	if _, err := c.Get(context.Background()); !errors.Is(err, ErrDiscovery) {
		t.Errorf("past TTL+MaxStale: got %v; want ErrDiscovery", err)
	}
}

func TestNegativeMaxStaleNeverServesStale(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	clk := newClock()
	c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client(), AllowInsecure: true,
		TTL: time.Minute, MaxStale: -1, Now: clk.Now})
	if _, err := c.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.status.Store(http.StatusServiceUnavailable)
	clk.advance(61 * time.Second)
	if _, err := c.Get(context.Background()); !errors.Is(err, ErrDiscovery) {
		t.Errorf("got %v; want ErrDiscovery", err)
	}
}

func TestInvalidDocumentsAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		key   string
		value any // nil removes the member
	}{
		{"issuer mismatch", "issuer", "https://evil.example.com"},
		{"issuer differs by a trailing slash", "issuer", "<base>/"},
		{"issuer missing", "issuer", nil},
		{"no authorization_endpoint", "authorization_endpoint", nil},
		{"no token_endpoint", "token_endpoint", nil},
		{"no jwks_uri", "jwks_uri", nil},
		{"relative token_endpoint", "token_endpoint", "/oauth/token"},
		{"token_endpoint with a fragment", "token_endpoint", "<base>/token#x"},
		{"javascript endpoint", "end_session_endpoint", "javascript:alert(1)"},
		{"wrong type", "backchannel_logout_supported", "yes"},
	}
	for _, tt := range tests {
		p := newProvider(t, false)
		v := tt.value
		if s, ok := v.(string); ok {
			v = strings.ReplaceAll(s, "<base>", p.srv.URL)
		}
		p.set(tt.key, v)
		c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client(), AllowInsecure: true})
		if m, err := c.Get(context.Background()); !errors.Is(err, ErrDiscovery) {
			t.Errorf("%s: got %+v, %v; want ErrDiscovery", tt.name, m, err)
		}
	}
}

func TestGarbageIsRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>not json</html>"))
	}))
	t.Cleanup(srv.Close)
	c := newCache(t, Config{Issuer: srv.URL, Client: srv.Client(), AllowInsecure: true})
	if _, err := c.Get(context.Background()); !errors.Is(err, ErrDiscovery) {
		t.Errorf("got %v; want ErrDiscovery", err)
	}
}

func TestInsecureURLsRefused(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
		"end_session_endpoint", "revocation_endpoint", "pushed_authorization_request_endpoint"} {
		p := newProvider(t, true)
		p.set(key, "http://127.0.0.1:1/"+key)
		c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client()})
		if _, err := c.Get(context.Background()); !errors.Is(err, ErrDiscovery) {
			t.Errorf("http %s: got %v; want ErrDiscovery", key, err)
		}
	}

	p := newProvider(t, true)
	c := newCache(t, Config{Issuer: p.srv.URL, Client: p.srv.Client()})
	if _, err := c.Get(context.Background()); err != nil {
		t.Errorf("an all-https document was refused: %v", err)
	}
}

func TestNewValidatesIssuer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		issuer   string
		insecure bool
	}{
		{"", false},
		{"http://op.example.com", false},
		{"op.example.com", false},
		{"https://", false},
		{"https://op.example.com?tenant=1", false},
		{"https://op.example.com#x", false},
		{"ftp://op.example.com", true},
	} {
		if _, err := New(Config{Issuer: tt.issuer, AllowInsecure: tt.insecure}); err == nil {
			t.Errorf("issuer %q (insecure %v) accepted", tt.issuer, tt.insecure)
		}
	}
	for _, ok := range []Config{
		{Issuer: "https://tenant.auth0.com/"},
		{Issuer: "http://127.0.0.1:8080", AllowInsecure: true},
	} {
		if _, err := New(ok); err != nil {
			t.Errorf("issuer %q: %v", ok.Issuer, err)
		}
	}
}
