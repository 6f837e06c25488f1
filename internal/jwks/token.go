package jwks

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"

	"fmt"
	"slices"

	"github.com/go-jose/go-jose/v4"
)

// asymmetric returns the signature algorithms a token may use: every
// asymmetric one of RFC 7518 §3 and RFC 8037 §3.1.
func asymmetric() []jose.SignatureAlgorithm {
	return []jose.SignatureAlgorithm{
		jose.RS256, jose.RS384, jose.RS512,
		jose.PS256, jose.PS384, jose.PS512,
		jose.ES256, jose.ES384, jose.ES512,
		jose.EdDSA,
	}
}

// allowed returns the asymmetric algorithms among algs; nil algs means
// all of them.
func allowed(algs []string) []jose.SignatureAlgorithm {
	all := asymmetric()
	if algs == nil {
		return all
	}
	return slices.DeleteFunc(all, func(a jose.SignatureAlgorithm) bool { return !slices.Contains(algs, string(a)) })
}

// token is a parsed compact JWS with one signature.
type token struct {
	jws *jose.JSONWebSignature
	kid string
	alg string
}

// parse parses a compact JWS signed with one of algs.
func parse(raw string, algs []string) (*token, error) {
	accepted := allowed(algs)
	if len(accepted) == 0 {
		return nil, fmt.Errorf("%w: no asymmetric algorithm is allowed", ErrMalformed)
	}
	jws, err := jose.ParseSignedCompact(raw, accepted)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("%w: %d signatures", ErrMalformed, len(jws.Signatures))
	}
	h := jws.Signatures[0].Header
	return &token{jws: jws, kid: h.KeyID, alg: h.Algorithm}, nil
}

// verify verifies the token with the key its kid names, or without a kid
// with any key that verifies it. It fails with ErrUnknownKey when no key
// fits, so that the caller may fetch the set again, and with
// ErrInvalidSignature when the named key does not verify the token.
func (t *token) verify(keys []jose.JSONWebKey) ([]byte, error) {
	tried := false
	for _, k := range keys {
		if (t.kid != "" && k.KeyID != t.kid) || (k.Algorithm != "" && k.Algorithm != t.alg) {
			continue
		}
		tried = true
		if payload, err := t.jws.Verify(k.Key); err == nil {
			return payload, nil
		}
	}
	switch {
	case tried && t.kid != "":
		return nil, fmt.Errorf("%w: the key %s does not verify the token", ErrInvalidSignature, quoted(t.kid))
	case t.kid != "":
		return nil, fmt.Errorf("%w: no %s key %s", ErrUnknownKey, t.alg, quoted(t.kid))
	}
	return nil, fmt.Errorf("%w: the token names no key and no %s key verifies it", ErrUnknownKey, t.alg)
}

// quoted quotes a key id taken from a token, cut short when long.
func quoted(kid string) string {
	const maxShown = 64
	if len(kid) > maxShown {
		return fmt.Sprintf("%q…", kid[:maxShown])
	}
	return fmt.Sprintf("%q", kid)
}

// usable reports whether a key of the set may verify signatures: a public
// RSA, EC or Ed25519 key, not marked for encryption, whose alg (if any) is
// asymmetric. Symmetric and private keys are never used.
func usable(k *jose.JSONWebKey) bool {
	if k.Use != "" && k.Use != "sig" {
		return false
	}
	if k.Algorithm != "" && !slices.Contains(asymmetric(), jose.SignatureAlgorithm(k.Algorithm)) {
		return false
	}
	switch k.Key.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return true
	}
	return false
}
