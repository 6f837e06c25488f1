package mw

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authchain/authchain/dpop"
)

// apiServer answers with the Authorization scheme it got and whether a DPoP proof came along.
func apiServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		_, _ = io.WriteString(w, scheme+" "+tok+" proof:"+boolWord(r.Header.Get("DPoP") != ""))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// callAPI gets url with tokens.HTTPClient for b's request and returns the status, whether the
// answer had a Location, and the body; or the error.
func callAPI(b *browser, tokens *AccessTokens, url string) string {
	got, err := inRequest(b, func(w http.ResponseWriter, r *http.Request) (string, error) {
		resp, err := tokens.HTTPClient(w, r, AccessTokenRequest{}).Get(url)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Sprint(resp.StatusCode, " ", resp.Header.Get("Location") != ""), nil
		}
		return string(raw), nil
	})
	if err != nil {
		return "error: " + err.Error()
	}
	return got
}

func TestHTTPClientSendsDPoPTokensWithAProof(t *testing.T) {
	t.Parallel()
	key, err := dpop.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	rt := newRoutes(t)
	b := newBrowser()
	s := signedInSession(rt.clk.now)
	s.TokenSet.TokenType = "DPoP"
	rt.signIn(b, s)
	api := apiServer(t).URL
	if got := callAPI(b, rt.accessTokens(func(o *AccessTokensOptions) { o.DPoP = key }), api); got != "DPoP at-1 proof:yes" {
		t.Errorf("a DPoP token: the API got %q", got)
	}
	if got := callAPI(b, rt.accessTokens(), api); !strings.Contains(got, dpop.ErrNoKey.Error()) {
		t.Errorf("a DPoP token without a key: %q, want ErrNoKey", got)
	}
}

func TestHTTPClientSendsOtherTokensAsBearer(t *testing.T) {
	t.Parallel()
	key, _ := dpop.GenerateKey()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	api := apiServer(t).URL
	if got := callAPI(b, rt.accessTokens(func(o *AccessTokensOptions) { o.DPoP = key }), api); got != "Bearer at-1 proof:no" {
		t.Errorf("a Bearer token: the API got %q", got)
	}
}

// TestHTTPClientDoesNotFollowRedirectsToAnotherOrigin: an API that redirects elsewhere gets
// the redirect returned to the caller; the other origin never sees the token. Redirects within
// the API's origin are followed, with the token.
func TestHTTPClientDoesNotFollowRedirectsToAnotherOrigin(t *testing.T) {
	t.Parallel()
	elsewhere := apiServer(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, elsewhere.URL+"/steal", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, "/here", http.StatusFound)
		default:
			_, _ = io.WriteString(w, "here with "+r.Header.Get("Authorization"))
		}
	}))
	t.Cleanup(api.Close)
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	tokens := rt.accessTokens()
	away, moved := callAPI(b, tokens, api.URL+"/away"), callAPI(b, tokens, api.URL+"/moved")
	if away != "302 true" {
		t.Errorf("a redirect to another origin: %q, want the 302 returned", away)
	}
	if moved != "here with Bearer at-1" {
		t.Errorf("a redirect within the origin: %q", moved)
	}
}
