package mw

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

var errRecordsDown = errors.Join(session.ErrUnavailable, errors.New("dial tcp 10.0.0.9:6379: connection refused"))

// clearFailingManager loads sessions but fails to delete them, after writing the headers that
// delete their cookies, as a store-backed manager whose store fails does.
type clearFailingManager struct{ session.Manager }

func (m clearFailingManager) Clear(ctx context.Context, h http.Header, l *session.Loaded) error {
	_ = m.Manager.Clear(ctx, h, l)
	return errRecordsDown
}

// stubLogoutProvider logs out locally and counts revocations.
type stubLogoutProvider struct{ revoked int }

func (p *stubLogoutProvider) LogoutURL(context.Context, provider.LogoutRequest) (string, error) {
	return "", nil
}

func (p *stubLogoutProvider) Revoke(context.Context, string) error {
	p.revoked++
	return nil
}

// stubRefreshProvider refuses every refresh.
type stubRefreshProvider struct{}

func (stubRefreshProvider) Refresh(context.Context, provider.RefreshRequest) (*provider.RefreshResult, error) {
	return nil, errors.New("no refresh in this test")
}

// checkUnavailable checks a 503 answer that changes nothing in the browser.
func checkUnavailable(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("%s: status %d, want 503", what, rec.Code)
	}
	if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("%s: headers %v", what, rec.Header())
	}
	if c := rec.Header().Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("%s: cookies changed while the store is down: %v", what, c)
	}
}

func TestRoutesAnswer503WhenTheStoreFails(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	good := newManager(t, clk)
	down := failingManager{Manager: good, err: errRecordsDown}
	codec, err := session.NewCodec(session.PurposeTransaction, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	txns := NewTransactionStore(TransactionStoreOptions{Codec: codec})
	base, _ := url.Parse("https://app.example.com/")

	rec := httptest.NewRecorder()
	Profile(ProfileOptions{Sessions: down}).ServeHTTP(rec, signedIn(t, good, clk))
	checkUnavailable(t, "profile", rec)

	rec = httptest.NewRecorder()
	tokens := NewAccessTokens(AccessTokensOptions{Provider: stubRefreshProvider{}, Sessions: down})
	AccessTokenRoute(AccessTokenRouteOptions{Tokens: tokens}).ServeHTTP(rec, signedIn(t, good, clk))
	checkUnavailable(t, "access token", rec)
	if !strings.Contains(rec.Body.String(), `"code":"`+CodeSessionStoreUnavailable+`"`) || strings.Contains(rec.Body.String(), "10.0.0.9") {
		t.Errorf("access token: body %s", rec.Body)
	}

	for name, m := range map[string]session.Manager{"load": down, "delete": clearFailingManager{good}} {
		p := &stubLogoutProvider{}
		rec = httptest.NewRecorder()
		NewLogout(LogoutOptions{Provider: p, Sessions: m, Transactions: txns, AppBaseURL: base}).ServeHTTP(rec, withRefreshToken(t, good, clk))
		checkUnavailable(t, "logout, "+name+" fails", rec)
		if p.revoked != 0 {
			t.Errorf("logout, %s fails: the refresh token was revoked, but the session lives on", name)
		}
	}
}

// withRefreshToken returns a request carrying a session with a refresh token.
func withRefreshToken(t *testing.T, m session.Manager, clk *fixedClock) *http.Request {
	t.Helper()
	s := &session.Session{
		User:     session.NewUser(map[string]any{"sub": "u1"}),
		TokenSet: token.Set{AccessToken: "at", RefreshToken: "rt", ExpiresAt: clk.now.Add(time.Hour)},
		Internal: session.Internal{CreatedAt: clk.now},
	}
	h := http.Header{}
	if err := m.Save(context.Background(), h, nil, s, session.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/auth/logout", nil)
	for _, c := range (&http.Response{Header: h}).Cookies() {
		r.AddCookie(c)
	}
	return r
}

// emptyManager loads nothing and clears nothing.
type emptyManager struct{ session.Manager }

func (emptyManager) Load(context.Context, *http.Request) (*session.Loaded, error) { return nil, nil }
func (emptyManager) Clear(context.Context, http.Header, *session.Loaded) error    { return nil }

func TestLogoutWithAManagerThatLoadsNothing(t *testing.T) {
	t.Parallel()
	codec, err := session.NewCodec(session.PurposeTransaction, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://app.example.com/")
	rec := httptest.NewRecorder()
	NewLogout(LogoutOptions{
		Provider: &stubLogoutProvider{}, Sessions: emptyManager{},
		Transactions: NewTransactionStore(TransactionStoreOptions{Codec: codec}), AppBaseURL: base,
	}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/auth/logout", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/" {
		t.Errorf("logout: %d %v, want 302 to /", rec.Code, rec.Header())
	}
}
