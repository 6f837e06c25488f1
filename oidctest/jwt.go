package oidctest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// signMode says how a token is signed: properly, or with a deliberate defect.
type signMode int

const (
	signNormal     signMode = iota
	signUnknownKey          // a valid signature by a key the JWKS does not publish
	signNone                // alg "none" and an empty signature
	signCorrupt             // a signature that does not verify
)

// signJWT serializes claims as a compact JWS with the given typ header.
func (s *Server) signJWT(claims map[string]any, typ string, mode signMode) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("oidctest: encode claims: %w", err)
	}
	if mode == signNone {
		header, _ := json.Marshal(map[string]string{"alg": "none", "typ": typ})
		return b64(header) + "." + b64(payload) + ".", nil
	}
	key := s.activeKey()
	if mode == signUnknownKey {
		if key, err = newSigningKey(s.cfg.alg); err != nil {
			return "", err
		}
	}
	tok, err := signWith(key, payload, typ)
	if err != nil || mode != signCorrupt {
		return tok, err
	}
	return corruptSignature(tok)
}

func signWith(k *signingKey, payload []byte, typ string) (string, error) {
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: k.alg, Key: jose.JSONWebKey{Key: k.private, KeyID: k.id}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)),
	)
	if err != nil {
		return "", fmt.Errorf("oidctest: signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("oidctest: sign: %w", err)
	}
	return jws.CompactSerialize()
}

// corruptSignature flips the bits of the signature's first byte.
func corruptSignature(tok string) (string, error) {
	i := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || len(sig) == 0 {
		return "", fmt.Errorf("oidctest: corrupt signature: %w", err)
	}
	sig[0] ^= 0xff
	return tok[:i+1] + b64(sig), nil
}

// verifyJWT checks a token this server signed with a key it still publishes
// and returns its claims and typ header. It does not check the claims.
func (s *Server) verifyJWT(raw string) (map[string]any, string, error) {
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		return nil, "", fmt.Errorf("oidctest: parse token: %w", err)
	}
	h := jws.Signatures[0].Header
	for _, k := range s.publishedKeys() {
		if k.id != h.KeyID {
			continue
		}
		payload, err := jws.Verify(k.private.Public())
		if err != nil {
			return nil, "", fmt.Errorf("oidctest: verify token: %w", err)
		}
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			return nil, "", fmt.Errorf("oidctest: token claims: %w", err)
		}
		typ, _ := h.ExtraHeaders[jose.HeaderType].(string)
		return claims, typ, nil
	}
	return nil, "", errors.New("oidctest: token signed by an unknown key")
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
