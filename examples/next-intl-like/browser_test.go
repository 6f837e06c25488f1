package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

const (
	// browserTimeout bounds a whole browser test, Chromium's start and stop included.
	browserTimeout = 60 * time.Second
	// stepTimeout bounds one step of it.
	stepTimeout = 15 * time.Second
)

// chromiumPath returns the Chromium or Chrome binary of the machine. Without one the test is
// skipped, or fails when CI=true.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	const msg = "no Chromium: neither chromium, chromium-browser nor google-chrome is on PATH (install Debian's chromium package)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// lockedBuffer collects Chromium's output, written from chromedp's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tab is one headless Chromium with one tab, stopped when the test ends.
type tab struct {
	t   *testing.T
	ctx context.Context
}

// startChromium starts a headless Chromium with a fresh profile that asks for pages in lang
// (an Accept-Language value). Cleanup closes it; its output is logged when the test failed.
func startChromium(t *testing.T, lang string) *tab {
	t.Helper()
	exe := chromiumPath(t)
	out := &lockedBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.CombinedOutput(out),
	)
	total, cancelTotal := context.WithTimeout(context.Background(), browserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(total, opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		stop, cancelStop := context.WithTimeout(ctx, 10*time.Second)
		if err := chromedp.Cancel(stop); err != nil {
			t.Logf("closing Chromium: %v", err)
		}
		cancelStop()
		cancelCtx()
		cancelAlloc()
		cancelTotal()
		if t.Failed() && out.String() != "" {
			t.Logf("Chromium's output:\n%s", out.String())
		}
	})
	// The first call starts Chromium, which lives as long as its context: no step timeout here.
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": lang},
	}); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return &tab{t: t, ctx: ctx}
}

// do runs the steps of what within the step timeout.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
}

// result runs one action within the step timeout and returns its value.
func result[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
	return v
}

// location returns the tab's URL, or why it is unknown.
func (b *tab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown URL: " + err.Error()
	}
	return loc
}

// text returns the text content of the element with id.
func (b *tab) text(id string) string {
	b.t.Helper()
	return result(b, "text of #"+id, chromedp.TextContent(chromedp.ID(id)))
}

func TestBrowserLoginProfileLogout(t *testing.T) {
	t.Parallel()
	b := startChromium(t, "fr-FR,fr;q=0.9,en;q=0.5")
	app := startApp(t, nil)
	fr := messagesFor("fr")
	const name, email = "Zoé <b>bold</b>", "zoe@example.com"

	// "/" redirects to the negotiated locale's home page, which offers to log in.
	b.do("open /", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.ID("login")))
	if loc := b.location(); loc != app.URL+"/fr/" {
		t.Fatalf("/ led to %s, want %s/fr/", loc, app.URL)
	}
	if got := b.text("signed-out"); got != fr.NotSignedIn {
		t.Errorf("home page says %q, want %q", got, fr.NotSignedIn)
	}

	// The login link leads to the provider's form; submitting it comes back to the profile.
	b.do("open the login form", chromedp.Click(chromedp.ID("login")), chromedp.WaitVisible(chromedp.CSS("input#name")))
	if loc := b.location(); !strings.HasPrefix(loc, app.idp.Issuer()+"/") {
		t.Fatalf("the login link led to %s, want the provider at %s", loc, app.idp.Issuer())
	}
	b.do("log in",
		chromedp.SendKeys(chromedp.CSS("input#name"), name),
		chromedp.SendKeys(chromedp.CSS("input#email"), email),
		chromedp.Click(chromedp.CSS(`button[value="login"]`)),
		chromedp.WaitVisible(chromedp.CSS("dd#name")),
	)
	if loc := b.location(); loc != app.URL+"/fr/profile" {
		t.Fatalf("the login ended at %s, want %s/fr/profile", loc, app.URL)
	}
	if got := b.text("name"); got != name {
		t.Errorf("name shown as %q, want the text %q", got, name)
	}
	if got := b.text("email"); got != email {
		t.Errorf("email shown as %q, want %q", got, email)
	}
	if n := result(b, "count <b>", chromedp.Evaluate[int](`document.getElementsByTagName("b").length`)); n != 0 {
		t.Errorf("the name created %d <b> elements", n)
	}
	if lang := result(b, "read lang", chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "fr" {
		t.Errorf("profile page in %q, want fr", lang)
	}

	// The page's script fetches /auth/profile and shows the JSON it gets.
	shown := result(b, "wait for the fetched profile", chromedp.PollFunction[string](
		`loading => { const t = document.getElementById("client-profile").textContent; return t !== loading && t; }`,
		chromedp.WithPollingArgs(fr.Loading), chromedp.WithPollingTimeout(stepTimeout)))
	var user map[string]any
	if err := json.Unmarshal([]byte(shown), &user); err != nil {
		t.Fatalf("the page shows %q: %v", shown, err)
	}
	if user["sub"] != demoSubject(name) || user["name"] != name || user["email"] != email {
		t.Errorf("the page shows the user %v", user)
	}

	// The session cookie is out of the scripts' reach, unlike the locale cookie.
	visible := result(b, "read document.cookie", chromedp.Evaluate[[]string](
		`document.cookie.split("; ").map(c => c.split("=")[0])`))
	if !slices.Contains(visible, "NEXT_LOCALE") || slices.ContainsFunc(visible, isSessionCookie) {
		t.Errorf("document.cookie has the cookies %q, want NEXT_LOCALE and no session", visible)
	}
	jar := result(b, "read the cookie jar", func(ctx context.Context, tg *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{app.URL + "/"}})
	})
	var session int
	for _, c := range jar.Cookies {
		if isSessionCookie(c.Name) {
			session++
			if !c.HTTPOnly {
				t.Errorf("%s is not HttpOnly", c.Name)
			}
		}
	}
	if session == 0 {
		t.Error("the browser keeps no session cookie")
	}

	shot := result(b, "screenshot", chromedp.CaptureScreenshot())
	path := filepath.Join(t.TempDir(), "profile.png")
	if err := os.WriteFile(path, shot, 0o600); err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(shot)); err != nil {
		t.Errorf("screenshot %s: %v", path, err)
	} else if img.Bounds().Empty() {
		t.Errorf("screenshot %s is empty", path)
	}

	// Logging out ends the app's session and the provider's, and comes back to the home page.
	b.do("log out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("signed-out")))
	if loc := b.location(); loc != app.URL+"/fr/" {
		t.Fatalf("the logout ended at %s, want %s/fr/", loc, app.URL)
	}
	if got := b.text("signed-out"); got != fr.NotSignedIn {
		t.Errorf("home page after logout says %q, want %q", got, fr.NotSignedIn)
	}
	if s := app.idp.Sessions(); len(s) != 0 {
		t.Errorf("provider sessions after logout: %v", s)
	}
	status := result(b, "fetch /auth/profile", chromedp.Evaluate[int](
		`fetch("/auth/profile", {headers: {Accept: "application/json"}}).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if status != 401 {
		t.Errorf("/auth/profile after logout = %d, want 401", status)
	}

	// Without the provider's session, the profile page asks for the login form again.
	b.do("open the profile", chromedp.Navigate(app.URL+"/fr/profile"), chromedp.WaitVisible(chromedp.CSS("input#name, dd#name")))
	if loc := b.location(); !strings.HasPrefix(loc, app.idp.Issuer()+"/") {
		t.Errorf("the profile led to %s after logout, want the provider's login form", loc)
	}
}
