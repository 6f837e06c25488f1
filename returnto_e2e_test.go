package authchain_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/internal/returnto/returntotest"
	"github.com/authchain/authchain/oidctest"
)

// landing walks a login with returnTo set to raw in a fresh browser that does not follow
// redirects (login route, provider, callback) and returns where the callback sends it.
func landing(t *testing.T, app *testApp, loginPath, raw string) string {
	t.Helper()
	b := newBrowser(t, false)
	resp, body := b.get(app.URL + loginPath + "?returnTo=" + url.QueryEscape(raw))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	resp, body = b.get(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize: %d %s", resp.StatusCode, body)
	}
	resp, body = b.get(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d %s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// mountedApp is an application whose AppBaseURL has the path /app, with defaultReturnTo as
// its SignInReturnToPath.
func mountedApp(t *testing.T, defaultReturnTo string) *testApp {
	return newTestApp(t, appOptions{
		config: func(c *authchain.Config) {
			c.AppBaseURL += "/app"
			c.SignInReturnToPath = defaultReturnTo
		},
		register: func(c *oidctest.Client) {
			c.RedirectURIs = []string{strings.TrimSuffix(c.RedirectURIs[0], "/auth/callback") + "/app/auth/callback"}
		},
	})
}

func TestReturnToHostilePayloadsLandHome(t *testing.T) {
	t.Parallel()
	payloads := returntotest.Load(t, "internal/returnto/testdata/hostile.txt")
	if len(payloads) < 200 {
		t.Fatalf("only %d hostile payloads", len(payloads))
	}
	root := newTestApp(t, appOptions{})
	home := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.SignInReturnToPath = "/home?from=login" }})
	mounted := mountedApp(t, "") // the default SignInReturnToPath is the base path
	for _, p := range payloads {
		t.Run(fmt.Sprintf("line %d %q", p.Line, p.Raw), func(t *testing.T) {
			t.Parallel()
			if got := landing(t, root, "/auth/login", p.Raw); got != "/" {
				t.Errorf("returnTo %q (hostile.txt:%d) lands on %q, want /", p.Raw, p.Line, got)
			}
			if got := landing(t, home, "/auth/login", p.Raw); got != "/home?from=login" {
				t.Errorf("returnTo %q (hostile.txt:%d) with SignInReturnToPath /home?from=login lands on %q", p.Raw, p.Line, got)
			}
			if strings.HasSuffix(p.Base, "/app/") {
				if got := landing(t, mounted, "/app/auth/login", p.Raw); got != "/app/" {
					t.Errorf("returnTo %q (hostile.txt:%d) under /app lands on %q, want /app/", p.Raw, p.Line, got)
				}
			}
		})
	}
}

func TestReturnToOwnPagesKept(t *testing.T) {
	t.Parallel()
	root := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.SignInReturnToPath = "/home" }})
	for _, tc := range []struct{ returnTo, want string }{
		{"/dashboard", "/dashboard"},
		{"/a?b=c#d", "/a?b=c#d"},
		{"foo/bar", "/foo/bar"},
		{"./foo", "/foo"},
		{"?tab=2", "/?tab=2"},
		{"/", "/"},
		{"/dashboard/", "/dashboard/"},
		{"/search?q=https://evil.com", "/search?q=https://evil.com"},
		{"/caf%C3%A9?q=%E2%9C%93", "/caf%C3%A9?q=%E2%9C%93"},
		{root.URL + "/x/y?z=1#f", "/x/y?z=1#f"},
		{root.URL, "/"},
		{"", "/home"},
		{"//evil.com", "/home"},
	} {
		t.Run(tc.returnTo, func(t *testing.T) {
			if got := landing(t, root, "/auth/login", tc.returnTo); got != tc.want {
				t.Errorf("returnTo %q lands on %q, want %q", tc.returnTo, got, tc.want)
			}
		})
	}

	mounted := mountedApp(t, "/app/")
	for _, tc := range []struct{ returnTo, want string }{
		{"dashboard", "/app/dashboard"},
		{"/app/reports?year=2024#q1", "/app/reports?year=2024#q1"},
		{"", "/app/"},
		{"..//evil.com", "/app/"},
	} {
		t.Run("under /app "+tc.returnTo, func(t *testing.T) {
			if got := landing(t, mounted, "/app/auth/login", tc.returnTo); got != tc.want {
				t.Errorf("returnTo %q lands on %q, want %q", tc.returnTo, got, tc.want)
			}
		})
	}

	t.Run("signed in on the page", func(t *testing.T) {
		b := newBrowser(t, true)
		resp, body := root.login(b, "/reports?year=2024")
		if resp.StatusCode != http.StatusOK || body != "user: "+oidctest.DefaultUser().Subject+" path: /reports" || resp.Request.URL.RawQuery != "year=2024" {
			t.Errorf("after login: %d %q at %s", resp.StatusCode, body, resp.Request.URL)
		}
	})
}
