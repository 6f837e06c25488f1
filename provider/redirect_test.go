package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/authchain/authchain/internal/outbound"
)

func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	form := url.Values{"code_challenge": {"cc"}}
	calls := map[string]func(ctx context.Context, c *http.Client, endpoint string) error{
		"token": func(ctx context.Context, c *http.Client, endpoint string) error {
			return post(ctx, c, endpoint, refreshForm(), basic, &tokenResponse{})
		},
		"pushed authorization": func(ctx context.Context, c *http.Client, endpoint string) error {
			_, err := pushAuthorization(ctx, c, call{what: "pushed authorization request endpoint", url: endpoint, form: form, auth: basic})
			return err
		},
		"revocation": func(ctx context.Context, c *http.Client, endpoint string) error {
			return post(ctx, c, endpoint, url.Values{"token": {refreshToken}}, basic, nil)
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"access_token":"x","request_uri":"urn:x","expires_in":60}`))
			}))
			t.Cleanup(other.Close)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/collect", http.StatusTemporaryRedirect)
			}))
			t.Cleanup(srv.Close)
			base := srv.Client()
			base.CheckRedirect = func(*http.Request, []*http.Request) error { return nil }
			c := outbound.NewClient(base, outbound.Options{})

			err := call(context.Background(), c, srv.URL+"/endpoint")
			var re *outbound.RedirectError
			if !errors.Is(err, ErrUnavailable) || !errors.As(err, &re) || re.StatusCode != http.StatusTemporaryRedirect {
				t.Fatalf("got %v; want ErrUnavailable with a 307 *RedirectError", err)
			}
			if msg := err.Error(); strings.Contains(msg, "top-secret") || strings.Contains(msg, refreshToken) {
				t.Errorf("the error shows a secret: %s", msg)
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("the redirect's target received %d requests", n)
			}
		})
	}
}
