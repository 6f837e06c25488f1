package oidctest_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authchain/authchain/oidctest"
)

// receiver is a relying party's back-channel logout endpoint that verifies
// logout tokens with go-oidc.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	tokens   []*oidc.LogoutToken
	typs     []string
	status   int
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{status: http.StatusNoContent}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	raw := r.PostFormValue("logout_token")
	if rc.verifier == nil || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		http.Error(w, "not ready", http.StatusBadRequest)
		return
	}
	tok, err := rc.verifier.VerifyLogout(r.Context(), raw)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	header, _ := jwtHeader(raw)
	rc.tokens = append(rc.tokens, tok)
	rc.typs = append(rc.typs, header["typ"].(string))
	w.WriteHeader(rc.status)
}

func (rc *receiver) received() ([]*oidc.LogoutToken, []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]*oidc.LogoutToken(nil), rc.tokens...), append([]string(nil), rc.typs...)
}

// backChannelSetup starts a provider whose client has the receiver as its
// back-channel logout URI, and logs a user in.
func backChannelSetup(t *testing.T, opts ...oidctest.Option) (*oidctest.Server, *rp, *receiver, login) {
	rc := newReceiver(t)
	c := confidentialClient()
	c.BackChannelLogoutURI = rc.URL + "/backchannel-logout"
	srv := newServer(t, append([]oidctest.Option{oidctest.WithClient(c)}, opts...)...)
	r := newRP(t, srv, c)
	rc.mu.Lock()
	rc.verifier = r.provider.Verifier(&oidc.Config{ClientID: testClientID, Now: srv.Now})
	rc.mu.Unlock()
	return srv, r, rc, r.login()
}

func TestBackChannelLogoutBySidAndSub(t *testing.T) {
	t.Parallel()
	srv, _, rc, l := backChannelSetup(t)
	var claims struct {
		SID string `json:"sid"`
	}
	_ = l.idToken.Claims(&claims)
	if ids := srv.SessionIDs(l.idToken.Subject); len(ids) != 1 || ids[0] != claims.SID {
		t.Fatalf("SessionIDs %v, want [%s]", ids, claims.SID)
	}
	if err := srv.BackChannelLogout(t.Context(), testClientID, claims.SID, ""); err != nil {
		t.Fatal(err)
	}
	if err := srv.BackChannelLogout(t.Context(), testClientID, "", l.idToken.Subject); err != nil {
		t.Fatal(err)
	}
	toks, typs := rc.received()
	if len(toks) != 2 {
		t.Fatalf("received %d tokens", len(toks))
	}
	if toks[0].SessionID != claims.SID || toks[0].Subject != "" || toks[1].Subject != l.idToken.Subject || toks[1].SessionID != "" {
		t.Errorf("tokens %+v %+v", toks[0], toks[1])
	}
	if toks[0].TokenID == toks[1].TokenID || toks[0].Issuer != srv.Issuer() || !toks[0].Expiry.After(toks[0].IssuedAt) {
		t.Errorf("jti/iss/exp: %+v", toks[0])
	}
	if typs[0] != "logout+jwt" {
		t.Errorf("typ %q", typs[0])
	}
}

func TestBackChannelLogoutErrors(t *testing.T) {
	t.Parallel()
	srv, _, rc, _ := backChannelSetup(t, oidctest.WithClient(oidctest.Client{ID: "nouri", Secret: "s"}))
	rc.mu.Lock()
	rc.status = http.StatusInternalServerError
	rc.mu.Unlock()
	if err := srv.BackChannelLogout(t.Context(), testClientID, "sid", ""); err == nil {
		t.Error("a 500 from the client counted as success")
	}
	if err := srv.BackChannelLogout(t.Context(), "ghost", "sid", ""); err == nil {
		t.Error("unknown client")
	}
	if err := srv.BackChannelLogout(t.Context(), "nouri", "sid", ""); err == nil {
		t.Error("client without a back-channel URI")
	}
	if err := srv.BackChannelLogout(t.Context(), testClientID, "", ""); err == nil {
		t.Error("neither sid nor sub")
	}
}

func TestEndSessionSendsBackChannelLogout(t *testing.T) {
	t.Parallel()
	srv, r, rc, l := backChannelSetup(t)
	sid := srv.Sessions()[0].ID
	q := url.Values{"id_token_hint": {l.rawID}, "post_logout_redirect_uri": {testLogoutURI}}
	if resp := r.get(srv.URL(oidctest.EndpointEndSession) + "?" + q.Encode()); resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
	toks, _ := rc.received()
	if len(toks) != 1 || toks[0].SessionID != sid || toks[0].Subject != l.idToken.Subject {
		t.Fatalf("received %+v, want one token for sid %s", toks, sid)
	}
}

func TestWithoutBackChannelOnLogout(t *testing.T) {
	t.Parallel()
	srv, r, rc, _ := backChannelSetup(t, oidctest.WithoutBackChannelOnLogout())
	r.get(srv.URL(oidctest.EndpointAuth0Logout))
	if toks, _ := rc.received(); len(toks) != 0 {
		t.Fatalf("received %d tokens", len(toks))
	}
	if len(srv.Sessions()) != 0 {
		t.Fatal("session not ended")
	}
}

func TestLogoutTokenDefects(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	v := r.provider.Verifier(&oidc.Config{ClientID: testClientID, Now: srv.Now})
	good, err := srv.LogoutToken(oidctest.LogoutTokenOptions{ClientID: testClientID, SessionID: "sid-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyLogout(r.ctx, good); err != nil {
		t.Fatalf("a token without defects: %v", err)
	}
	for name, d := range map[string]oidctest.LogoutDefect{
		"nonce":          oidctest.LogoutWithNonce,
		"no events":      oidctest.LogoutWithoutEvents,
		"expired":        oidctest.LogoutExpired,
		"wrong audience": oidctest.LogoutWrongAudience,
		"wrong issuer":   oidctest.LogoutWrongIssuer,
		"no jti":         oidctest.LogoutWithoutJTI,
		"no sub or sid":  oidctest.LogoutWithoutSubOrSid,
		"unknown kid":    oidctest.LogoutUnknownKID,
		"alg none":       oidctest.LogoutAlgNone,
		"bad signature":  oidctest.LogoutBadSignature,
	} {
		tok, err := srv.LogoutToken(oidctest.LogoutTokenOptions{ClientID: testClientID, SessionID: "sid-1", Defects: []oidctest.LogoutDefect{d}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := v.VerifyLogout(r.ctx, tok); err == nil {
			t.Errorf("%s: go-oidc accepted the token", name)
		}
	}
	// go-oidc checks neither typ nor iat; the defects are in the token.
	tok, _ := srv.LogoutToken(oidctest.LogoutTokenOptions{ClientID: testClientID, Subject: "u", Defects: []oidctest.LogoutDefect{oidctest.LogoutWrongTyp, oidctest.LogoutIssuedInFuture}})
	h, c := jwtParts(t, tok)
	if h["typ"] != "JWT" || c["iat"].(float64) < float64(srv.Now().Add(9*time.Minute).Unix()) {
		t.Errorf("typ %v iat %v", h["typ"], c["iat"])
	}
	if _, err := srv.LogoutToken(oidctest.LogoutTokenOptions{SessionID: "x"}); err == nil {
		t.Error("a logout token without ClientID")
	}
}

func TestEndSessionFromTheTest(t *testing.T) {
	t.Parallel()
	srv, r, rc, l := backChannelSetup(t)
	sid := srv.SessionIDs(l.idToken.Subject)[0]
	if !srv.EndSession(t.Context(), sid) {
		t.Fatal("EndSession: session not live")
	}
	if srv.EndSession(t.Context(), sid) {
		t.Error("EndSession twice reported a live session")
	}
	if toks, _ := rc.received(); len(toks) != 1 || toks[0].SessionID != sid {
		t.Fatalf("received %+v", toks)
	}
	if r.loggedIn() {
		t.Error("the browser is still logged in at the provider")
	}
}
