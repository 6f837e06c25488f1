package mw

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// The application and provider of the route tests.
const (
	testAppURL        = "https://app.test"
	testClientID      = "client-1"
	testRedirectURI   = testAppURL + "/auth/callback"
	testAuthorizeURL  = "https://idp.test/authorize"
	testSessionCookie = session.DefaultCookieName
)

// fakeProvider is an OpenID Provider in memory: it implements LoginProvider, CallbackProvider,
// LogoutProvider, RefreshProvider and ConnectionTokenProvider, answers as its fields say, and
// records every call.
type fakeProvider struct {
	now func() time.Time

	mu sync.Mutex
	// What it answers.
	authorizeErr error
	issuerErr    error
	tokens       *provider.Tokens // the code exchange's answer; default: exchangeTokens
	exchangeErr  error
	logoutTarget string // LogoutURL's answer; "" is a local logout
	logoutErr    error
	revokeErr    error
	refresh      func(provider.RefreshRequest) (*provider.RefreshResult, error)                 // default: refreshedTokens
	connection   func(provider.ConnectionTokenRequest) (*provider.ConnectionTokenResult, error) // default: connectionTokens
	// What it was asked.
	authorized   []url.Values
	issuerChecks []url.Values
	exchanges    []exchangeCall
	logouts      []provider.LogoutRequest
	revoked      []string
	refreshes    []provider.RefreshRequest
	connections  []provider.ConnectionTokenRequest
}

// exchangeCall is one Exchange call.
type exchangeCall struct {
	code, verifier string
	check          provider.IDTokenCheck
}

var (
	_ LoginProvider           = (*fakeProvider)(nil)
	_ CallbackProvider        = (*fakeProvider)(nil)
	_ LogoutProvider          = (*fakeProvider)(nil)
	_ RefreshProvider         = (*fakeProvider)(nil)
	_ ConnectionTokenProvider = (*fakeProvider)(nil)
)

func (p *fakeProvider) AuthorizationURL(_ context.Context, params url.Values) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.authorized = append(p.authorized, cloneValues(params))
	if p.authorizeErr != nil {
		return "", p.authorizeErr
	}
	return testAuthorizeURL + "?" + params.Encode(), nil
}

func (p *fakeProvider) CheckIssuer(_ context.Context, response url.Values) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.issuerChecks = append(p.issuerChecks, cloneValues(response))
	return p.issuerErr
}

func (p *fakeProvider) Exchange(_ context.Context, code, codeVerifier string, check provider.IDTokenCheck, _ ...provider.ExchangeOption) (*provider.Tokens, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchanges = append(p.exchanges, exchangeCall{code: code, verifier: codeVerifier, check: check})
	if p.exchangeErr != nil {
		return nil, p.exchangeErr
	}
	if p.tokens != nil {
		return p.tokens, nil
	}
	return exchangeTokens(p.now()), nil
}

func (p *fakeProvider) LogoutURL(_ context.Context, req provider.LogoutRequest) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.logouts = append(p.logouts, req)
	return p.logoutTarget, p.logoutErr
}

func (p *fakeProvider) Revoke(_ context.Context, refreshToken string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.revoked = append(p.revoked, refreshToken)
	return p.revokeErr
}

func (p *fakeProvider) Refresh(_ context.Context, q provider.RefreshRequest) (*provider.RefreshResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refreshes = append(p.refreshes, q)
	if p.refresh != nil {
		return p.refresh(q)
	}
	return &provider.RefreshResult{Tokens: refreshedTokens(p.now())}, nil
}

func (p *fakeProvider) ExchangeForConnection(_ context.Context, q provider.ConnectionTokenRequest) (*provider.ConnectionTokenResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.connections = append(p.connections, q)
	if p.connection != nil {
		return p.connection(q)
	}
	return &provider.ConnectionTokenResult{Tokens: connectionTokens(p.now(), q, len(p.connections))}, nil
}

// connectionExchanges returns the exchanges for connections asked for so far.
func (p *fakeProvider) connectionExchanges() []provider.ConnectionTokenRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.connections)
}

// calls returns how many times each method was called.
func (p *fakeProvider) calls() (authorize, exchange, logout, revoke, refresh int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.authorized), len(p.exchanges), len(p.logouts), len(p.revoked), len(p.refreshes)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// exchangeTokens is the fake's default answer to a code exchange: every token, and claims
// beyond the DefaultUserClaims.
func exchangeTokens(now time.Time) *provider.Tokens {
	return &provider.Tokens{
		AccessToken: "at-1", RefreshToken: "rt-1", IDToken: "idt-1", TokenType: "Bearer",
		Scope: "openid profile email offline_access", ExpiresAt: now.Add(time.Hour).Truncate(time.Second),
		Claims: map[string]any{
			"iss": "https://idp.test/", "aud": testClientID, "sub": "user-1", "sid": "sid-1",
			"name": "Ada Lovelace", "email": "ada@example.test", "email_verified": true,
			"groups": []any{"admins"}, "nonce": "n",
		},
	}
}

// refreshedTokens is the fake's default answer to a refresh: a new access token and a rotated
// refresh token, without an ID token.
func refreshedTokens(now time.Time) *provider.Tokens {
	return &provider.Tokens{
		AccessToken: "at-2", RefreshToken: "rt-2", TokenType: "Bearer",
		Scope: "openid profile email offline_access", ExpiresAt: now.Add(time.Hour).Truncate(time.Second),
	}
}

// connectionTokens is the fake's default answer to the n-th exchange for a connection: an
// access token naming the connection, the hint and n, valid for an hour.
func connectionTokens(now time.Time, q provider.ConnectionTokenRequest, n int) *provider.Tokens {
	return &provider.Tokens{
		AccessToken: fmt.Sprintf("ct-%s-%s-%d", q.Connection, q.LoginHint, n), TokenType: "Bearer",
		Scope: "calendar", ExpiresAt: now.Add(time.Hour).Truncate(time.Second),
	}
}

// signedInSession is the session of a login at now: tokens for the default audience, valid for
// an hour, and a refresh token.
func signedInSession(now time.Time) *session.Session {
	return &session.Session{
		User: session.NewUser(map[string]any{"sub": "user-1", "name": "Ada Lovelace"}),
		TokenSet: token.Set{
			AccessToken: "at-1", IDToken: "idt-1", RefreshToken: "rt-1", TokenType: "Bearer",
			ExpiresAt: now.Add(time.Hour).Truncate(time.Second), Scope: "openid profile email offline_access",
			RequestedScope: DefaultScope,
		},
		Internal: session.Internal{SID: "sid-1", Subject: "user-1", CreatedAt: now.Truncate(time.Second)},
	}
}

// routes is one application's route handlers over a fake provider, a stateless session
// manager, a transaction store and a clock the test moves.
type routes struct {
	t        *testing.T
	clk      *fixedClock
	idp      *fakeProvider
	sessions *session.Stateless
	txns     *TransactionStore
	base     *url.URL
}

func newRoutes(t *testing.T) *routes {
	t.Helper()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	base, err := url.Parse(testAppURL)
	if err != nil {
		t.Fatal(err)
	}
	return &routes{
		t: t, clk: clk, idp: &fakeProvider{now: clk.Now},
		sessions: newManager(t, clk), txns: newTransactions(t, clk), base: base,
	}
}

func (rt *routes) login(configure ...func(*LoginOptions)) *Login {
	opts := LoginOptions{
		Provider: rt.idp, Transactions: rt.txns, ClientID: testClientID,
		RedirectURI: testRedirectURI, AppBaseURL: rt.base,
	}
	for _, c := range configure {
		c(&opts)
	}
	return NewLogin(opts)
}

func (rt *routes) callback(configure ...func(*CallbackOptions)) *Callback {
	opts := CallbackOptions{Provider: rt.idp, Transactions: rt.txns, Sessions: rt.sessions, Now: rt.clk.Now}
	for _, c := range configure {
		c(&opts)
	}
	return NewCallback(opts)
}

func (rt *routes) logout(configure ...func(*LogoutOptions)) *Logout {
	opts := LogoutOptions{Provider: rt.idp, Sessions: rt.sessions, Transactions: rt.txns, AppBaseURL: rt.base}
	for _, c := range configure {
		c(&opts)
	}
	return NewLogout(opts)
}

func (rt *routes) accessTokens(configure ...func(*AccessTokensOptions)) *AccessTokens {
	opts := AccessTokensOptions{Provider: rt.idp, Sessions: rt.sessions, Now: rt.clk.Now}
	for _, c := range configure {
		c(&opts)
	}
	return NewAccessTokens(opts)
}

// startLogin runs GET /auth/login?query in b and returns the authorization request the browser
// was sent to.
func (rt *routes) startLogin(b *browser, login http.Handler, query string) url.Values {
	rt.t.Helper()
	res := b.get(login, "/auth/login?"+query)
	if res.Code != http.StatusFound {
		rt.t.Fatalf("login: %d %s", res.Code, res.Body)
	}
	loc, err := url.Parse(res.Header().Get("Location"))
	if err != nil {
		rt.t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != testAuthorizeURL {
		rt.t.Fatalf("login redirected to %s, want the provider's authorization endpoint", got)
	}
	return loc.Query()
}

// signIn gives b the cookies of s, as a login would.
func (rt *routes) signIn(b *browser, s *session.Session) {
	rt.t.Helper()
	h := http.Header{}
	if err := rt.sessions.Save(context.Background(), h, nil, s, session.SaveOptions{NewSession: true}); err != nil {
		rt.t.Fatal(err)
	}
	b.apply(h)
}

// sessionOf returns the session b's cookies hold, or nil.
func (rt *routes) sessionOf(b *browser) *session.Session {
	rt.t.Helper()
	l, err := rt.sessions.Load(context.Background(), b.request(http.MethodGet, "/", nil))
	if err != nil {
		rt.t.Fatal(err)
	}
	return l.Session
}

// browser keeps cookies across requests to the application, as a browser does (every cookie
// here has Path=/ on one host).
type browser struct {
	cookies map[string]string
}

func newBrowser() *browser { return &browser{cookies: map[string]string{}} }

// request returns a request for target (a path on the application) with b's cookies.
func (b *browser) request(method, target string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, testAppURL+target, body)
	names := make([]string, 0, len(b.cookies))
	for name := range b.cookies {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		r.AddCookie(&http.Cookie{Name: name, Value: b.cookies[name]})
	}
	return r
}

// do serves r with h and keeps the cookies the response sets or deletes.
// inRequest runs fn for a request of b to /api, outside RollingSession, keeps the cookies fn
// writes, and returns what fn returned.
func inRequest[T any](b *browser, fn func(http.ResponseWriter, *http.Request) (T, error)) (T, error) {
	var v T
	var err error
	b.do(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err = fn(w, r)
	}), b.request(http.MethodGet, "/api", nil))
	return v, err
}

func (b *browser) do(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	b.apply(rec.Header())
	return rec
}

// get serves GET target with b's cookies.
func (b *browser) get(h http.Handler, target string) *httptest.ResponseRecorder {
	return b.do(h, b.request(http.MethodGet, target, nil))
}

// apply keeps the cookies h sets and forgets those it deletes.
func (b *browser) apply(h http.Header) {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
}

// has reports whether b holds a cookie whose name starts with prefix.
func (b *browser) has(prefix string) bool {
	for name := range b.cookies {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// setCookies returns the Set-Cookie lines of h whose cookie name starts with prefix.
func setCookies(h http.Header, prefix string) []string {
	var out []string
	for _, line := range h.Values("Set-Cookie") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return out
}

// s256 is the PKCE S256 challenge of verifier (RFC 7636 §4.2).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// recordCallback returns an OnCallback hook that keeps the result in *got and then answers
// as DefaultOnCallback does.
func recordCallback(got *CallbackResult) OnCallbackFunc {
	return func(w http.ResponseWriter, r *http.Request, res CallbackResult) {
		*got = res
		DefaultOnCallback(w, r, res)
	}
}
