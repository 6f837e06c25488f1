package authchain_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/session"
)

// TestCookieFloodIsSignedOutAndBounded: a Cookie header of tens of thousands of chunk names
// in front of a valid session reads as signed out, and the response deletes only the
// library's own cookie names, at most MaxChunks+1 of them.
func TestCookieFloodIsSignedOutAndBounded(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	client, err := authchain.New(authchain.Config{
		Domain: "tenant.auth0.com", ClientID: "id", ClientSecret: "secret",
		AppBaseURL: "http://app.example.com", Secret: testSecret,
		Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	signedIn := true
	h := client.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signedIn = authchain.SessionFrom(r.Context()) != nil
	}))

	var flood strings.Builder
	for i := 0; flood.Len() < 1<<20; i++ {
		fmt.Fprintf(&flood, "__session__%d=; ", i)
	}
	r := httptest.NewRequest(http.MethodGet, "http://app.example.com/", nil)
	r.Header.Set("Cookie", flood.String())
	s := &session.Session{User: session.NewUser(map[string]any{"sub": "user_1"})}
	if err := authtest.WithSession(r, s, authtest.Options{Secret: testSecret, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)

	if signedIn {
		t.Error("a request flooded with chunk names is signed in")
	}
	deleted := rec.Result().Cookies()
	if len(deleted) > session.MaxChunks+1 {
		t.Fatalf("the response carries %d Set-Cookie lines; want at most %d", len(deleted), session.MaxChunks+1)
	}
	for _, c := range deleted {
		if !isCanonicalSessionName(c.Name) {
			t.Errorf("the response deletes %q, which the library never writes", c.Name)
		}
	}
}

// isCanonicalSessionName reports __session or __session__0 … __session__{MaxChunks-1}.
func isCanonicalSessionName(name string) bool {
	if name == session.DefaultCookieName {
		return true
	}
	digits, ok := strings.CutPrefix(name, session.DefaultCookieName+"__")
	i, err := strconv.Atoi(digits)
	return ok && err == nil && i >= 0 && i < session.MaxChunks && strconv.Itoa(i) == digits
}
