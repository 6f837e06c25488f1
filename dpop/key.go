package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authchain/authchain/internal/clientauth"
)

// The signature algorithms a Key makes proofs with (RFC 7518 §3.1, RFC 8037).
const (
	ES256 = "ES256" // ECDSA P-256 with SHA-256: GenerateKey's, and the default of a P-256 key
	ES384 = "ES384" // ECDSA P-384 with SHA-384
	ES512 = "ES512" // ECDSA P-521 with SHA-512
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256: the default of an RSA key
	RS384 = "RS384" // RSASSA-PKCS1-v1_5 with SHA-384
	RS512 = "RS512" // RSASSA-PKCS1-v1_5 with SHA-512
	PS256 = "PS256" // RSASSA-PSS with SHA-256
	PS384 = "PS384" // RSASSA-PSS with SHA-384
	PS512 = "PS512" // RSASSA-PSS with SHA-512
	EdDSA = "EdDSA" // Ed25519
)

// ErrUnsupportedKey is the cause of NewKey's error for a key or algorithm it cannot sign
// proofs with.
var ErrUnsupportedKey = errors.New("dpop: unsupported key")

// Key signs DPoP proofs with one private key and remembers the servers' nonces. Build it with
// GenerateKey or NewKey; it is safe for concurrent use.
//
// Tokens bound to a key are usable only with proofs of that key: every instance of an
// application that shares sessions must use the same key (NewKey, or ParsePrivateKeyPEM from a
// secret), and a key generated at start works for one instance until it restarts.
type Key struct {
	signer     crypto.Signer
	alg        string
	header     string // the proofs' protected header, base64url-encoded
	thumbprint string
	now        func() time.Time
	nonces     *nonces
}

// Option changes how a Key is built.
type Option func(*options)

type options struct {
	alg string
	now func() time.Time
}

// WithAlg chooses the signature algorithm: RS256, RS384, RS512, PS256, PS384 or PS512 for an
// RSA key; the others take only their own (ES256, ES384, ES512, EdDSA). Default: the key's
// own, RS256 for RSA.
func WithAlg(alg string) Option { return func(o *options) { o.alg = alg } }

// WithClock sets the clock that dates the proofs (their iat); default time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// GenerateKey returns a Key on a new ECDSA P-256 key, signing with ES256.
func GenerateKey(opts ...Option) (*Key, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("dpop: generating a key: %w", err)
	}
	return NewKey(k, opts...)
}

// NewKey returns a Key on signer: an ECDSA key on P-256, P-384 or P-521, an Ed25519 key, or an
// RSA key of at least 2048 bits, or any crypto.Signer of one (a key in an HSM or a KMS). A key
// or algorithm it cannot sign with is an error wrapping ErrUnsupportedKey.
func NewKey(signer crypto.Signer, opts ...Option) (*Key, error) {
	if signer == nil {
		return nil, fmt.Errorf("%w: no key", ErrUnsupportedKey)
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	alg, err := clientauth.SigningAlg(signer.Public(), o.alg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedKey, err)
	}
	jwk := jose.JSONWebKey{Key: signer.Public()}
	header, err := protectedHeader(jwk, alg)
	if err != nil {
		return nil, err
	}
	tp, err := thumbprint(jwk)
	if err != nil {
		return nil, err
	}
	return &Key{signer: signer, alg: alg, header: header, now: o.now, nonces: newNonces(), thumbprint: tp}, nil
}

// thumbprint is the base64url JWK SHA-256 thumbprint of a public key (RFC 7638).
func thumbprint(jwk jose.JSONWebKey) (string, error) {
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("dpop: key thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// ParsePrivateKeyPEM returns a Key on a PEM-encoded private key: PKCS #8 ("PRIVATE KEY"),
// SEC 1 ("EC PRIVATE KEY") or PKCS #1 ("RSA PRIVATE KEY"), also with its line breaks written as
// the two characters `\n` (environment files). Errors never show the key.
func ParsePrivateKeyPEM(data string, opts ...Option) (*Key, error) {
	signer, err := clientauth.ParsePrivateKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("dpop: %w", err)
	}
	return NewKey(signer, opts...)
}

// Alg returns the proofs' signature algorithm.
func (k *Key) Alg() string { return k.alg }

// Thumbprint returns the key's JWK SHA-256 thumbprint (RFC 7638), base64url-encoded: the
// dpop_jkt of an authorization request, and the jkt of a bound token's cnf claim.
func (k *Key) Thumbprint() string { return k.thumbprint }

// Public returns the public key.
func (k *Key) Public() crypto.PublicKey { return k.signer.Public() }

// protectedHeader is the JOSE header every proof of the key carries (RFC 9449 §4.2).
func protectedHeader(jwk jose.JSONWebKey, alg string) (string, error) {
	pub, err := jwk.MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("dpop: encoding the public key: %w", err)
	}
	h, err := json.Marshal(struct {
		Typ string          `json:"typ"`
		Alg string          `json:"alg"`
		JWK json.RawMessage `json:"jwk"`
	}{"dpop+jwt", alg, pub})
	if err != nil {
		return "", fmt.Errorf("dpop: encoding the header: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(h), nil
}
