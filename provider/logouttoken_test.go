package provider

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authchain/authchain/oidctest"
)

const (
	logoutClientID = "bcl-client"
	logoutSecret   = "bcl-client-secret-0123456789abcdef"
	logoutEvent    = "http://schemas.openid.net/event/backchannel-logout"
)

// logoutKey signs the test provider's tokens; the tests sign tokens of their own with it too.
var logoutKey = sync.OnceValue(func() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
})

// logoutSetup is a provider (oidctest) and a Provider for its client.
type logoutSetup struct {
	idp *oidctest.Server
	p   *Provider
	kid string
}

func newLogoutSetup(t *testing.T) *logoutSetup {
	t.Helper()
	idp := oidctest.NewServer(t, oidctest.WithSigningKey(logoutKey()), oidctest.WithClient(oidctest.Client{
		ID: logoutClientID, Secret: logoutSecret, RedirectURIs: []string{"https://app.example.com/auth/callback"},
	}))
	p, err := New(Config{
		Issuer: idp.Issuer(), ClientID: logoutClientID, ClientSecret: logoutSecret,
		RedirectURI: "https://app.example.com/auth/callback", AllowInsecureRequests: true,
		HTTPClient: idp.HTTPClient(), Now: idp.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	tp, err := (&jose.JSONWebKey{Key: logoutKey().Public()}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return &logoutSetup{idp: idp, p: p, kid: base64.RawURLEncoding.EncodeToString(tp)}
}

// claims returns the claims of a valid logout token for sid and sub.
func (s *logoutSetup) claims() map[string]any {
	now := s.idp.Now().Unix()
	return map[string]any{
		"iss": s.idp.Issuer(), "aud": logoutClientID, "iat": now, "exp": now + 120, "jti": "jti-1",
		"sid": "sid-1", "sub": "user-1", "events": map[string]any{logoutEvent: map[string]any{}},
	}
}

// sign signs claims as a JWS with the given algorithm and key, and the header fields given.
func sign(t *testing.T, alg jose.SignatureAlgorithm, key any, claims map[string]any, header map[jose.HeaderKey]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, &jose.SignerOptions{ExtraHeaders: header})
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// token signs claims with the provider's key, typ logout+jwt unless header says otherwise.
func (s *logoutSetup) token(t *testing.T, claims map[string]any, header map[jose.HeaderKey]any) string {
	t.Helper()
	h := map[jose.HeaderKey]any{"kid": s.kid, jose.HeaderType: "logout+jwt"}
	maps.Copy(h, header)
	for k, v := range h {
		if v == nil {
			delete(h, k)
		}
	}
	return sign(t, jose.ES256, logoutKey(), claims, h)
}

func TestVerifyLogoutTokenAcceptsTheProvidersToken(t *testing.T) {
	t.Parallel()
	s := newLogoutSetup(t)
	raw, err := s.idp.LogoutToken(oidctest.LogoutTokenOptions{ClientID: logoutClientID, SessionID: "sid-7", Subject: "user-7"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.p.VerifyLogoutToken(t.Context(), raw)
	if err != nil {
		t.Fatalf("VerifyLogoutToken: %v", err)
	}
	now := s.idp.Now()
	if got.Issuer != s.idp.Issuer() || got.SID != "sid-7" || got.Subject != "user-7" || got.JTI == "" {
		t.Errorf("token %+v", got)
	}
	// iat is in whole seconds, and the clock runs on: the token was issued seconds ago at most.
	if got.IssuedAt.After(now) || now.Sub(got.IssuedAt) > 5*time.Second || !got.Expiry.After(now) {
		t.Errorf("iat %v, exp %v, now %v", got.IssuedAt, got.Expiry, now)
	}
	if want := got.IssuedAt.Add(MaxLogoutTokenAge + clockTolerance); !got.ValidUntil().Equal(want) {
		t.Errorf("ValidUntil %v, want %v (iat + bound, later than exp)", got.ValidUntil(), want)
	}
}

func TestVerifyLogoutTokenAcceptsTheSpecsVariants(t *testing.T) {
	t.Parallel()
	s := newLogoutSetup(t)
	for name, tc := range map[string]struct {
		change func(map[string]any)
		header map[jose.HeaderKey]any
	}{
		"application/logout+jwt": {header: map[jose.HeaderKey]any{jose.HeaderType: "application/logout+jwt"}},
		"no typ":                 {header: map[jose.HeaderKey]any{jose.HeaderType: nil}},
		"sid only":               {change: func(c map[string]any) { delete(c, "sub") }},
		"sub only":               {change: func(c map[string]any) { delete(c, "sid") }},
		"no exp":                 {change: func(c map[string]any) { delete(c, "exp") }},
		"aud array":              {change: func(c map[string]any) { c["aud"] = []string{"other", logoutClientID} }},
		"iat 20 s ahead":         {change: func(c map[string]any) { c["iat"] = c["iat"].(int64) + 20 }},
		"iat 9 min ago":          {change: func(c map[string]any) { c["iat"] = c["iat"].(int64) - 9*60 }},
		"event with members":     {change: func(c map[string]any) { c["events"] = map[string]any{logoutEvent: map[string]any{"x": 1}, "other": 2} }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := s.claims()
			if tc.change != nil {
				tc.change(c)
			}
			if _, err := s.p.VerifyLogoutToken(t.Context(), s.token(t, c, tc.header)); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
}

// refused checks that raw is refused as an invalid logout token, and that the error does not
// hold it.
func refused(t *testing.T, p *Provider, raw string) {
	t.Helper()
	got, err := p.VerifyLogoutToken(t.Context(), raw)
	if !errors.Is(err, ErrInvalidLogoutToken) || errors.Is(err, ErrUnavailable) || got != nil {
		t.Fatalf("VerifyLogoutToken = %v, %v; want ErrInvalidLogoutToken", got, err)
	}
	for _, part := range strings.Split(raw, ".") {
		if len(part) > 8 && strings.Contains(err.Error(), part) {
			t.Errorf("the error holds the token: %v", err)
		}
	}
}

func TestVerifyLogoutTokenRefusesEveryDefect(t *testing.T) {
	t.Parallel()
	s := newLogoutSetup(t)
	for name, d := range map[string]oidctest.LogoutDefect{
		"nonce": oidctest.LogoutWithNonce, "no events": oidctest.LogoutWithoutEvents, "typ JWT": oidctest.LogoutWrongTyp,
		"expired": oidctest.LogoutExpired, "iat in the future": oidctest.LogoutIssuedInFuture,
		"wrong aud": oidctest.LogoutWrongAudience, "wrong iss": oidctest.LogoutWrongIssuer, "no jti": oidctest.LogoutWithoutJTI,
		"no sub or sid": oidctest.LogoutWithoutSubOrSid, "unknown kid": oidctest.LogoutUnknownKID,
		"alg none": oidctest.LogoutAlgNone, "bad signature": oidctest.LogoutBadSignature,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := s.idp.LogoutToken(oidctest.LogoutTokenOptions{ClientID: logoutClientID, SessionID: "sid-1", Subject: "user-1", Defects: []oidctest.LogoutDefect{d}})
			if err != nil {
				t.Fatal(err)
			}
			refused(t, s.p, raw)
		})
	}
}

func TestVerifyLogoutTokenRefusesBadClaims(t *testing.T) {
	t.Parallel()
	s := newLogoutSetup(t)
	for name, change := range map[string]func(map[string]any){
		"iat too old":             func(c map[string]any) { c["iat"] = c["iat"].(int64) - 11*60 },
		"iat 40 s ahead":          func(c map[string]any) { c["iat"] = c["iat"].(int64) + 40 },
		"no iat":                  func(c map[string]any) { delete(c, "iat") },
		"iat a string":            func(c map[string]any) { c["iat"] = "now" },
		"exp just passed":         func(c map[string]any) { c["exp"] = c["iat"].(int64) - 31 },
		"nbf ahead":               func(c map[string]any) { c["nbf"] = c["iat"].(int64) + 60 },
		"events an array":         func(c map[string]any) { c["events"] = []any{logoutEvent} },
		"events null":             func(c map[string]any) { c["events"] = nil },
		"event member a string":   func(c map[string]any) { c["events"] = map[string]any{logoutEvent: "yes"} },
		"event member null":       func(c map[string]any) { c["events"] = map[string]any{logoutEvent: nil} },
		"another event only":      func(c map[string]any) { c["events"] = map[string]any{"urn:other": map[string]any{}} },
		"nonce null":              func(c map[string]any) { c["nonce"] = nil },
		"sub a number":            func(c map[string]any) { c["sub"] = 42 },
		"sid and sub empty":       func(c map[string]any) { c["sid"], c["sub"] = "", "" },
		"jti empty":               func(c map[string]any) { c["jti"] = "" },
		"aud array without us":    func(c map[string]any) { c["aud"] = []string{"other"} },
		"azp another client":      func(c map[string]any) { c["azp"] = "other" },
		"iss with a slash":        func(c map[string]any) { c["iss"] = c["iss"].(string) + "/" },
		"aud a number":            func(c map[string]any) { c["aud"] = 7 },
		"claims with typ JWT hdr": nil,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := s.claims()
			header := map[jose.HeaderKey]any{}
			if change == nil {
				header[jose.HeaderType] = "JWT"
			} else {
				change(c)
			}
			refused(t, s.p, s.token(t, c, header))
		})
	}
}

func TestVerifyLogoutTokenRefusesForeignSignatures(t *testing.T) {
	t.Parallel()
	s := newLogoutSetup(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	typ := map[jose.HeaderKey]any{jose.HeaderType: "logout+jwt"}
	withKid := map[jose.HeaderKey]any{jose.HeaderType: "logout+jwt", "kid": s.kid}
	for name, raw := range map[string]string{
		"HS256 with the client secret":        sign(t, jose.HS256, []byte(logoutSecret), s.claims(), typ),
		"HS256 with the client secret, kid":   sign(t, jose.HS256, []byte(logoutSecret), s.claims(), withKid),
		"a foreign key under the kid":         sign(t, jose.ES256, foreign, s.claims(), withKid),
		"a foreign key without kid":           sign(t, jose.ES256, foreign, s.claims(), typ),
		"an RS256 key the provider lacks":     sign(t, jose.RS256, rsaKey, s.claims(), typ),
		"garbage":                             "not a token",
		"two parts":                           "eyJhbGciOiJFUzI1NiJ9.e30",
		"empty":                               "",
		"a JWE-like five parts":               "a.b.c.d.e",
		"a valid signature, claims not JSON":  s.tokenOfPayload(t, "not json"),
		"a valid signature, claims an array":  s.tokenOfPayload(t, "[1,2]"),
		"a valid signature, header typ a num": s.token(t, s.claims(), map[jose.HeaderKey]any{jose.HeaderType: 7}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			refused(t, s.p, raw)
		})
	}
}

// tokenOfPayload signs an arbitrary payload with the provider's key.
func (s *logoutSetup) tokenOfPayload(t *testing.T, payload string) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: logoutKey(), KeyID: s.kid}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVerifyLogoutTokenRefusesAnIDToken(t *testing.T) {
	t.Parallel()
	s := newLogoutSetup(t)
	c := s.claims()
	delete(c, "events")
	delete(c, "jti")
	c["nonce"] = "n-1"
	refused(t, s.p, s.token(t, c, map[jose.HeaderKey]any{jose.HeaderType: "JWT"}))
}

func TestVerifyLogoutTokenUnavailableProvider(t *testing.T) {
	t.Parallel()
	s := newLogoutSetup(t)
	raw, err := s.idp.LogoutToken(oidctest.LogoutTokenOptions{ClientID: logoutClientID, SessionID: "sid-1"})
	if err != nil {
		t.Fatal(err)
	}
	s.idp.FailNext(oidctest.EndpointDiscovery, 1, oidctest.HTTPStatus(503))
	if _, err := s.p.VerifyLogoutToken(t.Context(), raw); !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrInvalidLogoutToken) {
		t.Fatalf("discovery down: %v, want ErrUnavailable", err)
	}
	s.idp.FailNext(oidctest.EndpointJWKS, 1, oidctest.HTTPStatus(503))
	if _, err := s.p.VerifyLogoutToken(t.Context(), raw); !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrInvalidLogoutToken) {
		t.Fatalf("keys down: %v, want ErrUnavailable", err)
	}
	s.idp.Advance(time.Minute) // past the key set's refetch interval
	if _, err := s.p.VerifyLogoutToken(t.Context(), raw); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
}
