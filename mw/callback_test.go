package mw

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// callbackURL is the provider's redirect back to the application.
func callbackURL(params url.Values) string {
	return "/auth/callback?" + params.Encode()
}

func TestCallbackExchangesTheCodeWithTheLoginsSecrets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, query string
		maxAge      time.Duration
	}{
		{"no max_age", "", -1},
		{"max_age", "max_age=300", 300 * time.Second},
		{"max_age zero", "max_age=0", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := newBrowser()
			auth := rt.startLogin(b, rt.login(), tc.query)
			res := b.get(rt.callback(), callbackURL(url.Values{"code": {"the-code"}, "state": {auth.Get("state")}, "iss": {"https://idp.test/"}}))
			if res.Code != http.StatusFound {
				t.Fatalf("callback: %d %s", res.Code, res.Body)
			}
			if len(rt.idp.exchanges) != 1 {
				t.Fatalf("%d exchanges, want 1", len(rt.idp.exchanges))
			}
			got := rt.idp.exchanges[0]
			if got.code != "the-code" {
				t.Errorf("exchanged code %q", got.code)
			}
			if s256(got.verifier) != auth.Get("code_challenge") {
				t.Error("the PKCE verifier does not match the challenge the login sent")
			}
			if got.check.Nonce != auth.Get("nonce") || got.check.MaxAge != tc.maxAge {
				t.Errorf("ID token check %+v, want the login's nonce and max_age %v", got.check, tc.maxAge)
			}
			if len(rt.idp.issuerChecks) != 1 || rt.idp.issuerChecks[0].Get("iss") != "https://idp.test/" {
				t.Errorf("CheckIssuer got %v, want the callback's parameters", rt.idp.issuerChecks)
			}
		})
	}
}

func TestCallbackSavesASessionWithTheDefaultUserClaims(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	state := rt.startLogin(b, rt.login(), "audience=https://api.test&returnTo=/welcome").Get("state")
	res := b.get(rt.callback(), callbackURL(url.Values{"code": {"c"}, "state": {state}}))
	if res.Code != http.StatusFound || res.Header().Get("Location") != "/welcome" {
		t.Fatalf("callback: %d to %q, want 302 to /welcome", res.Code, res.Header().Get("Location"))
	}
	if res.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", res.Header().Get("Cache-Control"))
	}
	s := rt.sessionOf(b)
	if s == nil {
		t.Fatal("no session was saved")
	}
	claims := s.User.Claims()
	for _, name := range []string{"sub", "name", "email", "email_verified"} {
		if _, ok := claims[name]; !ok {
			t.Errorf("the user lacks %s", name)
		}
	}
	for name := range claims {
		if !slices.Contains(DefaultUserClaims(), name) {
			t.Errorf("the user keeps %s, which is not a default claim", name)
		}
	}
	if s.Internal.SID != "sid-1" || s.Internal.Subject != "user-1" || !s.Internal.CreatedAt.Equal(rt.clk.now) {
		t.Errorf("internal %+v, want the ID token's sid and sub, created now", s.Internal)
	}
	want := exchangeTokens(rt.clk.now)
	ts := s.TokenSet
	if ts.AccessToken != want.AccessToken || ts.RefreshToken != want.RefreshToken || ts.IDToken != want.IDToken ||
		!ts.ExpiresAt.Equal(want.ExpiresAt) || ts.Scope != want.Scope || ts.TokenType != "Bearer" {
		t.Errorf("token set %+v, want the exchanged tokens", ts)
	}
	if ts.RequestedScope != DefaultScope || ts.Audience != "https://api.test" {
		t.Errorf("requested scope %q, audience %q; want the login's", ts.RequestedScope, ts.Audience)
	}
}

func TestCallbackKeepsTheRequestedScopeWhenTheProviderDoesNotSayWhatItGranted(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	tokens := exchangeTokens(rt.clk.now)
	tokens.Scope = ""
	rt.idp.tokens = tokens
	b := newBrowser()
	state := rt.startLogin(b, rt.login(), "scope=openid+email").Get("state")
	b.get(rt.callback(), callbackURL(url.Values{"code": {"c"}, "state": {state}}))
	if s := rt.sessionOf(b); s == nil || s.TokenSet.Scope != "openid email" {
		t.Errorf("session %v, want the requested scope as granted", s)
	}
}

func TestCallbackDeletesTheTransactionSoTheResponseCannotBeReplayed(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	cb := rt.callback()
	target := callbackURL(url.Values{"code": {"c"}, "state": {rt.startLogin(b, rt.login(), "").Get("state")}})
	if res := b.get(cb, target); res.Code != http.StatusFound {
		t.Fatalf("callback: %d", res.Code)
	}
	if b.has(DefaultTransactionPrefix) {
		t.Errorf("the transaction cookie is still set: %v", b.cookies)
	}
	var got CallbackResult
	res := b.get(rt.callback(func(o *CallbackOptions) { o.OnCallback = recordCallback(&got) }), target)
	if res.Code != http.StatusBadRequest || codeOf(got.Err) != CodeInvalidState {
		t.Errorf("replay: %d %v, want 400 invalid_state", res.Code, got.Err)
	}
	if _, n, _, _, _ := rt.idp.calls(); n != 1 {
		t.Errorf("%d code exchanges, want only the first", n)
	}
}

func TestCallbackRefusesAMissingOrUnknownState(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		state    func(rt *routes, b *browser) string
		wantCode string
	}{
		{"missing", func(*routes, *browser) string { return "" }, CodeMissingState},
		{"unknown", func(rt *routes, b *browser) string {
			rt.startLogin(b, rt.login(), "")
			return "bm90LWEtc3RhdGUtb2YtdGhpcy1icm93c2VyLXh4eHh4eHg"
		}, CodeInvalidState},
		{"from another browser", func(rt *routes, _ *browser) string {
			return rt.startLogin(newBrowser(), rt.login(), "").Get("state")
		}, CodeInvalidState},
		{"expired", func(rt *routes, b *browser) string {
			state := rt.startLogin(b, rt.login(), "").Get("state")
			rt.clk.now = rt.clk.now.Add(DefaultTransactionMaxAge)
			return state
		}, CodeInvalidState},
		{"too long", func(*routes, *browser) string { return strings.Repeat("s", 200) }, CodeInvalidState},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := newBrowser()
			state := tc.state(rt, b)
			var got CallbackResult
			cb := rt.callback(func(o *CallbackOptions) { o.OnCallback = recordCallback(&got) })
			q := url.Values{"code": {"c"}}
			if state != "" {
				q.Set("state", state)
			}
			res := b.get(cb, callbackURL(q))
			if res.Code != http.StatusBadRequest || codeOf(got.Err) != tc.wantCode {
				t.Errorf("%d %v, want 400 %s", res.Code, got.Err, tc.wantCode)
			}
			if !strings.Contains(res.Body.String(), tc.wantCode) {
				t.Errorf("the page does not name %s: %s", tc.wantCode, res.Body)
			}
			if got.Session != nil || b.has(testSessionCookie) {
				t.Error("a refused callback signed the browser in")
			}
			if _, n, _, _, _ := rt.idp.calls(); n != 0 {
				t.Error("the code was exchanged")
			}
		})
	}
}

func TestCallbackReportsTheProvidersErrorEscaped(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	state := rt.startLogin(b, rt.login(), "returnTo=/after").Get("state")
	var got CallbackResult
	cb := rt.callback(func(o *CallbackOptions) { o.OnCallback = recordCallback(&got) })
	res := b.get(cb, callbackURL(url.Values{
		"state": {state}, "error": {"access_denied"},
		"error_description": {`<script>alert("x")</script>`}, "error_uri": {"https://idp.test/help"},
	}))
	if res.Code != http.StatusBadRequest || codeOf(got.Err) != CodeAuthorizationError {
		t.Fatalf("%d %v, want 400 %s", res.Code, got.Err, CodeAuthorizationError)
	}
	var pe *provider.Error
	if !errors.As(got.Err, &pe) || pe.Code != "access_denied" || pe.Description != `<script>alert("x")</script>` || pe.URI != "https://idp.test/help" {
		t.Errorf("cause %#v, want the provider's error", pe)
	}
	body := res.Body.String()
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "access_denied") {
		t.Errorf("the page does not show the description escaped: %s", body)
	}
	if got.ReturnTo != "/after" {
		t.Errorf("ReturnTo %q, want the login's", got.ReturnTo)
	}
	if b.has(DefaultTransactionPrefix) || b.has(testSessionCookie) {
		t.Errorf("after a refused login the browser holds %v", b.cookies)
	}
	if _, n, _, _, _ := rt.idp.calls(); n != 0 {
		t.Error("the code was exchanged")
	}
}

func TestCallbackRefusesAResponseItCannotTrust(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		issuerErr  error
		query      url.Values
		wantCode   string
		wantStatus int
	}{
		{"wrong iss", errors.New("provider: the iss parameter names another issuer"),
			url.Values{"code": {"c"}, "iss": {"https://evil.test/"}}, CodeAuthorizationError, http.StatusBadRequest},
		{"issuer check unavailable", fmt.Errorf("%w: discovery", provider.ErrUnavailable),
			url.Values{"code": {"c"}}, CodeProviderUnavailable, http.StatusBadGateway},
		{"no code", nil, url.Values{}, CodeAuthorizationError, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			rt.idp.issuerErr = tc.issuerErr
			b := newBrowser()
			tc.query.Set("state", rt.startLogin(b, rt.login(), "").Get("state"))
			var got CallbackResult
			res := b.get(rt.callback(func(o *CallbackOptions) { o.OnCallback = recordCallback(&got) }), callbackURL(tc.query))
			if res.Code != tc.wantStatus || codeOf(got.Err) != tc.wantCode {
				t.Errorf("%d %v, want %d %s", res.Code, got.Err, tc.wantStatus, tc.wantCode)
			}
			if tc.issuerErr != nil && !errors.Is(got.Err, tc.issuerErr) {
				t.Errorf("the cause %v is lost", got.Err)
			}
			if _, n, _, _, _ := rt.idp.calls(); n != 0 {
				t.Error("the code was exchanged")
			}
			if b.has(testSessionCookie) {
				t.Error("the browser was signed in")
			}
		})
	}
}

func TestCallbackClassifiesExchangeFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		err        error
		wantCode   string
		wantStatus int
	}{
		{"refused code", &provider.Error{StatusCode: 400, Code: "invalid_grant", Description: "code expired"},
			CodeAuthorizationCodeGrantError, http.StatusBadRequest},
		{"unreachable", fmt.Errorf("%w: token endpoint: %w", provider.ErrUnavailable, io.ErrUnexpectedEOF),
			CodeProviderUnavailable, http.StatusBadGateway},
		{"5xx answer", &provider.Error{StatusCode: 503}, CodeProviderUnavailable, http.StatusBadGateway},
		{"invalid ID token", fmt.Errorf("%w: the nonce does not match", provider.ErrInvalidIDToken),
			CodeAuthorizationCodeGrantError, http.StatusBadGateway},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			rt.idp.exchangeErr = tc.err
			b := newBrowser()
			state := rt.startLogin(b, rt.login(), "").Get("state")
			var got CallbackResult
			res := b.get(rt.callback(func(o *CallbackOptions) { o.OnCallback = recordCallback(&got) }),
				callbackURL(url.Values{"code": {"c"}, "state": {state}}))
			if res.Code != tc.wantStatus || codeOf(got.Err) != tc.wantCode {
				t.Errorf("%d %v, want %d %s", res.Code, got.Err, tc.wantStatus, tc.wantCode)
			}
			if !errors.Is(got.Err, tc.err) {
				t.Errorf("the cause %v is lost", got.Err)
			}
			if !strings.Contains(res.Body.String(), tc.wantCode) {
				t.Errorf("the page does not name %s", tc.wantCode)
			}
			if b.has(testSessionCookie) || b.has(DefaultTransactionPrefix) {
				t.Errorf("after a failed exchange the browser holds %v", b.cookies)
			}
		})
	}
}

func TestCallbackBeforeSessionSavedDecidesTheSession(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	var seen BeforeSessionSavedInput
	cb := rt.callback(func(o *CallbackOptions) {
		o.BeforeSessionSaved = func(_ context.Context, in BeforeSessionSavedInput) (*session.Session, error) {
			seen = BeforeSessionSavedInput{Session: in.Session.Clone(), IDToken: in.IDToken}
			out := in.Session.Clone()
			out.User = session.NewUser(FilterClaims(in.Session.User.Claims(), []string{"sub", "groups"}))
			out.Internal.SID = "forged"
			out.Internal.Subject = "someone-else"
			if err := out.SetCustom("plan", "gold"); err != nil {
				return nil, err
			}
			return out, nil
		}
	})
	b := newBrowser()
	state := rt.startLogin(b, rt.login(), "").Get("state")
	if res := b.get(cb, callbackURL(url.Values{"code": {"c"}, "state": {state}})); res.Code != http.StatusFound {
		t.Fatalf("callback: %d %s", res.Code, res.Body)
	}
	if seen.IDToken != "idt-1" || seen.Session.User.Get("groups") == nil || seen.Session.TokenSet.RefreshToken != "rt-1" {
		t.Errorf("the hook saw %+v, want every claim, the tokens and the raw ID token", seen)
	}
	s := rt.sessionOf(b)
	if s == nil {
		t.Fatal("no session was saved")
	}
	if s.User.Get("groups") == nil || s.User.Get("name") != nil {
		t.Errorf("user %v, want the hook's", s.User.Claims())
	}
	var plan string
	if ok, err := s.GetCustom("plan", &plan); !ok || err != nil || plan != "gold" {
		t.Errorf("custom data %q, %v, %v; want the hook's", plan, ok, err)
	}
	if s.Internal.SID != "sid-1" || s.Internal.Subject != "user-1" {
		t.Errorf("internal %+v: the hook changed the login's sid or subject", s.Internal)
	}
}

func TestCallbackRefusedSessionSignsNobodyIn(t *testing.T) {
	t.Parallel()
	refusal := errors.New("this user may not sign in")
	huge := strings.Repeat("0123456789abcdef", 4<<10) // 64 KB: more than MaxChunks cookies hold
	for _, tc := range []struct {
		name string
		hook BeforeSessionSavedFunc
		want error
	}{
		{"hook error", func(context.Context, BeforeSessionSavedInput) (*session.Session, error) { return nil, refusal }, refusal},
		{"no session", func(context.Context, BeforeSessionSavedInput) (*session.Session, error) { return nil, nil }, nil},
		{"too large for the cookies", func(_ context.Context, in BeforeSessionSavedInput) (*session.Session, error) {
			in.Session.User.Set("blob", huge)
			return in.Session, nil
		}, session.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			var got CallbackResult
			cb := rt.callback(func(o *CallbackOptions) {
				o.BeforeSessionSaved = tc.hook
				o.OnCallback = recordCallback(&got)
			})
			b := newBrowser()
			state := rt.startLogin(b, rt.login(), "").Get("state")
			res := b.get(cb, callbackURL(url.Values{"code": {"c"}, "state": {state}}))
			if res.Code != http.StatusInternalServerError || codeOf(got.Err) != CodeSessionError {
				t.Errorf("%d %v, want 500 %s", res.Code, got.Err, CodeSessionError)
			}
			if tc.want != nil && !errors.Is(got.Err, tc.want) {
				t.Errorf("the cause %v is lost", got.Err)
			}
			if b.has(testSessionCookie) {
				t.Error("the browser was signed in")
			}
		})
	}
}

func TestCallbackHandsTheResultToOnCallback(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	var got CallbackResult
	var sessionCookies []string
	cb := rt.callback(func(o *CallbackOptions) {
		o.OnCallback = func(w http.ResponseWriter, _ *http.Request, res CallbackResult) {
			got = res
			sessionCookies = setCookies(w.Header(), testSessionCookie)
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "welcome")
		}
	})
	b := newBrowser()
	state := rt.startLogin(b, rt.login(), "returnTo=/inbox").Get("state")
	res := b.get(cb, callbackURL(url.Values{"code": {"c"}, "state": {state}}))
	if res.Code != http.StatusOK || res.Body.String() != "welcome" {
		t.Errorf("response %d %q, want OnCallback's", res.Code, res.Body)
	}
	if got.Err != nil || got.ReturnTo != "/inbox" || got.Session == nil || got.Session.User.Subject() != "user-1" {
		t.Errorf("result %+v, want the saved session and returnTo", got)
	}
	if len(sessionCookies) == 0 {
		t.Error("the session cookie was not in the headers when OnCallback ran")
	}
	if s := rt.sessionOf(b); s == nil || s.User.Subject() != "user-1" {
		t.Error("the browser is not signed in")
	}
}

func TestCallbackEndsTheOtherLoginsOnlyOnSuccess(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	login, cb := rt.login(), rt.callback()
	first := rt.startLogin(b, login, "returnTo=/first").Get("state")
	second := rt.startLogin(b, login, "returnTo=/second").Get("state")
	if slotOf(first) == slotOf(second) {
		t.Fatal("two logins of one browser share a slot")
	}
	res := b.get(cb, callbackURL(url.Values{"error": {"access_denied"}, "state": {first}}))
	if res.Code != http.StatusBadRequest {
		t.Fatalf("refused login: %d", res.Code)
	}
	res = b.get(cb, callbackURL(url.Values{"code": {"c"}, "state": {second}}))
	if res.Code != http.StatusFound || res.Header().Get("Location") != "/second" {
		t.Fatalf("the other login, after a refused one: %d to %q", res.Code, res.Header().Get("Location"))
	}

	third := rt.startLogin(b, login, "").Get("state")
	fourth := rt.startLogin(b, login, "").Get("state")
	if res := b.get(cb, callbackURL(url.Values{"code": {"c"}, "state": {fourth}})); res.Code != http.StatusFound {
		t.Fatalf("callback: %d", res.Code)
	}
	if b.has(DefaultTransactionPrefix) {
		t.Errorf("a completed login left transaction cookies: %v", b.cookies)
	}
	if res := b.get(cb, callbackURL(url.Values{"code": {"c"}, "state": {third}})); res.Code != http.StatusBadRequest {
		t.Errorf("a login made pointless by a completed one still completes: %d", res.Code)
	}
}

func TestCallbackRefusesOtherMethods(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	state := rt.startLogin(b, rt.login(), "").Get("state")
	res := b.do(rt.callback(), b.request(http.MethodPost, callbackURL(url.Values{"code": {"c"}, "state": {state}}), nil))
	if res.Code != http.StatusMethodNotAllowed || res.Header().Get("Allow") != http.MethodGet {
		t.Errorf("POST: %d, Allow %q; want 405, Allow GET", res.Code, res.Header().Get("Allow"))
	}
	if _, n, _, _, _ := rt.idp.calls(); n != 0 || !b.has(DefaultTransactionPrefix) {
		t.Error("a refused method used the login")
	}
}

// codeOf returns the Code of err's *CallbackError, or "".
func codeOf(err error) string {
	var ce *CallbackError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ""
}

// A login whose session cannot be saved because the store is down is answered 503 with a
// code of its own, not 500: nothing is wrong with the login, it can be done again later.
func TestCallbackAnswers503WhenTheSessionStoreIsUnavailable(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	var got CallbackResult
	cb := rt.callback(func(o *CallbackOptions) {
		o.Sessions = saveFailingManager{Manager: rt.sessions, err: errRecordsDown}
		o.OnCallback = func(w http.ResponseWriter, r *http.Request, res CallbackResult) {
			got = res
			DefaultOnCallback(w, r, res)
		}
	})
	b := newBrowser()
	state := rt.startLogin(b, rt.login(), "").Get("state")
	res := b.get(cb, callbackURL(url.Values{"code": {"c"}, "state": {state}}))
	if res.Code != http.StatusServiceUnavailable || codeOf(got.Err) != CodeSessionStoreUnavailable {
		t.Errorf("%d %v, want 503 %s", res.Code, got.Err, CodeSessionStoreUnavailable)
	}
	if !errors.Is(got.Err, session.ErrUnavailable) {
		t.Errorf("the cause %v is lost", got.Err)
	}
	if strings.Contains(res.Body.String(), "10.0.0.9") {
		t.Errorf("the page shows the internal error: %s", res.Body)
	}
	if b.has(testSessionCookie) {
		t.Error("the browser was signed in")
	}
}

// saveFailingManager fails every Save with err.
type saveFailingManager struct {
	session.Manager
	err error
}

func (m saveFailingManager) Save(context.Context, http.Header, *session.Loaded, *session.Session, session.SaveOptions) error {
	return m.err
}
