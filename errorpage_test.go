package authchain_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/authchain/authchain"
)

// underBasePath serves the application's routes under /app.
func underBasePath(cfg *authchain.Config) { cfg.AppBaseURL += "/app" }

func TestClientErrorPageHookAnswersTheFailuresOfEveryRoute(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []authchain.ErrorPageData
	app := newTestApp(t, appOptions{config: func(cfg *authchain.Config) {
		underBasePath(cfg)
		cfg.ErrorPage = func(w http.ResponseWriter, _ *http.Request, e authchain.ErrorPageData) {
			mu.Lock()
			got = append(got, e)
			mu.Unlock()
			w.WriteHeader(e.Status)
			_, _ = w.Write([]byte("the application's page"))
		}
	}})
	b := newBrowser(t, false)
	for _, tc := range []struct {
		name string
		do   func() (*http.Response, string)
		want authchain.ErrorPageData
	}{
		{"login", func() (*http.Response, string) {
			return b.get(app.URL + "/app/auth/login?scope=profile&returnTo=%2Fapp%2Freport")
		}, authchain.ErrorPageData{Status: 400, Code: "invalid_request", Message: "The scope must include openid.",
			LoginURL: "/app/auth/login?returnTo=%2Fapp%2Freport", HomeURL: "/app/"}},
		{"callback", func() (*http.Response, string) {
			return b.get(app.URL + "/app/auth/callback?state=stale&code=x")
		}, authchain.ErrorPageData{Status: 400, Code: "invalid_state",
			Message:  "The login expired or was started in another browser. Please log in again.",
			LoginURL: "/app/auth/login", HomeURL: "/app/"}},
		{"logout", func() (*http.Response, string) {
			resp, err := b.Post(app.URL+"/app/auth/logout", "application/x-www-form-urlencoded", strings.NewReader("%zz"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp, "the application's page"
		}, authchain.ErrorPageData{Status: 400, Code: "invalid_request", Message: "The logout request is malformed.",
			LoginURL: "/app/auth/login", HomeURL: "/app/"}},
	} {
		mu.Lock()
		got = nil
		mu.Unlock()
		resp, body := tc.do()
		mu.Lock()
		if resp.StatusCode != tc.want.Status || body != "the application's page" || len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: %d %q, the hook got %+v, want %+v", tc.name, resp.StatusCode, body, got, tc.want)
		}
		mu.Unlock()
	}
}

func TestClientDefaultErrorPageLeadsToTheLoginUnderTheBasePath(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{config: underBasePath})
	b := newBrowser(t, false)
	resp, body := b.get(app.URL+"/app/auth/callback?state=stale&code=x", "Accept", "text/html")
	checkErrorPage(t, resp, body, http.StatusBadRequest, "invalid_state")
	for id, want := range map[string]string{"login-again": "/app/auth/login", "home": "/app/"} {
		m := regexp.MustCompile(`id="` + id + `" href="([^"]*)"`).FindStringSubmatch(body)
		if m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("link #%s %q, want %q", id, m, want)
		}
	}

	resp, body = b.get(app.URL+"/app/auth/callback?state=stale&code=x", "Accept", "application/json")
	var answer struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &answer); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("%d %q: %v", resp.StatusCode, body, err)
	}
	if answer.Error.Code != "invalid_state" || answer.Error.Message == "" {
		t.Errorf("JSON error %+v, want invalid_state with a message", answer.Error)
	}
}
