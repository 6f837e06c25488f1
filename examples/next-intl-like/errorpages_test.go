package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// href returns the unescaped href of the element with id on page, "" when there is none.
func href(page, id string) string {
	m := regexp.MustCompile(`id="` + id + `" href="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestCancelledLoginShowsALocalizedErrorPageThatLeadsBackToTheLogin(t *testing.T) {
	t.Parallel()
	app := startApp(t, nil)
	for _, loc := range []string{"en", "fr", "de"} {
		t.Run(loc, func(t *testing.T) {
			b := newBrowser(t, loc)
			msgs := messagesFor(loc)
			form, _ := b.navigate(http.MethodGet, app.URL+"/"+loc+"/profile", nil)
			page, _ := b.cancelLogin(form)
			if page.StatusCode != http.StatusBadRequest || page.Request.URL.Path != "/auth/callback" {
				t.Fatalf("Cancel ended with %d at %s, want 400 at the callback", page.StatusCode, page.Request.URL)
			}
			if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			mustContain(t, page.body, `<html lang="`+loc+`">`, `<meta name="viewport"`,
				"<h1 id=\"problem-title\">"+html.EscapeString(msgs.ErrorTitle)+"</h1>",
				html.EscapeString(msgs.ErrRefused), `<code id="problem-code">authorization_error</code>`)
			if got, want := href(page.body, "login-again"), "/auth/login?returnTo="+url.QueryEscape("/"+loc+"/profile"); got != want {
				t.Fatalf("login link %q, want %q", got, want)
			}
			if got := href(page.body, "home"); got != "/"+loc+"/" {
				t.Errorf("home link %q, want /%s/", got, loc)
			}

			// The link starts a new login, which lands on the page the first one was for.
			again, _ := b.navigate(http.MethodGet, app.URL+href(page.body, "login-again"), nil)
			profile, _ := b.submitLogin(again, "Ada Lovelace", "")
			if profile.StatusCode != http.StatusOK || profile.Request.URL.Path != "/"+loc+"/profile" {
				t.Fatalf("logging in again ended with %d at %s", profile.StatusCode, profile.Request.URL)
			}
			mustContain(t, profile.body, `<dd id="sub">demo|ada-lovelace</dd>`)
		})
	}
}

func TestStaleCallbackLinkShowsTheErrorPageInTheCookiesLocale(t *testing.T) {
	t.Parallel()
	app := startApp(t, nil)
	b := newBrowser(t, "en")
	b.get(app.URL + "/de/") // sets the locale cookie
	page := b.get(app.URL + "/auth/callback?state=stale&code=x")
	if page.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", page.StatusCode)
	}
	msgs := messagesFor("de")
	mustContain(t, page.body, `<html lang="de">`, html.EscapeString(msgs.ErrStateExpired),
		`<code id="problem-code">invalid_state</code>`)
	if got := href(page.body, "login-again"); got != "/auth/login" {
		t.Errorf("login link %q, want the plain login route", got)
	}

	res := b.fetch(app.URL + "/auth/callback?state=<stale>&code=x")
	var answer struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(res.body), &answer); err != nil || res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a fetch got %d %q (%v), want the JSON error", res.StatusCode, res.body, err)
	}
	if answer.Error.Code != "invalid_state" {
		t.Errorf("JSON error %+v, want invalid_state", answer.Error)
	}
}

func TestUnknownPathsGetALocalizedNotFoundPage(t *testing.T) {
	t.Parallel()
	app := startApp(t, nil)
	for _, tc := range []struct{ lang, path, wantURL, wantLang string }{
		{"fr", "/fr/nope", "/fr/nope", "fr"},
		{"de", "/de/profile/x", "/de/profile/x", "de"},
		// An unsupported locale is a path like any other: it goes under the negotiated
		// locale, the default one for a Spanish browser, where it has no page.
		{"es", "/es/", "/en/es/", "en"},
		{"fr", "/es/", "/fr/es/", "fr"},
	} {
		b := newBrowser(t, tc.lang)
		page, _ := b.navigate(http.MethodGet, app.URL+tc.path, nil)
		if page.StatusCode != http.StatusNotFound || page.Request.URL.Path != tc.wantURL {
			t.Errorf("%s (%s): %d at %s, want 404 at %s", tc.path, tc.lang, page.StatusCode, page.Request.URL.Path, tc.wantURL)
			continue
		}
		msgs := messagesFor(tc.wantLang)
		mustContain(t, page.body, `<html lang="`+tc.wantLang+`">`, `<meta name="viewport"`,
			html.EscapeString(msgs.NotFoundTitle), html.EscapeString(msgs.NotFoundText))
		if got := href(page.body, "home"); got != "/"+tc.wantLang+"/" {
			t.Errorf("%s: home link %q", tc.path, got)
		}
		if strings.Contains(page.body, "404 page not found") {
			t.Errorf("%s: Go's plain page", tc.path)
		}
	}
}
