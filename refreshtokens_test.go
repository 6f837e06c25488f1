package authchain_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
)

// audienceTokensPage answers /audiences with the audiences of the session's per-audience
// tokens, and every other path with tokenPage.
func audienceTokensPage(c *authchain.Client) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/audiences" {
			tokenPage(c).ServeHTTP(w, r)
			return
		}
		var names []string
		if s := authchain.SessionFrom(r.Context()); s != nil {
			for _, t := range s.AccessTokens {
				names = append(names, strings.TrimSuffix(strings.TrimPrefix(t.Audience, "https://"), ".example.com"))
			}
		}
		fmt.Fprint(w, strings.Join(names, " "))
	})
}

func TestSessionKeepsFewAndUnexpiredAudienceTokens(t *testing.T) {
	t.Parallel()
	app := newTokenApp(t, appOptions{handler: audienceTokensPage})
	b := newBrowser(t, true)
	app.login(b, "/")
	for i := 1; i <= 10; i++ {
		if _, tok := b.get(app.URL + "/token?audience=" + url.QueryEscape(fmt.Sprintf("https://api%d.example.com", i))); strings.HasPrefix(tok, "error") {
			t.Fatalf("audience %d: %s", i, tok)
		}
	}
	// The least recently obtained go first.
	if _, got := b.get(app.URL + "/audiences"); got != "api3 api4 api5 api6 api7 api8 api9 api10" {
		t.Errorf("after 10 audiences the session keeps %q", got)
	}
	// A kept token is served from the session and stays where it is.
	b.get(app.URL + "/token?audience=" + url.QueryEscape("https://api3.example.com"))
	b.get(app.URL + "/token?audience=" + url.QueryEscape("https://api11.example.com"))
	if _, got := b.get(app.URL + "/audiences"); got != "api4 api5 api6 api7 api8 api9 api10 api11" {
		t.Errorf("after asking for api3 again and api11 the session keeps %q", got)
	}
	// Expired tokens are dropped at the next update.
	app.IdP.Advance(11 * time.Minute)
	b.get(app.URL + "/token?audience=" + url.QueryEscape("https://api12.example.com"))
	if _, got := b.get(app.URL + "/audiences"); got != "api12" {
		t.Errorf("after the tokens expired the session keeps %q", got)
	}
}
