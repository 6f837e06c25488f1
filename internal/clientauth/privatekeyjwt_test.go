package clientauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func rsaKey(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecKey(t *testing.T, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func edKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// opaqueSigner hides the concrete key type, as a KMS or HSM signer does.
type opaqueSigner struct{ crypto.Signer }

func TestPrivateKeyJWTAssertionVerifies(t *testing.T) {
	t.Parallel()
	rsa2048 := rsaKey(t, 2048)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		key     crypto.Signer
		alg     string
		kid     string
		wantAlg jose.SignatureAlgorithm
	}{
		{"RSA default", rsa2048, "", "", jose.RS256},
		{"RSA PS256 with kid", rsa2048, "PS256", "key-1", jose.PS256},
		{"RSA behind crypto.Signer", opaqueSigner{rsa2048}, "RS256", "", jose.RS256},
		{"P-256 default", ecKey(t, elliptic.P256()), "", "", jose.ES256},
		{"P-384", ecKey(t, elliptic.P384()), "ES384", "", jose.ES384},
		{"P-521", ecKey(t, elliptic.P521()), "ES512", "k", jose.ES512},
		{"Ed25519", edKey(t), "", "", jose.EdDSA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := PrivateKeyJWT{
				ClientID: "client-1", Key: tt.key, Alg: tt.alg, KeyID: tt.kid,
				Audience: "https://op.example.com/", Now: func() time.Time { return now },
			}
			form := url.Values{"grant_type": {"authorization_code"}}
			if err := p.Authenticate(newRequest(t), form); err != nil {
				t.Fatal(err)
			}
			if form.Get("client_assertion_type") != AssertionType || form.Get("client_id") != "client-1" {
				t.Errorf("form = %v", form)
			}
			tok, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{tt.wantAlg})
			if err != nil {
				t.Fatalf("parsing the assertion as %s: %v", tt.wantAlg, err)
			}
			h := tok.Headers[0]
			if h.KeyID != tt.kid || h.ExtraHeaders["typ"] != "JWT" {
				t.Errorf("header kid %q typ %v; want kid %q typ JWT", h.KeyID, h.ExtraHeaders["typ"], tt.kid)
			}
			var c jwt.Claims
			if err := tok.Claims(tt.key.Public(), &c); err != nil {
				t.Fatalf("signature does not verify: %v", err)
			}
			err = c.ValidateWithLeeway(jwt.Expected{
				Issuer: "client-1", Subject: "client-1",
				AnyAudience: jwt.Audience{"https://op.example.com/"}, Time: now.Add(59 * time.Second),
			}, 0)
			if err != nil {
				t.Errorf("claims: %v", err)
			}
			if !c.IssuedAt.Time().Equal(now) || !c.Expiry.Time().Equal(now.Add(60*time.Second)) {
				t.Errorf("iat %v exp %v; want %v and 60s later", c.IssuedAt.Time(), c.Expiry.Time(), now)
			}
			if len(c.ID) < 22 { // 128 bits in base32 or base64
				t.Errorf("jti %q is too short to hold 128 random bits", c.ID)
			}
		})
	}
}

func TestPrivateKeyJWTFreshJTI(t *testing.T) {
	t.Parallel()
	p := PrivateKeyJWT{ClientID: "c", Key: ecKey(t, elliptic.P256()), Audience: "https://op.example.com/"}
	seen := map[string]bool{}
	for range 5 {
		s, err := p.assertion()
		if err != nil {
			t.Fatal(err)
		}
		tok, err := jwt.ParseSigned(s, []jose.SignatureAlgorithm{jose.ES256})
		if err != nil {
			t.Fatal(err)
		}
		var c jwt.Claims
		if err := tok.UnsafeClaimsWithoutVerification(&c); err != nil {
			t.Fatal(err)
		}
		if seen[c.ID] {
			t.Fatalf("jti %q repeated", c.ID)
		}
		seen[c.ID] = true
	}
}

func TestPrivateKeyJWTRejectsMisfits(t *testing.T) {
	t.Parallel()
	p256 := ecKey(t, elliptic.P256())
	rsa2048 := rsaKey(t, 2048)
	tests := map[string]PrivateKeyJWT{
		"EC key with RS256":  {ClientID: "c", Key: p256, Alg: "RS256", Audience: "a"},
		"P-256 with ES384":   {ClientID: "c", Key: p256, Alg: "ES384", Audience: "a"},
		"RSA key with ES256": {ClientID: "c", Key: rsa2048, Alg: "ES256", Audience: "a"},
		"RSA key with HS256": {ClientID: "c", Key: rsa2048, Alg: "HS256", Audience: "a"},
		"RSA key with none":  {ClientID: "c", Key: rsa2048, Alg: "none", Audience: "a"},
		"1024-bit RSA key":   {ClientID: "c", Key: rsaKey(t, 1024), Audience: "a"},
		"P-224 key":          {ClientID: "c", Key: ecKey(t, elliptic.P224()), Audience: "a"},
		"no key":             {ClientID: "c", Audience: "a"},
		"no audience":        {ClientID: "c", Key: p256},
		"no client id":       {Key: p256, Audience: "a"},
	}
	for name, p := range tests {
		form := url.Values{}
		if err := p.Authenticate(newRequest(t), form); err == nil {
			t.Errorf("%s: no error", name)
		}
		if len(form) != 0 {
			t.Errorf("%s: form written on failure: %v", name, form)
		}
	}
}
