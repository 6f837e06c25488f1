package oidctest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
)

const (
	connectionGrant    = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"
	connectionType     = "http://auth0.com/oauth/token-type/federated-connection-access-token"
	refreshTokenType   = "urn:ietf:params:oauth:token-type:refresh_token"
	accessTokenType    = "urn:ietf:params:oauth:token-type:access_token"
	calendarConnection = "google-oauth2"
)

func withCalendar() oidctest.Option {
	return oidctest.WithConnection(oidctest.Connection{Name: calendarConnection, Scope: "calendar", TokenLifetime: 10 * time.Minute})
}

// exchangeForm is the token exchange of subject for an access token of connection, with
// key-value pairs replacing its parameters ("" deletes one).
func exchangeForm(subject, subjectType, connection string, replace ...string) url.Values {
	f := url.Values{
		"grant_type": {connectionGrant}, "subject_token": {subject}, "subject_token_type": {subjectType},
		"requested_token_type": {connectionType}, "connection": {connection},
	}
	for i := 0; i+1 < len(replace); i += 2 {
		if replace[i+1] == "" {
			f.Del(replace[i])
			continue
		}
		f.Set(replace[i], replace[i+1])
	}
	return f
}

func TestConnectionTokenExchange(t *testing.T) {
	t.Parallel()
	srv, r, l := offlineLogin(t, withCalendar(), oidctest.WithConnection(oidctest.Connection{Name: "github"}))
	for _, tc := range []struct {
		name, subject, subjectType, connection, hint string
		scope                                        string
		expiresIn                                    float64
	}{
		{"a refresh token with a login hint", l.token.RefreshToken, refreshTokenType, calendarConnection, "ada@example.test", "calendar", 600},
		{"a refresh token again, without a hint", l.token.RefreshToken, refreshTokenType, calendarConnection, "", "calendar", 600},
		{"an access token, for a connection of the default lifetime", l.token.AccessToken, accessTokenType, "github", "", "", 3600},
	} {
		form := exchangeForm(tc.subject, tc.subjectType, tc.connection)
		if tc.hint != "" {
			form.Set("login_hint", tc.hint)
		}
		status, body := post(t, srv, oidctest.EndpointToken, form, testClientID, testSecret)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %v", tc.name, status, body)
		}
		tok, _ := body["access_token"].(string)
		if body["issued_token_type"] != connectionType || body["token_type"] != "Bearer" ||
			body["expires_in"] != tc.expiresIn || (body["scope"] != tc.scope && tc.scope != "") || body["refresh_token"] != nil {
			t.Errorf("%s: answer %v", tc.name, body)
		}
		ct, ok := srv.ConnectionToken(tok)
		want := oidctest.ConnectionToken{
			Token: tok, Connection: tc.connection, Subject: l.idToken.Subject, LoginHint: tc.hint, ClientID: testClientID,
			Scope: tc.scope, ExpiresAt: srv.Now().Truncate(time.Second).Add(time.Duration(tc.expiresIn) * time.Second),
		}
		if !ok || ct != want {
			t.Errorf("%s: recorded %+v, %v; want %+v", tc.name, ct, ok, want)
		}
		if _, err := r.userinfo(tok); err == nil {
			t.Errorf("%s: the connection's token is one of the provider's own access tokens", tc.name)
		}
	}
	if _, ok := srv.ConnectionToken(l.token.AccessToken); ok {
		t.Error("the provider's own access token is recorded as a connection's")
	}
	if _, err := r.refresh(l.token.RefreshToken); err != nil {
		t.Errorf("the refresh token was spent by the exchanges: %v", err)
	}
}

func TestConnectionTokenExchangeRefusals(t *testing.T) {
	t.Parallel()
	other := oidctest.Client{ID: "other", Secret: "other-secret", RedirectURIs: []string{testRedirectURI}}
	srv, _, l := offlineLogin(t, withCalendar(), oidctest.WithClient(other),
		oidctest.WithRefreshTokenLifetime(24*time.Hour))
	rt, at := l.token.RefreshToken, l.token.AccessToken
	_, machine := post(t, srv, oidctest.EndpointToken, url.Values{"grant_type": {"client_credentials"}}, testClientID, testSecret)
	machineToken, _ := machine["access_token"].(string)
	for _, tc := range []struct {
		name       string
		form       url.Values
		user, pass string
		status     int
		code       string
	}{
		{"no subject token", exchangeForm(rt, refreshTokenType, calendarConnection, "subject_token", ""), testClientID, testSecret, 400, "invalid_request"},
		{"no subject token type", exchangeForm(rt, "", calendarConnection), testClientID, testSecret, 400, "invalid_request"},
		{"an id_token subject", exchangeForm(rt, "urn:ietf:params:oauth:token-type:id_token", calendarConnection), testClientID, testSecret, 400, "invalid_request"},
		{"another requested type", exchangeForm(rt, refreshTokenType, calendarConnection, "requested_token_type", accessTokenType), testClientID, testSecret, 400, "invalid_request"},
		{"no requested type", exchangeForm(rt, refreshTokenType, calendarConnection, "requested_token_type", ""), testClientID, testSecret, 400, "invalid_request"},
		{"no connection", exchangeForm(rt, refreshTokenType, ""), testClientID, testSecret, 400, "invalid_request"},
		{"an unknown connection", exchangeForm(rt, refreshTokenType, "dropbox"), testClientID, testSecret, 400, "invalid_request"},
		{"an unknown refresh token", exchangeForm("nope", refreshTokenType, calendarConnection), testClientID, testSecret, 400, "invalid_grant"},
		{"an access token as a refresh token", exchangeForm(at, refreshTokenType, calendarConnection), testClientID, testSecret, 400, "invalid_grant"},
		{"an unknown access token", exchangeForm("a.b.c", accessTokenType, calendarConnection), testClientID, testSecret, 400, "invalid_grant"},
		{"an access token of no user", exchangeForm(machineToken, accessTokenType, calendarConnection), testClientID, testSecret, 400, "invalid_grant"},
		{"another client's refresh token", exchangeForm(rt, refreshTokenType, calendarConnection), "other", "other-secret", 400, "invalid_grant"},
		{"another client's access token", exchangeForm(at, accessTokenType, calendarConnection), "other", "other-secret", 400, "invalid_grant"},
		{"a client that does not authenticate", exchangeForm(rt, refreshTokenType, calendarConnection), testClientID, "wrong", 401, "invalid_client"},
	} {
		status, body := post(t, srv, oidctest.EndpointToken, tc.form, tc.user, tc.pass)
		if status != tc.status || body["error"] != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, body, tc.status, tc.code)
		}
	}

	srv.Advance(2 * time.Hour) // the access token expired
	if status, body := post(t, srv, oidctest.EndpointToken, exchangeForm(at, accessTokenType, calendarConnection), testClientID, testSecret); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("an expired access token: %d %v", status, body)
	}
	srv.Advance(24 * time.Hour) // the refresh token expired
	if status, body := post(t, srv, oidctest.EndpointToken, exchangeForm(rt, refreshTokenType, calendarConnection), testClientID, testSecret); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("an expired refresh token: %d %v", status, body)
	}
}

func TestConnectionTokenExchangeOfARevokedOrRotatedToken(t *testing.T) {
	t.Parallel()
	exchange := func(srv *oidctest.Server, rt string) (int, any) {
		status, body := post(t, srv, oidctest.EndpointToken, exchangeForm(rt, refreshTokenType, calendarConnection), testClientID, testSecret)
		return status, body["error"]
	}

	srv, _, l := offlineLogin(t, withCalendar())
	if status, _ := post(t, srv, oidctest.EndpointRevocation, url.Values{"token": {l.token.RefreshToken}}, testClientID, testSecret); status != http.StatusOK {
		t.Fatalf("revocation: %d", status)
	}
	if status, code := exchange(srv, l.token.RefreshToken); status != 400 || code != "invalid_grant" {
		t.Errorf("a revoked refresh token: %d %v", status, code)
	}

	srv, r, l := offlineLogin(t, withCalendar())
	next, err := r.refresh(l.token.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if status, code := exchange(srv, l.token.RefreshToken); status != 400 || code != "invalid_grant" || srv.RefreshTokenReuses() != 1 {
		t.Errorf("a rotated refresh token: %d %v, %d reuses; want invalid_grant and one reuse", status, code, srv.RefreshTokenReuses())
	}
	if status, code := exchange(srv, next.RefreshToken); status != 400 || code != "invalid_grant" {
		t.Errorf("the rotated token's family was not revoked: %d %v", status, code)
	}
}

func TestConnectionTokenExchangeNeedsAConnection(t *testing.T) {
	t.Parallel()
	srv, _, l := offlineLogin(t)
	status, body := post(t, srv, oidctest.EndpointToken, exchangeForm(l.token.RefreshToken, refreshTokenType, calendarConnection), testClientID, testSecret)
	if status != 400 || body["error"] != "unsupported_grant_type" {
		t.Errorf("a server without connections answered %d %v, want unsupported_grant_type", status, body)
	}
	if slices.Contains(grantTypes(t, srv), connectionGrant) {
		t.Error("a server without connections lists the exchange among its grants")
	}
	if grants := grantTypes(t, newServer(t, withCalendar())); !slices.Contains(grants, connectionGrant) {
		t.Errorf("grant_types_supported %v does not list the exchange", grants)
	}
}

// grantTypes returns the grant_types_supported of srv's discovery document.
func grantTypes(t *testing.T, srv *oidctest.Server) []string {
	t.Helper()
	resp, err := srv.HTTPClient().Get(srv.URL(oidctest.EndpointDiscovery))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Grants []string `json:"grant_types_supported"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc.Grants
}

func TestWithConnectionRefusesBadConnections(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []oidctest.Option
	}{
		{"no name", []oidctest.Option{oidctest.WithConnection(oidctest.Connection{})}},
		{"twice", []oidctest.Option{withCalendar(), withCalendar()}},
		{"a negative lifetime", []oidctest.Option{oidctest.WithConnection(oidctest.Connection{Name: "x", TokenLifetime: -time.Second})}},
	} {
		if _, err := oidctest.New(tc.opts...); err == nil || !strings.HasPrefix(err.Error(), "oidctest: ") {
			t.Errorf("%s: New = %v, want an oidctest error", tc.name, err)
		}
	}
}
