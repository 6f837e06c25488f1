package mw

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

const testEndSessionURL = "https://idp.test/logout?client_id=" + testClientID

// signedInWithLoginInProgress returns a browser with a session and a transaction cookie.
func signedInWithLoginInProgress(rt *routes) *browser {
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	rt.startLogin(b, rt.login(), "")
	if !b.has(testSessionCookie) || !b.has(DefaultTransactionPrefix) {
		rt.t.Fatalf("setup: cookies %v", b.cookies)
	}
	return b
}

func TestLogoutEndsTheSessionAndSendsTheBrowserToTheProvider(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.logoutTarget = testEndSessionURL
	b := signedInWithLoginInProgress(rt)
	res := b.get(rt.logout(), "/auth/logout?returnTo=/goodbye")
	if res.Code != http.StatusFound || res.Header().Get("Location") != testEndSessionURL {
		t.Errorf("%d to %q, want 302 to the provider's logout", res.Code, res.Header().Get("Location"))
	}
	if res.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", res.Header().Get("Cache-Control"))
	}
	if len(b.cookies) != 0 {
		t.Errorf("after logout the browser holds %v", b.cookies)
	}
	want := provider.LogoutRequest{ReturnTo: testAppURL + "/goodbye", IDTokenHint: "idt-1", LogoutHint: "sid-1"}
	if len(rt.idp.logouts) != 1 || rt.idp.logouts[0] != want {
		t.Errorf("LogoutURL got %+v, want %+v", rt.idp.logouts, want)
	}
	if len(rt.idp.revoked) != 1 || rt.idp.revoked[0] != "rt-1" {
		t.Errorf("revoked %q, want the session's refresh token", rt.idp.revoked)
	}
}

func TestLogoutGivesTheProviderAnAbsoluteReturnTo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, returnTo, want string }{
		{testAppURL, "", testAppURL},
		{testAppURL, "/bye?x=1", testAppURL + "/bye?x=1"},
		{testAppURL + "/app/", "bye", testAppURL + "/app/bye"},
		{testAppURL + "/app/", "", testAppURL + "/app/"},
		{testAppURL, "javascript:alert(1)", testAppURL},
	} {
		rt := newRoutes(t)
		rt.idp.logoutTarget = testEndSessionURL
		base, err := url.Parse(tc.base)
		if err != nil {
			t.Fatal(err)
		}
		newBrowser().get(rt.logout(func(o *LogoutOptions) { o.AppBaseURL = base }), "/auth/logout?returnTo="+url.QueryEscape(tc.returnTo))
		if len(rt.idp.logouts) != 1 || rt.idp.logouts[0].ReturnTo != tc.want {
			t.Errorf("base %s, returnTo %q: the provider got %+v, want %q", tc.base, tc.returnTo, rt.idp.logouts, tc.want)
		}
	}
}

func TestLogoutContinuesWhenRevocationFails(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.logoutTarget = testEndSessionURL
	rt.idp.revokeErr = fmt.Errorf("%w: revocation endpoint: 503", provider.ErrUnavailable)
	b := signedInWithLoginInProgress(rt)
	res := b.get(rt.logout(), "/auth/logout")
	if res.Code != http.StatusFound || res.Header().Get("Location") != testEndSessionURL || len(b.cookies) != 0 {
		t.Errorf("%d to %q, cookies %v; want the logout to complete", res.Code, res.Header().Get("Location"), b.cookies)
	}
}

func TestLogoutRevokesNothingWithoutARefreshToken(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	s := signedInSession(rt.clk.now)
	s.TokenSet.RefreshToken = ""
	rt.signIn(b, s)
	b.get(rt.logout(), "/auth/logout")
	if len(rt.idp.revoked) != 0 {
		t.Errorf("revoked %q", rt.idp.revoked)
	}
	if len(rt.idp.logouts) != 1 || rt.idp.logouts[0].IDTokenHint != "idt-1" {
		t.Errorf("LogoutURL got %+v, want the ID token hint", rt.idp.logouts)
	}
}

func TestLogoutOfASignedOutBrowserStillRedirects(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.logoutTarget = testEndSessionURL
	b := newBrowser()
	b.cookies[testSessionCookie] = "tampered"
	res := b.get(rt.logout(), "/auth/logout")
	if res.Code != http.StatusFound || res.Header().Get("Location") != testEndSessionURL {
		t.Errorf("%d to %q, want 302 to the provider's logout", res.Code, res.Header().Get("Location"))
	}
	if len(b.cookies) != 0 {
		t.Errorf("a cookie that is no session was kept: %v", b.cookies)
	}
	if len(rt.idp.revoked) != 0 || len(rt.idp.logouts) != 1 || rt.idp.logouts[0].IDTokenHint != "" {
		t.Errorf("revoked %q, logout %+v; want no revocation and no hint", rt.idp.revoked, rt.idp.logouts)
	}
}

func TestLocalLogoutReturnsOnlyToTheApplication(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, base, returnTo, want string }{
		{"path", testAppURL, "/goodbye?x=1", "/goodbye?x=1"},
		{"absolute on the origin", testAppURL, testAppURL + "/goodbye", "/goodbye"},
		{"none", testAppURL, "", "/"},
		{"other host", testAppURL, "https://evil.test/", "/"},
		{"network-path reference", testAppURL, "//evil.test", "/"},
		{"backslash", testAppURL, `/\evil.test`, "/"},
		{"other scheme", testAppURL, "javascript:alert(1)", "/"},
		{"none, base path", testAppURL + "/app/", "", "/app/"},
		{"other host, base path", testAppURL + "/app/", "https://evil.test/", "/app/"},
		{"relative, base path", testAppURL + "/app/", "goodbye", "/app/goodbye"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			base, err := url.Parse(tc.base)
			if err != nil {
				t.Fatal(err)
			}
			b := signedInWithLoginInProgress(rt)
			res := b.get(rt.logout(func(o *LogoutOptions) { o.AppBaseURL = base }), "/auth/logout?returnTo="+url.QueryEscape(tc.returnTo))
			if res.Code != http.StatusFound || res.Header().Get("Location") != tc.want {
				t.Errorf("%d to %q, want 302 to %q", res.Code, res.Header().Get("Location"), tc.want)
			}
			if len(b.cookies) != 0 {
				t.Errorf("after logout the browser holds %v", b.cookies)
			}
		})
	}
}

func TestLogoutClearsTheSessionEvenWhenTheProviderFails(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	rt.idp.logoutErr = fmt.Errorf("%w: discovery", provider.ErrUnavailable)
	b := signedInWithLoginInProgress(rt)
	res := b.get(rt.logout(), "/auth/logout")
	if res.Code != http.StatusBadGateway || res.Header().Get("Location") != "" {
		t.Errorf("%d to %q, want 502 without a redirect", res.Code, res.Header().Get("Location"))
	}
	if len(b.cookies) != 0 {
		t.Errorf("the browser still holds %v", b.cookies)
	}
	if !strings.Contains(res.Body.String(), "signed out") {
		t.Errorf("the page does not say the user is signed out: %s", res.Body)
	}
}

func TestLogoutByPost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, query, form, fetchSite, want string
	}{
		{"returnTo in the form", "", "returnTo=%2Fform", "same-origin", "/form"},
		{"form over query", "?returnTo=%2Fquery", "returnTo=%2Fform", "same-origin", "/form"},
		{"returnTo in the query", "?returnTo=%2Fquery", "", "same-origin", "/query"},
		{"typed into the address bar", "", "returnTo=%2Fform", "none", "/form"},
		{"no fetch metadata", "", "returnTo=%2Fform", "", "/form"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := signedInWithLoginInProgress(rt)
			r := b.request(http.MethodPost, "/auth/logout"+tc.query, strings.NewReader(tc.form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.fetchSite != "" {
				r.Header.Set("Sec-Fetch-Site", tc.fetchSite)
			}
			res := b.do(rt.logout(), r)
			if res.Code != http.StatusSeeOther || res.Header().Get("Location") != tc.want {
				t.Errorf("%d to %q, want 303 to %q", res.Code, res.Header().Get("Location"), tc.want)
			}
			if len(b.cookies) != 0 || len(rt.idp.revoked) != 1 {
				t.Errorf("cookies %v, revoked %q; want the logout done", b.cookies, rt.idp.revoked)
			}
		})
	}
}

func TestLogoutAnotherSiteAskedForChangesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method string
		header       map[string]string
	}{
		{"cross-site GET", http.MethodGet, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"cross-site GET, odd case", http.MethodGet, map[string]string{"Sec-Fetch-Site": " Cross-Site "}},
		{"cross-site POST", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"same-site POST", http.MethodPost, map[string]string{"Sec-Fetch-Site": "same-site"}},
		{"POST from another origin without fetch metadata", http.MethodPost, map[string]string{"Origin": "https://evil.test"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			rt.idp.logoutTarget = testEndSessionURL
			b := signedInWithLoginInProgress(rt)
			before := len(b.cookies)
			r := b.request(tc.method, "/auth/logout?returnTo="+url.QueryEscape(`/x"><script>alert(1)</script>`), nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			res := b.do(rt.logout(), r)
			if res.Code != http.StatusOK || res.Header().Get("Location") != "" {
				t.Errorf("%d to %q, want the 200 confirmation page", res.Code, res.Header().Get("Location"))
			}
			if len(res.Header().Values("Set-Cookie")) != 0 || len(b.cookies) != before {
				t.Errorf("a logout from another site changed cookies: %v", res.Header().Values("Set-Cookie"))
			}
			if _, _, logouts, revoked, _ := rt.idp.calls(); logouts+revoked != 0 {
				t.Errorf("a logout from another site reached the provider: %d logout URLs, %d revocations", logouts, revoked)
			}
			body := res.Body.String()
			if !strings.Contains(body, `<form method="post">`) || !strings.Contains(body, `name="returnTo"`) {
				t.Errorf("the page has no form that posts the logout with returnTo: %s", body)
			}
			if strings.Contains(body, "<script>") {
				t.Errorf("the page shows returnTo unescaped: %s", body)
			}
			if res.Header().Get("X-Frame-Options") != "DENY" || !strings.Contains(res.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Errorf("the page may be framed: %v", res.Header())
			}
		})
	}
}

func TestLogoutRefusesAMalformedPost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, body string }{
		{"bad encoding", "returnTo=%zz"},
		{"too large", "returnTo=/" + strings.Repeat("a", maxLogoutForm)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := signedInWithLoginInProgress(rt)
			before := len(b.cookies)
			r := b.request(http.MethodPost, "/auth/logout", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			res := b.do(rt.logout(), r)
			if res.Code != http.StatusBadRequest || len(b.cookies) != before {
				t.Errorf("%d, cookies %v; want 400 and nothing changed", res.Code, b.cookies)
			}
			if _, _, logouts, revoked, _ := rt.idp.calls(); logouts+revoked != 0 {
				t.Error("a malformed logout reached the provider")
			}
		})
	}
}

func TestLogoutRefusesOtherMethods(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := signedInWithLoginInProgress(rt)
	res := b.do(rt.logout(), b.request(http.MethodDelete, "/auth/logout", nil))
	if res.Code != http.StatusMethodNotAllowed || res.Header().Get("Allow") != "GET, POST" {
		t.Errorf("DELETE: %d, Allow %q; want 405, Allow GET, POST", res.Code, res.Header().Get("Allow"))
	}
	if !b.has(testSessionCookie) {
		t.Error("a refused method logged out")
	}
}

// failingRecords cannot be read, as logout records in Redis during an outage.
type failingRecords struct{}

func (failingRecords) RecordLogout(context.Context, session.LogoutRecord, time.Time) error {
	return session.ErrUnavailable
}

func (failingRecords) LoggedOut(context.Context, string, string, time.Time) (bool, error) {
	return false, session.ErrUnavailable
}

// TestLogoutDuringAnOutageOfTheLogoutRecordsDeletesTheCookies: when the logout records cannot be
// read (fail-closed), the session's cookies are still deleted: a user can always log out.
func TestLogoutDuringAnOutageOfTheLogoutRecordsDeletesTheCookies(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	writer := newManager(t, clk)
	r := signedIn(t, writer, clk)
	m, err := session.NewStateless(session.StatelessConfig{Secret: testSecret, Now: clk.Now, LogoutRecords: failingRecords{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Load(context.Background(), r); err == nil {
		t.Fatal("the manager reads the session although its records cannot be read")
	}
	codec, err := session.NewCodec(session.PurposeTransaction, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://app.example.com")
	logout := NewLogout(LogoutOptions{Provider: &fakeProvider{}, Sessions: m, AppBaseURL: base,
		Transactions: NewTransactionStore(TransactionStoreOptions{Codec: codec, Now: clk.Now})})
	rec := httptest.NewRecorder()
	logout.ServeHTTP(rec, r)
	if rec.Code != http.StatusFound || !strings.Contains(strings.Join(rec.Header().Values("Set-Cookie"), "\n"), "__session=; Path=/;") || !strings.Contains(strings.Join(rec.Header().Values("Set-Cookie"), "\n"), "Max-Age=0") {
		t.Errorf("logout during the outage: %d %v; want a redirect deleting the session cookie", rec.Code, rec.Header().Values("Set-Cookie"))
	}
}
