package main

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
)

// testClock is the app's clock in a test: the real time, moved on by advance.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// testServer is the app built by newServer, served by httptest.
type testServer struct {
	*server
	URL   string
	clock *testClock
}

// startApp serves the app with the environment env on a loopback port.
func startApp(t *testing.T, env map[string]string) *testServer {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	app := &testServer{URL: "http://" + ts.Listener.Addr().String(), clock: &testClock{}}
	srv, err := newServer(setup{getenv: func(k string) string { return env[k] }, defaultBase: app.URL, now: app.clock.now})
	if err != nil {
		ts.Close()
		t.Fatal(err)
	}
	app.server = srv
	ts.Config.Handler = srv.handler
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return app
}

// advance moves the app's clock, and the demo provider's, forward by d.
func (a *testServer) advance(d time.Duration) {
	a.clock.advance(d)
	if a.idp != nil {
		a.idp.Advance(d)
	}
}

// browser is a user agent with a cookie jar that follows redirects one by one.
type browser struct {
	t      *testing.T
	client *http.Client
	lang   string // Accept-Language
}

func newBrowser(t *testing.T, lang string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, lang: lang, client: &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is one response with its body read.
type response struct {
	*http.Response
	body string
}

// send makes one request: a page navigation when accept is text/html, else a fetch.
func (b *browser) send(method, target, accept string, form url.Values) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, target, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Language", b.lang)
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return response{Response: res, body: string(raw)}
}

// get fetches target as a page, without following a redirect.
func (b *browser) get(target string) response {
	b.t.Helper()
	return b.send(http.MethodGet, target, "text/html", nil)
}

// fetch fetches target as a script does, asking for JSON.
func (b *browser) fetch(target string) response {
	b.t.Helper()
	return b.send(http.MethodGet, target, "application/json", nil)
}

// navigate requests target as a page (a form submission when form is not nil) and follows the
// redirects. It returns the last response and every response on the way, the last included.
func (b *browser) navigate(method, target string, form url.Values) (response, []response) {
	b.t.Helper()
	var hops []response
	for range 10 {
		res := b.send(method, target, "text/html", form)
		hops = append(hops, res)
		loc, err := res.Location()
		if err != nil {
			return res, hops
		}
		if res.StatusCode == http.StatusTemporaryRedirect && method != http.MethodGet {
			b.t.Fatalf("%s %s: a 307 would repeat the %s", method, target, method)
		}
		method, target, form = http.MethodGet, loc.String(), nil
	}
	b.t.Fatalf("more than 10 redirects from %s", target)
	return response{}, nil
}

var (
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// submitLogin fills in the provider's login form on page and submits it.
func (b *browser) submitLogin(page response, name, email string) (response, []response) {
	b.t.Helper()
	return b.submitForm(page, url.Values{"name": {name}, "email": {email}, "action": {"login"}})
}

// cancelLogin presses Cancel on the provider's login form on page.
func (b *browser) cancelLogin(page response) (response, []response) {
	b.t.Helper()
	return b.submitForm(page, url.Values{"action": {"cancel"}})
}

// submitForm submits the provider's login form on page with the fields of form.
func (b *browser) submitForm(page response, form url.Values) (response, []response) {
	b.t.Helper()
	m := formAction.FindStringSubmatch(page.body)
	if m == nil {
		b.t.Fatalf("no login form at %s:\n%s", page.Request.URL, page.body)
	}
	action, err := page.Request.URL.Parse(html.UnescapeString(m[1]))
	if err != nil {
		b.t.Fatal(err)
	}
	for _, in := range hiddenInput.FindAllStringSubmatch(page.body, -1) {
		form.Set(html.UnescapeString(in[1]), html.UnescapeString(in[2]))
	}
	return b.navigate(http.MethodPost, action.String(), form)
}

// session returns the session cookies the browser keeps for the app, as name=value pairs.
func (b *browser) session(app *testServer) []string {
	u, err := url.Parse(app.URL)
	if err != nil {
		b.t.Fatal(err)
	}
	var out []string
	for _, c := range b.client.Jar.Cookies(u) {
		if isSessionCookie(c.Name) {
			out = append(out, c.Name+"="+c.Value)
		}
	}
	return out
}

// isSessionCookie reports whether name is the session cookie's or one of its chunks'.
func isSessionCookie(name string) bool {
	return name == "__session" || strings.HasPrefix(name, "__session__")
}

// login signs in with the demo provider's form from the protected page path and returns the
// page it lands on.
func login(t *testing.T, app *testServer, b *browser, path, name, email string) response {
	t.Helper()
	form, _ := b.navigate(http.MethodGet, app.URL+path, nil)
	if form.StatusCode != http.StatusOK || !strings.HasPrefix(form.Request.URL.String(), app.idp.Issuer()) {
		t.Fatalf("%s led to %d %s, want the provider's login form", path, form.StatusCode, form.Request.URL)
	}
	page, _ := b.submitLogin(form, name, email)
	if page.StatusCode != http.StatusOK || page.Request.URL.String() != app.URL+path {
		t.Fatalf("the login ended with %d at %s, want 200 at %s", page.StatusCode, page.Request.URL, path)
	}
	return page
}

// sessionCookies returns the session cookies a response sets.
func sessionCookies(res response) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range res.Cookies() {
		if isSessionCookie(c.Name) {
			out = append(out, c)
		}
	}
	return out
}

func TestWholeLoginWithTheDemoProvider(t *testing.T) {
	t.Parallel()
	app := startApp(t, nil)
	b := newBrowser(t, "en-GB,en;q=0.9")

	res := b.get(app.URL + "/")
	if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != "/en/" {
		t.Fatalf("GET / = %d %q, want 307 /en/", res.StatusCode, res.Header.Get("Location"))
	}
	res = b.get(app.URL + "/en/")
	mustContain(t, res.body, `<p id="signed-out">You are not signed in.</p>`,
		`href="/auth/login?returnTo=%2Fen%2Fprofile"`, messagesFor("en").DemoProvider)

	// A signed-out navigation to the French profile page goes to the provider's login form.
	form, hops := b.navigate(http.MethodGet, app.URL+"/fr/profile", nil)
	if len(hops) != 3 {
		t.Fatalf("%d responses on the way to the login form, want 3", len(hops))
	}
	if hops[0].StatusCode != http.StatusFound || hops[0].Header.Get("Location") != "/auth/login?returnTo=%2Ffr%2Fprofile" {
		t.Errorf("GET /fr/profile = %d %q, want 302 to the login route", hops[0].StatusCode, hops[0].Header.Get("Location"))
	}
	if loc := hops[1].Header.Get("Location"); hops[1].StatusCode != http.StatusFound || !strings.HasPrefix(loc, app.idp.Issuer()+"/") {
		t.Errorf("login route = %d %q, want 302 to the provider", hops[1].StatusCode, loc)
	}
	if form.StatusCode != http.StatusOK || !strings.HasPrefix(form.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("provider = %d %q, want its HTML login form", form.StatusCode, form.Header.Get("Content-Type"))
	}

	// The form logs in and comes back through the callback to the page asked for.
	page, hops := b.submitLogin(form, "Zoé <script>", "zoe@example.com")
	if len(hops) != 3 || hops[1].Request.URL.Path != "/auth/callback" {
		t.Errorf("%d responses after the form, want the provider's redirect, the callback, the page", len(hops))
	}
	if page.StatusCode != http.StatusOK || page.Request.URL.Path != "/fr/profile" {
		t.Fatalf("landed on %d %s, want 200 /fr/profile", page.StatusCode, page.Request.URL)
	}
	if page.Header.Get("Content-Language") != "fr" || page.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Content-Language %q, Cache-Control %q", page.Header.Get("Content-Language"), page.Header.Get("Cache-Control"))
	}
	logoutHref := `href="/auth/logout?returnTo=` + url.QueryEscape(app.URL+"/fr/") + `"`
	mustContain(t, page.body, "<h1>Votre profil</h1>", `<dd id="name">Zoé &lt;script&gt;</dd>`,
		`<dd id="email">zoe@example.com</dd>`, `<dd id="sub">demo|zoé-script</dd>`, logoutHref)
	if strings.Contains(page.body, "Zoé <script>") {
		t.Error("the name reached the page unescaped")
	}
	if len(b.session(app)) == 0 {
		t.Error("no session cookie after the login")
	}
	res = b.get(app.URL + "/fr/")
	mustContain(t, res.body, `<p id="welcome">Bienvenue, Zoé &lt;script&gt; !</p>`, logoutHref)
	if cc, vary := res.Header.Get("Cache-Control"), res.Header.Get("Vary"); cc != "no-store" || !strings.Contains(vary, "Cookie") {
		t.Errorf("signed-in home page: Cache-Control %q, Vary %q; want no-store and Cookie", cc, vary)
	}

	// The browser side of the profile page reads the user from the profile route.
	res = b.fetch(app.URL + "/auth/profile")
	var user map[string]any
	if err := json.Unmarshal([]byte(res.body), &user); res.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("/auth/profile = %d %q (%v)", res.StatusCode, res.body, err)
	}
	if user["name"] != "Zoé <script>" || user["email"] != "zoe@example.com" || user["sub"] != "demo|zoé-script" {
		t.Errorf("/auth/profile = %v", user)
	}

	// Logging out ends the session, at the provider too, and comes back to the French home page.
	home, hops := b.navigate(http.MethodGet, app.URL+"/auth/logout?returnTo="+url.QueryEscape(app.URL+"/fr/"), nil)
	if len(hops) != 3 || !strings.HasPrefix(hops[1].Request.URL.String(), app.idp.Issuer()+"/") {
		t.Errorf("%d responses after logout, want the logout route, the provider, the page", len(hops))
	}
	if home.StatusCode != http.StatusOK || home.Request.URL.String() != app.URL+"/fr/" {
		t.Fatalf("logout landed on %d %s, want 200 %s/fr/", home.StatusCode, home.Request.URL, app.URL)
	}
	mustContain(t, home.body, `<p id="signed-out">Vous n’êtes pas connecté.</p>`)
	if len(app.idp.Sessions()) != 0 {
		t.Errorf("provider sessions left after logout: %d", len(app.idp.Sessions()))
	}
	if res = b.fetch(app.URL + "/auth/profile"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("/auth/profile after logout = %d, want 401", res.StatusCode)
	}
	if res = b.fetch(app.URL + "/fr/profile"); res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.body, `"not_authenticated"`) {
		t.Errorf("fetching /fr/profile after logout = %d %q, want the 401 JSON", res.StatusCode, res.body)
	}
}

func TestBackChannelLogoutFromTheDemoProvider(t *testing.T) {
	t.Parallel()
	app := startApp(t, nil)
	b := newBrowser(t, "en")
	login(t, app, b, "/en/profile", "Ana", "ana@example.com")
	other := newBrowser(t, "en")
	login(t, app, other, "/en/profile", "Ben", "")
	sids := app.idp.SessionIDs(demoSubject("Ana"))
	if len(sids) != 1 {
		t.Fatalf("the provider has %d sessions for Ana", len(sids))
	}

	// The session ends at the provider (an administrator, or a logout in another app): it posts
	// a logout token to the app, which must answer 204.
	if err := app.idp.BackChannelLogout(t.Context(), demoClientID, sids[0], ""); err != nil {
		t.Fatalf("the provider's back-channel logout: %v", err)
	}
	if res := b.fetch(app.URL + "/auth/profile"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("/auth/profile after the back-channel logout = %d, want 401", res.StatusCode)
	}
	if res := b.get(app.URL + "/en/profile"); res.StatusCode != http.StatusFound {
		t.Errorf("/en/profile after the back-channel logout = %d, want 302 to the login", res.StatusCode)
	}
	if cookies := b.session(app); len(cookies) != 0 {
		t.Errorf("session cookies left: %v", cookies)
	}
	if res := other.get(app.URL + "/en/profile"); res.StatusCode != http.StatusOK {
		t.Errorf("another user's profile page = %d, want 200", res.StatusCode)
	}
}

func TestRollingSessionThroughTheLocaleRedirect(t *testing.T) {
	t.Parallel()
	app := startApp(t, nil)
	b := newBrowser(t, "de")
	login(t, app, b, "/de/profile", "Jürgen", "")
	before := b.session(app)
	if len(before) == 0 {
		t.Fatal("no session cookie after the login")
	}

	app.advance(30 * time.Second)
	res := b.get(app.URL + "/")
	if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != "/de/" {
		t.Fatalf("GET / = %d %q, want 307 /de/", res.StatusCode, res.Header.Get("Location"))
	}
	if got := sessionCookies(res); len(got) != 0 {
		t.Errorf("a session written 30 s ago was written again: %v", got)
	}

	app.advance(31 * time.Second)
	res = b.get(app.URL + "/")
	if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != "/de/" {
		t.Fatalf("GET / = %d %q, want 307 /de/", res.StatusCode, res.Header.Get("Location"))
	}
	rolled := sessionCookies(res)
	if len(rolled) == 0 || slices.Equal(b.session(app), before) {
		t.Fatalf("the redirect set the session cookies %v, want a new session", rolled)
	}
	for _, c := range rolled {
		if c.MaxAge <= 0 {
			t.Errorf("%s expires with the browser or at once (Max-Age %d)", c.Name, c.MaxAge)
		}
	}
	if !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("Cache-Control = %q, want no-store on a response that sets the session", res.Header.Get("Cache-Control"))
	}
	if res.Header.Get("Vary") != "Accept-Language, Cookie" {
		t.Errorf("Vary = %q", res.Header.Values("Vary"))
	}

	// The rolled session lives a day from now: later than a day after the login.
	app.advance(24*time.Hour - 30*time.Second)
	page := b.get(app.URL + "/de/profile")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("profile a day after the login, half a minute less after the roll: %d", page.StatusCode)
	}
	mustContain(t, page.body, `<dd id="name">Jürgen</dd>`)
}

func TestLoginWithAnotherProviderFromTheEnvironment(t *testing.T) {
	t.Parallel()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	idp := oidctest.NewServer(t, oidctest.WithClient(oidctest.Client{
		ID: "shop", Secret: "shop-secret", RedirectURIs: []string{base + "/auth/callback"},
		PostLogoutRedirectURIs: []string{base + "/en/"},
	}))
	idp.QueueLogin(oidctest.User{Subject: "auth0|7", Claims: map[string]any{"name": "Ada"}})
	env := map[string]string{
		"AUTH0_DOMAIN": idp.Issuer(), "AUTH0_CLIENT_ID": "shop", "AUTH0_CLIENT_SECRET": "shop-secret",
		"AUTH0_SECRET": strings.Repeat("k", 32), "AUTH0_ALLOW_INSECURE_REQUESTS": "true", "APP_BASE_URL": base,
	}
	srv, err := newServer(setup{getenv: func(k string) string { return env[k] }, defaultBase: "http://unused.example"})
	if err != nil {
		t.Fatal(err)
	}
	if srv.idp != nil {
		t.Error("a demo provider was started next to the configured one")
	}
	ts.Config.Handler = srv.handler
	ts.Start()
	defer ts.Close()

	b := newBrowser(t, "en")
	page, hops := b.navigate(http.MethodGet, base+"/en/profile", nil)
	if page.StatusCode != http.StatusOK || page.Request.URL.String() != base+"/en/profile" {
		t.Fatalf("landed on %d %s, want 200 /en/profile", page.StatusCode, page.Request.URL)
	}
	if !strings.HasPrefix(hops[2].Request.URL.String(), idp.Issuer()+"/") {
		t.Errorf("the login did not go to the configured provider: %s", hops[2].Request.URL)
	}
	mustContain(t, page.body, `<dd id="name">Ada</dd>`, `<dd id="sub">auth0|7</dd>`)
	if home := b.get(base + "/en/"); strings.Contains(home.body, messagesFor("en").DemoProvider) {
		t.Error("the home page mentions a demo provider")
	}
}
