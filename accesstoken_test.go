package authchain_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// tokenPage answers with the access token AccessToken returns, or its error code.
func tokenPage(c *authchain.Client) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var opts []authchain.AccessTokenOption
		if a := r.URL.Query().Get("audience"); a != "" {
			opts = append(opts, authchain.WithAudience(a))
		}
		if s := r.URL.Query().Get("scope"); s != "" {
			opts = append(opts, authchain.WithScope(s))
		}
		at, err := c.AccessToken(w, r, opts...)
		if err != nil {
			var te *token.Error
			if errors.As(err, &te) {
				fmt.Fprint(w, "error: "+te.Code)
				return
			}
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, at.Token)
	})
}

func newTokenApp(t *testing.T, o appOptions) *testApp {
	t.Helper()
	o.idp = append(o.idp, oidctest.WithAccessTokenLifetime(10*time.Minute))
	if o.handler == nil {
		o.handler = tokenPage
	}
	return newTestApp(t, o)
}

// jwtClaims decodes a JWT's payload without verifying it.
func jwtClaims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.20q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	_ = json.Unmarshal(raw, &claims)
	return claims
}

func refreshes(app *testApp) int { return app.IdP.Count(oidctest.EndpointToken, "refresh_token") }

func TestAccessTokenRefreshesOnExpiryAndStoresTheRotation(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/start")
	_, first := b.get(app.URL + "/token")
	if _, again := b.get(app.URL + "/token"); again != first || refreshes(app) != 0 {
		t.Fatalf("a valid token was refreshed (%d refreshes)", refreshes(app))
	}
	for i := 1; i <= 3; i++ {
		app.IdP.Advance(11 * time.Minute)
		_, tok := b.get(app.URL + "/token")
		if strings.HasPrefix(tok, "error") || tok == first {
			t.Fatalf("refresh %d: %q", i, tok)
		}
		if n := refreshes(app); n != i {
			t.Fatalf("%d refreshes after %d expiries", n, i)
		}
		if _, again := b.get(app.URL + "/token"); again != tok {
			t.Fatalf("the refreshed token was not saved in the session")
		}
		first = tok
	}
	// Each rotation was saved: every refresh spent a different refresh token, none twice, so
	// the provider's reuse detection never fired and the family is alive.
	spent := map[string]bool{}
	for _, r := range app.IdP.Requests() {
		if r.Endpoint == oidctest.EndpointToken && r.Form.Get("grant_type") == "refresh_token" {
			if rt := r.Form.Get("refresh_token"); spent[rt] {
				t.Error("a refresh token was spent twice")
			} else {
				spent[rt] = true
			}
		}
	}
	app.IdP.Advance(11 * time.Minute)
	if _, tok := b.get(app.URL + "/token"); strings.HasPrefix(tok, "error") {
		t.Errorf("the token family was revoked by our own traffic: %s", tok)
	}
}

func TestConcurrentRequestsShareOneRefresh(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.Advance(11 * time.Minute)
	u, _ := url.Parse(app.URL)
	cookies := b.Jar.Cookies(u)

	const n = 50
	tokens := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, app.URL+"/auth/access-token", nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var body struct{ Token string }
			_ = json.NewDecoder(resp.Body).Decode(&body)
			tokens[i] = body.Token
		})
	}
	wg.Wait()
	if got := refreshes(app); got != 1 {
		t.Errorf("%d refresh requests at the provider, want exactly 1", got)
	}
	for i, tok := range tokens {
		if tok == "" || tok != tokens[0] {
			t.Fatalf("request %d got %.12q, request 0 got %.12q", i, tok, tokens[0])
		}
	}
}

func TestOldCookieAfterRotationGetsTheNewToken(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	u, _ := url.Parse(app.URL)
	old := b.Jar.Cookies(u)
	app.IdP.Advance(11 * time.Minute)
	_, fresh := b.get(app.URL + "/token")

	stale := newBrowser(t, true)
	stale.Jar.SetCookies(u, old)
	if _, tok := stale.get(app.URL + "/token"); tok != fresh {
		t.Errorf("a request with the old cookie got %.12q, want the new token", tok)
	}
	if n := refreshes(app); n != 1 {
		t.Errorf("%d refreshes: the old cookie spent its rotated-out refresh token", n)
	}
}

func TestRefreshFailureKeepsTheSession(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]oidctest.Fault{
		"oauth error":  oidctest.OAuthError("invalid_grant", "refresh token revoked", http.StatusBadRequest),
		"server error": oidctest.HTTPStatus(http.StatusServiceUnavailable),
		"garbage":      oidctest.MalformedJSON(),
		"timeout":      oidctest.Latency(5 * time.Second),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got error
			app := newTokenApp(t, appOptions{
				config: func(c *authchain.Config) { c.HTTPTimeout = 1500 * time.Millisecond },
				handler: func(c *authchain.Client) http.Handler {
					return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						_, got = c.AccessToken(w, r)
					})
				},
			})
			b := newBrowser(t, true)
			app.login(b, "/")
			app.IdP.Advance(11 * time.Minute)
			app.IdP.FailNext(oidctest.EndpointToken, 1, fault)
			b.get(app.URL + "/token")
			var te *token.Error
			if !errors.As(got, &te) || te.Code != token.CodeFailedToRefreshToken || te.Err == nil {
				t.Fatalf("error = %v", got)
			}
			var oe *provider.Error
			var re *oauth2.RetrieveError
			if name == "oauth error" && (!errors.As(got, &oe) || oe.Code != "invalid_grant" || !errors.As(got, &re) || re.ErrorCode != "invalid_grant") {
				t.Errorf("the provider's error is not the cause, as a *provider.Error and an *oauth2.RetrieveError: %v", got)
			}
			if strings.Contains(got.Error(), "eyJ") || strings.Contains(got.Error(), testClientSecret) {
				t.Error("the error shows a token or the secret")
			}
			if resp, _ := b.get(app.URL + "/auth/profile"); resp.StatusCode != http.StatusOK {
				t.Error("a failed refresh signed the user out")
			}
		})
	}
}

func TestRefreshWithoutIDTokenKeepsTheUser(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	app.IdP.QueueLogin(oidctest.User{Subject: "kim", Claims: map[string]any{"name": "Kim"}})
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.Advance(11 * time.Minute)
	// A scope without openid: the provider answers without an ID token.
	if _, tok := b.get(app.URL + "/token?scope=" + url.QueryEscape("profile email offline_access")); strings.HasPrefix(tok, "error") {
		t.Fatal(tok)
	}
	_, body := b.get(app.URL + "/auth/profile")
	if !strings.Contains(body, `"name":"Kim"`) || !strings.Contains(body, `"sub":"kim"`) {
		t.Errorf("user after a refresh without ID token: %s", body)
	}
}

func TestSecondAudienceGetsItsOwnTokenAndReusesIt(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	_, defaultToken := b.get(app.URL + "/token")
	_, other := b.get(app.URL + "/token?audience=" + url.QueryEscape("https://billing.example.com"))
	if other == defaultToken || !strings.Contains(fmt.Sprint(jwtClaims(t, other)["aud"]), "https://billing.example.com") ||
		strings.Contains(fmt.Sprint(jwtClaims(t, defaultToken)["aud"]), "billing") {
		t.Fatalf("second audience token has aud %v", jwtClaims(t, other)["aud"])
	}
	if _, again := b.get(app.URL + "/token?audience=" + url.QueryEscape("https://billing.example.com")); again != other || refreshes(app) != 1 {
		t.Errorf("the second audience's token was not reused (%d refreshes)", refreshes(app))
	}
	if _, again := b.get(app.URL + "/token"); again != defaultToken {
		t.Error("the default token changed")
	}
}

func TestAccessTokenRoute(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	b := newBrowser(t, true)

	resp, body := b.get(app.URL + "/auth/access-token")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"missing_session"`) {
		t.Errorf("signed out: %d %s", resp.StatusCode, body)
	}
	app.login(b, "/")
	resp, body = b.get(app.URL + "/auth/access-token")
	var got map[string]any
	_ = json.Unmarshal([]byte(body), &got)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" || got["token"] == "" ||
		got["expires_in"].(float64) < 590 || got["expires_in"].(float64) > 600 || got["token_type"] == nil || got["scope"] == nil {
		t.Errorf("route: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// The token was issued for ten minutes, a moment ago (on a loaded machine, seconds ago).
	exp, _ := got["expires_at"].(float64)
	if age := app.IdP.Now().Sub(time.Unix(int64(exp), 0).Add(-10 * time.Minute)); age < -time.Second || age > 10*time.Second {
		t.Errorf("expires_at = %v", got["expires_at"])
	}
	for _, k := range []string{"refresh_token", "refreshToken", "id_token", "idToken"} {
		if _, ok := got[k]; ok {
			t.Errorf("the route hands out %s", k)
		}
	}
	app.IdP.Advance(11 * time.Minute)
	app.IdP.FailNext(oidctest.EndpointToken, 1, oidctest.OAuthError("invalid_grant", "", http.StatusBadRequest))
	resp, body = b.get(app.URL + "/auth/access-token")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"failed_to_refresh_token"`) {
		t.Errorf("failed refresh: %d %s", resp.StatusCode, body)
	}
	if resp, _ := b.post(app.URL + "/auth/access-token"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestAccessTokenWithoutRefreshToken(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{config: func(c *authchain.Config) {
		c.AuthorizationParameters = url.Values{"scope": {"openid profile email"}}
	}})
	b := newBrowser(t, true)
	app.login(b, "/")
	if _, tok := b.get(app.URL + "/token"); strings.HasPrefix(tok, "error") {
		t.Fatal(tok)
	}
	app.IdP.Advance(11 * time.Minute)
	resp, body := b.get(app.URL + "/auth/access-token")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"missing_refresh_token"`) {
		t.Errorf("expired without refresh token: %d %s", resp.StatusCode, body)
	}
}

func TestAccessTokenEndpointCanBeDisabled(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.DisableAccessTokenEndpoint = true }})
	if _, body := newBrowser(t, true).get(app.URL + "/auth/access-token"); body != "signed out path: /auth/access-token" {
		t.Errorf("disabled route did not fall through to the app: %q", body)
	}
}

func TestTokenRefreshBuffer(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{config: func(c *authchain.Config) { c.TokenRefreshBuffer = 5 * time.Minute }})
	b := newBrowser(t, true)
	app.login(b, "/")
	b.get(app.URL + "/token")
	app.IdP.Advance(4 * time.Minute)
	b.get(app.URL + "/token")
	if n := refreshes(app); n != 0 {
		t.Fatalf("refreshed %d times with 6 minutes left", n)
	}
	app.IdP.Advance(90 * time.Second)
	resp, body := b.get(app.URL + "/auth/access-token")
	var got struct {
		ExpiresIn int64 `json:"expires_in"`
	}
	_ = json.Unmarshal([]byte(body), &got)
	if resp.StatusCode != http.StatusOK || got.ExpiresIn < 5*60 || refreshes(app) != 1 {
		t.Errorf("within the buffer: %d, expires_in %d, %d refreshes", resp.StatusCode, got.ExpiresIn, refreshes(app))
	}
}

func TestAnotherInstanceRefreshedFirst(t *testing.T) {
	t.Parallel()
	// Two instances of the application share a session store; both hold a request of the same
	// session with an expired token. The second uses the first one's refresh.
	var store *session.MemoryStore
	release, loaded := make(chan struct{}), make(chan struct{})
	app := newTokenApp(t, appOptions{
		config: func(c *authchain.Config) {
			store = session.NewMemoryStore(c.Now)
			c.SessionStore = store
		},
		handler: func(c *authchain.Client) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/slow" {
					close(loaded)
					<-release
				}
				tokenPage(c).ServeHTTP(w, r)
			})
		},
	})
	other, err := authchain.New(app.cfg)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.Advance(11 * time.Minute)
	u, _ := url.Parse(app.URL)
	slowDone := make(chan string)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, app.URL+"/slow", nil)
		for _, c := range b.Jar.Cookies(u) {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			slowDone <- err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slowDone <- string(body)
	}()
	<-loaded
	// The other instance refreshes while the slow request holds the old session.
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/token", nil)
	for _, c := range b.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	rec := newRecorder()
	other.Middleware(tokenPage(other)).ServeHTTP(rec, req)
	first := rec.Body.String()
	close(release)
	if second := <-slowDone; second != first {
		t.Errorf("the slow request got %.12q, the other instance %.12q", second, first)
	}
	if n := refreshes(app); n != 1 {
		t.Errorf("%d refreshes for one session across two instances", n)
	}
}

func TestRefusedRefreshKeepsTheRotatedRefreshToken(t *testing.T) {
	t.Parallel()
	var calls int
	var mu sync.Mutex
	app := newTokenApp(t, appOptions{config: func(c *authchain.Config) {
		c.BeforeSessionSaved = func(_ context.Context, in authchain.BeforeSessionSavedInput) (*session.Session, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls == 2 {
				return nil, errors.New("entitlement withdrawn")
			}
			return in.Session, nil
		}
	}})
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.Advance(11 * time.Minute)
	if _, tok := b.get(app.URL + "/token"); tok != "error: failed_to_refresh_token" {
		t.Fatalf("a refused refresh: %q", tok)
	}
	// Past the refresher's memory: the next refresh must spend the rotated token, not the old one.
	app.IdP.Advance(11 * time.Minute)
	if _, tok := b.get(app.URL + "/token"); strings.HasPrefix(tok, "error") {
		t.Fatalf("after a refused refresh the session lost its refresh token: %s", tok)
	}
	if n := refreshes(app); n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}
}
