package authtest

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
)

// TB is the part of testing.TB a Browser uses to report a failure: *testing.T and
// *testing.B are TBs. An Example or a program passes its own, e.g. one whose Fatalf is
// log.Fatalf.
type TB interface {
	// Helper marks the caller as a test helper.
	Helper()
	// Fatalf reports a failure and stops the test.
	Fatalf(format string, args ...any)
}

// Browser is a test browser: an *http.Client with a cookie jar that follows redirects, and,
// when LoginName is set, fills in and submits the login form of an oidctest provider started
// with oidctest.WithLoginForm. It drives an application's real routes (login, callback,
// logout, pages) as a user's browser would. A transport error or a body that cannot be read
// fails the test; an error status does not, it is in the Page. A Browser is for one test's
// goroutine; make one with NewBrowser.
//
//	b := authtest.NewBrowser(t)
//	b.LoginName = "Ada"
//	page := b.Get(app.URL + "/profile") // through the login route, the form and the callback
//	if page.Status != http.StatusOK || page.URL.Path != "/profile" { … }
type Browser struct {
	// Client sends the requests; its Jar holds the cookies. To trust a provider served over
	// TLS, set its Transport to idp.HTTPClient().Transport.
	Client *http.Client
	// LoginName is the name the browser types into oidctest's login form, which becomes the
	// user's sub and name claims. Empty, the browser stops at the form and returns it.
	LoginName string
	// LoginEmail, when not empty, is typed into the form's email field.
	LoginEmail string

	t TB
}

// Page is where a request of a Browser ended.
type Page struct {
	// Status is the final response's status code.
	Status int
	// URL is the final URL, after the redirects followed.
	URL *url.URL
	// Header is the final response's header.
	Header http.Header
	// Body is the final response's body.
	Body string
}

// withoutQuery returns u without its query, which may hold a code or a token, for a message.
func withoutQuery(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.Path
}

// NewBrowser returns a Browser with an empty cookie jar, reporting failures to t.
func NewBrowser(t TB) *Browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	return &Browser{Client: &http.Client{Jar: jar}, t: t}
}

// Get navigates to rawURL as a browser does when the user follows a link: Accept names
// text/html and Sec-Fetch-Mode is navigate, so that a signed-out page behind RequireAuth
// redirects to the login route. It follows redirects and the login form (see Do).
func (b *Browser) Get(rawURL string) *Page {
	b.t.Helper()
	return b.Do(b.navigation(http.MethodGet, rawURL, nil))
}

// Post submits form to rawURL as a page's HTML form does (a navigation, see Get), and follows
// redirects and the login form (see Do).
func (b *Browser) Post(rawURL string, form url.Values) *Page {
	b.t.Helper()
	req := b.navigation(http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// Do sends req with the browser's cookies and follows redirects. When it ends at oidctest's
// login form and LoginName is set, it submits the form and goes on from the provider's answer,
// once per login form met.
func (b *Browser) Do(req *http.Request) *Page {
	b.t.Helper()
	page := b.send(b.Client, req)
	for range maxLoginForms {
		form, ok := findLoginForm(page)
		if !ok || b.LoginName == "" {
			break
		}
		values := url.Values{"interaction": {form.interaction}, "action": {"login"}, "name": {b.LoginName}}
		if b.LoginEmail != "" {
			values.Set("email", b.LoginEmail)
		}
		post := b.navigation(http.MethodPost, form.action, strings.NewReader(values.Encode()))
		post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		page = b.send(b.Client, post)
	}
	return page
}

// Send sends req with the browser's cookies and returns the response as it is, without
// following a redirect: a 3xx Page's Header holds the Location.
func (b *Browser) Send(req *http.Request) *Page {
	b.t.Helper()
	once := *b.Client
	once.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return b.send(&once, req)
}

// maxLoginForms bounds the login forms one Do submits (a form that comes back, for an error,
// is returned).
const maxLoginForms = 1

func (b *Browser) navigation(method, rawURL string, body io.Reader) *http.Request {
	b.t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		b.t.Fatalf("authtest: %v", err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	return req
}

func (b *Browser) send(client *http.Client, req *http.Request) *Page {
	b.t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // its message repeats the URL, query included
		}
		b.t.Fatalf("authtest: %s %s: %v", req.Method, withoutQuery(req.URL), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("authtest: reading %s: %v", withoutQuery(resp.Request.URL), err)
	}
	return &Page{Status: resp.StatusCode, URL: resp.Request.URL, Header: resp.Header, Body: string(body)}
}
