package clientauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"slices"

	"github.com/go-jose/go-jose/v4"
)

// minRSABits is the smallest RSA modulus accepted for signing (RFC 7518
// §3.3 and §3.5 require 2048 bits).
const minRSABits = 2048

var rsaAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512}

// signingAlg resolves the JWS algorithm for a key: the requested one when
// the key can produce it, the key's default when none is requested.
func signingAlg(pub crypto.PublicKey, alg string) (jose.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < minRSABits {
			return "", fmt.Errorf("clientauth: RSA key has %d bits; at least %d are required", bits, minRSABits)
		}
		return pick(jose.RS256, rsaAlgs, alg)
	case *ecdsa.PublicKey:
		want, ok := curveAlg(k.Curve)
		if !ok {
			return "", fmt.Errorf("clientauth: unsupported elliptic curve %s", k.Curve.Params().Name)
		}
		return pick(want, []jose.SignatureAlgorithm{want}, alg)
	case ed25519.PublicKey:
		return pick(jose.EdDSA, []jose.SignatureAlgorithm{jose.EdDSA}, alg)
	}
	return "", fmt.Errorf("clientauth: unsupported signing key type %T", pub)
}

func pick(def jose.SignatureAlgorithm, allowed []jose.SignatureAlgorithm, alg string) (jose.SignatureAlgorithm, error) {
	if alg == "" {
		return def, nil
	}
	if !slices.Contains(allowed, jose.SignatureAlgorithm(alg)) {
		return "", fmt.Errorf("clientauth: algorithm %q does not fit the key (allowed: %v)", alg, allowed)
	}
	return jose.SignatureAlgorithm(alg), nil
}

func curveAlg(c elliptic.Curve) (jose.SignatureAlgorithm, bool) {
	switch c {
	case elliptic.P256():
		return jose.ES256, true
	case elliptic.P384():
		return jose.ES384, true
	case elliptic.P521():
		return jose.ES512, true
	}
	return "", false
}

// SigningAlg returns the JWS algorithm alg names for a key of pub, or the key's default when
// alg is empty: RS256 for RSA (2048 bits or more; RS384, RS512, PS256, PS384 and PS512 too),
// ES256, ES384 or ES512 for the ECDSA curves, EdDSA for Ed25519.
func SigningAlg(pub crypto.PublicKey, alg string) (string, error) {
	a, err := signingAlg(pub, alg)
	return string(a), err
}
