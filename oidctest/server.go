package oidctest

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is a fake OpenID Provider. Create it with [NewServer] in tests or
// with [New] and [Server.Start] in programs. All its methods are safe for
// concurrent use, and servers share no state with each other.
type Server struct {
	cfg   config
	clock *clock
	id    string // names the session cookie, so servers on one host do not share it
	done  chan struct{}

	mu           sync.Mutex
	srv          *listener
	issuer       string
	closed       bool
	clients      map[string]Client
	users        []User
	keys         []*signingKey
	codes        map[string]*authCode
	refresh      map[string]*refreshToken
	access       map[string]*accessRecord
	sessions     map[string]*session
	interactions map[string]*interaction
	pars         map[string]*parEntry
	assertions   map[string]time.Time
	faults       map[Endpoint][]*faultEntry
	idDefects    []Defect
	authDefects  []AuthorizeDefect
	requests     []Request
	reuses       int                  // rotated refresh tokens presented after their grace period
	mfaTokens    []string             // the mfa_token values of mfa_required answers
	dpopJTIs     map[string]time.Time // jti of accepted DPoP proofs → when to forget it
	dpopNonce    string               // the nonce demanded with WithDPoPNonce
	dpopProofs   int                  // DPoP proofs accepted
	connTokens   map[string]ConnectionToken
}

// ErrNotStarted is returned by methods that need the server's URL before
// [Server.Start] was called.
var ErrNotStarted = errors.New("oidctest: server not started")

// New returns a Server that is configured but not listening yet; call
// [Server.Start]. It fails when an option is invalid (an unknown signing
// algorithm, a malformed client).
func New(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Server{
		cfg:          cfg,
		clock:        newClock(cfg.clockStart),
		id:           rand.Text()[:10],
		done:         make(chan struct{}),
		clients:      map[string]Client{},
		codes:        map[string]*authCode{},
		refresh:      map[string]*refreshToken{},
		access:       map[string]*accessRecord{},
		sessions:     map[string]*session{},
		interactions: map[string]*interaction{},
		pars:         map[string]*parEntry{},
		assertions:   map[string]time.Time{},
		dpopJTIs:     map[string]time.Time{},
		dpopNonce:    rand.Text(),
		faults:       map[Endpoint][]*faultEntry{},
		connTokens:   map[string]ConnectionToken{},
	}
	for _, c := range cfg.clients {
		if err := s.AddClient(c); err != nil {
			return nil, err
		}
	}
	k, err := firstKey(&cfg)
	if err != nil {
		return nil, err
	}
	s.keys = []*signingKey{k}
	return s, nil
}

// firstKey returns the key of WithSigningKey, or a new one.
func firstKey(cfg *config) (*signingKey, error) {
	if cfg.signingKey == nil {
		return newSigningKey(cfg.alg)
	}
	a, err := parseAlg(cfg.alg)
	if err != nil {
		return nil, err
	}
	return signingKeyOf(cfg.signingKey, a)
}

// TB is the part of testing.TB that NewServer uses; *testing.T and *testing.B are TBs. A
// program that starts a provider with New does not link package testing.
type TB interface {
	// Helper marks the caller as a test helper.
	Helper()
	// Cleanup registers a function to run when the test ends.
	Cleanup(func())
	// Fatalf reports a failure and stops the test.
	Fatalf(format string, args ...any)
}

// NewServer starts a Server on a random port of 127.0.0.1 and closes it when
// the test ends. It fails the test when an option is invalid.
func NewServer(t TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Start listens on addr (host:port; port 0 picks a free one) and serves in the
// background. The issuer is the URL of the listener, for example
// http://127.0.0.1:4400, or https://… with [WithTLS].
func (s *Server) Start(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil || s.closed {
		return errors.New("oidctest: server already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("oidctest: listen: %w", err)
	}
	l, err := listen(ln, http.HandlerFunc(s.serveHTTP), s.cfg.tls)
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	s.srv, s.issuer = l, l.url
	return nil
}

// Close stops the server and waits for the requests in flight. Requests
// delayed by a latency fault are cut short. Close may be called more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	hs := s.srv
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	if already {
		return nil
	}
	close(s.done)
	if hs != nil {
		hs.close()
	}
	return nil
}

// Issuer returns the issuer identifier: the server's base URL without a
// trailing slash. The discovery document's issuer equals it exactly. It is
// empty before Start.
func (s *Server) Issuer() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issuer
}

// HTTPClient returns a client for talking to the server. With [WithTLS] it
// trusts the server's certificate. It is nil before Start.
func (s *Server) HTTPClient() *http.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return nil
	}
	return s.srv.client
}

// Certificate returns the server's self-signed TLS certificate, for clients
// outside Go that must be told to trust it. It is nil without [WithTLS] or
// before Start.
func (s *Server) Certificate() *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil || !s.cfg.tls {
		return nil
	}
	return s.srv.cert
}

// URL returns the absolute URL of an endpoint, for example
// srv.URL(oidctest.EndpointAuth0Logout).
func (s *Server) URL(e Endpoint) string {
	return s.Issuer() + e.path()
}

// serveHTTP records the request, applies a queued fault and dispatches it.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	e := endpointForPath(r.URL.Path)
	_ = r.ParseForm()
	s.record(e, r)
	if cors(w, r, e) {
		return
	}
	if f, ok := s.takeFault(e); ok && s.applyFault(w, r, e, f) {
		return
	}
	h := s.handler(e)
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func (s *Server) handler(e Endpoint) http.HandlerFunc {
	switch e {
	case EndpointDiscovery:
		return only(s.handleDiscovery, http.MethodGet)
	case EndpointJWKS:
		return only(s.handleJWKS, http.MethodGet)
	case EndpointAuthorize:
		return only(s.handleAuthorize, http.MethodGet, http.MethodPost)
	case EndpointLogin:
		return only(s.handleLogin, http.MethodPost)
	case EndpointToken:
		return only(s.handleToken, http.MethodPost)
	case EndpointUserinfo:
		return only(s.handleUserinfo, http.MethodGet, http.MethodPost)
	case EndpointEndSession:
		return only(s.handleEndSession, http.MethodGet, http.MethodPost)
	case EndpointAuth0Logout:
		return only(s.handleAuth0Logout, http.MethodGet)
	case EndpointPAR:
		return only(s.handlePAR, http.MethodPost)
	case EndpointRevocation:
		return only(s.handleRevocation, http.MethodPost)
	}
	return nil
}

// only answers 405 to methods other than the given ones.
func only(h http.HandlerFunc, methods ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for _, m := range methods {
			if r.Method == m {
				h(w, r)
				return
			}
		}
		w.Header().Set("Allow", strings.Join(methods, ", "))
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	}
}
