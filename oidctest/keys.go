package oidctest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// signingKey is one of the provider's key pairs.
type signingKey struct {
	id        string
	alg       jose.SignatureAlgorithm
	private   crypto.Signer
	retiredAt time.Time // zero while it signs
}

func parseAlg(alg string) (jose.SignatureAlgorithm, error) {
	switch alg {
	case "RS256":
		return jose.RS256, nil
	case "ES256":
		return jose.ES256, nil
	}
	return "", fmt.Errorf("oidctest: unsupported signing algorithm %q (want RS256 or ES256)", alg)
}

// newSigningKey generates a key pair for alg whose kid is its RFC 7638 thumbprint.
func newSigningKey(alg string) (*signingKey, error) {
	a, err := parseAlg(alg)
	if err != nil {
		return nil, err
	}
	var priv crypto.Signer
	if a == jose.ES256 {
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		return nil, fmt.Errorf("oidctest: generate %s key: %w", alg, err)
	}
	return signingKeyOf(priv, a)
}

// keyAlg returns the algorithm a key given to WithSigningKey signs with.
func keyAlg(key crypto.Signer) (string, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return "", fmt.Errorf("oidctest: the RSA signing key has %d bits; at least 2048 are needed", k.N.BitLen())
		}
		return "RS256", nil
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return "", errors.New("oidctest: the ECDSA signing key is not on P-256")
		}
		return "ES256", nil
	}
	return "", fmt.Errorf("oidctest: unsupported signing key type %T (want *rsa.PrivateKey or *ecdsa.PrivateKey)", key)
}

// signingKeyOf returns priv as a signing key whose kid is its RFC 7638 thumbprint.
func signingKeyOf(priv crypto.Signer, a jose.SignatureAlgorithm) (*signingKey, error) {
	jwk := jose.JSONWebKey{Key: priv.Public()}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("oidctest: key thumbprint: %w", err)
	}
	return &signingKey{id: base64.RawURLEncoding.EncodeToString(tp), alg: a, private: priv}, nil
}

func (k *signingKey) publicJWK() jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.private.Public(), KeyID: k.id, Algorithm: string(k.alg), Use: "sig"}
}

// RotateKeys makes a new key sign every token from now on. The previous key
// stays in the JWKS for the retention period ([WithKeyRetention]) so that
// tokens it signed still verify, and relying parties that cached the old JWKS
// must fetch it again to learn the new kid.
func (s *Server) RotateKeys() {
	k, err := newSigningKey(s.cfg.alg)
	if err != nil {
		panic(err) // the algorithm was validated by New and crypto/rand does not fail
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, old := range s.keys {
		if old.retiredAt.IsZero() {
			old.retiredAt = now
		}
	}
	s.keys = append(s.keys, k)
}

// KeyIDs returns the kid of every published key, the signing key last.
func (s *Server) KeyIDs() []string {
	var ids []string
	for _, k := range s.publishedKeys() {
		ids = append(ids, k.id)
	}
	return ids
}

func (s *Server) activeKey() *signingKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[len(s.keys)-1]
}

// publishedKeys returns the signing key and the retired keys still retained.
func (s *Server) publishedKeys() []*signingKey {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var ks []*signingKey
	for _, k := range s.keys {
		if k.retiredAt.IsZero() || now.Before(k.retiredAt.Add(s.cfg.keyRetention)) {
			ks = append(ks, k)
		}
	}
	return ks
}

func (s *Server) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	var set jose.JSONWebKeySet
	for _, k := range s.publishedKeys() {
		set.Keys = append(set.Keys, k.publicJWK())
	}
	writeJSON(w, http.StatusOK, set)
}
