package authchain_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// refreshErrorApp is an application whose pages report AccessToken's error, both to the test
// (through the returned function) and in the body. The page /late starts its response before
// it asks for the token.
func refreshErrorApp(t *testing.T, o appOptions) (*testApp, func() error) {
	t.Helper()
	var mu sync.Mutex
	var last error
	o.handler = func(c *authchain.Client) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/late" {
				w.WriteHeader(http.StatusOK)
			}
			at, err := c.AccessToken(w, r)
			mu.Lock()
			last = err
			mu.Unlock()
			var te *token.Error
			switch {
			case errors.As(err, &te):
				fmt.Fprint(w, "error: "+te.Code)
			case err != nil:
				fmt.Fprint(w, "error: "+err.Error())
			default:
				fmt.Fprint(w, at.Token)
			}
		})
	}
	app := newTokenApp(t, o)
	return app, func() error {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

func TestRotatedRefreshTokenThatCannotBeSavedIsAnError(t *testing.T) {
	t.Parallel()
	t.Run("response started", func(t *testing.T) {
		t.Parallel()
		app, lastErr := refreshErrorApp(t, appOptions{})
		b := newBrowser(t, true)
		app.login(b, "/")
		app.IdP.Advance(11 * time.Minute)
		if _, body := b.get(app.URL + "/late"); body != "error: "+token.CodeFailedToSaveSession {
			t.Fatalf("a refresh after the response started: %.40q", body)
		}
		if err := lastErr(); !errors.Is(err, authchain.ErrHeadersWritten) {
			t.Errorf("the cause is not ErrHeadersWritten: %v", err)
		}
		// The session still holds the old refresh token; a request right after continues
		// with the rotation instead of spending it again.
		if _, tok := b.get(app.URL + "/token"); strings.HasPrefix(tok, "error") {
			t.Errorf("the next request: %s", tok)
		}
		if n := refreshes(app); n != 1 {
			t.Errorf("%d refreshes, want 1", n)
		}
		if reuses := app.IdP.RefreshTokenReuses(); reuses != 0 {
			t.Errorf("%d refresh-token reuses", reuses)
		}
	})
	tooLarge := func(calls *int, mu *sync.Mutex) func(c *authchain.Config) {
		return func(c *authchain.Config) {
			c.BeforeSessionSaved = func(_ context.Context, in authchain.BeforeSessionSavedInput) (*session.Session, error) {
				mu.Lock()
				defer mu.Unlock()
				if *calls++; *calls == 1 {
					return in.Session, nil // the login
				}
				return in.Session, in.Session.SetCustom("blob", rand.Text()+strings.Repeat(rand.Text(), 4000))
			}
		}
	}
	t.Run("too large in the middleware", func(t *testing.T) {
		t.Parallel()
		var calls int
		var mu sync.Mutex
		app, lastErr := refreshErrorApp(t, appOptions{config: tooLarge(&calls, &mu)})
		b := newBrowser(t, true)
		app.login(b, "/")
		app.IdP.Advance(11 * time.Minute)
		if _, body := b.get(app.URL + "/token"); body != "error: "+token.CodeFailedToSaveSession {
			t.Fatalf("a refresh whose session does not fit: %.40q", body)
		}
		if err := lastErr(); !errors.Is(err, session.ErrTooLarge) {
			t.Errorf("the cause is not ErrTooLarge: %v", err)
		}
	})
	t.Run("too large on the route", func(t *testing.T) {
		t.Parallel()
		var calls int
		var mu sync.Mutex
		app, _ := refreshErrorApp(t, appOptions{config: tooLarge(&calls, &mu)})
		b := newBrowser(t, true)
		app.login(b, "/")
		app.IdP.Advance(11 * time.Minute)
		resp, body := b.get(app.URL + "/auth/access-token")
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"`+token.CodeFailedToSaveSession+`"`) {
			t.Errorf("route: %d %.60s", resp.StatusCode, body)
		}
	})
}
