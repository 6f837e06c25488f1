package authchain_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

const bclPath = "/auth/backchannel-logout"

// newBCLApp starts a test app registered at its provider with its back-channel logout URI. Its
// page "/" shows the user, and "/idtoken" the session's ID token.
func newBCLApp(t *testing.T, o appOptions) *testApp {
	t.Helper()
	register := o.register
	o.register = func(c *oidctest.Client) {
		c.BackChannelLogoutURI = strings.TrimSuffix(c.RedirectURIs[0], "/auth/callback") + bclPath
		if register != nil {
			register(c)
		}
	}
	o.handler = func(*authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/", userPage())
		mux.HandleFunc("/idtoken", func(w http.ResponseWriter, r *http.Request) {
			if s := authchain.SessionFrom(r.Context()); s != nil {
				_, _ = io.WriteString(w, s.TokenSet.IDToken)
			}
		})
		return mux
	}
	return newTestApp(t, o)
}

// loginAs logs the browser in as sub and returns the provider's session id.
func (a *testApp) loginAs(b *browser, sub string) string {
	a.t.Helper()
	a.IdP.QueueLogin(oidctest.User{Subject: sub})
	if _, body := a.login(b, "/"); !strings.HasPrefix(body, "user: "+sub) {
		a.t.Fatalf("login: %q", body)
	}
	ids := a.IdP.SessionIDs(sub)
	if len(ids) == 0 {
		a.t.Fatal("the provider has no session")
	}
	return ids[len(ids)-1]
}

// page returns the status and body of the app's page "/" for the browser.
func (a *testApp) page(b *browser) (int, string) {
	a.t.Helper()
	resp, body := b.get(a.URL + "/")
	return resp.StatusCode, body
}

// postBCL posts body with the content type to the back-channel logout route, as the
// provider does, and returns the status and body.
func (a *testApp) postBCL(contentType, body string) (int, string) {
	a.t.Helper()
	resp, err := http.Post(a.URL+bclPath, contentType, strings.NewReader(body))
	if err != nil {
		a.t.Fatalf("POST %s: %v", bclPath, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		a.t.Errorf("POST %s: Cache-Control %q", bclPath, cc)
	}
	return resp.StatusCode, string(b)
}

// postLogoutToken posts raw as the one logout_token.
func (a *testApp) postLogoutToken(raw string) (int, string) {
	a.t.Helper()
	return a.postBCL("application/x-www-form-urlencoded", url.Values{"logout_token": {raw}}.Encode())
}

func TestBackChannelLogoutSignsOutACookieSession(t *testing.T) {
	t.Parallel()
	app := newBCLApp(t, appOptions{})
	b := newBrowser(t, true)
	sid := app.loginAs(b, "user_42")
	other := newBrowser(t, true)
	app.loginAs(other, "user_7")

	if err := app.IdP.BackChannelLogout(t.Context(), testClientID, sid, ""); err != nil {
		t.Fatalf("the provider's back-channel logout: %v", err)
	}
	if _, body := app.page(b); !strings.HasPrefix(body, "signed out") {
		t.Errorf("after the back-channel logout: %q", body)
	}
	if names := app.sessionCookies(b); len(names) != 0 {
		t.Errorf("the logged-out session's cookies were not deleted: %v", names)
	}
	if _, body := app.page(other); !strings.HasPrefix(body, "user: user_7") {
		t.Errorf("another user's session: %q", body)
	}
}

func TestBackChannelLogoutDeletesAStoredSession(t *testing.T) {
	t.Parallel()
	var store *session.MemoryStore
	app := newBCLApp(t, appOptions{config: func(c *authchain.Config) {
		store = session.NewMemoryStore(c.Now)
		c.SessionStore = store
	}})
	b := newBrowser(t, true)
	sid := app.loginAs(b, "user_42")
	if store.Len() != 1 {
		t.Fatalf("%d stored sessions after login", store.Len())
	}
	if !app.IdP.EndSession(t.Context(), sid) { // a logout at the provider notifies the app
		t.Fatal("no provider session to end")
	}
	if store.Len() != 0 {
		t.Errorf("%d stored sessions after the back-channel logout, want 0", store.Len())
	}
	if _, body := app.page(b); !strings.HasPrefix(body, "signed out") {
		t.Errorf("after the back-channel logout: %q", body)
	}
	if names := app.sessionCookies(b); len(names) != 0 {
		t.Errorf("the deleted session's cookie is left: %v", names)
	}
}

func TestBackChannelLogoutOfAUserSparesLaterLogins(t *testing.T) {
	t.Parallel()
	app := newBCLApp(t, appOptions{})
	b := newBrowser(t, true)
	app.loginAs(b, "user_42")
	if err := app.IdP.BackChannelLogout(t.Context(), testClientID, "", "user_42"); err != nil {
		t.Fatal(err)
	}
	if _, body := app.page(b); !strings.HasPrefix(body, "signed out") {
		t.Fatalf("after the back-channel logout of the user: %q", body)
	}
	app.IdP.Advance(2 * time.Second) // sessions are stamped in whole seconds
	app.loginAs(b, "user_42")
	if _, body := app.page(b); !strings.HasPrefix(body, "user: user_42") {
		t.Errorf("a login after the logout: %q", body)
	}
}

func TestBackChannelLogoutRefusesAReplayedToken(t *testing.T) {
	t.Parallel()
	app := newBCLApp(t, appOptions{})
	b := newBrowser(t, true)
	app.loginAs(b, "user_42")
	raw, err := app.IdP.LogoutToken(oidctest.LogoutTokenOptions{ClientID: testClientID, Subject: "user_42"})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := app.postLogoutToken(raw); status != http.StatusNoContent {
		t.Fatalf("first use: %d %s", status, body)
	}
	app.IdP.Advance(2 * time.Second)
	app.loginAs(b, "user_42")
	status, body := app.postLogoutToken(raw)
	checkInvalidRequest(t, "replay", status, body, raw)
	if _, body := app.page(b); !strings.HasPrefix(body, "user: user_42") {
		t.Errorf("the replay signed out a later login: %q", body)
	}
}

// checkInvalidRequest checks a 400 invalid_request answer that does not hold the token.
func checkInvalidRequest(t *testing.T, what string, status int, body, raw string) {
	t.Helper()
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || status != http.StatusBadRequest || e.Error != "invalid_request" || e.Description == "" {
		t.Errorf("%s: %d %s, want 400 invalid_request", what, status, body)
	}
	for _, part := range strings.Split(raw, ".") {
		if len(part) > 8 && strings.Contains(body, part) {
			t.Errorf("%s: the answer holds the token: %s", what, body)
		}
	}
}

// logoutClaims are valid claims of a logout token for the app's user and provider session.
func logoutClaims(app *testApp, sid, sub string) map[string]any {
	now := app.IdP.Now().Unix()
	return map[string]any{
		"iss": app.IdP.Issuer(), "aud": testClientID, "iat": now, "exp": now + 120, "jti": fmt.Sprint("jti-", now, "-", sid),
		"sid": sid, "sub": sub, "events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}},
	}
}

// signJWT signs claims with the algorithm and key, typ logout+jwt and the kid given.
func signJWT(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	opts := (&jose.SignerOptions{}).WithType("logout+jwt")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBackChannelLogoutRefusesBadTokens(t *testing.T) {
	t.Parallel()
	const secret = "a-client-secret-long-enough-for-HS256-0123456789"
	app := newBCLApp(t, appOptions{
		register: func(c *oidctest.Client) { c.Secret = secret },
		config:   func(c *authchain.Config) { c.ClientSecret = secret },
	})
	b := newBrowser(t, true)
	sid := app.loginAs(b, "user_42")
	_, idToken := b.get(app.URL + "/idtoken")
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kids := app.IdP.KeyIDs()
	tokens := map[string]string{
		"garbage":                      "garbage",
		"HS256 with the client secret": signJWT(t, jose.HS256, []byte(secret), kids[len(kids)-1], logoutClaims(app, sid, "user_42")),
		"a foreign key under the kid":  signJWT(t, jose.ES256, foreign, kids[len(kids)-1], logoutClaims(app, sid, "user_42")),
		"a foreign key, its own kid":   signJWT(t, jose.ES256, foreign, "foreign", logoutClaims(app, sid, "user_42")),
		"an ID token":                  idToken,
	}
	for name, d := range map[string]oidctest.LogoutDefect{
		"nonce": oidctest.LogoutWithNonce, "no events": oidctest.LogoutWithoutEvents, "typ JWT": oidctest.LogoutWrongTyp,
		"expired": oidctest.LogoutExpired, "iat in the future": oidctest.LogoutIssuedInFuture,
		"wrong aud": oidctest.LogoutWrongAudience, "wrong iss": oidctest.LogoutWrongIssuer, "no jti": oidctest.LogoutWithoutJTI,
		"no sub or sid": oidctest.LogoutWithoutSubOrSid, "unknown kid": oidctest.LogoutUnknownKID,
		"alg none": oidctest.LogoutAlgNone, "bad signature": oidctest.LogoutBadSignature,
	} {
		raw, err := app.IdP.LogoutToken(oidctest.LogoutTokenOptions{ClientID: testClientID, SessionID: sid, Subject: "user_42", Defects: []oidctest.LogoutDefect{d}})
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = raw
	}
	if !strings.HasPrefix(idToken, "ey") {
		t.Fatalf("no ID token: %q", idToken)
	}
	for name, raw := range tokens {
		status, body := app.postLogoutToken(raw)
		checkInvalidRequest(t, name, status, body, raw)
		if _, page := app.page(b); !strings.HasPrefix(page, "user: user_42") {
			t.Fatalf("%s signed the user out: %q", name, page)
		}
	}
}

func TestBackChannelLogoutRefusesBadRequests(t *testing.T) {
	t.Parallel()
	app := newBCLApp(t, appOptions{})
	b := newBrowser(t, true)
	sid := app.loginAs(b, "user_42")
	token := func() string {
		raw, err := app.IdP.LogoutToken(oidctest.LogoutTokenOptions{ClientID: testClientID, SessionID: sid})
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	form := "application/x-www-form-urlencoded"
	for name, tc := range map[string]struct{ contentType, body string }{
		"a JSON body":        {"application/json", `{"logout_token":"` + token() + `"}`},
		"text/plain":         {"text/plain", url.Values{"logout_token": {token()}}.Encode()},
		"two logout tokens":  {form, url.Values{"logout_token": {token(), token()}}.Encode()},
		"no logout token":    {form, "token=" + token()},
		"a body over 64 KB":  {form, url.Values{"logout_token": {token()}, "pad": {strings.Repeat("x", 64<<10)}}.Encode()},
		"a form that breaks": {form, "logout_token=%%%"},
	} {
		status, body := app.postBCL(tc.contentType, tc.body)
		checkInvalidRequest(t, name, status, body, "")
		if _, page := app.page(b); !strings.HasPrefix(page, "user: user_42") {
			t.Fatalf("%s signed the user out: %q", name, page)
		}
	}
	resp, _ := b.get(app.URL + bclPath + "?logout_token=" + url.QueryEscape(token()))
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
		t.Errorf("GET: %d, Allow %q; want 405, POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if _, page := app.page(b); !strings.HasPrefix(page, "user: user_42") {
		t.Errorf("a GET signed the user out: %q", page)
	}
}

// flakyRecords are in-memory logout records that fail while down.
type flakyRecords struct {
	*session.MemoryLogoutRecords
	down atomic.Bool
}

var errRedisDown = fmt.Errorf("%w: dial tcp 10.1.2.3:6379: connection refused", session.ErrUnavailable)

func (f *flakyRecords) RecordLogout(ctx context.Context, r session.LogoutRecord, expires time.Time) error {
	if f.down.Load() {
		return errRedisDown
	}
	return f.MemoryLogoutRecords.RecordLogout(ctx, r, expires)
}

func (f *flakyRecords) LoggedOut(ctx context.Context, sid, sub string, created time.Time) (bool, error) {
	if f.down.Load() {
		return false, errRedisDown
	}
	return f.MemoryLogoutRecords.LoggedOut(ctx, sid, sub, created)
}

// failingReplayCache fails every check.
type failingReplayCache struct{}

func (failingReplayCache) FirstUse(context.Context, string, time.Time) (bool, error) {
	return false, errRedisDown
}

func TestBackChannelLogoutWhenTheRecordsFail(t *testing.T) {
	t.Parallel()
	for _, failOpen := range []bool{false, true} {
		t.Run(fmt.Sprint("fail-open ", failOpen), func(t *testing.T) {
			t.Parallel()
			records := &flakyRecords{MemoryLogoutRecords: session.NewMemoryLogoutRecords(nil)}
			app := newBCLApp(t, appOptions{config: func(c *authchain.Config) {
				c.LogoutRecords, c.LogoutRecordsFailOpen = records, failOpen
			}})
			b := newBrowser(t, true)
			sid := app.loginAs(b, "user_42")
			records.down.Store(true)

			raw, err := app.IdP.LogoutToken(oidctest.LogoutTokenOptions{ClientID: testClientID, SessionID: sid})
			if err != nil {
				t.Fatal(err)
			}
			if status, body := app.postLogoutToken(raw); status != http.StatusServiceUnavailable || strings.Contains(body, "10.1.2.3") {
				t.Errorf("back-channel logout while the records are down: %d %s, want 503", status, body)
			}
			status, body := app.page(b)
			switch {
			case !failOpen && status != http.StatusServiceUnavailable:
				t.Errorf("fail-closed: a signed-in page while the records are down: %d %q, want 503", status, body)
			case failOpen && (status != http.StatusOK || !strings.HasPrefix(body, "user: user_42")):
				t.Errorf("fail-open: a signed-in page while the records are down: %d %q", status, body)
			}
			if names := app.sessionCookies(b); len(names) == 0 {
				t.Error("the outage deleted the session's cookies")
			}
			records.down.Store(false)
			if _, body := app.page(b); !strings.HasPrefix(body, "user: user_42") {
				t.Errorf("after the outage: %q", body)
			}
		})
	}
}

func TestBackChannelLogoutWhenTheReplayCacheFails(t *testing.T) {
	t.Parallel()
	app := newBCLApp(t, appOptions{config: func(c *authchain.Config) { c.LogoutReplayCache = failingReplayCache{} }})
	b := newBrowser(t, true)
	sid := app.loginAs(b, "user_42")
	if err := app.IdP.BackChannelLogout(t.Context(), testClientID, sid, ""); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("back-channel logout with the replay cache down: %v, want a 503", err)
	}
	if _, body := app.page(b); !strings.HasPrefix(body, "user: user_42") {
		t.Errorf("page: %q", body)
	}
}

// plainStore is a session store without the LogoutDeleter capability.
type plainStore struct{ session.Store }

func TestNewRefusesStoresBackChannelLogoutCannotUse(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*authchain.Config){
		"a store without LogoutDeleter": func(c *authchain.Config) { c.SessionStore = plainStore{session.NewMemoryStore(nil)} },
		"records with a store": func(c *authchain.Config) {
			c.SessionStore, c.LogoutRecords = session.NewMemoryStore(nil), session.NewMemoryLogoutRecords(nil)
		},
		"fail-open with a store": func(c *authchain.Config) {
			c.SessionStore, c.LogoutRecordsFailOpen = session.NewMemoryStore(nil), true
		},
	} {
		cfg := validConfig()
		change(&cfg)
		if _, err := authchain.New(cfg); !errors.Is(err, authchain.ErrInvalidConfig) {
			t.Errorf("%s: New = %v, want ErrInvalidConfig", name, err)
		} else if !strings.Contains(err.Error(), "LogoutDeleter") && !strings.Contains(err.Error(), "LogoutRecords") {
			t.Errorf("%s: the error does not name what is missing: %v", name, err)
		}
	}
	cfg := validConfig()
	cfg.SessionStore = session.NewMemoryStore(nil)
	if _, err := authchain.New(cfg); err != nil {
		t.Errorf("MemoryStore: %v", err)
	}
}
