package authchain_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/internal/benchdata"
	"github.com/authchain/authchain/session"
)

// TestClientSwitchesCookieFormat: an application that moves from the format "securecookie"
// to "nextjs" keeps its users signed in with AcceptOtherCookieFormat, and their next response
// carries the session in the new format; without it they are signed out.
func TestClientSwitchesCookieFormat(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	s := new(session.Session)
	if err := s.UnmarshalJSON(benchdata.SessionJSON(now.Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	for _, accept := range []bool{false, true} {
		c, err := authchain.New(authchain.Config{
			Domain: "tenant.auth0.com", ClientID: "id", ClientSecret: "secret",
			AppBaseURL: "https://app.example.com", Secret: testSecret,
			Session: authchain.SessionConfig{CookieFormat: session.FormatNextJS, AcceptOtherCookieFormat: accept},
			Now:     func() time.Time { return now },
		})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodGet, "https://app.example.com/page", nil)
		opts := authtest.Options{Secret: testSecret, Cookie: session.CookieOptions{Secure: true}, Format: session.FormatSecureCookie,
			Now: func() time.Time { return now.Add(-10 * time.Second) }}
		if err := authtest.WithSession(r, s, opts); err != nil {
			t.Fatal(err)
		}
		signedIn := false
		rec := httptest.NewRecorder()
		c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			signedIn = authchain.SessionFrom(r.Context()) != nil
		})).ServeHTTP(rec, r)
		if signedIn != accept {
			t.Fatalf("accept other format %v: signed in = %v", accept, signedIn)
		}
		if !accept {
			continue
		}
		var jwe bool
		for _, c := range rec.Result().Cookies() {
			if c.Name == "__Host-__session__0" && strings.HasPrefix(c.Value, "eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0.") {
				jwe = true
			}
		}
		if !jwe {
			t.Errorf("the session was not written again in the format nextjs: %v", rec.Header()["Set-Cookie"])
		}
	}
}
