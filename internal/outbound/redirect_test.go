package outbound

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// target is a server that counts the requests it receives.
type target struct {
	url  string
	hits atomic.Int32
}

func newTarget(t *testing.T) *target {
	t.Helper()
	tg := &target{}
	tg.url = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		tg.hits.Add(1)
		io.WriteString(w, "reached")
	}).URL
	return tg
}

// redirector answers every request with status and a Location of to.
func redirector(t *testing.T, status int, to string) string {
	t.Helper()
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to, status)
	}).URL
}

func TestNoRedirectIsFollowed(t *testing.T) {
	t.Parallel()
	followAll := func(*http.Request, []*http.Request) error { return nil }
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(method+" "+strconv.Itoa(status), func(t *testing.T) {
				t.Parallel()
				tg := newTarget(t)
				from := redirector(t, status, tg.url+"/steal")
				base := &http.Client{CheckRedirect: followAll}
				c := NewClient(base, Options{})

				req, _ := http.NewRequest(method, from+"/oauth/token?x=1", strings.NewReader("client_secret=s3cret"))
				resp, err := c.Do(req)
				if err == nil {
					resp.Body.Close()
					t.Fatalf("the redirect was followed: %d", resp.StatusCode)
				}
				var re *RedirectError
				if !errors.As(err, &re) {
					t.Fatalf("got %v; want a *RedirectError", err)
				}
				if re.StatusCode != status || re.From != from+"/oauth/token" {
					t.Errorf("RedirectError{StatusCode: %d, From: %q}; want %d from %s/oauth/token", re.StatusCode, re.From, status, from)
				}
				if msg := err.Error(); !strings.Contains(msg, "redirects are not followed") || strings.Contains(msg, "s3cret") {
					t.Errorf("error %q", msg)
				}
				if n := tg.hits.Load(); n != 0 {
					t.Errorf("the redirect's target received %d requests", n)
				}
				if base.CheckRedirect == nil {
					t.Error("the base client was modified")
				}
			})
		}
	}
}

func TestCheckRedirectFollowsOnlyTheSameOrigin(t *testing.T) {
	t.Parallel()
	var hops atomic.Int32
	var self string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if n > 0 {
			hops.Add(1)
			http.Redirect(w, r, self+"/doc?n="+strconv.Itoa(n-1), http.StatusFound)
			return
		}
		io.WriteString(w, "document")
	})
	self = srv.URL
	tg := newTarget(t)
	c := NewClient(nil, Options{})
	c.CheckRedirect = CheckRedirect(3)

	t.Run("same origin, within the limit", func(t *testing.T) {
		body, err := get(t, c, self+"/doc?n=3")
		if err != nil || string(body) != "document" {
			t.Fatalf("got %q, %v; want the document after 3 redirects", body, err)
		}
	})
	t.Run("same origin, over the limit", func(t *testing.T) {
		_, err := get(t, c, self+"/doc?n=4")
		var re *RedirectError
		if !errors.As(err, &re) || re.Followed != 3 {
			t.Fatalf("got %v; want a *RedirectError after 3 redirects", err)
		}
	})
	t.Run("another origin", func(t *testing.T) {
		from := redirector(t, http.StatusTemporaryRedirect, tg.url)
		_, err := get(t, c, from)
		var re *RedirectError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "another origin") {
			t.Fatalf("got %v; want a *RedirectError for another origin", err)
		}
		if n := tg.hits.Load(); n != 0 {
			t.Errorf("the other origin received %d requests", n)
		}
	})
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"https://idp.example/x", "https://idp.example/y?z", true},
		{"https://idp.example/", "https://IDP.example:443/", true},
		{"http://127.0.0.1/", "http://127.0.0.1:80/", true},
		{"https://idp.example/", "http://idp.example/", false},
		{"http://idp.example/", "https://idp.example/", false},
		{"https://idp.example/", "https://idp.example:8443/", false},
		{"https://idp.example/", "https://evil.example/", false},
		{"https://idp.example/", "https://idp.example.evil.example/", false},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8081/", false},
	} {
		a, _ := url.Parse(tc.a)
		b, _ := url.Parse(tc.b)
		if got := sameOrigin(a, b); got != tc.want {
			t.Errorf("sameOrigin(%s, %s) = %v; want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
