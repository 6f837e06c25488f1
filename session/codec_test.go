package session

import (
	"errors"
	"strings"
	"testing"
)

func TestCodecRoundTrip(t *testing.T) {
	t.Parallel()
	c, err := NewCodec(PurposeSession, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := c.Seal("__session", []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "hello") {
		t.Fatal("sealed value shows the plain text")
	}
	plain, err := c.Open("__session", sealed)
	if err != nil || string(plain) != "hello" {
		t.Fatalf("Open = %q, %v", plain, err)
	}
	again, _ := c.Seal("__session", []byte("hello"))
	if again == sealed {
		t.Error("two seals of the same value are equal: no fresh IV")
	}
}

func TestCodecRefuses(t *testing.T) {
	t.Parallel()
	c, _ := NewCodec(PurposeSession, testSecret)
	sealed, _ := c.Seal("__session", []byte(`{"a":1}`))
	other, _ := NewCodec(PurposeSession, otherSecret)
	txn, _ := NewCodec(PurposeTransaction, testSecret)
	flipped := []byte(sealed)
	flipped[len(flipped)/2] ^= 1

	cases := []struct {
		name  string
		codec *Codec
		cname string
		value string
	}{
		{"another cookie name", c, "__txn_abc", sealed},
		{"another secret", other, "__session", sealed},
		{"another purpose", txn, "__session", sealed},
		{"one bit flipped", c, "__session", string(flipped)},
		{"truncated", c, "__session", sealed[:len(sealed)-5]},
		{"empty", c, "__session", ""},
		{"garbage", c, "__session", "not-a-cookie"},
		{"huge", c, "__session", strings.Repeat("A", 100_000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tc.codec.Open(tc.cname, tc.value); !errors.Is(err, ErrInvalidCookie) {
				t.Errorf("Open = %v, want ErrInvalidCookie", err)
			}
			var dst map[string]any
			if err := tc.codec.Decode(tc.cname, tc.value, &dst); !errors.Is(err, ErrInvalidCookie) {
				t.Errorf("Decode = %v, want ErrInvalidCookie", err)
			}
		})
	}
}

func TestCodecRotation(t *testing.T) {
	t.Parallel()
	old, _ := NewCodec(PurposeSession, otherSecret)
	sealedOld, _ := old.Seal("n", []byte("old"))

	rotated, err := NewCodec(PurposeSession, testSecret, otherSecret)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := rotated.Open("n", sealedOld); err != nil || string(plain) != "old" {
		t.Fatalf("retired secret does not open: %q, %v", plain, err)
	}
	sealedNew, _ := rotated.Seal("n", []byte("new"))
	if _, err := old.Open("n", sealedNew); err == nil {
		t.Error("a new value was sealed with the retired secret")
	}
	current, _ := NewCodec(PurposeSession, testSecret)
	if plain, err := current.Open("n", sealedNew); err != nil || string(plain) != "new" {
		t.Errorf("current secret does not open the new value: %v", err)
	}
}

func TestCodecSecretLength(t *testing.T) {
	t.Parallel()
	if _, err := NewCodec(PurposeSession, strings.Repeat("x", 31)); !errors.Is(err, ErrSecretTooShort) {
		t.Errorf("31-byte secret: %v", err)
	}
	if _, err := NewCodec(PurposeSession, strings.Repeat("x", 32)); err != nil {
		t.Errorf("32-byte secret: %v", err)
	}
	if _, err := NewCodec(PurposeSession, testSecret, "short"); !errors.Is(err, ErrSecretTooShort) {
		t.Errorf("short retired secret: %v", err)
	}
	_, err := NewCodec(PurposeSession, "tiny-secret-value")
	if err != nil && strings.Contains(err.Error(), "tiny-secret-value") {
		t.Error("the error shows the secret")
	}
}

func TestCodecEncodesSessionsAndValues(t *testing.T) {
	t.Parallel()
	c, _ := NewCodec(PurposeTransaction, testSecret)
	type txn struct{ State, Nonce string }
	sealed, err := c.Encode("__txn_s", txn{"s", "n"})
	if err != nil {
		t.Fatal(err)
	}
	var got txn
	if err := c.Decode("__txn_s", sealed, &got); err != nil || got != (txn{"s", "n"}) {
		t.Fatalf("Decode = %+v, %v", got, err)
	}
	var wrongShape []int
	if err := c.Decode("__txn_s", sealed, &wrongShape); !errors.Is(err, ErrInvalidCookie) {
		t.Errorf("JSON that does not fit: %v", err)
	}
}

// TestSealLeavesItsArgumentAlone: sealing does not change the bytes it is given.
func TestSealLeavesItsArgumentAlone(t *testing.T) {
	t.Parallel()
	c, err := NewCodec(PurposeSession, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte(`{"user":{"sub":"user_1"}}`)
	want := string(plain)
	sealed, err := c.Seal("__session", plain)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != want {
		t.Errorf("Seal changed its argument to %q", plain)
	}
	if opened, err := c.Open("__session", sealed); err != nil || string(opened) != want {
		t.Errorf("Open = %q, %v", opened, err)
	}
}
