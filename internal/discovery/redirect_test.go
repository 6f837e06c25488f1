package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/authchain/authchain/internal/outbound"
)

// movedProvider serves its discovery document at /moved/openid-configuration
// and redirects the well-known URL to location(its own URL).
func movedProvider(t *testing.T, tls bool, location func(self string) string) *httptest.Server {
	t.Helper()
	var self string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			http.Redirect(w, r, location(self), http.StatusTemporaryRedirect)
		case "/moved/openid-configuration":
			json.NewEncoder(w).Encode(document(self, self))
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	self = srv.URL
	return srv
}

// followAll is a client that follows any redirect, as a user's own client may, up to 10
// in a row.
func followAll(srv *httptest.Server) *http.Client {
	c := *srv.Client()
	c.CheckRedirect = func(_ *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

func TestSameOriginRedirectIsFollowed(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		srv := movedProvider(t, tls, func(self string) string { return self + "/moved/openid-configuration" })
		c := newCache(t, Config{Issuer: srv.URL, Client: followAll(srv), AllowInsecure: !tls})
		m, err := c.Get(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", srv.URL, err)
		}
		if m.Issuer != srv.URL {
			t.Errorf("issuer %q; want %q", m.Issuer, srv.URL)
		}
	}
}

func TestCrossOriginRedirectIsRefused(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		json.NewEncoder(w).Encode(document("", "http://"+r.Host))
	}))
	t.Cleanup(other.Close)
	srv := movedProvider(t, false, func(string) string { return other.URL + "/.well-known/openid-configuration" })
	c := newCache(t, Config{Issuer: srv.URL, Client: followAll(srv), AllowInsecure: true})

	_, err := c.Get(context.Background())
	var re *outbound.RedirectError
	if !errors.Is(err, ErrDiscovery) || !errors.As(err, &re) {
		t.Fatalf("got %v; want ErrDiscovery with a *RedirectError", err)
	}
	if !strings.Contains(err.Error(), "another origin") {
		t.Errorf("error %q does not say why the redirect was refused", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the other origin received %d requests", n)
	}
}

func TestRedirectLoopIsCut(t *testing.T) {
	t.Parallel()
	srv := movedProvider(t, false, func(self string) string { return self + "/.well-known/openid-configuration" })
	c := newCache(t, Config{Issuer: srv.URL, Client: followAll(srv), AllowInsecure: true})

	_, err := c.Get(context.Background())
	var re *outbound.RedirectError
	if !errors.As(err, &re) || re.Followed != MaxRedirects {
		t.Fatalf("got %v; want a *RedirectError after %d redirects", err, MaxRedirects)
	}
}
