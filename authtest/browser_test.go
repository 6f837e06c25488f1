package authtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/oidctest"
)

// accountApp serves an application whose routes are under /account/, with a protected
// /profile page, a form that posts a note and redirects, and a public home page, against a
// provider that shows its login form.
func accountApp(t *testing.T) (appURL string, idp *oidctest.Server) {
	t.Helper()
	app := httptest.NewServer(nil)
	t.Cleanup(app.Close)
	idp = oidctest.NewServer(t, oidctest.WithLoginForm(), oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "app-secret", RedirectURIs: []string{app.URL + "/account/callback"},
		PostLogoutRedirectURIs: []string{app.URL + "/"},
	}))
	client, err := authchain.New(authchain.Config{
		Domain: idp.Issuer(), ClientID: "app", ClientSecret: "app-secret", AppBaseURL: app.URL,
		Secret: secret, AllowInsecureRequests: true, Now: idp.Now,
		Routes: authchain.Routes{Login: "/account/login", Callback: "/account/callback", Logout: "/account/logout"},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "home")
	})
	mux.Handle("GET /profile", client.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := authchain.UserFrom(r.Context())
		fmt.Fprintf(w, "%s <%s>", u.Name(), u.Email())
	})))
	mux.HandleFunc("POST /notes", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/notes?saved="+url.QueryEscape(r.PostFormValue("note")), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /notes", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "saved %s", r.URL.Query().Get("saved"))
	})
	app.Config.Handler = client.Middleware(mux)
	return app.URL, idp
}

func TestBrowserLogsInThroughTheLoginForm(t *testing.T) {
	t.Parallel()
	appURL, _ := accountApp(t)
	b := authtest.NewBrowser(t)
	b.LoginName, b.LoginEmail = "Ada", "ada@example.com"

	page := b.Get(appURL + "/profile")
	if page.Status != http.StatusOK || page.URL.Path != "/profile" || page.Body != "Ada <ada@example.com>" {
		t.Fatalf("after the login: %d at %s: %q", page.Status, page.URL, page.Body)
	}
	if again := b.Get(appURL + "/profile"); again.Body != page.Body {
		t.Errorf("the session is not kept: %q", again.Body)
	}
	if home := b.Get(appURL + "/account/logout"); home.Status != http.StatusOK || home.Body != "home" {
		t.Errorf("after the logout: %d %q", home.Status, home.Body)
	}
	b.LoginName = ""
	if form := b.Get(appURL + "/profile"); !strings.Contains(form.Body, `name="interaction"`) {
		t.Errorf("signed out, /profile does not lead to the login form: %d at %s", form.Status, form.URL)
	}
}

func TestBrowserStopsAtTheFormWithoutALoginName(t *testing.T) {
	t.Parallel()
	appURL, idp := accountApp(t)
	b := authtest.NewBrowser(t)

	page := b.Get(appURL + "/profile")
	if page.Status != http.StatusOK || !strings.HasPrefix(page.URL.String(), idp.Issuer()) || !strings.Contains(page.Body, "<form") {
		t.Fatalf("not at the provider's form: %d at %s", page.Status, page.URL)
	}
	if n := idp.Count(oidctest.EndpointToken, "authorization_code"); n != 0 {
		t.Errorf("%d code exchanges without a login, want 0", n)
	}
}

func TestBrowserSendDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	appURL, _ := accountApp(t)
	b := authtest.NewBrowser(t)
	req, _ := http.NewRequest(http.MethodGet, appURL+"/profile", nil)
	req.Header.Set("Sec-Fetch-Mode", "navigate")

	page := b.Send(req)
	if page.Status != http.StatusFound || page.URL.Path != "/profile" {
		t.Fatalf("Send: %d at %s, want the 302 of /profile", page.Status, page.URL)
	}
	if loc := page.Header.Get("Location"); !strings.HasPrefix(loc, "/account/login?") {
		t.Errorf("Location = %q, want the login route", loc)
	}
}

func TestBrowserPostSubmitsAFormAndFollows(t *testing.T) {
	t.Parallel()
	appURL, _ := accountApp(t)
	b := authtest.NewBrowser(t)

	page := b.Post(appURL+"/notes", url.Values{"note": {"buy milk"}})
	if page.Status != http.StatusOK || page.URL.Path != "/notes" || page.Body != "saved buy milk" {
		t.Errorf("Post: %d at %s: %q", page.Status, page.URL, page.Body)
	}
}

// fatalTB records a failure and stops the call, as t.Fatalf does.
type fatalTB struct{ msg string }

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

func TestBrowserFailsTheTestOnATransportError(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(nil)
	down.Close()
	tb := &fatalTB{}
	b := authtest.NewBrowser(tb)
	func() {
		defer func() {
			if r := recover(); r != nil && r != tb {
				panic(r)
			}
		}()
		b.Get(down.URL + "/page?code=secret-code")
	}()
	if tb.msg == "" {
		t.Fatal("a transport error did not fail the test")
	}
	if strings.Contains(tb.msg, "secret-code") {
		t.Errorf("the failure shows the query: %s", tb.msg)
	}
}
