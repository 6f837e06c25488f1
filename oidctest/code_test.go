package oidctest_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

func TestAuthorizationCodeFlow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		alg   string
		style oauth2.AuthStyle
	}{
		{"RS256 client_secret_basic", "RS256", oauth2.AuthStyleInHeader},
		{"ES256 client_secret_post", "ES256", oauth2.AuthStyleInParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			user := oidctest.User{Subject: "auth0|42", Claims: map[string]any{"name": "Ada", "email": "ada@example.com", "org": "eng", "iss": "spoofed"}}
			srv := oidctest.NewServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithSigningAlg(tc.alg), oidctest.WithIDTokenLifetime(5*time.Minute))
			srv.QueueLogin(user)
			r := newRP(t, srv, confidentialClient())
			r.conf.Endpoint.AuthStyle = tc.style
			l := r.login()

			if l.idToken.Subject != "auth0|42" || l.idToken.Issuer != srv.Issuer() {
				t.Errorf("sub %q iss %q", l.idToken.Subject, l.idToken.Issuer)
			}
			if got := l.idToken.Expiry.Sub(l.idToken.IssuedAt); got != 5*time.Minute {
				t.Errorf("ID token lifetime %v, want 5m", got)
			}
			if err := l.idToken.VerifyAccessToken(l.token.AccessToken); err != nil {
				t.Errorf("at_hash: %v", err)
			}
			var claims struct {
				Name     string `json:"name"`
				Email    string `json:"email"`
				Org      string `json:"org"`
				SID      string `json:"sid"`
				AuthTime int64  `json:"auth_time"`
			}
			if err := l.idToken.Claims(&claims); err != nil {
				t.Fatal(err)
			}
			if claims.Name != "Ada" || claims.Email != "ada@example.com" || claims.Org != "eng" {
				t.Errorf("user claims %+v", claims)
			}
			sessions := srv.Sessions()
			if len(sessions) != 1 || claims.SID != sessions[0].ID || claims.AuthTime != sessions[0].AuthTime.Unix() {
				t.Errorf("sid %q auth_time %d, sessions %+v", claims.SID, claims.AuthTime, sessions)
			}
			header, _ := jwtParts(t, l.rawID)
			if header["alg"] != tc.alg || header["kid"] == "" {
				t.Errorf("ID token header %v", header)
			}
		})
	}
}

func TestTokenResponse(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithAccessTokenLifetime(90*time.Second))
	r := newRP(t, srv, confidentialClient())
	code, verifier := r.code()
	status, body := post(t, srv, oidctest.EndpointToken, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirectURI}, "code_verifier": {verifier},
	}, testClientID, testSecret)
	if status != http.StatusOK {
		t.Fatalf("status %d %v", status, body)
	}
	if body["token_type"] != "Bearer" || body["expires_in"] != float64(90) || body["scope"] != "openid profile email" {
		t.Errorf("response %v", body)
	}
	if _, ok := body["refresh_token"]; ok {
		t.Error("refresh_token without offline_access")
	}
	if _, ok := body["id_token"].(string); !ok {
		t.Error("no id_token for scope openid")
	}

	r = newRP(t, srv, confidentialClient(), "read:things") // plain OAuth 2.0: no openid
	code, verifier = r.code()
	_, body = post(t, srv, oidctest.EndpointToken, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirectURI}, "code_verifier": {verifier},
	}, testClientID, testSecret)
	if _, ok := body["id_token"]; ok || body["access_token"] == nil {
		t.Errorf("without openid: %v", body)
	}
}

func TestRefreshTokenOnlyWithOfflineAccess(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	l := newRP(t, srv, confidentialClient(), oidc.ScopeOpenID, oidc.ScopeOfflineAccess).login()
	if l.token.RefreshToken == "" {
		t.Fatal("no refresh token with offline_access")
	}
}

func TestAccessTokenIsRFC9068JWT(t *testing.T) {
	t.Parallel()
	const api = "https://api.example.com"
	for _, tc := range []struct {
		name string
		opts []oauth2.AuthCodeOption
		want []string
	}{
		{"default", nil, []string{"USERINFO"}},
		{"audience", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("audience", api)}, []string{api, "USERINFO"}},
		{"resource", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("resource", api)}, []string{api, "USERINFO"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, oidctest.WithClient(confidentialClient()))
			r := newRP(t, srv, confidentialClient())
			l := r.login(tc.opts...)
			header, claims := jwtParts(t, l.token.AccessToken)
			if header["typ"] != "at+jwt" {
				t.Errorf("typ %v, want at+jwt", header["typ"])
			}
			// The signature verifies with the published keys.
			v := r.provider.Verifier(&oidc.Config{SkipClientIDCheck: true, Now: srv.Now})
			if _, err := v.Verify(r.ctx, l.token.AccessToken); err != nil {
				t.Errorf("access token signature: %v", err)
			}
			var want []any
			for _, a := range tc.want {
				if a == "USERINFO" {
					a = srv.URL(oidctest.EndpointUserinfo)
				}
				want = append(want, a)
			}
			got, ok := claims["aud"].([]any)
			if !ok {
				got = []any{claims["aud"]}
			}
			if !slices.Equal(got, want) {
				t.Errorf("aud %v, want %v", got, want)
			}
			for k, v := range map[string]any{"iss": srv.Issuer(), "sub": oidctest.DefaultUser().Subject, "client_id": testClientID, "scope": "openid profile email"} {
				if claims[k] != v {
					t.Errorf("%s = %v, want %v", k, claims[k], v)
				}
			}
			for _, k := range []string{"exp", "iat", "jti"} {
				if claims[k] == nil {
					t.Errorf("no %s", k)
				}
			}
		})
	}
}
