package authchain_test

import (
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
)

// cookieHeader returns the Cookie header a browser sends with cookies.
func cookieHeader(cookies []*http.Cookie) string {
	pairs := make([]string, len(cookies))
	for i, c := range cookies {
		pairs[i] = c.Name + "=" + c.Value
	}
	return "Cookie: " + strings.Join(pairs, "; ")
}

// parallelLogins sends n logins at once, each carrying the cookies jar holds for the app now,
// and returns their responses in the order they were sent.
func parallelLogins(t *testing.T, app *testApp, jar http.CookieJar, n int) []*http.Response {
	t.Helper()
	u, _ := url.Parse(app.URL)
	carried := jar.Cookies(u)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	responses := make([]*http.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, app.URL+"/auth/login?returnTo=/tab/"+strconv.Itoa(i), nil)
			if err != nil {
				errs[i] = err
				return
			}
			for _, c := range carried {
				req.AddCookie(c)
			}
			resp, err := client.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			_ = resp.Body.Close()
			responses[i] = resp
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
		if responses[i].StatusCode != http.StatusFound {
			t.Fatalf("login %d: %d", i, responses[i].StatusCode)
		}
	}
	return responses
}

// A browser restoring many tabs starts many logins at once, each request carrying the same
// cookies, and applies their Set-Cookie headers in whatever order the responses arrive.
func TestParallelLoginsKeepTheCookieHeaderSmall(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	u, _ := url.Parse(app.URL)
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, []*http.Cookie{{Name: "prefs", Value: strings.Repeat("p", 4800), Path: "/"}}) // as large as a big session
	rng := rand.New(rand.NewPCG(8, 50))
	var all []*http.Response
	for round := range 3 {
		responses := parallelLogins(t, app, jar, 50)
		all = append(all, responses...)
		rng.Shuffle(len(responses), func(i, j int) { responses[i], responses[j] = responses[j], responses[i] })
		for _, resp := range responses {
			jar.SetCookies(u, resp.Cookies())
		}
		if h := cookieHeader(jar.Cookies(u)); len(h) >= 8<<10 {
			t.Fatalf("round %d: after 50 parallel logins the Cookie header is %d bytes (%d cookies)", round, len(h), len(jar.Cookies(u)))
		}
	}

	// A login whose transaction cookie the browser kept completes.
	var kept *http.Cookie
	for _, c := range jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "__txn_") {
			kept = c
		}
	}
	if kept == nil {
		t.Fatal("no transaction cookie left: no login can complete")
	}
	var started *http.Response
	for _, resp := range all {
		for _, c := range resp.Cookies() {
			if c.Name == kept.Name && c.Value == kept.Value {
				started = resp
			}
		}
	}
	b := newBrowser(t, false)
	b.Jar = jar
	resp, body := b.get(started.Header.Get("Location"))
	callback := resp.Header.Get("Location")
	if callback == "" {
		t.Fatalf("the provider did not redirect back: %d %s", resp.StatusCode, body)
	}
	resp, body = b.get(callback)
	want := mustQuery(t, started.Request.URL.String(), "returnTo")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatalf("callback: %d %q %s, want a redirect to %s", resp.StatusCode, resp.Header.Get("Location"), body, want)
	}
	checkSignedInAs(t, app, b, "oidctest|default")
	for _, c := range jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "__txn_") {
			t.Errorf("transaction cookie %s left after a completed login", c.Name)
		}
	}
}

func TestLoginTooLargeToRemember(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})

	// A returnTo too long for the transaction cookie is dropped: the login lands on the default.
	b := newBrowser(t, false)
	long := "/search?q=" + strings.Repeat("x", 3000)
	f := beginLogin(t, app, b, url.Values{"returnTo": {long}}.Encode())
	if c := loginTxnCookie(f.login); len(c.Name)+1+len(c.Value) > mw.MaxTransactionCookieBytes {
		t.Errorf("a %d-byte returnTo made a transaction cookie of %d bytes", len(long), len(c.Name)+1+len(c.Value))
	}
	resp, _ := b.get(f.visitProvider(t, b))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Errorf("callback: %d %q, want the default returnTo /", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Authorization parameters that cannot fit refuse the login.
	b = newBrowser(t, false)
	resp, body := b.get(app.URL + "/auth/login?" + url.Values{"scope": {"openid " + strings.Repeat("read:x ", 200)}}.Encode())
	checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_request")
	if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Errorf("a refused login set cookies: %q", sc)
	}
}

// The format "nextjs" bounds the transaction cookies as the original does, by evicting the
// oldest the login's request carries: logins sent at once carry none of each other's cookies,
// so each adds one, which is why that format is not the default. The next login started after
// them brings the total back under the original's cap.
func TestParallelLoginsInTheNextJSFormatGrowTheCookieHeader(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: func(c *authchain.Config) {
		c.TransactionCookie.Format = mw.TransactionFormatNextJS
	}})
	u, _ := url.Parse(app.URL)
	jar, _ := cookiejar.New(nil)
	txnBytes := func() (n, count int) {
		for _, c := range jar.Cookies(u) {
			if strings.HasPrefix(c.Name, "__txn_") {
				n, count = n+len(c.Name)+1+len(c.Value)-len("%3A")+1, count+1
			}
		}
		return n, count
	}
	for _, resp := range parallelLogins(t, app, jar, 20) {
		jar.SetCookies(u, resp.Cookies())
	}
	if n, count := txnBytes(); count != 20 || n < 8<<10 {
		t.Fatalf("20 parallel logins left %d transaction cookies of %d bytes, want 20 over 8 KB", count, n)
	}
	for _, resp := range parallelLogins(t, app, jar, 1) {
		jar.SetCookies(u, resp.Cookies())
	}
	if n, count := txnBytes(); n >= mw.MaxNextJSTransactionBytes || count == 0 {
		t.Fatalf("the next login left %d transaction cookies of %d bytes, want fewer than %d bytes", count, n, mw.MaxNextJSTransactionBytes)
	}
}
