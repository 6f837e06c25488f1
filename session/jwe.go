package session

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
)

// jweHeader is the protected header nextjs-auth0 v4 writes, {"enc":"A256GCM","alg":"dir"},
// base64url-encoded: JWE's additional authenticated data, and the first part of every value.
const jweHeader = "eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0"

// jweKeyInfo is the HKDF info of nextjs-auth0's content-encryption key.
const jweKeyInfo = "JWE CEK"

// Sizes of the parts of a compact JWE with "dir" and A256GCM: a 96-bit IV, a 128-bit tag.
const (
	jweIVSize     = 12
	jweTagSize    = 16
	jweIVChars    = 16 // base64url of 12 bytes
	jweTagChars   = 22 // base64url of 16 bytes, unpadded
	jweFixedChars = len(jweHeader) + 4 + jweIVChars + jweTagChars
)

// JWECodec seals and opens cookie values as nextjs-auth0 v4 does: a compact JWE (RFC 7516)
// with the protected header {"enc":"A256GCM","alg":"dir"}, whose key is
// HKDF-SHA256(ikm = the secret's UTF-8 bytes, salt = "", info = "JWE CEK", 32 bytes). The same
// key seals every cookie (session, session id, transaction): the original separates them by
// name and content only. The current secret seals; retired secrets still open.
type JWECodec struct {
	aeads []cipher.AEAD
	bufs  sync.Pool // of *[]byte: scratch for opening and sealing
}

// NewJWECodec derives the key of secret (which seals) and of each retired secret (which only
// open). Every secret must be at least MinSecretLength bytes.
func NewJWECodec(secret string, retired ...string) (*JWECodec, error) {
	secrets := append([]string{secret}, retired...)
	c := &JWECodec{aeads: make([]cipher.AEAD, 0, len(secrets))}
	for i, s := range secrets {
		if len(s) < MinSecretLength {
			if i == 0 {
				return nil, ErrSecretTooShort
			}
			return nil, fmt.Errorf("retired secret %d: %w", i, ErrSecretTooShort)
		}
		aead, err := jweAEAD(s)
		if err != nil {
			return nil, err
		}
		c.aeads = append(c.aeads, aead)
	}
	return c, nil
}

func jweAEAD(secret string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, jweKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("session: deriving keys: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("session: deriving keys: %w", err)
	}
	return cipher.NewGCM(block)
}

// buffer returns scratch space of at least n bytes; release gives it back.
func (c *JWECodec) buffer(n int) *[]byte {
	if p, ok := c.bufs.Get().(*[]byte); ok && cap(*p) >= n {
		return p
	}
	b := make([]byte, 0, max(n, 8<<10))
	return &b
}

// release returns scratch space taken by buffer. Very large buffers are let go.
func (c *JWECodec) release(p *[]byte) {
	if cap(*p) <= MaxSealedBytes*3 {
		c.bufs.Put(p)
	}
}

// Seal encrypts plain, a JWT claims set, into a compact JWE.
func (c *JWECodec) Seal(plain []byte) (string, error) {
	p := c.buffer(sealRoom(len(plain)))
	defer c.release(p)
	out, err := c.appendSealed((*p)[:0], plain)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// sealRoom is the scratch space appendSealed needs for a plaintext of n bytes.
func sealRoom(n int) int {
	return len(jweHeader) + jweIVSize + n + jweTagSize + base64.RawURLEncoding.EncodedLen(n) + jweFixedChars
}

// appendSealed seals plain and returns its compact JWE, written into scratch's spare capacity
// (grown if it has too little). plain must not overlap scratch.
func (c *JWECodec) appendSealed(scratch, plain []byte) ([]byte, error) {
	// The scratch space holds the header (the additional authenticated data), the IV, the
	// sealed bytes, then the value.
	aad := append(scratch[:0], jweHeader...)
	iv := append(aad[len(aad):], make([]byte, jweIVSize)...)
	if _, err := rand.Read(iv); err != nil {
		return nil, fmt.Errorf("session: sealing: %w", err)
	}
	sealed := c.aeads[0].Seal(iv[len(iv):], iv, plain, aad)
	text, tag := sealed[:len(plain)], sealed[len(plain):]
	out := sealed[len(sealed):]
	out = append(out, jweHeader...)
	out = append(out, '.', '.')
	out = base64.RawURLEncoding.AppendEncode(out, iv)
	out = append(out, '.')
	out = base64.RawURLEncoding.AppendEncode(out, text)
	out = append(out, '.')
	return base64.RawURLEncoding.AppendEncode(out, tag), nil
}

// openRoom is the space opening an encoded value of n bytes needs: the value, then the
// decoded ciphertext and tag, the IV, and the plaintext.
func openRoom(n int) int { return n + 2*base64.RawURLEncoding.DecodedLen(n) + jweIVSize }

// jweParts are the five parts of a compact JWE value, still encoded.
type jweParts struct {
	header, key, iv, text, tag []byte
}

// splitJWE cuts value into its five parts, or reports false.
func splitJWE(value []byte) (p jweParts, ok bool) {
	var parts [5][]byte
	for i := range 4 {
		j := bytes.IndexByte(value, '.')
		if j < 0 {
			return p, false
		}
		parts[i], value = value[:j], value[j+1:]
	}
	if bytes.IndexByte(value, '.') >= 0 {
		return p, false
	}
	parts[4] = value
	return jweParts{parts[0], parts[1], parts[2], parts[3], parts[4]}, true
}

// errJWE is wrapped by every failure to open a JWE.
var errJWE = fmt.Errorf("%w: not a JWE sealed with this application's secret", ErrInvalidCookie)

// Open decrypts value, a compact JWE, and returns its plaintext. Any failure wraps
// ErrInvalidCookie. The claims are not checked (DecodeJWT checks them).
func (c *JWECodec) Open(value string) ([]byte, error) {
	plain, _, err := c.openString(value, func(plain []byte) []byte { return bytes.Clone(plain) })
	return plain, err
}

// openString opens value in scratch space and returns keep(plaintext): keep must copy what it
// keeps, as the scratch space is reused.
func (c *JWECodec) openString(value string, keep func([]byte) []byte) ([]byte, bool, error) {
	if len(value) > MaxSealedBytes {
		return nil, false, errJWE
	}
	p := c.buffer(openRoom(len(value)))
	defer c.release(p)
	plain, retired, err := c.open(append((*p)[:0], value...))
	if err != nil {
		return nil, false, err
	}
	return keep(plain), retired, nil
}

// open decrypts the compact JWE in value into value's spare capacity (see openRoom; it grows
// value's array when there is too little) and returns the plaintext, which aliases that
// array, and whether a retired secret opened it.
func (c *JWECodec) open(value []byte) (plain []byte, retired bool, err error) {
	if need := openRoom(len(value)); cap(value) < need {
		value = append(make([]byte, 0, need), value...)
	}
	parts, ok := splitJWE(value)
	if !ok || len(parts.key) != 0 || len(parts.iv) != jweIVChars || len(parts.tag) != jweTagChars {
		return nil, false, errJWE
	}
	if string(parts.header) != jweHeader {
		if err := checkJWEHeader(parts.header); err != nil {
			return nil, false, err
		}
	}
	textLen := base64.RawURLEncoding.DecodedLen(len(parts.text))
	sealed := value[len(value) : len(value)+textLen+jweTagSize]
	if n, err := base64.RawURLEncoding.Decode(sealed, parts.text); err != nil || n != textLen {
		return nil, false, errJWE
	}
	if n, err := base64.RawURLEncoding.Decode(sealed[textLen:], parts.tag); err != nil || n != jweTagSize {
		return nil, false, errJWE
	}
	iv := sealed[len(sealed) : len(sealed)+jweIVSize]
	if n, err := base64.RawURLEncoding.Decode(iv, parts.iv); err != nil || n != jweIVSize {
		return nil, false, errJWE
	}
	// The plaintext goes after sealed and the IV, so that a key that fails leaves them for
	// the next.
	out := iv[len(iv):]
	for i, aead := range c.aeads {
		if plain, err := aead.Open(out, iv, sealed, parts.header); err == nil {
			return plain, i > 0, nil
		}
	}
	return nil, false, errJWE
}

// checkJWEHeader accepts a protected header other than the usual one when it asks for the same
// algorithms and nothing this codec does not do (compression, critical extensions).
func checkJWEHeader(encoded []byte) error {
	raw := make([]byte, base64.RawURLEncoding.DecodedLen(len(encoded)))
	n, err := base64.RawURLEncoding.Decode(raw, encoded)
	if err != nil {
		return errJWE
	}
	var h struct {
		Alg  string          `json:"alg"`
		Enc  string          `json:"enc"`
		Zip  json.RawMessage `json:"zip"`
		Crit json.RawMessage `json:"crit"`
	}
	if json.Unmarshal(raw[:n], &h) != nil || h.Alg != "dir" || h.Enc != "A256GCM" || h.Zip != nil || h.Crit != nil {
		return errJWE
	}
	return nil
}
