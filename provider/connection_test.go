package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestExchangeForConnectionSendsTheExchange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		q        ConnectionTokenRequest
		wantType string
	}{
		{"a refresh token by default, with a login hint",
			ConnectionTokenRequest{SubjectToken: refreshToken, Connection: "google-oauth2", LoginHint: "ada@example.test"},
			SubjectTokenTypeRefreshToken},
		{"an access token",
			ConnectionTokenRequest{SubjectToken: "at-1", SubjectTokenType: SubjectTokenTypeAccessToken, Connection: "github"},
			SubjectTokenTypeAccessToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, rec := op(t, 200, `{"access_token":"ct-1","issued_token_type":"http://auth0.com/oauth/token-type/federated-connection-access-token",
				"token_type":"Bearer","expires_in":"3600","scope":"calendar","refresh_token":"rt-other","id_token":"x.y.z"}`)
			before := time.Now().Truncate(time.Second)
			res, err := p.ExchangeForConnection(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Tokens
			method, h, sent := rec.get()
			want := map[string]string{
				"grant_type":           GrantTypeFederatedConnectionAccessToken,
				"subject_token":        tc.q.SubjectToken,
				"subject_token_type":   tc.wantType,
				"requested_token_type": RequestedTokenTypeFederatedConnectionAccessToken,
				"connection":           tc.q.Connection,
				"login_hint":           tc.q.LoginHint,
			}
			for k, v := range want {
				if sent.Get(k) != v || (v == "" && sent.Has(k)) {
					t.Errorf("%s = %q, want %q", k, sent.Get(k), v)
				}
			}
			if method != "POST" || h.Get("Authorization") == "" {
				t.Errorf("%s without client authentication (Authorization %q)", method, h.Get("Authorization"))
			}
			if got.AccessToken != "ct-1" || got.TokenType != "Bearer" || got.Scope != "calendar" ||
				got.ExpiresAt.Before(before.Add(time.Hour)) || got.ExpiresAt.After(time.Now().Add(time.Hour)) {
				t.Errorf("tokens = %+v, want ct-1 expiring in an hour", got)
			}
			if got.RefreshToken != "" || got.IDToken != "" {
				t.Error("tokens of the answer other than the connection's access token were kept")
			}
		})
	}
}

func TestExchangeForConnectionErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		status      int
		body        string
		code        string
		unavailable bool
	}{
		{"a provider without the grant", 400, `{"error":"unsupported_grant_type"}`, "unsupported_grant_type", false},
		{"a refused subject token", 401, `{"error":"invalid_grant","error_description":"revoked"}`, "invalid_grant", false},
		{"a provider down", 503, ``, "", true},
		{"an answer without an access token", 200, `{"token_type":"Bearer"}`, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, _ := op(t, tc.status, tc.body)
			_, err := p.ExchangeForConnection(context.Background(), ConnectionTokenRequest{SubjectToken: refreshToken, Connection: "github"})
			var e *Error
			if tc.code != "" && (!errors.As(err, &e) || e.Code != tc.code) {
				t.Errorf("error %v, want *Error %s", err, tc.code)
			}
			if errors.Is(err, ErrUnavailable) != tc.unavailable {
				t.Errorf("error %v: unavailable %v, want %v", err, !tc.unavailable, tc.unavailable)
			}
			if err != nil && strings.Contains(err.Error(), refreshToken) {
				t.Error("the error holds the subject token")
			}
		})
	}
}

func TestExchangeForConnectionNeedsASubjectAndAConnection(t *testing.T) {
	t.Parallel()
	p, rec := op(t, 200, `{"access_token":"ct-1"}`)
	for _, q := range []ConnectionTokenRequest{{Connection: "github"}, {SubjectToken: refreshToken}} {
		if _, err := p.ExchangeForConnection(context.Background(), q); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
	if method, _, _ := rec.get(); method != "" {
		t.Error("an incomplete request was sent")
	}
}
