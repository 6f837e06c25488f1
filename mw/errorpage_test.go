package mw

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/authchain/authchain/provider"
)

// linkHref returns the unescaped href of the element with id on page, "" when there is none.
func linkHref(page, id string) string {
	m := regexp.MustCompile(`id="` + id + `" href="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestErrorPageOfAFailedLoginLeadsBackToItsReturnTo(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	state := rt.startLogin(b, rt.login(), "returnTo="+url.QueryEscape("/after?x=1&y=2")).Get("state")
	res := b.get(rt.callback(), callbackURL(url.Values{
		"state": {state}, "error": {"access_denied"}, "error_description": {`<img src=x onerror="alert(1)">`},
	}))
	if res.Code != http.StatusBadRequest {
		t.Errorf("status %d, want 400", res.Code)
	}
	h := res.Header()
	if h.Get("Cache-Control") != "no-store" || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Errorf("headers %v, want an HTML page with Cache-Control: no-store", h)
	}
	page := res.Body.String()
	for _, want := range []string{
		`<html lang="en">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		"<h1>", "<style>",
		`<code>authorization_error</code>`,
		"access_denied (&lt;img src=x onerror=&#34;alert(1)&#34;&gt;)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<img") || strings.Contains(page, "<link") || strings.Contains(page, "<script") {
		t.Errorf("the page has an element from the request or an external asset:\n%s", page)
	}
	if got, want := linkHref(page, "login-again"), "/auth/login?returnTo="+url.QueryEscape("/after?x=1&y=2"); got != want {
		t.Errorf("login link %q, want %q", got, want)
	}
	if got := linkHref(page, "home"); got != "/" {
		t.Errorf("home link %q, want /", got)
	}
}

func TestErrorPageOfAStaleCallbackLinksToAPlainLogin(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.startLogin(b, rt.login(), "returnTo=/after")
	res := b.get(rt.callback(), callbackURL(url.Values{"state": {"stale"}, "code": {"x"}}))
	page := res.Body.String()
	if res.Code != http.StatusBadRequest || !strings.Contains(page, `<code>invalid_state</code>`) {
		t.Errorf("%d %s, want 400 invalid_state", res.Code, page)
	}
	if got := linkHref(page, "login-again"); got != "/auth/login" {
		t.Errorf("login link %q, want /auth/login", got)
	}
}

func TestErrorPageHomeIsTheApplicationsBasePath(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.base, _ = url.Parse(testAppURL + "/app/")
	for name, h := range map[string]http.Handler{
		"login":  rt.login(),
		"logout": rt.logout(),
	} {
		b := newBrowser()
		r := b.request(http.MethodGet, "/app/auth/login?scope=profile", nil)
		if name == "logout" {
			r = b.request(http.MethodPost, "/app/auth/logout", strings.NewReader("%zz"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res := b.do(h, r)
		if got := linkHref(res.Body.String(), "home"); res.Code != http.StatusBadRequest || got != "/app/" {
			t.Errorf("%s: %d, home link %q, want 400 and /app/", name, res.Code, got)
		}
	}
}

func TestErrorPageAnswersJSONToARequestThatPrefersIt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		accept string
		json   bool
	}{
		{"application/json", true},
		{"application/json, text/html;q=0.5", true},
		{"application/*", true},
		{"text/html;q=0, */*", true},
		{"", false},
		{"*/*", false},
		{"text/html, application/json", false},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"application/json;q=0.5, text/*", false},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := newBrowser()
			r := b.request(http.MethodGet, callbackURL(url.Values{"state": {"stale"}}), nil)
			r.Header.Set("Accept", tc.accept)
			res := b.do(rt.callback(), r)
			if res.Code != http.StatusBadRequest || res.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%d %v, want 400 with Cache-Control: no-store", res.Code, res.Header())
			}
			isJSON := strings.HasPrefix(res.Header().Get("Content-Type"), "application/json")
			if isJSON != tc.json {
				t.Fatalf("Content-Type %q, want JSON: %v", res.Header().Get("Content-Type"), tc.json)
			}
			if !tc.json {
				return
			}
			var body errorBody
			if err := json.Unmarshal(res.Body.Bytes(), &body); err != nil {
				t.Fatalf("%v: %s", err, res.Body)
			}
			if body.Error.Code != CodeInvalidState || body.Error.Message == "" {
				t.Errorf("body %+v, want invalid_state and a message", body)
			}
		})
	}
}

// recordErrorPage returns an ErrorPages whose page records what it is given and answers 418.
func recordErrorPage(got *[]ErrorPageData) ErrorPages {
	return ErrorPages{
		LoginPath: "/app/auth/login", HomePath: "/app/",
		Page: func(w http.ResponseWriter, _ *http.Request, e ErrorPageData) {
			*got = append(*got, e)
			w.WriteHeader(http.StatusTeapot)
			fmt.Fprint(w, "custom page")
		},
	}
}

func TestErrorPageHookReplacesThePageOfEveryRoute(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		run  func(rt *routes, pages ErrorPages) *httptest.ResponseRecorder
		want ErrorPageData
	}{
		{"login refused", func(rt *routes, pages ErrorPages) *httptest.ResponseRecorder {
			login := rt.login(func(o *LoginOptions) { o.ErrorPages = pages })
			return newBrowser().get(login, "/auth/login?scope=profile&returnTo=%2Freport")
		}, ErrorPageData{Status: 400, Code: "invalid_request", Message: "The scope must include openid.",
			LoginURL: "/app/auth/login?returnTo=%2Freport", HomeURL: "/app/"}},
		{"login with a foreign returnTo", func(rt *routes, pages ErrorPages) *httptest.ResponseRecorder {
			rt.idp.authorizeErr = fmt.Errorf("%w: discovery", provider.ErrUnavailable)
			login := rt.login(func(o *LoginOptions) { o.ErrorPages = pages })
			return newBrowser().get(login, "/auth/login?returnTo=https%3A%2F%2Fevil.test%2F")
		}, ErrorPageData{Status: 502, Code: "provider_unavailable",
			Message:  "The identity provider could not be reached. Please try again.",
			LoginURL: "/app/auth/login", HomeURL: "/app/"}},
		{"callback", func(rt *routes, pages ErrorPages) *httptest.ResponseRecorder {
			b := newBrowser()
			state := rt.startLogin(b, rt.login(), "returnTo=/report").Get("state")
			cb := rt.callback(func(o *CallbackOptions) { o.ErrorPages = pages })
			return b.get(cb, callbackURL(url.Values{"state": {state}, "error": {"access_denied"}}))
		}, ErrorPageData{Status: 400, Code: CodeAuthorizationError,
			Message:  "The identity provider refused the login: access_denied",
			LoginURL: "/app/auth/login?returnTo=%2Freport", HomeURL: "/app/"}},
		{"logout", func(rt *routes, pages ErrorPages) *httptest.ResponseRecorder {
			rt.idp.logoutErr = fmt.Errorf("%w: discovery", provider.ErrUnavailable)
			lo := rt.logout(func(o *LogoutOptions) { o.ErrorPages = pages })
			b := newBrowser()
			rt.signIn(b, signedInSession(rt.clk.now))
			return b.get(lo, "/auth/logout")
		}, ErrorPageData{Status: 502, Code: "provider_unavailable",
			Message:  "You are signed out of this application, but the identity provider could not be reached.",
			LoginURL: "/app/auth/login", HomeURL: "/app/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []ErrorPageData
			res := tc.run(newRoutes(t), recordErrorPage(&got))
			if res.Code != http.StatusTeapot || res.Body.String() != "custom page" {
				t.Errorf("%d %q, want the hook's answer", res.Code, res.Body)
			}
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("the hook got %+v, want %+v", got, tc.want)
			}
		})
	}
}
