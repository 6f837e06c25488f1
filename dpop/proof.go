package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512" // SHA-384 and SHA-512 for crypto.Hash.New
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
)

// Proof returns a DPoP proof (RFC 9449 §4.2) for one request of method to rawURL: a JWT with a
// new jti, htm, htu (rawURL without its query and fragment), iat, the nonce the server of
// rawURL last sent (see SetNonce), and, when accessToken is not empty, ath, the token's
// SHA-256 hash, as a resource request with a DPoP token needs (§7). Send it in the DPoP header.
func (k *Key) Proof(method, rawURL, accessToken string) (string, error) {
	htu, origin, err := target(rawURL)
	if err != nil {
		return "", err
	}
	if method == "" {
		return "", errors.New("dpop: the proof needs the request's method")
	}
	claims := proofClaims{
		JTI: rand.Text(), HTM: method, HTU: htu, IAT: k.now().Unix(),
		Nonce: k.nonces.get(origin),
	}
	if accessToken != "" {
		claims.ATH = TokenHash(accessToken)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("dpop: encoding the proof: %w", err)
	}
	input := k.header + "." + base64.RawURLEncoding.EncodeToString(payload)
	sig, err := k.sign([]byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// proofClaims are a proof's claims (RFC 9449 §4.2).
type proofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// TokenHash is the ath of a proof that goes with accessToken: the base64url-encoded SHA-256
// hash of the token (RFC 9449 §4.2).
func TokenHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// target returns the htu of rawURL (scheme, host and path; RFC 9449 §4.2) and its origin.
func target(rawURL string) (htu, origin string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", "", fmt.Errorf("dpop: the request URL: %w", err)
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "https" && scheme != "http") || u.Host == "" {
		return "", "", errors.New("dpop: the request URL must be an absolute http or https URL")
	}
	origin = scheme + "://" + strings.ToLower(u.Host)
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return origin + path, origin, nil
}

// sign signs a proof's signing input with the key's algorithm (RFC 7518 §3, RFC 8037 §3.1).
func (k *Key) sign(input []byte) ([]byte, error) {
	if k.alg == EdDSA {
		return k.signRaw(input, crypto.Hash(0))
	}
	var h crypto.Hash
	switch k.alg[2:] {
	case "256":
		h = crypto.SHA256
	case "384":
		h = crypto.SHA384
	case "512":
		h = crypto.SHA512
	}
	if h == 0 {
		return nil, fmt.Errorf("%w: algorithm %q", ErrUnsupportedKey, k.alg)
	}
	d := h.New()
	d.Write(input)
	sum := d.Sum(nil)
	switch k.alg[:2] {
	case "RS":
		return k.signRaw(sum, h)
	case "PS":
		return k.signRaw(sum, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h})
	case "ES":
		pub, ok := k.signer.Public().(*ecdsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: %s needs an ECDSA key", ErrUnsupportedKey, k.alg)
		}
		return k.signECDSA(sum, h, (pub.Curve.Params().BitSize+7)/8)
	}
	return nil, fmt.Errorf("%w: algorithm %q", ErrUnsupportedKey, k.alg)
}

func (k *Key) signRaw(msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := k.signer.Sign(rand.Reader, msg, opts)
	if err != nil {
		return nil, fmt.Errorf("dpop: signing the proof: %w", err)
	}
	return sig, nil
}

// signECDSA turns a crypto.Signer's ASN.1 signature into JWS's r || s, each size bytes
// (RFC 7518 §3.4).
func (k *Key) signECDSA(sum []byte, h crypto.Hash, size int) ([]byte, error) {
	der, err := k.signRaw(sum, h)
	if err != nil {
		return nil, err
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) > 0 {
		return nil, errors.New("dpop: the key's signer returned a malformed ECDSA signature")
	}
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}
