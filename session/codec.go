package session

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gorilla/securecookie"
)

// MinSecretLength is the shortest secret the codec accepts, in bytes.
const MinSecretLength = 32

// ErrSecretTooShort is returned for a secret shorter than MinSecretLength bytes.
var ErrSecretTooShort = errors.New("session: secret must be at least 32 bytes (generate one with: openssl rand -hex 32)")

// ErrInvalidCookie is wrapped by every error Decode and Open return: the value was tampered
// with, truncated, sealed under another name or key, or is not a cookie of this codec at all.
// Callers treat it as "no cookie".
var ErrInvalidCookie = errors.New("session: invalid cookie")

// Purpose separates the keys of the things the library seals, so that a value sealed for one
// purpose never opens as another.
type Purpose string

// The purposes the library seals cookies for.
const (
	PurposeSession     Purpose = "authchain session"
	PurposeTransaction Purpose = "authchain login transaction"
	PurposeSessionID   Purpose = "authchain session id"
)

// Codec seals and opens cookie values: AES-256 (CTR) encryption then HMAC-SHA256
// authentication, by gorilla/securecookie, with both keys derived by HKDF-SHA256 from the
// secret and the purpose. The cookie's name is part of what is authenticated, so a value
// cannot be replayed under another name. The current secret seals; retired secrets still open,
// so secrets can be rotated without signing everyone out.
type Codec struct {
	codecs []securecookie.Codec
}

// NewCodec derives the keys of purpose from secret (which seals) and retired (which only
// open). Every secret must be at least MinSecretLength bytes.
func NewCodec(purpose Purpose, secret string, retired ...string) (*Codec, error) {
	secrets := append([]string{secret}, retired...)
	c := &Codec{codecs: make([]securecookie.Codec, 0, len(secrets))}
	for i, s := range secrets {
		if len(s) < MinSecretLength {
			if i == 0 {
				return nil, ErrSecretTooShort
			}
			return nil, fmt.Errorf("retired secret %d: %w", i, ErrSecretTooShort)
		}
		sc, err := newSecureCookie(purpose, s)
		if err != nil {
			return nil, err
		}
		c.codecs = append(c.codecs, sc)
	}
	return c, nil
}

func newSecureCookie(purpose Purpose, secret string) (*securecookie.SecureCookie, error) {
	hashKey, err := hkdf.Key(sha256.New, []byte(secret), nil, string(purpose)+" authentication", 32)
	if err != nil {
		return nil, fmt.Errorf("session: deriving keys: %w", err)
	}
	blockKey, err := hkdf.Key(sha256.New, []byte(secret), nil, string(purpose)+" encryption", 32)
	if err != nil {
		return nil, fmt.Errorf("session: deriving keys: %w", err)
	}
	sc := securecookie.New(hashKey, blockKey)
	// The chunker bounds sizes and expiry lives in the payload, checked with the injected
	// clock: securecookie's own limits (4,096 bytes, 30 days by the real clock) are off.
	sc.MaxLength(0)
	sc.MaxAge(0)
	sc.SetSerializer(securecookie.NopEncoder{})
	return sc, nil
}

// Seal encrypts and authenticates plain for the cookie called name.
func (c *Codec) Seal(name string, plain []byte) (string, error) {
	// The cipher encrypts in place: it gets a copy, so that plain is left as it was.
	v, err := c.codecs[0].Encode(name, bytes.Clone(plain))
	if err != nil {
		return "", fmt.Errorf("session: sealing cookie %q: %w", name, err)
	}
	return v, nil
}

// Open authenticates and decrypts value, read from the cookie called name. Any failure wraps
// ErrInvalidCookie.
func (c *Codec) Open(name, value string) ([]byte, error) {
	plain, _, err := c.open(name, value)
	return plain, err
}

// open is Open that also reports whether a retired secret opened the value: it is then to be
// sealed again with the current secret.
func (c *Codec) open(name, value string) (plain []byte, retired bool, err error) {
	for i, sc := range c.codecs {
		if err := sc.Decode(name, value, &plain); err == nil {
			return plain, i > 0, nil
		}
	}
	return nil, false, ErrInvalidCookie
}

// Encode seals v's JSON for the cookie called name.
func (c *Codec) Encode(name string, v any) (string, error) {
	var plain []byte
	var err error
	if s, ok := v.(*Session); ok {
		plain, err = s.appendJSON(make([]byte, 0, 3072))
	} else {
		plain, err = json.Marshal(v)
	}
	if err != nil {
		return "", fmt.Errorf("session: encoding cookie %q: %w", name, err)
	}
	return c.Seal(name, plain)
}

// Decode opens value, read from the cookie called name, and decodes its JSON into dst. Any
// failure, including JSON that does not fit dst, wraps ErrInvalidCookie.
func (c *Codec) Decode(name, value string, dst any) error {
	_, err := c.decode(name, value, dst)
	return err
}

// decode is Decode that also reports whether a retired secret opened the value.
func (c *Codec) decode(name, value string, dst any) (retired bool, err error) {
	plain, retired, err := c.open(name, value)
	if err != nil {
		return false, err
	}
	if s, ok := dst.(*Session); ok {
		err = s.UnmarshalJSON(plain)
	} else {
		err = json.Unmarshal(plain, dst)
	}
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrInvalidCookie, err)
	}
	return retired, nil
}
