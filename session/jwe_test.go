package session

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func jweKey(t testing.TB, secret string) []byte {
	t.Helper()
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, "JWE CEK", 32)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func newJWE(t testing.TB, secret string, retired ...string) *JWECodec {
	t.Helper()
	c, err := NewJWECodec(secret, retired...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestJWEGoJoseOpensOurs: go-jose, an independent JWE implementation, decrypts what the codec
// seals with the key derived as nextjs-auth0 derives it.
func TestJWEGoJoseOpensOurs(t *testing.T) {
	t.Parallel()
	c := newJWE(t, testSecret)
	plain := []byte(`{"user":{"sub":"u"},"exp":1800000000}`)
	value, err := c.Seal(plain)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := jose.ParseEncryptedCompact(value, []jose.KeyAlgorithm{jose.DIRECT}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		t.Fatal(err)
	}
	got, err := obj.Decrypt(jweKey(t, testSecret))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(plain) {
		t.Errorf("go-jose read %s", got)
	}
	if h := value[:strings.IndexByte(value, '.')]; h != jweHeader {
		t.Errorf("protected header %s", h)
	}
}

// TestJWEOpensGoJose: the codec opens what go-jose seals, whatever the header's member order.
func TestJWEOpensGoJose(t *testing.T) {
	t.Parallel()
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.DIRECT, Key: jweKey(t, testSecret)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := enc.Encrypt([]byte(`{"id":"abc"}`))
	if err != nil {
		t.Fatal(err)
	}
	value, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	got, err := newJWE(t, testSecret).Open(value)
	if err != nil || string(got) != `{"id":"abc"}` {
		t.Errorf("Open = %s, %v", got, err)
	}
}

func TestJWERetiredSecretOpens(t *testing.T) {
	t.Parallel()
	old := newJWE(t, otherSecret)
	value, err := old.Seal([]byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newJWE(t, testSecret).Open(value); !errors.Is(err, ErrInvalidCookie) {
		t.Errorf("another secret opened the value: %v", err)
	}
	c := newJWE(t, testSecret, otherSecret)
	plain, retired, err := c.openString(value, func(b []byte) []byte { return append([]byte(nil), b...) })
	if err != nil || !retired || string(plain) != `{"a":1}` {
		t.Errorf("open = %s, retired %v, %v", plain, retired, err)
	}
}

func TestJWERefusesBadValues(t *testing.T) {
	t.Parallel()
	c := newJWE(t, testSecret)
	good, err := c.Seal([]byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	b64 := base64.RawURLEncoding.EncodeToString
	flip := func(s string) string {
		b := []byte(s)
		if b[3] == 'A' {
			b[3] = 'B'
		} else {
			b[3] = 'A'
		}
		return string(b)
	}
	for name, v := range map[string]string{
		"empty":           "",
		"four parts":      strings.Join(parts[:4], "."),
		"six parts":       good + ".x",
		"encrypted key":   parts[0] + ".AAAA." + strings.Join(parts[2:], "."),
		"other algorithm": b64([]byte(`{"alg":"A256KW","enc":"A256GCM"}`)) + "." + strings.Join(parts[1:], "."),
		"other header":    b64([]byte(`{"alg":"dir","enc":"A256GCM","x":1}`)) + "." + strings.Join(parts[1:], "."),
		"compressed":      b64([]byte(`{"alg":"dir","enc":"A256GCM","zip":"DEF"}`)) + "." + strings.Join(parts[1:], "."),
		"tampered text":   strings.Join([]string{parts[0], parts[1], parts[2], flip(parts[3]), parts[4]}, "."),
		"tampered tag":    strings.Join([]string{parts[0], parts[1], parts[2], parts[3], flip(parts[4])}, "."),
		"short iv":        strings.Join([]string{parts[0], parts[1], parts[2][:12], parts[3], parts[4]}, "."),
		"not base64":      strings.Join([]string{parts[0], parts[1], parts[2], "!!!!" + parts[3], parts[4]}, "."),
	} {
		if _, err := c.Open(v); !errors.Is(err, ErrInvalidCookie) {
			t.Errorf("%s: Open = %v, want ErrInvalidCookie", name, err)
		}
	}
}

// TestJWTClockTolerance: exp and nbf are checked as jose checks them for nextjs-auth0, with
// 15 seconds of tolerance.
func TestJWTClockTolerance(t *testing.T) {
	t.Parallel()
	c := newJWE(t, testSecret)
	now := time.Unix(1_800_000_000, 0)
	for _, tc := range []struct {
		claims string
		ok     bool
	}{
		{`{"exp":1800000000}`, true},
		{`{"exp":1799999986}`, true},
		{`{"exp":1799999985}`, false},
		{`{"nbf":1800000015}`, true},
		{`{"nbf":1800000016}`, false},
		{`{"exp":null}`, false},
		{`{"exp":"1800000100"}`, false},
		{`{"iat":"yesterday"}`, false},
		{`{}`, true},
		{`[]`, false},
	} {
		value, err := c.Seal([]byte(tc.claims))
		if err != nil {
			t.Fatal(err)
		}
		var dst map[string]any
		if err := c.DecodeJWT(value, now, &dst); (err == nil) != tc.ok {
			t.Errorf("%s: DecodeJWT = %v, want ok %v", tc.claims, err, tc.ok)
		}
	}
}

func TestEncodeJWTAddsExp(t *testing.T) {
	t.Parallel()
	c := newJWE(t, testSecret)
	value, err := c.EncodeJWT(struct {
		ID string `json:"id"`
	}{"x"}, time.Unix(1_800_000_100, 0))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := c.Open(value)
	if err != nil || string(plain) != `{"id":"x","exp":1800000100}` {
		t.Errorf("plaintext = %s, %v", plain, err)
	}
	if _, err := c.EncodeJWT([]int{1}, time.Now()); err == nil {
		t.Error("a JSON array was sealed as a claims set")
	}
}
