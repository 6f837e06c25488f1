package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// verified checks a proof as a server does (signature by the embedded public key, typ, alg)
// and returns its header key and claims.
func verified(t *testing.T, proof string) (*jose.JSONWebKey, map[string]any) {
	t.Helper()
	algs := []jose.SignatureAlgorithm{jose.ES256, jose.ES384, jose.ES512, jose.RS256, jose.RS384, jose.PS256, jose.PS512, jose.EdDSA}
	jws, err := jose.ParseSignedCompact(proof, algs)
	if err != nil {
		t.Fatalf("proof does not parse: %v", err)
	}
	h := jws.Signatures[0].Protected
	if h.ExtraHeaders["typ"] != "dpop+jwt" {
		t.Fatalf("typ = %v, want dpop+jwt", h.ExtraHeaders["typ"])
	}
	if h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
		t.Fatalf("the header's jwk is missing or not public: %+v", h.JSONWebKey)
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		t.Fatalf("the proof's signature does not verify with its jwk: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return h.JSONWebKey, claims
}

func TestProofsOfEveryKeyTypeVerify(t *testing.T) {
	t.Parallel()
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	cases := []struct {
		key  crypto.Signer
		opts []Option
		alg  string
	}{
		{p256, nil, ES256}, {p384, nil, ES384}, {p521, nil, ES512}, {ed, nil, EdDSA},
		{rsaKey, nil, RS256}, {rsaKey, []Option{WithAlg(PS256)}, PS256},
		{rsaKey, []Option{WithAlg(RS384)}, RS384}, {rsaKey, []Option{WithAlg(PS512)}, PS512},
	}
	for _, c := range cases {
		t.Run(c.alg, func(t *testing.T) {
			k, err := NewKey(c.key, c.opts...)
			if err != nil {
				t.Fatal(err)
			}
			proof, err := k.Proof("POST", "https://op.example/oauth/token", "")
			if err != nil {
				t.Fatal(err)
			}
			jwk, claims := verified(t, proof)
			if jwk.Algorithm != "" && jwk.Algorithm != c.alg {
				t.Errorf("jwk alg = %q", jwk.Algorithm)
			}
			if k.Alg() != c.alg {
				t.Errorf("Alg() = %q, want %q", k.Alg(), c.alg)
			}
			tp, _ := jwk.Thumbprint(crypto.SHA256)
			if got := base64.RawURLEncoding.EncodeToString(tp); got != k.Thumbprint() {
				t.Errorf("Thumbprint() = %q, the header's key has %q", k.Thumbprint(), got)
			}
			if claims["htm"] != "POST" || claims["htu"] != "https://op.example/oauth/token" {
				t.Errorf("htm/htu = %v %v", claims["htm"], claims["htu"])
			}
			if _, ok := claims["ath"]; ok {
				t.Error("a proof without an access token has an ath")
			}
		})
	}
}

func TestProofClaims(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	k, err := GenerateKey(WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	proof, err := k.Proof("GET", "HTTPS://API.Example:8443/v1/items?page=2#frag", "the-access-token")
	if err != nil {
		t.Fatal(err)
	}
	_, c := verified(t, proof)
	if c["htu"] != "https://api.example:8443/v1/items" {
		t.Errorf("htu = %v: the query and fragment must go, scheme and host lower-cased", c["htu"])
	}
	if c["iat"] != float64(now.Unix()) {
		t.Errorf("iat = %v, want the clock's %d", c["iat"], now.Unix())
	}
	// ath for "the-access-token", computed by hand: base64url(SHA-256).
	if c["ath"] != TokenHash("the-access-token") || len(c["ath"].(string)) != 43 {
		t.Errorf("ath = %v", c["ath"])
	}
	if _, ok := c["nonce"]; ok {
		t.Error("nonce present before any server sent one")
	}
	jti, _ := c["jti"].(string)
	other, _ := k.Proof("GET", "https://api.example:8443/v1/items", "the-access-token")
	_, c2 := verified(t, other)
	if len(jti) < 16 || c2["jti"] == jti {
		t.Errorf("jti %q then %v: each proof needs a new, unguessable jti", jti, c2["jti"])
	}
}

func TestTokenHashOfRFC9449Example(t *testing.T) {
	t.Parallel()
	// RFC 9449 §7.1: the access token of the example and the ath of its proof.
	const at = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
	if got, want := TokenHash(at), "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"; got != want {
		t.Errorf("TokenHash = %q, want %q", got, want)
	}
}

func TestThumbprintOfRFC7638Example(t *testing.T) {
	t.Parallel()
	// RFC 7638 §3.1.
	n, _ := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	got, err := thumbprint(jose.JSONWebKey{Key: pub})
	if want := "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; err != nil || got != want {
		t.Errorf("thumbprint = %q, %v; want %q", got, err, want)
	}
}

func TestNoncesAreKeptPerServer(t *testing.T) {
	t.Parallel()
	k, _ := GenerateKey()
	if !k.SetNonce("https://op.example/oauth/token", "n-1") {
		t.Error("a first nonce must be new")
	}
	if k.SetNonce("https://op.example/other", "n-1") {
		t.Error("the same nonce of the same origin is not new")
	}
	for _, bad := range []string{"", "has space", `quo"te`, strings.Repeat("a", 2000)} {
		if k.SetNonce("https://op.example/", bad) {
			t.Errorf("nonce %q accepted", bad)
		}
	}
	proof, _ := k.Proof("POST", "https://op.example/oauth/token", "")
	if _, c := verified(t, proof); c["nonce"] != "n-1" {
		t.Errorf("nonce = %v, want n-1", c["nonce"])
	}
	proof, _ = k.Proof("GET", "https://api.example/items", "at")
	if _, c := verified(t, proof); c["nonce"] != nil {
		t.Errorf("another server's proof carries nonce %v", c["nonce"])
	}
}

func TestNewKeyRefusals(t *testing.T) {
	t.Parallel()
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for name, c := range map[string]struct {
		key  crypto.Signer
		opts []Option
	}{
		"nil":            {nil, nil},
		"small RSA":      {small, nil},
		"wrong alg":      {p256, []Option{WithAlg(RS256)}},
		"unknown alg":    {p256, []Option{WithAlg("HS256")}},
		"ES384 on P-256": {p256, []Option{WithAlg(ES384)}},
	} {
		if _, err := NewKey(c.key, c.opts...); !errors.Is(err, ErrUnsupportedKey) {
			t.Errorf("%s: err = %v, want ErrUnsupportedKey", name, err)
		}
	}
}

func TestProofRefusesBadTargets(t *testing.T) {
	t.Parallel()
	k, _ := GenerateKey()
	for _, u := range []string{"", "/relative", "ftp://host/x", "https://", "%zz"} {
		if _, err := k.Proof("GET", u, ""); err == nil {
			t.Errorf("Proof(%q) made a proof", u)
		}
	}
	if _, err := k.Proof("", "https://api.example/", ""); err == nil {
		t.Error("Proof without a method made a proof")
	}
}
