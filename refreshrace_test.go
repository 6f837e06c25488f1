package authchain_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
)

// accessTokenRoute asks the access-token route for a token with cookies, and returns the
// status and the token (or the error code).
func accessTokenRoute(t *testing.T, app *testApp, query string, cookies []*http.Cookie) (int, string, []*http.Cookie) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, app.URL+"/auth/access-token"+query, nil)
	if err != nil {
		t.Error(err)
		return 0, "", nil
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, "", nil
	}
	defer resp.Body.Close()
	var body struct {
		Token string
		Error struct{ Code string }
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if body.Token == "" {
		return resp.StatusCode, body.Error.Code, resp.Cookies()
	}
	return resp.StatusCode, body.Token, resp.Cookies()
}

// The four things the requests of one page may ask for at once.
var tokenQueries = []string{
	"",
	"?scope=" + url.QueryEscape("openid profile"),
	"?audience=" + url.QueryEscape("https://billing.example.com"),
	"?audience=" + url.QueryEscape("https://orders.example.com") + "&scope=" + url.QueryEscape("openid email"),
}

func TestConcurrentRefreshesForDifferentTokensSpendTheRefreshTokenOnce(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{}) // the provider detects reuse, with no grace period
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.Advance(11 * time.Minute)
	u, _ := url.Parse(app.URL)
	cookies := b.Jar.Cookies(u)

	const n = 20
	statuses, results := make([]int, n), make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			statuses[i], results[i], _ = accessTokenRoute(t, app, tokenQueries[i%len(tokenQueries)], cookies)
		})
	}
	close(start)
	wg.Wait()
	if reuses := app.IdP.RefreshTokenReuses(); reuses != 0 {
		t.Errorf("the provider saw %d refresh-token reuses and revoked the family", reuses)
	}
	for i := range n {
		if statuses[i] != http.StatusOK {
			t.Errorf("request %d (%q): %d %s", i, tokenQueries[i%len(tokenQueries)], statuses[i], results[i])
		}
	}
	for i := len(tokenQueries); i < n; i++ {
		if results[i] != results[i%len(tokenQueries)] {
			t.Errorf("requests %d and %d asked for the same token and got different ones", i, i%len(tokenQueries))
		}
	}
	if got := refreshes(app); got != len(tokenQueries) {
		t.Errorf("%d refreshes, want one per audience and scope (%d)", got, len(tokenQueries))
	}
}

func TestRequestFollowingARotationSavesTheEarlierTokensToo(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.Advance(11 * time.Minute)
	u, _ := url.Parse(app.URL)
	old := b.Jar.Cookies(u)

	// The first request refreshes the default token; the second still carries the old
	// refresh token and needs a token for another audience.
	status, first, _ := accessTokenRoute(t, app, "", old)
	if status != http.StatusOK {
		t.Fatalf("first request: %d %s", status, first)
	}
	status, billing, saved := accessTokenRoute(t, app, "?audience="+url.QueryEscape("https://billing.example.com"), old)
	if status != http.StatusOK {
		t.Fatalf("request with the rotated-out refresh token: %d %s", status, billing)
	}
	// The session the second request saved holds both refreshes' tokens and the newest
	// refresh token: the default token needs no refresh, and the next refresh works.
	next := newBrowser(t, true)
	next.Jar.SetCookies(u, old)
	next.Jar.SetCookies(u, saved)
	if _, tok := next.get(app.URL + "/token"); tok != first {
		t.Errorf("the saved session lacks the first request's token: got %.12q", tok)
	}
	if got := refreshes(app); got != 2 {
		t.Errorf("%d refreshes, want 2", got)
	}
	app.IdP.Advance(11 * time.Minute) // past the refresher's memory
	if _, tok := next.get(app.URL + "/token"); strings.HasPrefix(tok, "error") || tok == first {
		t.Errorf("a refresh with the saved session: %q", tok)
	}
	if reuses := app.IdP.RefreshTokenReuses(); reuses != 0 {
		t.Errorf("%d refresh-token reuses", reuses)
	}
}

func TestFailedRefreshAfterFollowingARotationSavesTheEarlierTokens(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{})
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.Advance(11 * time.Minute)
	u, _ := url.Parse(app.URL)
	old := b.Jar.Cookies(u)

	status, first, _ := accessTokenRoute(t, app, "", old)
	if status != http.StatusOK {
		t.Fatalf("first request: %d %s", status, first)
	}
	// The second request follows the first one's rotation, then its own refresh fails.
	app.IdP.FailNext(oidctest.EndpointToken, 1, oidctest.HTTPStatus(http.StatusServiceUnavailable))
	status, code, saved := accessTokenRoute(t, app, "?audience="+url.QueryEscape("https://billing.example.com"), old)
	if status != http.StatusUnauthorized || code != "failed_to_refresh_token" {
		t.Fatalf("a failed refresh: %d %s", status, code)
	}
	// Past the refresher's memory, within the first token's lifetime.
	app.IdP.Advance(31 * time.Second)
	next := newBrowser(t, true)
	next.Jar.SetCookies(u, old)
	next.Jar.SetCookies(u, saved)
	if _, tok := next.get(app.URL + "/token"); tok != first {
		t.Errorf("the session saved by the failed request lacks the first request's token: got %.12q", tok)
	}
	app.IdP.Advance(11 * time.Minute)
	if _, tok := next.get(app.URL + "/token"); strings.HasPrefix(tok, "error") || tok == first {
		t.Errorf("a refresh with the saved session: %q", tok)
	}
	if reuses := app.IdP.RefreshTokenReuses(); reuses != 0 {
		t.Errorf("%d refresh-token reuses", reuses)
	}
}
