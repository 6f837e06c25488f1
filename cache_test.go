package authchain_test

import (
	"net/http"
	"testing"

	"github.com/authchain/authchain"
)

func TestSignedInPagesStayOutOfSharedCaches(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{handler: func(*authchain.Client) http.Handler {
		pageFor := userPage()
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=300")
			pageFor.ServeHTTP(w, r)
		})
	}})
	anonymous := newBrowser(t, false)
	resp, _ := anonymous.get(app.URL + "/page")
	if cc, vary := resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"); cc != "public, max-age=300" || vary != "" {
		t.Errorf("signed-out page: Cache-Control %q, Vary %q; want the application's own", cc, vary)
	}

	b := newBrowser(t, true)
	app.login(b, "/")
	step := newBrowser(t, false)
	step.Jar = b.Jar
	resp, body := step.get(app.URL + "/page")
	if len(resp.Cookies()) != 0 {
		t.Fatalf("the session was written again; the test needs a page without cookies: %v", resp.Cookies())
	}
	if cc, vary := resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"); cc != "max-age=300, private" || vary != "Cookie" {
		t.Errorf("signed-in page %q: Cache-Control %q, Vary %q; want max-age=300, private and Cookie", body, cc, vary)
	}
}
