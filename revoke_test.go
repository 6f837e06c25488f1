package authchain_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/token"
)

// revokeApp is an application whose /revoke revokes the refresh token, /token asks for an
// access token, and /rt shows whether the session holds a refresh token; each writes the
// token.Error code of a failure.
func revokeApp(c *authchain.Client) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", userPage())
	writeErr := func(w http.ResponseWriter, err error) {
		var te *token.Error
		if errors.As(err, &te) {
			_, _ = io.WriteString(w, "error: "+te.Code)
			return
		}
		_, _ = io.WriteString(w, "error: "+err.Error())
	}
	mux.HandleFunc("/revoke", func(w http.ResponseWriter, r *http.Request) {
		if err := c.RevokeRefreshToken(w, r); err != nil {
			writeErr(w, err)
			return
		}
		_, _ = io.WriteString(w, "revoked")
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		if _, err := c.AccessToken(w, r); err != nil {
			writeErr(w, err)
			return
		}
		_, _ = io.WriteString(w, "token")
	})
	mux.HandleFunc("/rt", func(w http.ResponseWriter, r *http.Request) {
		if s := authchain.SessionFrom(r.Context()); s != nil {
			_, _ = io.WriteString(w, s.TokenSet.RefreshToken)
		}
	})
	return mux
}

// refreshAtProvider asks the provider's token endpoint for a refresh with rt and returns its
// status.
func refreshAtProvider(t *testing.T, app *testApp, rt string) int {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
	resp, err := http.Post(app.IdP.URL(oidctest.EndpointToken), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRevokeRefreshToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: revokeApp})
	b := newBrowser(t, true)
	app.login(b, "/")
	_, rt := b.get(app.URL + "/rt")
	if rt == "" {
		t.Fatal("the session has no refresh token after login")
	}

	if _, body := b.get(app.URL + "/revoke"); body != "revoked" {
		t.Fatalf("/revoke: %s", body)
	}
	if n := app.IdP.Count(oidctest.EndpointRevocation, ""); n != 1 {
		t.Errorf("revocation endpoint called %d times, want 1", n)
	}
	if status := refreshAtProvider(t, app, rt); status != http.StatusBadRequest {
		t.Errorf("the provider answered a refresh with the revoked token %d, want 400", status)
	}
	if _, got := b.get(app.URL + "/rt"); got != "" {
		t.Error("the session still holds the refresh token")
	}
	if _, body := b.get(app.URL + "/"); !strings.HasPrefix(body, "user: ") {
		t.Errorf("the user is signed out after revocation: %s", body)
	}
	app.IdP.Advance(2 * time.Hour)
	if _, body := b.get(app.URL + "/token"); body != "error: "+token.CodeMissingRefreshToken {
		t.Errorf("/token with an expired access token = %q, want missing_refresh_token", body)
	}
	if _, body := b.get(app.URL + "/revoke"); body != "error: "+token.CodeMissingRefreshToken {
		t.Errorf("second /revoke = %q, want missing_refresh_token", body)
	}
}

func TestRevokeRefreshTokenErrors(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: revokeApp})
	b := newBrowser(t, true)
	if _, body := b.get(app.URL + "/revoke"); body != "error: "+token.CodeMissingSession {
		t.Errorf("signed out /revoke = %q, want missing_session", body)
	}
	app.login(b, "/")
	_, rt := b.get(app.URL + "/rt")
	app.IdP.FailNext(oidctest.EndpointRevocation, 1, oidctest.HTTPStatus(http.StatusServiceUnavailable))
	if _, body := b.get(app.URL + "/revoke"); body != "error: "+token.CodeFailedToRevoke {
		t.Errorf("/revoke with the provider down = %q, want failed_to_revoke", body)
	}
	if _, got := b.get(app.URL + "/rt"); got != rt {
		t.Error("a failed revocation changed the session's refresh token")
	}
	if status := refreshAtProvider(t, app, rt); status != http.StatusOK {
		t.Errorf("the refresh token stopped working after a failed revocation: %d", status)
	}
}

func TestRevokeRefreshTokenOutsideMiddleware(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: revokeApp})
	b := newBrowser(t, true)
	app.login(b, "/")
	// A handler without Client.Middleware, on the same host (cookies ignore the port).
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := app.Client.RevokeRefreshToken(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	t.Cleanup(bare.Close)
	if resp, body := b.get(bare.URL); resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke outside the middleware: %d %s", resp.StatusCode, body)
	}
	if _, got := b.get(app.URL + "/rt"); got != "" {
		t.Error("the session cookies written to w still hold the refresh token")
	}
	if _, body := b.get(app.URL + "/"); !strings.HasPrefix(body, "user: ") {
		t.Errorf("signed out after revocation: %s", body)
	}
}
