package main

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// viewport is a window size the pages are checked at.
type viewport struct {
	name          string
	width, height int64
	opts          []chromedp.EmulateViewportOption
}

// viewports are a phone's and a desktop's.
var viewports = []viewport{
	{"phone", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulatePortrait}},
	{"desktop", 1280, 800, nil},
}

// screenshots captures the tab's page at every viewport into dir, as <prefix>-<viewport>.png,
// and fails when the page is wider than the window or the image is not of the window's size.
func (b *tab) screenshots(dir, prefix string) {
	b.t.Helper()
	for _, vp := range viewports {
		b.do("resize to "+vp.name, chromedp.EmulateViewport(vp.width, vp.height, vp.opts...))
		wide := result(b, "measure the page", chromedp.Evaluate[bool](
			`document.documentElement.scrollWidth > window.innerWidth`))
		if wide {
			b.t.Errorf("%s at %s: the page is wider than the window", prefix, vp.name)
		}
		shot := result(b, "screenshot", chromedp.CaptureScreenshot())
		path := filepath.Join(dir, prefix+"-"+vp.name+".png")
		if err := os.WriteFile(path, shot, 0o600); err != nil {
			b.t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			b.t.Errorf("screenshot %s: %v", path, err)
			continue
		}
		if got := img.Bounds().Size(); int64(got.X) != vp.width || int64(got.Y) != vp.height {
			b.t.Errorf("screenshot %s is %v, want %dx%d", path, got, vp.width, vp.height)
		}
	}
}

// TestBrowserScreenshotsOfEveryPage goes through every page in each locale (home, not found,
// the provider's form, the error page of a cancelled login and of a stale callback link,
// profile, signed-in home) and keeps a screenshot of each at a phone's and a desktop's width,
// in a directory it logs. The error page's link must lead to a working login.
func TestBrowserScreenshotsOfEveryPage(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	dir, err := os.MkdirTemp("", "next-intl-like-screenshots-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	for _, loc := range []string{"en", "fr", "de"} {
		t.Run(loc, func(t *testing.T) {
			t.Parallel()
			screenshotLocale(t, dir, loc)
		})
	}
}

func screenshotLocale(t *testing.T, dir, loc string) {
	b := startChromium(t, loc)
	app := startApp(t, nil)
	msgs := messagesFor(loc)
	shots := func(page string) { b.screenshots(dir, loc+"-"+page) }
	at := func(what, want string) {
		t.Helper()
		if got := b.location(); got != want {
			t.Fatalf("%s: at %s, want %s", what, got, want)
		}
	}

	b.do("open the home page", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.ID("signed-out")))
	at("home", app.URL+"/"+loc+"/")
	shots("home")

	b.do("open an unknown path", chromedp.Navigate(app.URL+"/"+loc+"/nope"), chromedp.WaitVisible(chromedp.ID("problem-title")))
	if got := b.text("problem-title"); got != msgs.NotFoundTitle {
		t.Errorf("not-found page says %q, want %q", got, msgs.NotFoundTitle)
	}
	shots("not-found")

	b.do("open a stale callback link", chromedp.Navigate(app.URL+"/auth/callback?state=stale&code=x"),
		chromedp.WaitVisible(chromedp.ID("login-again")))
	if got := b.text("problem-text"); got != msgs.ErrStateExpired {
		t.Errorf("stale link's page says %q, want %q", got, msgs.ErrStateExpired)
	}
	shots("error-stale-link")

	b.do("open the login form", chromedp.Navigate(app.URL+"/"+loc+"/"), chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS("input#name")))
	if loc := b.location(); !strings.HasPrefix(loc, app.idp.Issuer()+"/") {
		t.Fatalf("the login link led to %s, want the provider", loc)
	}
	shots("login-form")

	b.do("cancel the login", chromedp.Click(chromedp.CSS(`button[value="cancel"]`)), chromedp.WaitVisible(chromedp.ID("login-again")))
	if got := b.location(); !strings.HasPrefix(got, app.URL+"/auth/callback?") {
		t.Fatalf("Cancel led to %s, want the callback", got)
	}
	if got := b.text("problem-text"); got != msgs.ErrRefused {
		t.Errorf("the error page says %q, want %q", got, msgs.ErrRefused)
	}
	if lang := result(b, "read lang", chromedp.Evaluate[string](`document.documentElement.lang`)); lang != loc {
		t.Errorf("error page in %q, want %s", lang, loc)
	}
	shots("error-cancelled")

	// The error page's link starts a new login that lands on the page the first was for.
	const name = "Ada Lovelace"
	b.do("log in again", chromedp.Click(chromedp.ID("login-again")), chromedp.WaitVisible(chromedp.CSS("input#name")),
		chromedp.SendKeys(chromedp.CSS("input#name"), name),
		chromedp.Click(chromedp.CSS(`button[value="login"]`)),
		chromedp.WaitVisible(chromedp.CSS("dd#sub")))
	at("the login from the error page", app.URL+"/"+loc+"/profile")
	if got := b.text("sub"); got != demoSubject(name) {
		t.Errorf("sub shown as %q, want %q", got, demoSubject(name))
	}
	result(b, "wait for the fetched profile", chromedp.PollFunction[bool](
		`loading => document.getElementById("client-profile").textContent !== loading`,
		chromedp.WithPollingArgs(msgs.Loading), chromedp.WithPollingTimeout(stepTimeout)))
	shots("profile")

	b.do("open the home page signed in", chromedp.Navigate(app.URL+"/"+loc+"/"), chromedp.WaitVisible(chromedp.ID("welcome")))
	if got, want := b.text("welcome"), fmt.Sprintf(msgs.Welcome, name); got != want {
		t.Errorf("home page says %q, want %q", got, want)
	}
	shots("home-signed-in")
}
