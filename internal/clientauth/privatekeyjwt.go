package clientauth

import (
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/cryptosigner"
	"github.com/go-jose/go-jose/v4/jwt"
)

// AssertionType is the client_assertion_type of a JWT client assertion
// (RFC 7523 §2.2).
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionLifetime is how long a client assertion is valid after it is
// issued.
const AssertionLifetime = 60 * time.Second

// PrivateKeyJWT is private_key_jwt (OpenID Connect Core 1.0 §9, RFC 7523
// §2.2 and §3): each request carries a fresh JWT with iss and sub set to the
// client id, aud set to Audience, a random jti, iat and an exp
// AssertionLifetime later, signed with Key.
type PrivateKeyJWT struct {
	ClientID string
	// Key signs the assertion: an RSA (2048 bits or more), ECDSA (P-256,
	// P-384, P-521) or Ed25519 private key, or any crypto.Signer for one.
	Key crypto.Signer
	// Alg is the JWS algorithm (RFC 7518 §3.1). Empty means RS256 for an
	// RSA key and the curve's algorithm (ES256, ES384, ES512, EdDSA) for
	// the others. RSA keys also take RS384, RS512, PS256, PS384 and PS512;
	// the other keys take only their curve's algorithm.
	Alg string
	// KeyID, when set, is sent as the kid header so that the server can
	// pick the registered key.
	KeyID string
	// Audience is the aud claim: the issuer identifier or the endpoint URL,
	// as the authorization server expects.
	Audience string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Authenticate sets client_id, client_assertion_type and a newly signed
// client_assertion in form.
func (p PrivateKeyJWT) Authenticate(_ *http.Request, form url.Values) error {
	assertion, err := p.assertion()
	if err != nil {
		return err
	}
	form.Set("client_id", p.ClientID)
	form.Set("client_assertion_type", AssertionType)
	form.Set("client_assertion", assertion)
	return nil
}

// check reports a configuration that cannot produce an assertion.
func (p PrivateKeyJWT) check() (jose.SignatureAlgorithm, error) {
	switch {
	case p.ClientID == "":
		return "", errNoClientID
	case p.Key == nil:
		return "", errors.New("clientauth: private_key_jwt needs a signing key")
	case p.Audience == "":
		return "", errors.New("clientauth: private_key_jwt needs an audience")
	}
	return signingAlg(p.Key.Public(), p.Alg)
}

// assertion builds and signs the client assertion JWT.
func (p PrivateKeyJWT) assertion() (string, error) {
	alg, err := p.check()
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if p.KeyID != "" {
		opts = opts.WithHeader("kid", p.KeyID)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: cryptosigner.Opaque(p.Key)}, opts)
	if err != nil {
		return "", fmt.Errorf("clientauth: preparing the assertion signer: %w", err)
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	iat := now()
	claims := jwt.Claims{
		Issuer:   p.ClientID,
		Subject:  p.ClientID,
		Audience: jwt.Audience{p.Audience},
		ID:       rand.Text(),
		IssuedAt: jwt.NewNumericDate(iat),
		Expiry:   jwt.NewNumericDate(iat.Add(AssertionLifetime)),
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("clientauth: signing the client assertion: %w", err)
	}
	return s, nil
}
