package redisstore_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/authchain/authchain/oidctest"
)

// Bad logout tokens posted to either instance are refused (400), and the session they name
// keeps working on both: a bad token ends nothing. A valid one then ends it.
func TestBadLogoutTokensAreRefused(t *testing.T) {
	eachSessionMode(t, func(t *testing.T, mode sessionMode) {
		d := newDeployment(t, mode, singleClient)
		browser := d.login(d.A, "user_42")
		sid := d.sessionID("user_42")
		idToken := d.get(browser, d.A, "/idtoken").body
		if len(idToken) < 20 {
			t.Fatalf("no ID token: %q", idToken)
		}
		foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		foreignRSA, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		kids := d.IdP.KeyIDs()
		kid := kids[len(kids)-1]
		claims := logoutClaims(d, sid, "user_42")
		tokens := []struct{ name, raw string }{
			{"garbage", "garbage"},
			{"HS256 with the client secret", signHS256(t, []byte(deployClientSecret), kid, claims)},
			{"a foreign RSA key under the provider's kid", signRS256(t, foreignRSA, kid, claims)},
			{"a foreign EC key under the provider's kid", signES256(t, foreign, kid, claims)},
			{"a foreign key under its own kid", signES256(t, foreign, "foreign", claims)},
			{"an ID token", idToken},
		}
		for _, defect := range []struct {
			name   string
			defect oidctest.LogoutDefect
		}{
			{"alg none", oidctest.LogoutAlgNone},
			{"no events", oidctest.LogoutWithoutEvents},
			{"a nonce", oidctest.LogoutWithNonce},
			{"typ JWT", oidctest.LogoutWrongTyp},
			{"expired", oidctest.LogoutExpired},
			{"iat in the future", oidctest.LogoutIssuedInFuture},
			{"wrong aud", oidctest.LogoutWrongAudience},
			{"wrong iss", oidctest.LogoutWrongIssuer},
			{"no jti", oidctest.LogoutWithoutJTI},
			{"no sub or sid", oidctest.LogoutWithoutSubOrSid},
			{"unknown kid", oidctest.LogoutUnknownKID},
			{"bad signature", oidctest.LogoutBadSignature},
		} {
			tokens = append(tokens, struct{ name, raw string }{defect.name, d.logoutToken(sid, "user_42", defect.defect)})
		}

		for i, tok := range tokens {
			on := d.instances[i%2]
			status, body := d.postLogoutToken(on, tok.raw)
			checkRefused(t, tok.name+" posted to "+on.name, status, body, tok.raw)
			// The instance that refused it would know at once of a logout it recorded.
			if r := d.get(browser, on, "/"); r.body != "user: user_42" {
				t.Fatalf("%s signed the session out on %s: %d %q", tok.name, on.name, r.status, r.body)
			}
		}
		if status, body := d.postLogoutToken(d.B, d.logoutToken(sid, "user_42")); status != http.StatusNoContent {
			t.Fatalf("a valid token after the bad ones: %d %s", status, body)
		}
		if r := d.get(browser, d.B, "/"); r.body != "signed out" {
			t.Errorf("after the valid token, on B: %d %q", r.status, r.body)
		}
	})
}

// logoutClaims are valid claims of a logout token for the provider session sid and user sub.
func logoutClaims(d *deployment, sid, sub string) map[string]any {
	now := d.IdP.Now().Unix()
	return map[string]any{
		"iss": d.IdP.Issuer(), "aud": deployClientID, "iat": now, "exp": now + 120,
		"jti": fmt.Sprint("forged-", now, "-", sid), "sid": sid, "sub": sub,
		"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}},
	}
}

// signHS256 signs claims with HMAC-SHA256 under key, typ logout+jwt.
func signHS256(t *testing.T, key []byte, kid string, claims map[string]any) string {
	input := jwtSigningInput(t, "HS256", kid, claims)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// signRS256 signs claims with RSASSA-PKCS1-v1_5 SHA-256 under key, typ logout+jwt.
func signRS256(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	input := jwtSigningInput(t, "RS256", kid, claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// signES256 signs claims with ECDSA P-256 under key, typ logout+jwt.
func signES256(t *testing.T, key *ecdsa.PrivateKey, kid string, claims map[string]any) string {
	input := jwtSigningInput(t, "ES256", kid, claims)
	sum := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64) // JWS: r and s, 32 bytes each (RFC 7518 §3.4)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// jwtSigningInput returns a JWS's header and payload, encoded and joined by a dot.
func jwtSigningInput(t *testing.T, alg, kid string, claims map[string]any) string {
	t.Helper()
	header, err := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "logout+jwt"})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc(header) + "." + enc(payload)
}
