package authchain_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/token"
)

const calendar = "google-oauth2"

// withCalendar gives the provider a connection whose tokens live ten minutes.
func withCalendar() []oidctest.Option {
	return []oidctest.Option{oidctest.WithConnection(oidctest.Connection{Name: calendar, Scope: "calendar", TokenLifetime: 10 * time.Minute})}
}

// connectionApp is an application whose /conn?connection=&hint=&type= writes the token
// AccessTokenForConnection gives ("token: …") or its error ("error: code (provider's code)"),
// /conns the connection tokens the session keeps, and /rt the session's refresh token.
func connectionApp(c *authchain.Client) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", userPage())
	mux.HandleFunc("/conn", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		opts := authchain.ConnectionTokenOptions{Connection: q.Get("connection"), LoginHint: q.Get("hint")}
		if q.Get("type") == "access" {
			opts.SubjectTokenType = authchain.SubjectTokenTypeAccessToken
		}
		ct, err := c.AccessTokenForConnection(w, r, opts)
		var te *token.Error
		var pe *provider.Error
		switch {
		case errors.As(err, &pe) && errors.As(err, &te):
			fmt.Fprintf(w, "error: %s (%s)", te.Code, pe.Code)
		case errors.As(err, &te):
			fmt.Fprintf(w, "error: %s", te.Code)
		case err != nil:
			fmt.Fprintf(w, "error: %v", err)
		default:
			fmt.Fprintf(w, "token: %s", ct.AccessToken)
		}
	})
	mux.HandleFunc("/conns", func(w http.ResponseWriter, r *http.Request) {
		if s := authchain.SessionFrom(r.Context()); s != nil {
			for _, ct := range s.ConnectionTokens {
				fmt.Fprintf(w, "%s/%s=%s;", ct.Connection, ct.LoginHint, ct.AccessToken)
			}
		}
	})
	mux.HandleFunc("/rt", func(w http.ResponseWriter, r *http.Request) {
		if s := authchain.SessionFrom(r.Context()); s != nil {
			_, _ = io.WriteString(w, s.TokenSet.RefreshToken)
		}
	})
	return mux
}

// connectionToken asks the app for a token of connection with the query's other parameters,
// and returns the token, or fails the test.
func connectionToken(t *testing.T, app *testApp, b *browser, query string) string {
	t.Helper()
	_, body := b.get(app.URL + "/conn?" + query)
	tok, ok := strings.CutPrefix(body, "token: ")
	if !ok {
		t.Fatalf("/conn?%s: %s", query, body)
	}
	return tok
}

func exchanges(app *testApp) int {
	return app.IdP.Count(oidctest.EndpointToken, provider.GrantTypeFederatedConnectionAccessToken)
}

func TestAccessTokenForConnectionExchangesOnceUntilItExpires(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: connectionApp, idp: withCalendar()})
	b := newBrowser(t, true)
	app.login(b, "/")
	_, rt := b.get(app.URL + "/rt")

	first := connectionToken(t, app, b, "connection="+calendar)
	issued, ok := app.IdP.ConnectionToken(first)
	if !ok || issued.Connection != calendar || issued.Subject != oidctest.DefaultUser().Subject || issued.LoginHint != "" || issued.ClientID != testClientID {
		t.Errorf("the provider issued %+v, %v", issued, ok)
	}
	if exchanges(app) != 1 {
		t.Fatalf("%d exchanges, want 1", exchanges(app))
	}
	sent := app.IdP.Requests()
	last := sent[len(sent)-1].Form
	if last.Get("subject_token") != rt || last.Get("subject_token_type") != provider.SubjectTokenTypeRefreshToken || last.Get("connection") != calendar {
		t.Errorf("the exchange sent %v, want the session's refresh token", last.Get("subject_token_type"))
	}

	app.IdP.Advance(9 * time.Minute)
	if again := connectionToken(t, app, b, "connection="+calendar); again != first || exchanges(app) != 1 {
		t.Errorf("second call: %s after %d exchanges; want the kept token, no exchange", again, exchanges(app))
	}
	app.IdP.Advance(time.Minute) // the connection's token expires
	renewed := connectionToken(t, app, b, "connection="+calendar)
	if renewed == first || exchanges(app) != 2 {
		t.Errorf("after expiry: %d exchanges, same token %v; want a new exchange", exchanges(app), renewed == first)
	}
	if _, conns := b.get(app.URL + "/conns"); conns != calendar+"/="+renewed+";" {
		t.Errorf("the session keeps %q, want only the renewed token", conns)
	}
	if _, got := b.get(app.URL + "/rt"); got != rt || app.IdP.RefreshTokenReuses() != 0 {
		t.Error("the exchanges changed or spent the refresh token")
	}
}

func TestAccessTokenForConnectionKeepsLoginHintsApart(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: connectionApp, idp: withCalendar()})
	b := newBrowser(t, true)
	app.login(b, "/")
	work := connectionToken(t, app, b, "connection="+calendar+"&hint=ada@work.test")
	plain := connectionToken(t, app, b, "connection="+calendar)
	home := connectionToken(t, app, b, "connection="+calendar+"&hint=ada@home.test")
	if work == plain || plain == home || exchanges(app) != 3 {
		t.Fatalf("%d exchanges for three hints", exchanges(app))
	}
	for tok, hint := range map[string]string{work: "ada@work.test", plain: "", home: "ada@home.test"} {
		if issued, _ := app.IdP.ConnectionToken(tok); issued.LoginHint != hint {
			t.Errorf("a token for hint %q was issued for %q", hint, issued.LoginHint)
		}
	}
	if connectionToken(t, app, b, "connection="+calendar+"&hint=ada@work.test") != work ||
		connectionToken(t, app, b, "connection="+calendar) != plain || exchanges(app) != 3 {
		t.Error("a kept token was not found by its own hint")
	}
}

func TestAccessTokenForConnectionErrors(t *testing.T) {
	t.Parallel()
	t.Run("signed out", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t, appOptions{handler: connectionApp, idp: withCalendar()})
		if _, body := newBrowser(t, true).get(app.URL + "/conn?connection=" + calendar); body != "error: "+token.CodeMissingSession {
			t.Errorf("signed out: %s", body)
		}
	})
	t.Run("no refresh token", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t, appOptions{handler: connectionApp, idp: withCalendar(), config: func(c *authchain.Config) {
			c.AuthorizationParameters = url.Values{"scope": {"openid profile email"}}
		}})
		b := newBrowser(t, true)
		app.login(b, "/")
		if _, body := b.get(app.URL + "/conn?connection=" + calendar); body != "error: "+token.CodeMissingRefreshToken || exchanges(app) != 0 {
			t.Errorf("without a refresh token: %s after %d exchanges", body, exchanges(app))
		}
	})
	for _, tc := range []struct {
		name, connection string
		idp              []oidctest.Option
		want             string
	}{
		{"an unknown connection", "dropbox", withCalendar(), "error: " + token.CodeFailedToExchangeRefreshToken + " (invalid_request)"},
		{"a provider without a token vault", calendar, nil, "error: " + token.CodeFailedToExchangeRefreshToken + " (unsupported_grant_type)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, appOptions{handler: connectionApp, idp: tc.idp})
			b := newBrowser(t, true)
			app.login(b, "/")
			if _, body := b.get(app.URL + "/conn?connection=" + tc.connection); body != tc.want {
				t.Errorf("%s, want %s", body, tc.want)
			}
			if _, body := b.get(app.URL + "/"); !strings.HasPrefix(body, "user: ") {
				t.Errorf("a refused exchange signed the user out: %s", body)
			}
		})
	}
}

// TestAccessTokenForConnectionFailedExchangeDropsTheKeptToken: once the provider refuses the
// session's refresh token, an expired connection token is not kept any longer.
func TestAccessTokenForConnectionFailedExchangeDropsTheKeptToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: connectionApp, idp: withCalendar()})
	b := newBrowser(t, true)
	app.login(b, "/")
	_, rt := b.get(app.URL + "/rt")
	connectionToken(t, app, b, "connection="+calendar)
	connectionToken(t, app, b, "connection="+calendar+"&hint=ada")
	revoke := url.Values{"token": {rt}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
	resp, err := http.PostForm(app.IdP.URL(oidctest.EndpointRevocation), revoke)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	app.IdP.Advance(5 * time.Minute)
	if _, body := b.get(app.URL + "/conn?connection=" + calendar); !strings.HasPrefix(body, "token: ") {
		t.Errorf("an unexpired kept token: %s, want it without an exchange", body)
	}
	app.IdP.Advance(5 * time.Minute)
	want := "error: " + token.CodeFailedToExchangeRefreshToken + " (invalid_grant)"
	if _, body := b.get(app.URL + "/conn?connection=" + calendar); body != want {
		t.Errorf("with the refresh token revoked: %s, want %s", body, want)
	}
	if _, conns := b.get(app.URL + "/conns"); conns != "" {
		t.Errorf("the session still keeps %q", conns)
	}
}

func TestAccessTokenForConnectionByAccessToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: connectionApp, idp: withCalendar()})
	b := newBrowser(t, true)
	app.login(b, "/")
	tok := connectionToken(t, app, b, "connection="+calendar+"&type=access")
	sent := app.IdP.Requests()
	form := sent[len(sent)-1].Form
	if form.Get("subject_token_type") != provider.SubjectTokenTypeAccessToken || strings.Count(form.Get("subject_token"), ".") != 2 {
		t.Errorf("the exchange sent subject_token_type %s, want the session's access token", form.Get("subject_token_type"))
	}
	if issued, ok := app.IdP.ConnectionToken(tok); !ok || issued.Subject != oidctest.DefaultUser().Subject {
		t.Errorf("the provider issued %+v, %v", issued, ok)
	}
	app.IdP.Advance(2 * time.Hour) // the session's access token and the connection's expire
	connectionToken(t, app, b, "connection="+calendar+"&type=access")
	if n := app.IdP.Count(oidctest.EndpointToken, "refresh_token"); n != 1 || exchanges(app) != 2 {
		t.Errorf("%d refreshes and %d exchanges, want the access token refreshed once, then exchanged", n, exchanges(app))
	}
}

// TestConnectionTokensAndRefreshesAtOnceSpendTheRefreshTokenOnce: requests of one session
// that refresh its access token and exchange its refresh token for a connection's token, all
// at once, never present a refresh token that another request's refresh has spent (which
// revokes the token family at a provider with rotation), and every one of them succeeds.
func TestConnectionTokensAndRefreshesAtOnceSpendTheRefreshTokenOnce(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{idp: withCalendar(), handler: func(c *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/conn", connectionApp(c))
		mux.HandleFunc("/refresh", func(w http.ResponseWriter, r *http.Request) {
			if _, err := c.AccessToken(w, r, authchain.WithRefresh()); err != nil {
				fmt.Fprintf(w, "error: %v", err)
				return
			}
			_, _ = io.WriteString(w, "refreshed")
		})
		return mux
	}})
	b := newBrowser(t, true)
	app.login(b, "/")
	u, _ := url.Parse(app.URL)
	cookies := b.Jar.Cookies(u)

	const n = 12
	bodies := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			path := "/refresh"
			if i%2 == 1 {
				path = "/conn?connection=" + calendar + "&hint=" + fmt.Sprint("account-", i)
			}
			req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			bodies[i] = string(raw)
		})
	}
	close(start)
	wg.Wait()
	if reuses := app.IdP.RefreshTokenReuses(); reuses != 0 {
		t.Errorf("the provider saw %d refresh-token reuses and revoked the family", reuses)
	}
	for i, body := range bodies {
		if body != "refreshed" && !strings.HasPrefix(body, "token: ") {
			t.Errorf("request %d: %q", i, body)
		}
	}
}
