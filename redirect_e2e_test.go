package authchain_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/token"
)

// collector stands for another origin a provider's redirect points to; it counts the
// requests it receives.
type collector struct {
	URL  string
	hits atomic.Int32
}

func newCollector(t *testing.T) *collector {
	t.Helper()
	c := &collector{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"keys":[],"access_token":"x","token_type":"Bearer","request_uri":"urn:x","expires_in":60}`))
	}))
	t.Cleanup(srv.Close)
	c.URL = srv.URL + "/collect"
	return c
}

// logBuffer holds what a logger wrote.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newRedirectApp starts a test app whose own HTTP client follows every redirect, as a user's
// client may, and whose log goes to the returned buffer.
func newRedirectApp(t *testing.T, o appOptions) (*testApp, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	configure := o.config
	o.config = func(c *authchain.Config) {
		hc := *c.HTTPClient
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return nil }
		c.HTTPClient = &hc
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
		if configure != nil {
			configure(c)
		}
	}
	return newTestApp(t, o), logs
}

// checkNotFollowed checks that nothing reached the redirect's target and that msg names the
// endpoint and the refused redirect, and shows no secret.
func checkNotFollowed(t *testing.T, col *collector, msg, endpoint string, secrets ...string) {
	t.Helper()
	if n := col.hits.Load(); n != 0 {
		t.Errorf("the redirect was followed: the other origin received %d requests", n)
	}
	if !strings.Contains(msg, endpoint) || !strings.Contains(msg, "answered a redirect (307); redirects are not followed") {
		t.Errorf("the error does not name the %s and the refused redirect: %s", endpoint, msg)
	}
	for _, s := range append(secrets, testClientSecret) {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("the error shows a secret (%.8s…): %s", s, msg)
		}
	}
}

func TestBackEndRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()

	t.Run("token endpoint, code exchange", func(t *testing.T) {
		t.Parallel()
		app, logs := newRedirectApp(t, appOptions{})
		col := newCollector(t)
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		app.IdP.FailNext(oidctest.EndpointToken, 1, oidctest.Redirect(0, col.URL))
		resp, body := b.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadGateway, "provider_unavailable")
		checkSignedOut(t, app, b)
		checkNotFollowed(t, col, logs.String(), "token endpoint", mustQuery(t, f.callback, "code"))
	})

	t.Run("token endpoint, refresh", func(t *testing.T) {
		t.Parallel()
		var got error
		app, _ := newRedirectApp(t, appOptions{
			idp: []oidctest.Option{oidctest.WithAccessTokenLifetime(10 * time.Minute)},
			handler: func(c *authchain.Client) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, got = c.AccessToken(w, r)
				})
			},
		})
		col := newCollector(t)
		b := newBrowser(t, true)
		app.login(b, "/")
		app.IdP.Advance(11 * time.Minute)
		app.IdP.FailNext(oidctest.EndpointToken, 1, oidctest.Redirect(0, col.URL))
		b.get(app.URL + "/token")
		var te *token.Error
		if !errors.As(got, &te) || te.Code != token.CodeFailedToRefreshToken {
			t.Fatalf("error = %v; want %s", got, token.CodeFailedToRefreshToken)
		}
		checkNotFollowed(t, col, got.Error(), "token endpoint")
		if resp, _ := b.get(app.URL + "/auth/profile"); resp.StatusCode != http.StatusOK {
			t.Error("a refused redirect signed the user out")
		}
	})

	t.Run("pushed authorization request endpoint", func(t *testing.T) {
		t.Parallel()
		app, logs := newRedirectApp(t, appOptions{config: func(c *authchain.Config) { c.PushedAuthorizationRequests = true }})
		col := newCollector(t)
		app.IdP.FailNext(oidctest.EndpointPAR, 1, oidctest.Redirect(0, col.URL))
		resp, body := newBrowser(t, false).get(app.URL + "/auth/login")
		checkErrorPage(t, resp, body, http.StatusBadGateway, "provider_unavailable")
		checkNotFollowed(t, col, logs.String(), "pushed authorization request endpoint")
	})

	t.Run("revocation endpoint", func(t *testing.T) {
		t.Parallel()
		app, logs := newRedirectApp(t, appOptions{})
		col := newCollector(t)
		b := newBrowser(t, true)
		app.login(b, "/")
		app.IdP.FailNext(oidctest.EndpointRevocation, 1, oidctest.Redirect(0, col.URL))
		step := newBrowser(t, false)
		step.Jar = b.Jar
		if resp, body := step.get(app.URL + "/auth/logout"); resp.StatusCode != http.StatusFound {
			t.Fatalf("logout: %d %s", resp.StatusCode, body)
		}
		checkNotFollowed(t, col, logs.String(), "revocation endpoint")
	})

	t.Run("JWKS", func(t *testing.T) {
		t.Parallel()
		app, logs := newRedirectApp(t, appOptions{})
		col := newCollector(t)
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		app.IdP.FailNext(oidctest.EndpointJWKS, 1, oidctest.Redirect(0, col.URL))
		resp, body := b.get(f.callback)
		if resp.StatusCode != http.StatusBadGateway {
			t.Errorf("status %d, want 502: %s", resp.StatusCode, body)
		}
		checkSignedOut(t, app, b)
		checkNotFollowed(t, col, logs.String(), app.IdP.URL(oidctest.EndpointJWKS), mustQuery(t, f.callback, "code"))
	})
}

func TestDiscoveryRedirects(t *testing.T) {
	t.Parallel()

	t.Run("within the issuer's origin: followed", func(t *testing.T) {
		t.Parallel()
		app, _ := newRedirectApp(t, appOptions{})
		app.IdP.FailNext(oidctest.EndpointDiscovery, 1, oidctest.Redirect(0, app.IdP.URL(oidctest.EndpointDiscovery)+"?moved=1"))
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		if resp, body := b.get(f.callback); resp.StatusCode != http.StatusFound {
			t.Fatalf("callback: %d %s", resp.StatusCode, body)
		}
		if n := app.IdP.Count(oidctest.EndpointDiscovery, ""); n != 2 {
			t.Errorf("%d discovery requests, want 2 (the redirect and its target)", n)
		}
	})

	t.Run("to another origin: refused", func(t *testing.T) {
		t.Parallel()
		app, logs := newRedirectApp(t, appOptions{})
		col := newCollector(t)
		app.IdP.FailNext(oidctest.EndpointDiscovery, 1, oidctest.Redirect(0, col.URL))
		resp, body := newBrowser(t, false).get(app.URL + "/auth/login")
		checkErrorPage(t, resp, body, http.StatusBadGateway, "provider_unavailable")
		if n := col.hits.Load(); n != 0 {
			t.Errorf("the other origin received %d requests", n)
		}
		if msg := logs.String(); !strings.Contains(msg, app.IdP.URL(oidctest.EndpointDiscovery)) || !strings.Contains(msg, "redirects to another origin are not followed") {
			t.Errorf("the log does not name the refused redirect: %s", msg)
		}
	})
}
